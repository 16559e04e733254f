package hop

import (
	"net/url"
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	for _, ok := range []string{"http://h", "https://h:8443/base/?k=v", "http://user:pass@127.0.0.1:3000/hook"} {
		if _, err := ParseTarget(ok); err != nil {
			t.Errorf("ParseTarget(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "ftp://h", "not a url", "http://", "localhost:3000", "://x", "http://h/%zz"} {
		_, err := ParseTarget(bad)
		if err == nil || !strings.Contains(err.Error(), "is not an http:// or https:// URL") {
			t.Errorf("ParseTarget(%q) = %v, want an error", bad, err)
		}
	}
}

func TestJoin(t *testing.T) {
	for _, tt := range []struct{ base, path, query, want string }{
		// base without a path, with a bare slash
		{"http://h", "/hook", "", "http://h/hook"},
		{"http://h/", "/hook", "", "http://h/hook"},
		{"http://h", "", "", "http://h/"},
		{"http://h/", "/", "", "http://h/"},
		// base with a path, with and without a trailing slash
		{"http://h/base", "/api/webhook/message", "", "http://h/base/api/webhook/message"},
		{"http://h/base/", "/api/webhook/message", "", "http://h/base/api/webhook/message"},
		{"http://h/base/", "", "", "http://h/base/"},
		{"http://h/base", "", "", "http://h/base/"},
		{"http://h/base", "x", "", "http://h/base/x"},
		{"http://h/base/", "x", "", "http://h/base/x"},
		// escaped segments, in the request's path and in the base's, kept
		{"http://h", "/a%2Fb/c", "", "http://h/a%2Fb/c"},
		{"http://h/t%2Fu/", "/a%2Fb", "", "http://h/t%2Fu/a%2Fb"},
		{"http://h", "/caf%C3%A9/x%20y", "", "http://h/caf%C3%A9/x%20y"},
		{"http://h/sub%2Fdir/", "/v1:run/a@b/[x]/~u/", "", "http://h/sub%2Fdir/v1:run/a@b/[x]/~u/"},
		// what may not stand in an escaped path is escaped, the rest kept
		{"http://h", "/a%zz", "", "http://h/a%25zz"},
		{"http://h/t%2Fu", "/a?b#c d%", "", "http://h/t%2Fu/a%3Fb%23c%20d%25"},
		{"http://h", "/caf\xc3\xa9\x00", "", "http://h/caf%C3%A9%00"},
		// a path that looks like a host stays a path
		{"http://h", "//evil.example/x", "", "http://h//evil.example/x"},
		// queries: the base's first, then the request's
		{"http://h", "/x", "a=1", "http://h/x?a=1"},
		{"https://h/b?k=v", "/x", "", "https://h/b/x?k=v"},
		{"https://h/b?k=v", "/x", "challenge=c&token=t", "https://h/b/x?k=v&challenge=c&token=t"},
		{"http://h/?k=v", "/x", "a=%zz&b=caf\xc3\xa9", "http://h/x?k=v&a=%zz&b=caf\xc3\xa9"}, // kept as sent
		{"http://h", "/x", "a=b c#d\x01", "http://h/x?a=b%20c%23d%01"},                       // would break the URL
		{"http://u:p@h:3000/b", "/x", "", "http://u:p@h:3000/b/x"},
	} {
		base, err := ParseTarget(tt.base)
		if err != nil {
			t.Fatal(err)
		}
		before := *base
		if got := Join(base, tt.path, tt.query); got != tt.want {
			t.Errorf("Join(%s, %q, %q) = %s, want %s", tt.base, tt.path, tt.query, got, tt.want)
		}
		if *base != before {
			t.Errorf("Join changed its base %s", tt.base)
		}
	}
}

// FuzzJoin: whatever path and query a request brings, the joined URL
// parses, goes to the target's host, and starts with the target's path.
func FuzzJoin(f *testing.F) {
	for _, s := range []string{"/hook", "", "x", "/a%2Fb", "//evil.example/x", "/a%zz", "/a?b#c", "/@evil", "\\\\evil/x", "/../../etc"} {
		f.Add(s, "a=1")
	}
	targets := []string{"http://h", "http://h:8080/base/", "https://u:p@h/t%2Fu?k=v"}
	f.Fuzz(func(t *testing.T, path, query string) {
		for _, target := range targets {
			base, err := ParseTarget(target)
			if err != nil {
				t.Fatal(err)
			}
			got := Join(base, path, query)
			u, err := url.Parse(got)
			if err != nil {
				t.Fatalf("Join(%s, %q, %q) = %q, which does not parse: %v", target, path, query, got, err)
			}
			if u.Scheme != base.Scheme || u.Host != base.Host || u.User.String() != base.User.String() {
				t.Fatalf("Join(%s, %q, %q) = %q: left the target", target, path, query, got)
			}
			if !strings.HasPrefix(u.EscapedPath(), strings.TrimSuffix(base.EscapedPath(), "/")) {
				t.Fatalf("Join(%s, %q, %q) = %q: lost the target's path", target, path, query, got)
			}
		}
	})
}
