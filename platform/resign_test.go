package platform

import (
	"testing"

	"github.com/harkhq/hark/model"
)

func TestResignMoveo(t *testing.T) {
	body := []byte(`{"session_id":"s","input":{"text":"hi"}}`)
	headers := map[string][]string{"x-moveo-signature": {"stale"}, "Content-Type": {"application/json"}}
	req := model.Request{Method: "POST", Path: "/moveo", Headers: headers, Body: body}

	out, did := Resign("moveo", req, Secrets{"moveo": "new-token"})
	if did == "" {
		t.Fatal("nothing re-signed")
	}
	sig := out.Header("X-Moveo-Signature")
	if !VerifyMoveo(body, sig, "new-token") || len(out.Headers) != 2 {
		t.Errorf("headers after re-signing %v", out.Headers)
	}
	if headers["x-moveo-signature"][0] != "stale" || len(headers) != 2 {
		t.Errorf("the recorded headers changed: %v", headers)
	}
	if c := Classify(&out, Secrets{"moveo": "new-token"}); c.Signature.State != model.SigValid {
		t.Errorf("re-signed request classifies as %+v", c.Signature)
	}

	// Nothing to sign with, or not Moveo: the request goes as recorded.
	for _, name := range []string{"moveo", "navtalk", "generic"} {
		secrets := Secrets{"navtalk": "x", "generic": "y"}
		if got, did := Resign(name, req, secrets); did != "" || got.Headers["x-moveo-signature"][0] != "stale" {
			t.Errorf("%s re-signed without a moveo secret: %q", name, did)
		}
	}
}

func TestResignChatBot(t *testing.T) {
	req := model.Request{Method: "GET", Path: "/chatbot", RawQuery: "challenge=abc%2F1&token=old&x=%7E"}
	out, did := Resign("chatbot", req, Secrets{"chatbot": "n&w token"})
	if did == "" || out.RawQuery != "challenge=abc%2F1&token=n%26w+token&x=%7E" || req.RawQuery != "challenge=abc%2F1&token=old&x=%7E" {
		t.Errorf("query %q (%q), recorded now %q", out.RawQuery, did, req.RawQuery)
	}
	if _, sig, ok := Challenge(&out, Secrets{"chatbot": "n&w token"}); !ok || sig.State != model.SigValid {
		t.Errorf("re-signed verification: %v %+v", ok, sig)
	}
	// A POST that carried no token gets none.
	post := model.Request{Method: "POST", Path: "/chatbot", RawQuery: "a=1"}
	if got, did := Resign("chatbot", post, Secrets{"chatbot": "t"}); did != "" || got.RawQuery != "a=1" {
		t.Errorf("token added to a POST: %q", got.RawQuery)
	}
}
