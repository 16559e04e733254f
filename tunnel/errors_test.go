package tunnel

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/harkhq/hark/tunnel/fakeedge"
)

// codedErr mimics ngrok-go's internal error: Msg without the code line,
// ErrorCode, and a chain like the one inside disconnect events.
type codedErr struct{ text string }

func (e codedErr) Error() string { return e.text }
func (e codedErr) ErrorCode() string {
	return codePattern.FindString(e.text)
}
func (e codedErr) Msg() string {
	var keep []string
	for _, l := range strings.Split(e.text, "\n") {
		if l = strings.TrimSpace(l); l != "" && !codePattern.MatchString(l) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// withCode mimics ngrok.Error (what Listen returns).
type withCode struct{ text, code string }

func (e withCode) Error() string { return e.text }
func (e withCode) Code() string  { return e.code }

func TestNewError(t *testing.T) {
	const token = "2tokENxxxxxxxxxxxxxxxxxxxxxx"
	r := redactor{secret: token}
	inEvent := fmt.Errorf("authentication failed: %w", codedErr{fakeedge.ErrorText(107, "The authtoken you specified is properly formed, but it is invalid.\nYour authtoken: "+token)})
	e := newError(inEvent, "", r)
	want := &Error{
		Code:    "ERR_NGROK_107",
		Message: "The authtoken you specified is properly formed, but it is invalid.\nYour authtoken: 2tok…[redacted]",
		Docs:    "https://ngrok.com/docs/errors/err_ngrok_107",
		Hint:    hints["ERR_NGROK_107"],
	}
	if e.Code != want.Code || e.Message != want.Message || e.Docs != want.Docs || e.Hint != want.Hint {
		t.Fatalf("newError = %#v\nwant %#v", e, want)
	}
	if strings.Contains(e.Err.Error(), token) || !strings.Contains(e.Err.Error(), "2tok…[redacted]") {
		t.Fatalf("Err = %v; want it redacted", e.Err)
	}
	wantText := want.Message + "\n  code: ERR_NGROK_107\n  docs: https://ngrok.com/docs/errors/err_ngrok_107\n  hint: " + want.Hint
	if e.Error() != wantText {
		t.Fatalf("Error() =\n%s\nwant\n%s", e.Error(), wantText)
	}
	if e.Summary() != "The authtoken you specified is properly formed, but it is invalid. (ERR_NGROK_107)" {
		t.Fatalf("Summary() = %q", e.Summary())
	}

	// ngrok.Error from Listen: Code(), and ngrok-go's appended docs line.
	bind := withCode{text: "failed to start tunnel: The endpoint 'https://a.ngrok.app' is already online.\n\nhttps://ngrok.com/docs/errors/err_ngrok_334", code: "ERR_NGROK_334"}
	e = newError(bind, "", r)
	if e.Code != "ERR_NGROK_334" || e.Message != "failed to start tunnel: The endpoint 'https://a.ngrok.app' is already online." || e.Hint != hints["ERR_NGROK_334"] {
		t.Fatalf("bind error = %#v", e)
	}

	// Traffic policy codes share a hint; unknown codes point at the docs.
	for code, hint := range map[string]string{"ERR_NGROK_2201": policyHint, "ERR_NGROK_2236": policyHint, "ERR_NGROK_9026": policyHint, "ERR_NGROK_999": "see the docs link for this code"} {
		if got := newError(errors.New("x\r\n\r\n"+code), "", r); got.Hint != hint || got.Code != code || got.Message != "x" {
			t.Errorf("%s: %#v", code, got)
		}
	}

	// No code: no docs, no hint; escape sequences are made visible.
	e = newError(errors.New("dial tcp: \x1b[31mboom"), "could not connect: ", r)
	if e.Code != "" || e.Docs != "" || e.Hint != "" || e.Message != `could not connect: dial tcp: \x1b[31mboom` || e.Error() != e.Message {
		t.Fatalf("uncoded error = %#v", e)
	}

	// An *Error passes through unchanged.
	if again := newError(fmt.Errorf("wrapped: %w", e), "", r); again != e {
		t.Fatal("newError re-wrapped an *Error")
	}
}

func TestRedacted(t *testing.T) {
	for token, want := range map[string]string{
		"2abcdefghijklmnopqrstuvwxyz": "2abc…[redacted]",
		"short":                       "[redacted]",
	} {
		if got := redacted(token); got != want {
			t.Errorf("redacted(%q) = %q; want %q", token, got, want)
		}
	}
	r := redactor{}
	if r.redact("nothing to hide") != "nothing to hide" {
		t.Fatal("an empty secret changed the text")
	}
	plain := errors.New("no secret here")
	if (redactor{secret: "2abcdefghijklmnop"}).redactErr(plain) != plain {
		t.Fatal("an error without the secret was replaced")
	}
}

// FuzzNewError: whatever the server says, the rendered error never holds
// the token (ngrok tokens are letters, digits and _), nor a raw control
// character other than newline.
func FuzzNewError(f *testing.F) {
	f.Add("The authtoken you specified is properly formed, but it is invalid.\nYour authtoken: 2tokENxxxxxxxxxxxx\r\n\r\nERR_NGROK_107", "2tokENxxxxxxxxxxxx")
	f.Add("failed to dial ngrok server: \x1b]0;title\x07", "abcdefghijklmnop")
	f.Add("ERR_NGROK_334 ERR_NGROK_334", "ERR_NGROK_334_abc")
	f.Fuzz(func(t *testing.T, msg, token string) {
		if len(token) < 12 || strings.IndexFunc(token, func(r rune) bool {
			return !(r == '_' || r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)))
		}) >= 0 {
			t.Skip()
		}
		r := redactor{secret: token}
		e := newError(errors.New(msg), "", r)
		for what, text := range map[string]string{"Error()": e.Error(), "Summary()": e.Summary(), "Err": e.Err.Error()} {
			if strings.Contains(text, token) {
				t.Fatalf("%s shows the token: %q", what, text)
			}
		}
		for _, c := range e.Message {
			if c != '\n' && (unicode.IsControl(c) || c == 0x7f) {
				t.Fatalf("raw control character %U in %q", c, e.Message)
			}
		}
		if e.Code != "" && (!codePattern.MatchString(e.Code) || e.Docs != docsURL(e.Code)) {
			t.Fatalf("code %q docs %q", e.Code, e.Docs)
		}
	})
}
