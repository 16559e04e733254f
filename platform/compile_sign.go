package platform

import (
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	signatureKeys = []string{"hmac", "token", "header", "prefix", "encoding", "payload", "format", "parts", "timestamp", "tolerance", "optional", "caveat"}
	handshakeKeys = []string{"kind", "title", "match", "echo", "token", "secret", "answer", "reject", "simulate"}
)

// signatures reads signature: one scheme, or a list of the schemes the
// platform may use (Vapi's shared secret or its HMAC credential). A
// request is checked with the first scheme whose header or token it
// carries; the simulator signs with the first.
func (c *compiler) signatures(n *yaml.Node) *signature {
	if n.Kind != yaml.SequenceNode {
		return c.signature(n)
	}
	if len(n.Content) == 0 {
		c.errf(n, "signature: an empty list; give a scheme, or a list of the schemes the platform may use")
		return nil
	}
	first := c.signature(n.Content[0])
	for _, el := range n.Content[1:] {
		alt := c.signature(el)
		for _, s := range append([]*signature{first}, first.alts...) {
			if s.place() == alt.place() {
				c.errf(el, "signature: two schemes in %s; hark tells the schemes of a list apart by where each is", alt.place())
			}
		}
		first.alts = append(first.alts, alt)
	}
	return first
}

// signature reads one signature scheme: an HMAC or a shared-secret token.
func (c *compiler) signature(n *yaml.Node) *signature {
	o := c.object(n, "signature", signatureKeys...)
	s := &signature{optional: o.boolean("optional"), caveat: o.str("caveat")}
	if s.caveat != "" {
		s.caveat = " (" + s.caveat + ")"
	}
	switch {
	case o.has("hmac") && o.has("token"):
		c.errf(n, "signature: give hmac (a digest the platform computes) or token (a secret it sends as is), not both")
		return s
	case o.has("token"):
		s.token = c.source(o.val["token"], "signature.token")
		if s.token.from != srcHeader && s.token.from != srcQuery {
			c.errf(o.val["token"], "signature.token %q: write header:NAME or query:NAME", o.val["token"].Value)
		}
		if s.token.from == srcHeader {
			s.token.key = textproto.CanonicalMIMEHeaderKey(s.token.key)
		}
		for _, k := range []string{"header", "payload", "format", "parts", "timestamp", "tolerance"} {
			if o.has(k) {
				c.errf(o.key[k], "signature.%s is for an hmac signature, not a token", k)
			}
		}
		// A token may be written after a prefix and encoded: HTTP Basic
		// authentication is "Basic " and base64 of USER:PASSWORD.
		s.prefix = o.str("prefix")
		if o.has("encoding") {
			s.encoding = o.str("encoding")
			if s.encoding != "base64" {
				c.errf(o.val["encoding"], "signature.encoding %q: a token is sent as is, or in base64 (write base64)", s.encoding)
			}
		}
		s.scheme = strings.TrimSpace(s.token.key+" "+strings.TrimSpace(s.prefix)) + " shared secret"
		return s
	case !o.has("hmac"):
		c.errf(n, "signature needs hmac: sha1, sha256 or sha512 (an HMAC digest), or token: header:NAME (a shared secret)")
		return s
	}
	s.algo = o.str("hmac")
	if _, ok := hashes[s.algo]; !ok {
		c.errf(o.val["hmac"], "signature.hmac: unknown algorithm %q (hark knows sha1, sha256 and sha512)", s.algo)
	}
	s.header = textproto.CanonicalMIMEHeaderKey(o.str("header"))
	if s.header == "" {
		c.errf(n, "signature needs header: the header that carries the digest")
	}
	s.prefix = o.str("prefix")
	s.encoding = or(o.str("encoding"), "hex")
	if s.encoding != "hex" && s.encoding != "base64" {
		c.errf(o.val["encoding"], "signature.encoding %q: write hex or base64", s.encoding)
	}
	var formatParts []string
	if o.has("format") {
		f, err := parseTmpl(o.str("format"))
		if err == nil {
			formatParts, err = checkFormat(&f)
		}
		if err != nil {
			c.errf(o.val["format"], "signature.format: %v", err)
		}
		s.format = &f
	}
	payload, err := parseTmpl(or(o.str("payload"), "{body}"))
	if err == nil {
		err = payload.check(func(name, arg string) error { return payloadPlaceholder(name, arg, formatParts) })
	}
	if err != nil {
		c.errf(o.val["payload"], "signature.payload: %v", err)
	}
	s.payload = payload
	keys, vals := c.pairs(o.val["parts"], "signature.parts")
	s.parts = map[string]tmpl{}
	for i, k := range keys {
		t, err := parseTmpl(c.scalar(vals[i], "signature.parts"))
		if err == nil {
			err = t.check(func(name, arg string) error {
				if name == "now" && (arg == "" || arg == "ms" || arg == "s" || arg == "iso") {
					return nil
				}
				return fmt.Errorf("{%s}: a part is made of {now}, {now:ms}, {now:s} or {now:iso}", joinArg(name, arg))
			})
		}
		if err != nil {
			c.errf(vals[i], "signature.parts.%s: %v", k.Value, err)
		}
		s.parts[k.Value] = t
	}
	for _, part := range formatParts {
		if _, ok := s.parts[part]; !ok {
			c.errf(o.val["format"], "signature.format has {%s}: say under parts what the simulator puts there (e.g. %s: \"{now:ms}\")", part, part)
		}
	}
	c.signatureTime(s, o, formatParts)
	s.scheme = s.header + " HMAC-" + strings.ToUpper(s.algo)
	return s
}

