package platform

import (
	"net/url"
	"strings"

	"github.com/harkhq/hark/model"
)

// Resign returns a copy of a recorded request signed again with the given
// secrets, as the platform would sign it (Moveo's X-Moveo-Signature is
// recomputed over the body, ChatBot.com's ?token= replaced): each profile
// that signs says how. It is what replaying a journal against a handler
// that checks signatures needs when the secret differs from the one of the
// recording (or the recording was unsigned).
//
// did says in a few words what was changed, "" when nothing was (no secret
// for the platform, or nothing to re-sign). The recorded request is left as
// it is: the copy has its own header map and query.
func Resign(name string, req model.Request, secrets Secrets) (out model.Request, did string) {
	p, ok := Lookup(name)
	if !ok || p.resign == nil || secrets[p.Name] == "" {
		return req, ""
	}
	return p.resign(req, secrets[p.Name])
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

func cloneHeaders(h map[string][]string) map[string][]string {
	out := make(map[string][]string, len(h)+1)
	for k, v := range h {
		out[k] = v // values are replaced, never written into
	}
	return out
}
