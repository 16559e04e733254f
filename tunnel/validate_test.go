package tunnel

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeURL(t *testing.T) {
	good := map[string]string{
		"":                           "",
		"example.ngrok.app":          "https://example.ngrok.app",
		"https://example.ngrok.app":  "https://example.ngrok.app",
		"https://example.ngrok.app/": "https://example.ngrok.app",
		"HTTPS://Example.NGROK.app":  "https://example.ngrok.app",
		"http://hooks.example.com":   "http://hooks.example.com",
		"  my-app.ngrok-free.app ":   "https://my-app.ngrok-free.app",
		"*.hooks.example.com":        "https://*.hooks.example.com",
	}
	for in, want := range good {
		got, err := normalizeURL(in)
		if err != nil || got != want {
			t.Errorf("normalizeURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"example.ngrok.app/hooks":        `invalid --url: "example.ngrok.app/hooks": no path or query: the endpoint is a whole host (every path reaches hark); want a reserved hostname such as example.ngrok.app or https://example.ngrok.app`,
		"https://example.ngrok.app?x=1":  `no path or query`,
		"tcp://1.tcp.ngrok.io:12345":     `the scheme must be https:// or http://`,
		"https://example.ngrok.app:8443": `no port: ngrok serves https on 443`,
		"https://u:p@example.ngrok.app":  `credentials do not belong in the URL (use --basic-auth)`,
		"localhost":                      `not a valid hostname`,
		"exa_mple.ngrok.app":             `not a valid hostname`,
		"-bad.ngrok.app":                 `not a valid hostname`,
		"https://":                       `not a valid hostname`,
	}
	for in, want := range bad {
		_, err := normalizeURL(in)
		var ue *UsageError
		if !errors.As(err, &ue) || ue.Flag != "--url" || !strings.Contains(err.Error(), want) {
			t.Errorf("normalizeURL(%q) error = %v; want a --url usage error containing %q", in, err, want)
		}
	}
}

func TestCheckBasicAuth(t *testing.T) {
	if err := checkBasicAuth([]string{"alice:correct-horse", "bob:12345678", "u:" + strings.Repeat("p", 128), "ü:pässwörd"}); err != nil {
		t.Fatalf("valid credentials rejected: %v", err)
	}
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = "user:password1"
	}
	cases := []struct {
		creds []string
		want  string
	}{
		{[]string{"alice"}, `invalid --basic-auth: "…": want user:password`},
		{[]string{":password1"}, `invalid --basic-auth: ":…": the user name is empty; want user:password`},
		{[]string{"bob:short"}, `invalid --basic-auth: "bob:…": the password must have 8 to 128 characters (it has 5)`},
		{[]string{"bob:" + strings.Repeat("p", 129)}, `invalid --basic-auth: "bob:…": the password must have 8 to 128 characters (it has 129)`},
		{[]string{"bob:\xffpassword"}, `invalid --basic-auth: "bob:…": not valid UTF-8`},
		{eleven, `invalid --basic-auth: 11 credentials given; ngrok accepts at most 10`},
	}
	for _, c := range cases {
		err := checkBasicAuth(c.creds)
		if err == nil || err.Error() != c.want {
			t.Errorf("checkBasicAuth(%q) = %v; want %q", c.creds, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "short") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}

func TestNormalizeCIDRs(t *testing.T) {
	got, err := normalizeCIDRs([]string{"203.0.113.0/24", "198.51.100.7", "2001:db8::1", "10.1.2.3/8", " 192.0.2.0/25 "})
	want := []string{"203.0.113.0/24", "198.51.100.7/32", "2001:db8::1/128", "10.0.0.0/8", "192.0.2.0/25"}
	if err != nil || strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("normalizeCIDRs = %v, %v; want %v", got, err, want)
	}
	bad := map[string]string{
		"203.0.113.0/33": `invalid --allow-cidr: "203.0.113.0/33": not a CIDR such as 203.0.113.0/24 or 2001:db8::/32`,
		"example.com":    `invalid --allow-cidr: "example.com": not an IP address or CIDR such as 203.0.113.7 or 203.0.113.0/24`,
		"fe80::1%eth0":   `invalid --allow-cidr: "fe80::1%eth0": not an IP address or CIDR such as 203.0.113.7 or 203.0.113.0/24`,
		"":               `invalid --allow-cidr: "": not an IP address or CIDR such as 203.0.113.7 or 203.0.113.0/24`,
	}
	for in, want := range bad {
		if _, err := normalizeCIDRs([]string{in}); err == nil || err.Error() != want {
			t.Errorf("normalizeCIDRs(%q) = %v; want %q", in, err, want)
		}
	}
}
