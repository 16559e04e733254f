package platform

import (
	"net/url"
	"strings"

	"github.com/harkhq/hark/model"
)

// Resign returns a copy of a recorded request signed again with the given
// secrets, as the platform would sign it: Moveo's X-Moveo-Signature is
// recomputed over the body with secrets["moveo"], and the ChatBot.com token
// query parameter is replaced with secrets["chatbot"]. It is what replaying
// a journal against a handler that checks signatures needs when the secret
// differs from the one of the recording (or the recording was unsigned).
//
// did says in a few words what was changed, "" when nothing was (no secret
// for the platform, or nothing to re-sign). The recorded request is left as
// it is: the copy has its own header map and query.
func Resign(name string, req model.Request, secrets Secrets) (out model.Request, did string) {
	out = req
	switch name {
	case moveo.Name:
		token := secrets[moveo.Name]
		if token == "" {
			return out, ""
		}
		out.Headers = cloneHeaders(req.Headers)
		for k := range out.Headers {
			if strings.EqualFold(k, moveoSignatureHeader) {
				delete(out.Headers, k)
			}
		}
		out.Headers[moveoSignatureHeader] = []string{MoveoSignature(req.Body, token)}
		return out, moveoSignatureHeader + " recomputed"
	case chatbot.Name:
		token := secrets[chatbot.Name]
		if token == "" {
			return out, ""
		}
		q, replaced := replaceQueryParam(req.RawQuery, "token", token)
		if !replaced {
			// ChatBot.com's POSTs carry no token as far as its documentation
			// says: adding one would send what the platform does not.
			return out, ""
		}
		out.RawQuery = q
		return out, "token replaced"
	}
	return out, ""
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
