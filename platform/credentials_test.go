package platform

import (
	"testing"

	"github.com/harkhq/hark/model"
)

func TestSecretHeader(t *testing.T) {
	for name, want := range map[string]bool{
		"Authorization": true, "authorization": true, "Cookie": true, "Set-Cookie": true, "X-Api-Key": true,
		"Proxy-Authorization": true,
		"X-Moveo-Signature":   true,                                                                 // the moveo profile's
		"X-Hub-Signature-256": true, "X-Telegram-Bot-Api-Secret-Token": true, "X-Vapi-Secret": true, // any sender's
		"Content-Type": false, "X-Moveo-Request-Id": false, "User-Agent": false, "X-Forwarded-For": false,
	} {
		if got := SecretHeader(name); got != want {
			t.Errorf("SecretHeader(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestRedactQuery(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "",
		"a=1":                     "a=1",
		"challenge=c&token=t":     "challenge=c&token=REDACTED",
		"tok%65n=t&x=y&token":     "tok%65n=REDACTED&x=y&token",
		"x=%zz&token=a%20b;c&y=1": "x=%zz&token=REDACTED&y=1",
	} {
		if got := RedactQuery(in); got != want {
			t.Errorf("RedactQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactLeavesTheExchange(t *testing.T) {
	ex := &model.Exchange{
		Request:  model.Request{RawQuery: "token=t", Headers: map[string][]string{"Authorization": {"Bearer x"}, "Accept": {"*/*"}}},
		Response: &model.Response{Headers: map[string][]string{"Set-Cookie": {"sid=1"}}},
		Forward:  &model.Forward{URL: "http://localhost:3000/hook?token=t", Headers: map[string][]string{"Set-Cookie": {"sid=2"}}},
	}
	r := Redact(ex)
	if r.Request.RawQuery != "token=REDACTED" || r.Request.Headers["Authorization"][0] != Redacted || r.Request.Headers["Accept"][0] != "*/*" ||
		r.Response.Headers["Set-Cookie"][0] != Redacted || r.Forward.Headers["Set-Cookie"][0] != Redacted || r.Forward.URL != "http://localhost:3000/hook?token=REDACTED" {
		t.Errorf("redacted: %+v %+v %+v", r.Request, r.Response, r.Forward)
	}
	if ex.Request.RawQuery != "token=t" || ex.Request.Headers["Authorization"][0] != "Bearer x" || ex.Response.Headers["Set-Cookie"][0] != "sid=1" || ex.Forward.URL != "http://localhost:3000/hook?token=t" {
		t.Error("Redact changed its argument")
	}
}
