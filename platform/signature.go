package platform

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/harkhq/hark/model"
)

// signature is how a platform proves its requests: an HMAC of a payload
// built from the request, or a shared secret it sends as is.
type signature struct {
	scheme string // for people: "X-Hub-Signature-256 HMAC-SHA256"

	// An HMAC: header holds, after prefix, the digest of payload keyed
	// with the secret, in encoding; format, when set, says where in the
	// header the digest ({sig}) and the payload's other parts are.
	algo     string // sha1, sha256, sha512
	header   string
	prefix   string
	encoding string // hex, base64
	payload  tmpl
	format   *tmpl
	parts    map[string]tmpl // what the simulator puts in the format's other parts

	token source // a shared secret sent as is (a header or a query parameter), after prefix, maybe in base64

	// stamp, when set, is where the time the platform signed at is (a
	// format part, a header); a request signed more than tolerance away
	// from its receive time is a replay, or was held on the way.
	stamp     *tmpl
	tolerance time.Duration

	optional bool   // a request without it is fine, even when a secret is set
	caveat   string // appended to every result's detail: what the documentation leaves open

	alts []*signature // the other schemes the platform may use, tried when this one's place is empty
}

// schemes are the signature and its alternatives, in the file's order.
func (s *signature) schemes() []*signature { return append([]*signature{s}, s.alts...) }

// place is where a scheme is carried: its header, or its token's place.
func (s *signature) place() string {
	if s.algo != "" {
		return "header:" + s.header
	}
	return s.token.String()
}

// pick is the scheme a request uses: the first whose header or token it
// carries, else the first (which then reports it missing).
func (s *signature) pick(in *input) *signature {
	for _, alt := range s.schemes() {
		if alt.algo != "" {
			if _, ok := in.header(alt.header); ok {
				return alt
			}
		} else if _, ok := alt.presentToken(in); ok {
			return alt
		}
	}
	return s
}

var hashes = map[string]func() hash.Hash{"sha1": sha1.New, "sha256": sha256.New, "sha512": sha512.New}

// checkSignature checks a request of a kind with the profile's secret. A
// handshake with a token of its own is checked against that token; other
// requests against the signature.
func (p *Profile) checkSignature(in *input, k *Kind) model.Signature {
	if h := p.handshake; h != nil && k.Name == h.kind && h.token != nil {
		return h.checkToken(in, p)
	}
	if p.sign == nil {
		return model.Signature{}
	}
	sig := p.sign.pick(in).check(in, p.Name)
	if sig.State == model.SigMissing && len(p.sign.alts) > 0 {
		sig.Detail = "--secret " + p.Name + " is set but the request carries none of " + p.sign.places()
	}
	return sig
}

// check checks a request with one scheme.
func (s *signature) check(in *input, name string) model.Signature {
	sig := model.Signature{Scheme: s.scheme}
	secret := in.secret
	if s.algo == "" {
		got, present := s.presentToken(in)
		if !present && (s.optional || secret == "") {
			return model.Signature{}
		}
		if got, ok := s.decodeToken(got); !ok {
			if secret == "" {
				return model.Signature{} // another kind of credential, and nothing to check it with
			}
			sig.State, sig.Detail = model.SigInvalid, s.token.key+" does not carry "+strings.TrimSpace(s.prefix)+" credentials"
		} else {
			sig.State, sig.Detail = compareToken(got, secret, name)
		}
		sig.Detail += s.caveat
		return sig
	}
	got, _ := in.header(s.header)
	switch {
	case got == "" && (secret == "" || s.optional):
		return model.Signature{} // nothing signed, nothing to check with
	case got == "":
		sig.State, sig.Detail = model.SigMissing, "--secret "+name+" is set but the request has no "+s.header+" header"
	case secret == "":
		sig.State, sig.Detail = model.SigUnchecked, "signed, but no --secret "+name+" to check it with"
	case in.req.Truncated:
		// The signature covers bytes hark did not keep: saying invalid
		// would blame the sender for hark's size limit.
		sig.State, sig.Detail = model.SigUnchecked, "the body was cut by the size limit, so its signature cannot be checked"
	case s.verify(in, got, secret):
		sig.State, sig.Detail = s.checkTime(in, got)
		if sig.State == model.SigValid {
			sig.Detail = s.what() + " matches the " + name + " secret" + sig.Detail
		}
	default:
		sig.State, sig.Detail = model.SigInvalid, s.what()+" does not match: another secret, or the request changed on the way"
	}
	sig.Detail += s.caveat
	return sig
}

