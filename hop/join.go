package hop

import (
	"fmt"
	"net/url"
	"strings"
)

// ParseTarget parses the URL requests are sent to: an http:// or https://
// URL with a host. Its path and query are prefixes for every request (see
// Join); user:pass@ in it becomes basic auth.
func ParseTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http:// or https:// URL", raw)
	}
	return u, nil
}

// Join is the URL a request for path and rawQuery goes to on target, as
// httputil.ReverseProxy builds it: target's path, then path, with one slash
// between them; target's query, then rawQuery. path is in its escaped form
// (as url.URL.EscapedPath gives it, "" meaning "/") and is kept byte for
// byte, as are the escapes of target's path, so that an escaped "%2F"
// stays within its segment and a signature computed over the path still
// holds. Only what may not stand in an escaped path is escaped: a '%' that
// starts no escape, '?', '#', spaces, control and non-ASCII bytes; in
// rawQuery, '#', spaces and control bytes. target is not changed.
func Join(target *url.URL, path, rawQuery string) string {
	u := *target
	if path == "" {
		path = "/"
	}
	path = escapeInvalid(path, pathByte)
	switch base := u.EscapedPath(); {
	case strings.HasSuffix(base, "/") && strings.HasPrefix(path, "/"):
		u.RawPath = base + path[1:]
	case !strings.HasSuffix(base, "/") && !strings.HasPrefix(path, "/"):
		u.RawPath = base + "/" + path
	default:
		u.RawPath = base + path
	}
	// RawPath is a valid escaping now, so it unescapes, and url.URL keeps
	// it (rather than escaping Path again) because it matches Path.
	u.Path, _ = url.PathUnescape(u.RawPath)
	rawQuery = escapeInvalid(rawQuery, queryByte)
	switch {
	case u.RawQuery == "":
		u.RawQuery = rawQuery
	case rawQuery != "":
		u.RawQuery += "&" + rawQuery
	}
	return u.String()
}

// escapeInvalid percent-encodes the bytes of p that may not stand in the
// part of a URL that valid says, leaving every allowed byte and every
// valid escape as it is.
func escapeInvalid(p string, valid func(byte) bool) string {
	var b strings.Builder
	copied := false // b holds p up to i, escaped
	for i := 0; i < len(p); i++ {
		c := p[i]
		ok := valid(c) || c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2])
		switch {
		case ok && copied:
			b.WriteByte(c)
		case !ok:
			if !copied {
				b.Grow(len(p) + 8)
				b.WriteString(p[:i])
				copied = true
			}
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	if !copied {
		return p // all valid, the usual case: no copy
	}
	return b.String()
}

// pathByte reports whether c may stand unescaped in a URL path: what
// net/url accepts in a RawPath besides '%'.
func pathByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("-._~!$&'()*+,;=:@[]/", c) >= 0
}

// queryByte reports whether c may stand as it is in a query passed on: all
// but what would end the query ('#') or break the request line or the URL
// (spaces, control bytes). Other bytes, a stray '%' included, are the
// sender's business and go on as they came.
func queryByte(c byte) bool {
	return c > ' ' && c != 0x7f && c != '#'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
