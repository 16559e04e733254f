package platform

import (
	"net/url"
	"strings"

	"github.com/harkhq/hark/model"
)

// Resign returns a copy of a recorded request signed again with the given
// secrets, as the platform would sign it (an HMAC header recomputed over
// the body, a token replaced): each profile's signature says how. It is
// what replaying a journal against a handler that checks signatures needs
// when the secret differs from the one of the recording (or the recording
// was unsigned).
//
// did says in a few words what was changed, "" when nothing was (no secret
// for the platform, or nothing to re-sign). The recorded request is left as
// it is: the copy has its own header map and query.
func Resign(name string, req model.Request, secrets Secrets) (out model.Request, did string) {
	p, ok := active().Lookup(name)
	if !ok {
		return req, ""
	}
	if h := p.handshake; h != nil && h.token != nil && secrets[h.secret] != "" {
		if q, replaced := replaceToken(req, *h.token, secrets[h.secret]); replaced {
			req = q
			did = "token replaced"
		}
	}
	s, secret := p.sign, secrets[p.Name]
	if s == nil || secret == "" {
		return req, did
	}
	s = s.pick(newInput(&req, nil)) // the scheme the request was signed with
	if s.algo == "" {
		if q, replaced := replaceToken(req, s.token, s.encodeToken(secret)); replaced {
			return q, "token replaced"
		}
		return req, did
	}
	in := newInput(&req, nil)
	parts, _ := s.split(req.Header(s.header))
	if parts == nil {
		parts = map[string]string{}
	}
	req.Headers = cloneHeaders(req.Headers)
	setHeader(req.Headers, s.header, s.headerValue(secret, s.payloadOf(in, parts), parts))
	return req, s.header + " recomputed"
}

// replaceToken puts a new token where the request carries one; a request
// without one is left as it is (adding one would send what the platform
// does not).
func replaceToken(req model.Request, at source, token string) (model.Request, bool) {
	if at.from == srcQuery {
		q, replaced := replaceQueryParam(req.RawQuery, at.key, token)
		if replaced {
			req.RawQuery = q
		}
		return req, replaced
	}
	if req.Header(at.key) == "" {
		return req, false
	}
	req.Headers = cloneHeaders(req.Headers)
	setHeader(req.Headers, at.key, token)
	return req, true
}

// headerValue is the signature header for a payload: the prefix, then the
// format with the digest and the other parts in it.
func (s *signature) headerValue(secret string, payload []byte, parts map[string]string) string {
	sig := s.encode(s.mac(secret, payload))
	if s.format == nil {
		return s.prefix + sig
	}
	return s.prefix + s.format.expand(func(name, _ string) string {
		if name == "sig" {
			return sig
		}
		return parts[name]
	})
}

// signSim signs a simulated request as the platform would. url is where
// it is sent, for signatures over the URL; "" leaves such a signature to
// SignFor, which knows it.
func (s *signature) signSim(r *SimRequest, g *gen, to string) {
	if s.optional {
		return // the platform may not send it: a simulation does not
	}
	secret := g.secret
	if s.algo == "" {
		if s.token.from == srcQuery {
			q, _ := url.ParseQuery(r.RawQuery)
			if q == nil {
				q = url.Values{}
			}
			q.Set(s.token.key, s.encodeToken(secret))
			r.RawQuery = q.Encode()
			return
		}
		setHeader(r.Headers, s.token.key, s.encodeToken(secret))
		return
	}
	if s.payload.uses("url") && to == "" {
		return
	}
	parts := map[string]string{}
	run := &simRun{g: g, start: g.now()}
	for name, t := range s.parts {
		parts[name] = t.expand(run.placeholder)
	}
	req := model.Request{Method: r.Method, Path: r.Path, RawQuery: r.RawQuery, Headers: r.Headers, Body: r.Body}
	if to != "" {
		if u, err := url.Parse(to); err == nil {
			req.Host = u.Host
			req.Headers = cloneHeaders(r.Headers)
			setHeader(req.Headers, "X-Forwarded-Proto", u.Scheme)
		}
	}
	in := newInput(&req, nil)
	setHeader(r.Headers, s.header, s.headerValue(secret, s.payloadOf(in, parts), parts))
}

// SignFor signs a simulated request for the URL it is sent to, for the
// platforms that sign the URL with the body (Twilio): Conversation cannot,
// not knowing where the request goes. Other requests come back as they
// are.
func (p *Profile) SignFor(r SimRequest, to string, secrets Secrets) SimRequest {
	s := p.sign
	if s == nil || s.algo == "" || !s.payload.uses("url") || (p.handshake != nil && r.Kind == p.handshake.kind && p.handshake.token != nil) {
		return r
	}
	r.Headers = cloneHeaders(r.Headers)
	g := &gen{secret: p.secretOrDemo(secrets), t: r.At}
	s.signSim(&r, g, to)
	return r
}

// replaceQueryParam sets every value of a query parameter in a raw query,
// leaving the other parameters byte for byte as they were (url.Values would
// reorder and re-escape them).
func replaceQueryParam(raw, name, value string) (string, bool) {
	if raw == "" {
		return raw, false
	}
	parts := strings.Split(raw, "&")
	replaced := false
	for i, p := range parts {
		key, _, _ := strings.Cut(p, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if key == name {
			parts[i] = url.QueryEscape(name) + "=" + url.QueryEscape(value)
			replaced = true
		}
	}
	return strings.Join(parts, "&"), replaced
}

// setHeader replaces a header, whatever the case of its name.
func setHeader(h map[string][]string, name, value string) {
	for k := range h {
		if strings.EqualFold(k, name) {
			delete(h, k)
		}
	}
	h[name] = []string{value}
}

func cloneHeaders(h map[string][]string) map[string][]string {
	out := make(map[string][]string, len(h)+1)
	for k, v := range h {
		out[k] = v // values are replaced, never written into
	}
	return out
}
