package tunnel

import (
	"net/netip"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Limits of ngrok's basic-auth action.
const (
	MaxBasicAuthCredentials = 10
	MinBasicAuthPassword    = 8
	MaxBasicAuthPassword    = 128
)

// normalizeURL checks --url and returns it as scheme://host. It accepts a
// bare hostname (https is assumed) or an http(s) URL without path, query,
// port or credentials; a leading "*." label asks for a wildcard endpoint.
func normalizeURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", nil
	}
	bad := func(why string) (string, error) {
		return "", usageErr("--url", "%q: %s; want a reserved hostname such as example.ngrok.app or https://example.ngrok.app", raw, why)
	}
	scheme := "https"
	if before, after, ok := strings.Cut(s, "://"); ok {
		scheme, s = strings.ToLower(before), after
		if scheme != "https" && scheme != "http" {
			return bad("hark serves HTTP, so the scheme must be https:// or http://")
		}
	}
	u, err := url.Parse(scheme + "://" + s)
	if err != nil {
		return bad("not a URL")
	}
	switch {
	case u.User != nil:
		return bad("credentials do not belong in the URL (use --basic-auth)")
	case u.Port() != "":
		return bad("no port: ngrok serves https on 443")
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "", u.ForceQuery:
		return bad("no path or query: the endpoint is a whole host (every path reaches hark)")
	}
	host := strings.ToLower(u.Hostname())
	if !validHostname(host) {
		return bad("not a valid hostname")
	}
	return u.Scheme + "://" + host, nil
}

// validHostname accepts DNS names with at least two labels, each of letters,
// digits and inner hyphens; the first label may be "*".
func validHostname(host string) bool {
	if len(host) > 253 || !strings.Contains(host, ".") {
		return false
	}
	for i, label := range strings.Split(host, ".") {
		if i == 0 && label == "*" {
			continue
		}
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// checkBasicAuth validates --basic-auth values against ngrok's limits. The
// error names the user, never the password.
func checkBasicAuth(creds []string) error {
	if len(creds) > MaxBasicAuthCredentials {
		return usageErr("--basic-auth", "%d credentials given; ngrok accepts at most %d", len(creds), MaxBasicAuthCredentials)
	}
	for _, c := range creds {
		user, pass, ok := strings.Cut(c, ":")
		switch {
		case !ok:
			return usageErr("--basic-auth", "%q: want user:password", maskCredential(c))
		case user == "":
			return usageErr("--basic-auth", "%q: the user name is empty; want user:password", maskCredential(c))
		case !utf8.ValidString(c):
			return usageErr("--basic-auth", "%q: not valid UTF-8", maskCredential(c))
		}
		if n := utf8.RuneCountInString(pass); n < MinBasicAuthPassword || n > MaxBasicAuthPassword {
			return usageErr("--basic-auth", "%q: the password must have %d to %d characters (it has %d)", maskCredential(c), MinBasicAuthPassword, MaxBasicAuthPassword, n)
		}
	}
	return nil
}

// maskCredential shows user:… so an error never echoes a password.
func maskCredential(c string) string {
	user, _, ok := strings.Cut(c, ":")
	if !ok {
		if len(c) > 0 {
			return "…"
		}
		return ""
	}
	return user + ":…"
}

// normalizeCIDRs parses --allow-cidr values. A bare address stands for
// itself (/32 or /128); host bits are cleared (10.1.2.3/8 is 10.0.0.0/8).
func normalizeCIDRs(values []string) ([]string, error) {
	out := make([]string, 0, len(values))
	for _, v := range values {
		s := strings.TrimSpace(v)
		var p netip.Prefix
		if strings.Contains(s, "/") {
			var err error
			if p, err = netip.ParsePrefix(s); err != nil {
				return nil, usageErr("--allow-cidr", "%q: not a CIDR such as 203.0.113.0/24 or 2001:db8::/32", v)
			}
		} else {
			a, err := netip.ParseAddr(s)
			if err != nil || a.Zone() != "" {
				return nil, usageErr("--allow-cidr", "%q: not an IP address or CIDR such as 203.0.113.7 or 203.0.113.0/24", v)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked().String())
	}
	return out, nil
}
