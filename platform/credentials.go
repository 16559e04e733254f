package platform

import (
	"net/url"
	"slices"
	"strings"

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
	for _, p := range registry {
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
	for _, p := range registry {
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

// Redact returns ex with its secrets redacted: the request's headers and
// query, the response's and the forward answer's headers. ex is not
// changed; what has nothing to redact is shared.
func Redact(ex *model.Exchange) *model.Exchange {
	c := *ex
	c.Request.Headers = RedactHeaders(ex.Request.Headers)
	c.Request.RawQuery = RedactQuery(ex.Request.RawQuery)
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