// places names where the schemes are carried, for a missing signature.
func (s *signature) places() string {
	var out []string
	for _, alt := range s.schemes() {
		switch {
		case alt.algo != "":
			out = append(out, alt.header)
		case alt.token.from == srcQuery:
			out = append(out, "?"+alt.token.key)
		default:
			out = append(out, alt.token.key)
		}
	}
	return strings.Join(out, ", ")
}

// decodeToken reads a token after its prefix and in its encoding; ok is
// false when the value is not of that form (a Bearer token where Basic
// credentials were expected).
func (s *signature) decodeToken(v string) (string, bool) {
	if s.prefix != "" {
		if len(v) < len(s.prefix) || !strings.EqualFold(v[:len(s.prefix)], s.prefix) {
			return "", v == "" // an empty value is a missing token, not another kind
		}
		v = strings.TrimSpace(v[len(s.prefix):])
	}
	if s.encoding == "base64" && v != "" {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return "", false
		}
		v = string(b)
	}
	return v, true
}

// encodeToken writes a secret as the platform sends it.
func (s *signature) encodeToken(secret string) string {
	if s.encoding == "base64" {
		secret = base64.StdEncoding.EncodeToString([]byte(secret))
	}
	return s.prefix + secret
}

// what says what is signed, for details: "HMAC-SHA256 of the body".
func (s *signature) what() string {
	of := "of the body"
	if s.payload.src != "{body}" {
		var parts []string
		for _, p := range s.payload.parts {
			switch {
			case !p.ph:
				parts = append(parts, strconv.Quote(p.lit))
			case p.name == "header" || p.name == "form" || p.name == "query":
				parts = append(parts, p.arg)
			default:
				parts = append(parts, p.name)
			}
		}
		of = "of " + strings.Join(parts, " + ")
	}
	return "HMAC-" + strings.ToUpper(s.algo) + " " + of
}

// verify recomputes the digest and compares it in constant time.
func (s *signature) verify(in *input, got, secret string) bool {
	parts, ok := s.split(got)
	if !ok {
		return false
	}
	digest, err := s.decode(parts["sig"])
	if err != nil {
		return false
	}
	if hmac.Equal(digest, s.mac(secret, s.payloadOf(in, parts))) {
		return true
	}
	// A signed URL's scheme is what the platform called. Without
	// X-Forwarded-Proto (a proxy that does not say, a request saved to a
	// file) hark cannot tell http from https, and either digest proves
	// the secret; tunnels say, and platforms that sign URLs call https.
	if _, said := in.header("X-Forwarded-Proto"); said || !s.payload.uses("url") {
		return false
	}
	in.scheme = "https"
	defer func() { in.scheme = "" }()
	return hmac.Equal(digest, s.mac(secret, s.payloadOf(in, parts)))
}

// split reads the header value: the prefix (if there: platforms and
// proxies differ in case and presence) and the format's parts.
func (s *signature) split(v string) (map[string]string, bool) {
	v = strings.TrimSpace(v)
	prefix := s.prefix
	if prefix == "" {
		prefix = s.algo + "=" // some senders and proxies add it: sha256=
	}
	if len(v) >= len(prefix) && strings.EqualFold(v[:len(prefix)], prefix) {
		v = v[len(prefix):]
	}
	if s.format == nil {
		return map[string]string{"sig": v}, true
	}
	parts := map[string]string{}
	rest := v
	for i, p := range s.format.parts {
		if !p.ph {
			j := strings.Index(rest, p.lit)
			if j != 0 {
				return nil, false
			}
			rest = rest[len(p.lit):]
			continue
		}
		end := len(rest)
		if i+1 < len(s.format.parts) {
			end = strings.Index(rest, s.format.parts[i+1].lit)
			if end < 0 {
				return nil, false
			}
		}
		parts[p.name], rest = rest[:end], rest[end:]
	}
	return parts, rest == ""
}

