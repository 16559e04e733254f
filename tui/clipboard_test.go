package tui

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/harkhq/hark/model"
)

// hostileBodies are bodies a curl command must carry byte for byte.
var hostileBodies = []string{
	`{"text":"it's"}`,
	"it's 'quoted' and \"double\" and `back` and $HOME and $(rm -rf ~)",
	"line one\nline two\n\ttabbed",
	"'\n'\n''",
	"escape \x1b[31mred\x1b[0m and bell \a",
	"bidi \u202eevil\u202c and C1 \u009b",
	"invalid \xff\xfe utf-8",
	`back\slash \' \\ end\`,
	"",
	"!event history ! and *glob* ?x [a]",
}

// TestShellQuoteRoundTrip runs each quoted word through a real shell and
// checks it arrives unchanged.
func TestShellQuoteRoundTrip(t *testing.T) {
	sh, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	for _, s := range hostileBodies {
		q := shellQuote(s)
		out, err := exec.Command(sh, "-c", "printf '%s' "+q).Output()
		if err != nil {
			t.Fatalf("bash failed on %q: %v", q, err)
		}
		if string(out) != s {
			t.Errorf("shellQuote(%q) = %s came back as %q", s, q, out)
		}
		if strings.ContainsAny(q, "\x1b\a\u202e\u009b") || strings.Contains(q, "\xff") {
			t.Errorf("quoted word carries raw control bytes: %q", q)
		}
	}
}

// A plain single-quoted word is POSIX: dash gets it right too.
func TestShellQuotePOSIX(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, s := range []string{"it's", "a\nb", `{"a":"b c"}`, "$(x) `y` \\z"} {
		q := shellQuote(s)
		if strings.HasPrefix(q, "$'") {
			t.Fatalf("%q should not need bash quoting: %s", s, q)
		}
		out, err := exec.Command(sh, "-c", "printf '%s' "+q).Output()
		if err != nil || string(out) != s {
			t.Errorf("sh: %s came back as %q (%v)", q, out, err)
		}
	}
}

func TestCurlCommand(t *testing.T) {
	ex := &model.Exchange{Request: model.Request{
		Method: "POST", Path: "/api/webhook/message", RawQuery: "token=a b&x='y'",
		Host: "old.example",
		Headers: map[string][]string{
			"Content-Type": {"application/json"}, "Content-Length": {"12"}, "Connection": {"keep-alive"},
			"Host": {"old.example"}, "X-Forwarded-For": {"1.2.3.4"}, "X-Moveo-Signature": {"abc"},
			"Accept": {"a", "b"}, "Transfer-Encoding": {"chunked"},
		},
		Body: []byte("{\"message\":\"it's\nhere\"}"),
	}}
	got := curlCommand(ex, "https://x.ngrok-free.app/") // the signature and the token redacted: a copied command is shared
	want := `curl -X POST 'https://x.ngrok-free.app/api/webhook/message?token=REDACTED&x='\''y'\''' -H 'Accept: a' -H 'Accept: b' -H 'Content-Type: application/json' -H 'X-Moveo-Signature: REDACTED' --data-binary '{"message":"it'\''s` + "\n" + `here"}'`
	if got != want {
		t.Errorf("curl:\n got %s\nwant %s", got, want)
	}
	// Without a public URL, the request's own host is used.
	ex.Request.Body = nil
	if got := curlCommand(ex, ""); !strings.HasPrefix(got, "curl -X POST 'http://old.example/api/webhook/message?") || strings.Contains(got, "--data-binary") {
		t.Errorf("curl without URL or body: %s", got)
	}
	// A hostile body goes in $'…' with escapes.
	ex.Request.Body = []byte("\x1b]52;c;ZXZpbA==\a")
	if got := curlCommand(ex, "https://x"); !strings.HasSuffix(got, `--data-binary $'\x1b]52;c;ZXZpbA==\x07'`) {
		t.Errorf("hostile body: %s", got)
	}
}

// The command runs: bash parses it into exactly the arguments we meant.
func TestCurlCommandParses(t *testing.T) {
	sh, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	for _, body := range hostileBodies {
		ex := &model.Exchange{Request: model.Request{Method: "POST", Path: "/p", RawQuery: "a='1'",
			Headers: map[string][]string{"X-Note": {"it's"}}, Body: []byte(body)}}
		cmd := curlCommand(ex, "https://h")
		script := "curl() { for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }; " + cmd
		out, err := exec.Command(sh, "-c", script).Output()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, cmd)
		}
		args := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		want := []string{"-X", "POST", "https://h/p?a='1'", "-H", "X-Note: it's"}
		if body != "" {
			want = append(want, "--data-binary", body)
		}
		if !slices.Equal(args, want) {
			t.Errorf("body %q: arguments %q, want %q", body, args, want)
		}
	}
}

// TestCurlCommandRedactsBodyCredentials: the body fields a platform's
// profile names as credentials (Moveo's verify_token) are redacted too.
func TestCurlCommandRedactsBodyCredentials(t *testing.T) {
	ex := &model.Exchange{Platform: "moveo", Request: model.Request{Method: "POST", Path: "/moveo/dialog", Host: "h",
		Body: []byte(`{"session_id":"s","verify_token":"tok-123","input":{"text":"hi"}}`)}}
	got := curlCommand(ex, "https://x")
	if strings.Contains(got, "tok-123") || !strings.HasSuffix(got, `--data-binary '{"session_id":"s","verify_token":"REDACTED","input":{"text":"hi"}}'`) {
		t.Errorf("curl: %s", got)
	}
}
