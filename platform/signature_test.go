package platform

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/harkhq/hark/model"
)

func TestMoveoSignature(t *testing.T) {
	body := testdata(t, "moveo_post.json")
	good := MoveoSignature(body, "s3cret")
	tests := []struct {
		name    string
		header  string
		secret  string
		want    model.SigState
		truncat bool
	}{
		{"valid", good, "s3cret", model.SigValid, false},
		{"valid upper-case with prefix", "sha256=" + strings.ToUpper(good), "s3cret", model.SigValid, false},
		{"wrong token", MoveoSignature(body, "other"), "s3cret", model.SigInvalid, false},
		{"not hex", "zz-not-hex", "s3cret", model.SigInvalid, false},
		{"missing", "", "s3cret", model.SigMissing, false},
		{"unchecked", good, "", model.SigUnchecked, false},
		{"nothing either side", "", "", model.SigNone, false},
		{"truncated body", good, "s3cret", model.SigUnchecked, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := post("/moveo/post", body)
			if tt.header != "" {
				req.Headers["X-Moveo-Signature"] = []string{tt.header}
			}
			req.Truncated = tt.truncat
			c := Classify(req, Secrets{"moveo": tt.secret})
			if c.Platform != "moveo" {
				t.Fatalf("platform %s", c.Platform)
			}
			if c.Signature.State != tt.want {
				t.Fatalf("state %q (%s), want %q", c.Signature.State, c.Signature.Detail, tt.want)
			}
			if tt.want != model.SigNone && (c.Signature.Scheme == "" || c.Signature.Detail == "") {
				t.Errorf("signature without scheme or detail: %+v", c.Signature)
			}
		})
	}
	// A body changed by one byte no longer matches.
	changed := append([]byte(nil), body...)
	changed[10] ^= 1
	if VerifyMoveo(changed, good, "s3cret") {
		t.Fatal("signature of another body verified")
	}
	// Header names arrive in any case.
	req := post("/m", body)
	req.Headers["x-moveo-signature"] = []string{good}
	if c := Classify(req, Secrets{"moveo": "s3cret"}); c.Signature.State != model.SigValid {
		t.Fatalf("lower-case header: %q", c.Signature.State)
	}
}

func verifyGET(query string) *model.Request {
	return &model.Request{Method: "GET", Path: "/chatbot", RawQuery: query}
}

func TestChatBotHandshake(t *testing.T) {
	tests := []struct {
		name   string
		query  string
		secret string
		status int
		body   string
		state  model.SigState
	}{
		{"right token", "challenge=abc123&token=tok", "tok", 200, "abc123", model.SigValid},
		{"wrong token", "challenge=abc123&token=nope", "tok", 401, "", model.SigInvalid},
		{"empty token", "challenge=abc123&token=", "tok", 401, "", model.SigMissing},
		{"no secret configured", "challenge=abc123&token=whatever", "", 200, "abc123", model.SigUnchecked},
		{"challenge is decoded", "token=tok&challenge=a%2Bb%20c", "tok", 200, "a+b c", model.SigValid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := verifyGET(tt.query)
			d, sig, ok := Challenge(req, Secrets{"chatbot": tt.secret})
			if !ok {
				t.Fatal("not recognized as a verification request")
			}
			if d.Status != tt.status || sig.State != tt.state {
				t.Fatalf("got %d %q, want %d %q", d.Status, sig.State, tt.status, tt.state)
			}
			if tt.status == 200 && string(d.Body) != tt.body {
				t.Errorf("body %q, want %q", d.Body, tt.body)
			}
			if !strings.HasPrefix(d.Headers["Content-Type"][0], "text/plain") {
				t.Errorf("content type %v", d.Headers)
			}
			c := Classify(req, Secrets{"chatbot": tt.secret})
			if c.Platform != "chatbot" || c.Kind != "verify" || c.Consumed() || !c.Handshake {
				t.Fatalf("classified %s/%s consumed=%v", c.Platform, c.Kind, c.Consumed())
			}
			// The default answer of the kind is the same decision.
			if dd := DefaultResponse(c); dd.Status != d.Status || string(dd.Body) != string(d.Body) {
				t.Errorf("DefaultResponse %d %q differs from Challenge %d %q", dd.Status, dd.Body, d.Status, d.Body)
			}
		})
	}
	for _, req := range []*model.Request{
		nil,
		verifyGET("challenge=abc"), // no token parameter
		verifyGET("token=abc"),     // no challenge
		{Method: "POST", Path: "/chatbot", RawQuery: "challenge=a&token=b"},
		post("/chatbot", testdata(t, "chatbot_old.json")),
	} {
		if _, _, ok := Challenge(req, nil); ok {
			t.Errorf("Challenge answered %+v", req)
		}
	}
}

func TestChatBotPostToken(t *testing.T) {
	body := testdata(t, "chatbot_old.json")
	tests := []struct {
		query, secret string
		want          model.SigState
	}{
		{"", "tok", model.SigNone}, // ChatBot.com may well not send one
		{"", "", model.SigNone},
		{"token=tok", "tok", model.SigValid},
		{"token=bad", "tok", model.SigInvalid},
		{"token=tok", "", model.SigUnchecked},
	}
	for _, tt := range tests {
		req := post("/chatbot", body)
		req.RawQuery = tt.query
		c := Classify(req, Secrets{"chatbot": tt.secret})
		if c.Kind != "webhook" || c.Signature.State != tt.want {
			t.Errorf("?%s with secret %q: %s %q, want %q", tt.query, tt.secret, c.Kind, c.Signature.State, tt.want)
		}
		if tt.want != model.SigNone && !strings.Contains(c.Signature.Detail, "not documented") {
			t.Errorf("detail %q does not say the POST token is unverified", c.Signature.Detail)
		}
	}
}

// MoveoSignature is the X-Moveo-Signature of a body signed with a token:
// hex HMAC-SHA256, as Moveo's documentation says, computed here without
// the engine so that the tests check the engine against it.
func MoveoSignature(body []byte, token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyMoveo checks a signature with the engine, as Classify does.
func VerifyMoveo(body []byte, signature, token string) bool {
	p, _ := Lookup("moveo")
	req := post("/moveo", body, "X-Moveo-Signature", signature)
	in := newInput(req, Secrets{"moveo": token})
	in.secret = token
	return p.sign.check(in, "moveo").State == model.SigValid
}