// signatureTime reads timestamp and tolerance: where the time the platform
// signed at is, and how far from the receive time it may be.
func (c *compiler) signatureTime(s *signature, o *obj, formatParts []string) {
	if o.has("timestamp") != o.has("tolerance") {
		c.errf(o.n, "signature: give timestamp (where the time the platform signed at is) and tolerance (how far from the receive time it may be) together")
		return
	}
	if !o.has("timestamp") {
		return
	}
	t, err := parseTmpl(o.str("timestamp"))
	if err == nil {
		err = t.check(func(name, arg string) error { return payloadPlaceholder(name, arg, formatParts) })
	}
	if err != nil {
		c.errf(o.val["timestamp"], "signature.timestamp: %v", err)
	}
	s.stamp = &t
	s.tolerance = c.duration(o.val["tolerance"], "signature.tolerance", maxTolerance)
}

// checkFormat checks a signature header's format and returns its parts
// other than {sig}.
func checkFormat(f *tmpl) ([]string, error) {
	sigs := 0
	var parts []string
	for i, p := range f.parts {
		if !p.ph {
			continue
		}
		if i > 0 && f.parts[i-1].ph {
			return nil, errors.New("two parts side by side: put text between them so hark can tell them apart")
		}
		if p.arg != "" {
			return nil, fmt.Errorf("{%s:%s}: a part is a plain name", p.name, p.arg)
		}
		if p.name == "sig" {
			sigs++
			continue
		}
		parts = append(parts, p.name)
	}
	if sigs != 1 {
		return nil, errors.New("it must hold {sig} (where the digest is) once")
	}
	return parts, nil
}

// payloadPlaceholder checks the placeholders of a signed payload.
func payloadPlaceholder(name, arg string, parts []string) error {
	switch name {
	case "body", "url", "method", "path":
		if arg == "" {
			return nil
		}
	case "query":
		return nil
	case "header", "form":
		if arg != "" {
			return nil
		}
		return fmt.Errorf("{%s:…} needs a name, e.g. {header:X-Slack-Request-Timestamp} or {form:sorted}", name)
	default:
		for _, p := range parts {
			if p == name && arg == "" {
				return nil
			}
		}
	}
	return fmt.Errorf("unknown placeholder {%s}: a payload is made of {body}, {url}, {method}, {path}, {query}, {query:NAME}, {header:NAME}, {form:NAME}, {form:sorted} and the format's parts", joinArg(name, arg))
}

// handshake reads handshake.
func (c *compiler) handshake(n *yaml.Node, p *Profile) *handshake {
	o := c.object(n, "handshake", handshakeKeys...)
	h := &handshake{kind: or(o.str("kind"), "verify"), secret: p.Name}
	if !o.has("match") {
		c.errf(n, "handshake needs match: what makes a request the handshake (e.g. method: GET and query: {hub.challenge: \"*\"})")
	}
	h.when = c.cond(o.val["match"], "handshake.match", false)
	if o.has("echo") {
		h.echo = c.source(o.val["echo"], "handshake.echo")
	} else {
		c.errf(n, "handshake needs echo: where the value to send back is (query:challenge, or a body path)")
	}
	if o.has("token") {
		t := c.source(o.val["token"], "handshake.token")
		if t.from == srcHeader {
			t.key = textproto.CanonicalMIMEHeaderKey(t.key)
		}
		h.token = &t
	}
	if o.has("secret") {
		part := o.str("secret")
		if !nameRe.MatchString(part) {
			c.errf(o.val["secret"], "handshake.secret %q: a short lower-case word (the NAME.%s of --secret)", part, part)
		}
		if h.token == nil {
			c.errf(o.key["secret"], "handshake.secret names the secret of a token: give handshake.token too")
		}
		h.secret = p.Name + "." + part
	}
	h.answer = Template{Name: "echo", Title: "Echo the challenge", Status: 200,
		Headers: map[string][]string{"Content-Type": {"text/plain; charset=utf-8"}}, Body: "{echo}"}
	if o.has("answer") {
		h.answer = c.response(o.val["answer"], "handshake.answer", false)
		h.answer.Name, h.answer.Title = "echo", "Echo the challenge"
		if !strings.Contains(h.answer.Body, "{echo}") {
			c.errf(o.val["answer"], "handshake.answer must hold {echo}, where the challenge goes")
		}
	}
	h.jsonAns = strings.Contains(strings.Join(h.answer.Headers["Content-Type"], ""), "json")
	h.reject = http.StatusForbidden
	if o.has("reject") {
		code, err := strconv.Atoi(o.str("reject"))
		if err != nil || code < 400 || code > 499 {
			c.errf(o.val["reject"], "handshake.reject %q: the status of an answer to a wrong token, 400 to 499 (e.g. 401 or 403)", o.str("reject"))
		}
		h.reject = code
	}
	if o.has("simulate") {
		st := c.simStep(o.val["simulate"], p, "handshake.simulate", false, h.kind)
		st.kind = h.kind
		h.request = &st
	}
	if k, ok := p.Kind(h.kind); ok {
		k.Default = h.answer
		k.Templates = nil
	}
	return h
}
