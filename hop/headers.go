// The hop-by-hop headers (RFC 9110 §7.6.1) concern one connection rather
// than the message: a request or response passed on to another connection
// — forwarded to the user's handler, replayed from the journal, resent —
// must not carry them.

package hop

import (
	"net/http"
	"strings"
)

// byHop are the hop-by-hop headers every proxy removes.
var byHop = []string{"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// Strip returns a copy of h without the hop-by-hop headers, including those
// that its Connection header names.
func Strip(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		out[ck] = append(out[ck], vs...)
	}
	for _, v := range out.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				out.Del(name)
			}
		}
	}
	for _, name := range byHop {
		out.Del(name)
	}
	return out
}

// again are the recorded headers not sent again besides the hop-by-hop
// ones: those the client sets for the new connection, and Accept-Encoding,
// so that the new answer comes uncompressed and compares with the recorded
// one.
var again = []string{"Content-Length", "Host", "Accept-Encoding"}

// SendAgain is the header of a recorded request sent again (a journal
// replayed, an exchange resent): the recorded headers without the
// hop-by-hop ones and those the new connection sets itself. A request
// recorded without a User-Agent goes without one, rather than with Go's.
func SendAgain(recorded map[string][]string) http.Header {
	h := Strip(http.Header(recorded))
	for _, name := range again {
		h.Del(name)
	}
	if _, ok := h["User-Agent"]; !ok {
		h["User-Agent"] = []string{""}
	}
	return h
}
