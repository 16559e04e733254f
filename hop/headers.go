// The hop-by-hop headers (RFC 9110 §7.6.1) concern one connection rather
// than the message: a request or response passed on to another connection
// — forwarded to the user's handler, replayed from the journal — must not
// carry them.

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