func (s *signature) decode(v string) ([]byte, error) {
	if s.encoding == "base64" {
		if b, err := base64.StdEncoding.DecodeString(v); err == nil {
			return b, nil
		}
		return base64.URLEncoding.DecodeString(v)
	}
	return hex.DecodeString(strings.ToLower(v))
}

func (s *signature) encode(b []byte) string {
	if s.encoding == "base64" {
		return base64.StdEncoding.EncodeToString(b)
	}
	return hex.EncodeToString(b)
}

func (s *signature) mac(secret string, payload []byte) []byte {
	m := hmac.New(hashes[s.algo], []byte(secret))
	m.Write(payload)
	return m.Sum(nil)
}

// payloadOf builds the signed bytes from the request and the header's
// parts.
func (s *signature) payloadOf(in *input, parts map[string]string) []byte {
	if s.payload.src == "{body}" {
		return in.req.Body
	}
	return []byte(s.expand(in, parts, &s.payload))
}

// expand fills a template of the request's parts (a payload, a
// timestamp's place).
func (s *signature) expand(in *input, parts map[string]string, t *tmpl) string {
	return t.expand(func(name, arg string) string {
		switch name {
		case "body":
			return string(in.req.Body)
		case "url":
			return in.publicURL()
		case "method":
			return in.req.Method
		case "path":
			return in.req.Path
		case "query":
			if arg == "" {
				return in.req.RawQuery
			}
			return in.query().Get(arg)
		case "header":
			v, _ := in.header(arg)
			return v
		case "form":
			if arg == "sorted" {
				return sortedForm(in.form)
			}
			return in.form.Get(arg)
		}
		return parts[name]
	})
}

// sortedForm is Twilio's way to sign form fields: each name followed by its
// value, names in sorted order.
func sortedForm(form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range form[k] {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	return b.String()
}

// publicURL is the URL the platform called: the public one when the
// request came through a tunnel (X-Forwarded-Proto and Host), since that is
// what platforms that sign the URL sign.
func (in *input) publicURL() string {
	scheme, _ := in.header("X-Forwarded-Proto")
	if i := strings.IndexByte(scheme, ','); i >= 0 {
		scheme = scheme[:i]
	}
	scheme = strings.TrimSpace(scheme)
	if in.scheme != "" {
		scheme = in.scheme
	}
	if scheme == "" {
		scheme = "http"
	}
	host := in.req.Host
	if host == "" {
		host, _ = in.header("Host")
	}
	u := scheme + "://" + host + in.req.Path
	if in.req.RawQuery != "" {
		u += "?" + in.req.RawQuery
	}
	return u
}

// presentToken is the token a request carries, and whether it carries one.
func (s *signature) presentToken(in *input) (string, bool) {
	if s.token.from == srcQuery {
		q := in.query()
		return q.Get(s.token.key), q.Has(s.token.key)
	}
	return in.header(s.token.key)
}

// compareToken compares a shared secret a request carries with the one
// configured.
func compareToken(got, secret, name string) (model.SigState, string) {
	switch {
	case secret == "":
		return model.SigUnchecked, "no --secret " + name + ": the token was not checked"
	case got == "":
		return model.SigMissing, "--secret " + name + " is set but the request carries no token"
	case subtle.ConstantTimeCompare([]byte(got), []byte(secret)) == 1:
		return model.SigValid, "token matches --secret " + name
	}
	return model.SigInvalid, "token does not match --secret " + name
}
