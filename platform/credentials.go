package platform

import (
	"net/url"
	"slices"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/harkhq/hark/model"
)

// Credentials name the parts of a platform's requests that carry secrets:
// exports that people share (HAR, Markdown, the monitor's curl copy)
// replace their values with Redacted. The journal keeps them, since
// replaying a request needs its exact bytes.
type Credentials struct {
	Headers []string // header names, e.g. X-Moveo-Signature
	Words   []string // any header whose name holds one of these words, lowercase
	Query   []string // query parameters, e.g. token
	JSON    []string // paths of the profile's own JSON bodies, e.g. verify_token (Moveo's dialog webhook)
}

// Redacted replaces a secret's value.
const Redacted = "REDACTED"

// httpCredentials are HTTP's own: whatever the platform, they carry
// secrets.
var httpCredentials = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key"}

// SecretHeader reports whether a header carries a secret: HTTP's
// credentials, and those any profile names.
func SecretHeader(name string) bool {
	for _, h := range httpCredentials {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	lower := strings.ToLower(name)
	for _, p := range active().profiles {
		for _, h := range p.Credentials.Headers {
			if strings.EqualFold(h, name) {
				return true
			}
		}
		for _, w := range p.Credentials.Words {
			if strings.Contains(lower, w) {
				return true
			}
		}
	}
	return false
}

// SecretQuery reports whether a query parameter carries a secret for any
// profile.
func SecretQuery(name string) bool {
	for _, p := range active().profiles {
		if slices.Contains(p.Credentials.Query, name) {
			return true
		}
	}
	return false
}

// RedactHeaders returns h with the values of secret headers replaced by
// Redacted; h itself when it holds none.
func RedactHeaders(h map[string][]string) map[string][]string {
	var out map[string][]string
	for k, vs := range h {
		if !SecretHeader(k) {
			continue
		}
		if out == nil {
			out = make(map[string][]string, len(h))
			for k2, v2 := range h {
				out[k2] = v2
			}
		}
		red := make([]string, len(vs))
		for i := range red {
			red[i] = Redacted
		}
		out[k] = red
	}
	if out == nil {
		return h
	}
	return out
}

// RedactQuery returns a raw query with the values of secret parameters
// replaced by Redacted, everything else byte for byte as it was.
func RedactQuery(raw string) string {
	if raw == "" {
		return raw
	}
	parts := strings.Split(raw, "&")
	changed := false
	for i, part := range parts {
		key, _, hasValue := strings.Cut(part, "=")
		name, err := url.QueryUnescape(key)
		if err != nil {
			name = key
		}
		if hasValue && SecretQuery(name) {
			parts[i] = key + "=" + Redacted
			changed = true
		}
	}
	if !changed {
		return raw
	}
	return strings.Join(parts, "&")
}

// RedactBody returns a request body of a platform with the values at its
// profile's credential paths replaced by "REDACTED", every other byte as it
// was; body itself when there is nothing to redact. A path names body
// fields only of its own platform's requests: verify_token may be an
// innocent field elsewhere.
func RedactBody(platform string, body []byte) []byte {
	p, ok := active().Lookup(platform)
	if !ok || len(p.Credentials.JSON) == 0 || !gjson.ValidBytes(body) {
		return body
	}
	type span struct{ at, end int }
	var spans []span
	for _, path := range p.Credentials.JSON {
		r := gjson.GetBytes(body, path)
		switch {
		case len(r.Indexes) > 0: // a path through arrays: each value found
			for i, el := range r.Array() {
				if i < len(r.Indexes) && el.Type != gjson.Null {
					spans = append(spans, span{r.Indexes[i], r.Indexes[i] + len(el.Raw)})
				}
			}
		case r.Index > 0 && r.Type != gjson.Null:
			spans = append(spans, span{r.Index, r.Index + len(r.Raw)})
		}
	}
	if len(spans) == 0 {
		return body
	}
	// In body order, an outer value before the values inside it, which
	// its redaction covers.
	slices.SortFunc(spans, func(a, b span) int {
		if a.at != b.at {
			return a.at - b.at
		}
		return b.end - a.end
	})
	var out []byte
	done := 0
	for _, s := range spans {
		if s.at < done || s.end > len(body) {
			continue
		}
		out = append(append(append(out, body[done:s.at]...), '"'), Redacted+`"`...)
		done = s.end
	}
	return append(out, body[done:]...)
}

// Redact returns ex with its secrets redacted: the request's headers,
// query and the body fields its profile names, the response's and the
// forward answer's headers. ex is not changed; what has nothing to redact
// is shared.
func Redact(ex *model.Exchange) *model.Exchange {
	c := *ex
	c.Request.Headers = RedactHeaders(ex.Request.Headers)
	c.Request.RawQuery = RedactQuery(ex.Request.RawQuery)
	c.Request.Body = RedactBody(ex.Platform, ex.Request.Body)
	if r := ex.Response; r != nil {
		rc := *r
		rc.Headers = RedactHeaders(r.Headers)
		c.Response = &rc
	}
	if f := ex.Forward; f != nil {
		fc := *f
		fc.Headers = RedactHeaders(f.Headers)
		fc.URL = redactURL(f.URL)
		c.Forward = &fc
	}
	return &c
}

// redactURL redacts the query of a URL.
func redactURL(u string) string {
	base, query, ok := strings.Cut(u, "?")
	if !ok {
		return u
	}
	return base + "?" + RedactQuery(query)
}
