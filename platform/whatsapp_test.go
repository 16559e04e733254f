package platform

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

const (
	whatsappAppSecret   = "hark-whatsapp-app-secret"
	whatsappVerifyToken = "hark-verify-token"
)

func TestWhatsAppFixtures(t *testing.T) {
	user := model.RoleUser
	for file, want := range map[string]classifiedAs{
		"text-message.http": {"messages", "447700900123", model.UseIgnored, []model.Turn{
			{Role: user, Text: "Olá! Is the café open on Sunday?", Time: time.Unix(1735812300, 0)}}},
		"status-delivered.json": {"statuses", "447700900123", model.UseIgnored, nil},
		"interactive-reply.json": {"messages", "447700900123", model.UseIgnored, []model.Turn{
			{Role: user, Text: "Book a table", Time: time.Unix(1735812402, 0)}}},
		// Two customers in one delivery: filed under the first, both turns
		// shown, the read receipt none.
		"batch.json": {"messages", "447700900123", model.UseIgnored, []model.Turn{
			{Role: user, Text: "Two people, 8pm please.", Time: time.Unix(1735812500, 0)},
			{Role: user, Text: "Do you have vegan options?", Time: time.Unix(1735812501, 0)}}},
		"verify.http": {"verify", model.Unsorted, model.UseIgnored, nil},
	} {
		c := Classify(vendorFixture(t, "whatsapp", file), nil)
		if c.Platform != "whatsapp" {
			t.Fatalf("%s: %s", file, c.Platform)
		}
		checkClassified(t, file, c, want)
		if file == "batch.json" {
			if !hasNote(c, `several customers in one delivery (["447700900123","447700900456"])`) {
				t.Errorf("batch notes %q", c.Notes)
			}
		} else if len(c.Notes) > 0 {
			t.Errorf("%s: notes %q", file, c.Notes)
		}
	}
	c := Classify(vendorFixture(t, "whatsapp", "text-message.http"), nil)
	if !slices.Contains(c.Also, model.Alias{Name: "customer", Value: "Ana Souza"}) {
		t.Errorf("the customer's name: %+v", c.Also)
	}
}

func TestWhatsAppVerification(t *testing.T) {
	req := vendorFixture(t, "whatsapp", "verify.http")
	noToken := *req
	noToken.RawQuery = "hub.mode=subscribe&hub.challenge=1158201444"
	for _, tt := range []struct {
		name    string
		req     *model.Request
		secrets Secrets
		status  int
		state   model.SigState
	}{
		{"token matches", req, Secrets{"whatsapp.verify": whatsappVerifyToken, "whatsapp": whatsappAppSecret}, 200, model.SigValid},
		{"another token", req, Secrets{"whatsapp.verify": "not-it"}, 403, model.SigInvalid},
		{"no token sent", &noToken, Secrets{"whatsapp.verify": whatsappVerifyToken}, 403, model.SigMissing},
		{"no verify token set", req, Secrets{"whatsapp": whatsappAppSecret}, 200, model.SigUnchecked},
	} {
		d, sig, ok := Challenge(tt.req, tt.secrets)
		if !ok || d.Status != tt.status || sig.State != tt.state {
			t.Errorf("%s: %v %d %q %s", tt.name, ok, d.Status, d.Body, sig.State)
		}
		if tt.status == 200 && (string(d.Body) != "1158201444" || !strings.HasPrefix(d.Headers["Content-Type"][0], "text/plain")) {
			t.Errorf("%s: answer %q %v", tt.name, d.Body, d.Headers)
		}
	}
	// A GET without hub.mode=subscribe is no verification.
	other := *req
	other.RawQuery = "hub.challenge=1"
	if _, _, ok := Challenge(&other, nil); ok {
		t.Error("a GET without hub.mode answered as the verification")
	}
	p, _ := Lookup("whatsapp")
	if len(p.Secret.Parts) != 1 || p.Secret.Parts[0].Name != "verify" {
		t.Errorf("secret parts %+v", p.Secret.Parts)
	}
}

func TestWhatsAppSignature(t *testing.T) {
	req := vendorFixture(t, "whatsapp", "text-message.http")
	m := hmac.New(sha256.New, []byte(whatsappAppSecret))
	m.Write(req.Body)
	if got := "sha256=" + hex.EncodeToString(m.Sum(nil)); got != req.Header("X-Hub-Signature-256") {
		t.Fatalf("fixture signature %s", got)
	}
	missing := *req
	missing.Headers = cloneHeaders(req.Headers)
	delete(missing.Headers, "X-Hub-Signature-256")
	// Meta signs the escaped bytes it sends: the same text re-encoded
	// does not match.
	reencoded := *req
	reencoded.Body = []byte(strings.Replace(string(req.Body), `Ol\u00e1`, "Olá", 1))
	for _, tt := range []struct {
		name   string
		req    *model.Request
		secret string
		want   model.SigState
	}{
		{"valid", req, whatsappAppSecret, model.SigValid},
		{"another secret", req, "another-secret", model.SigInvalid},
		{"re-encoded body", &reencoded, whatsappAppSecret, model.SigInvalid},
		{"missing", &missing, whatsappAppSecret, model.SigMissing},
		{"no secret", req, "", model.SigUnchecked},
	} {
		if c := Classify(tt.req, Secrets{"whatsapp": tt.secret}); c.Signature.State != tt.want {
			t.Errorf("%s: %s %q", tt.name, c.Signature.State, c.Signature.Detail)
		}
	}
}

func TestWhatsAppMessageShapes(t *testing.T) {
	wrap := func(value string) []byte {
		return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"messaging_product":"whatsapp",` + value + `},"field":"messages"}]}]}`)
	}
	for _, tt := range []struct {
		name, value, kind, text, note string
	}{
		{"voice note", `"messages":[{"from":"447700900123","id":"w1","timestamp":"1735812300","type":"audio","audio":{"id":"9","voice":true}}]`, "messages", "(a voice message)", ""},
		{"photo", `"messages":[{"from":"447700900123","id":"w1","timestamp":"1735812300","type":"image","image":{"id":"9"}}]`, "messages", "(a photo)", ""},
		{"photo with a caption", `"messages":[{"from":"447700900123","id":"w1","timestamp":"1735812300","type":"image","image":{"id":"9","caption":"the menu?"}}]`, "messages", "the menu?", ""},
		{"list reply", `"messages":[{"from":"447700900123","id":"w1","timestamp":"1735812300","type":"interactive","interactive":{"type":"list_reply","list_reply":{"id":"r2","title":"Terrace"}}}]`, "messages", "Terrace", ""},
		{"unsupported", `"messages":[{"from":"447700900123","id":"w1","timestamp":"1735812300","type":"unsupported","errors":[{"code":131051}]}]`, "messages", "(a message the Cloud API does not support)", ""},
		{"reaction", `"messages":[{"from":"447700900123","id":"w1","timestamp":"1735812300","type":"reaction","reaction":{"message_id":"w0","emoji":"👍"}}]`, "messages", "👍", ""},
		{"failed status", `"statuses":[{"id":"w2","status":"failed","timestamp":"1735812300","recipient_id":"447700900123","errors":[{"code":131047,"title":"Re-engagement message"}]}]`, "statuses", "", `Meta could not deliver a message: ["Re-engagement message"]`},
		{"account update", `"event":"VERIFIED_ACCOUNT"`, "other", "", ""},
	} {
		c := Classify(post("/whatsapp", wrap(tt.value)), nil)
		if c.Platform != "whatsapp" || c.Kind != tt.kind {
			t.Errorf("%s: %s/%s", tt.name, c.Platform, c.Kind)
			continue
		}
		if tt.text == "" && len(c.Turns) != 0 || tt.text != "" && (len(c.Turns) != 1 || c.Turns[0].Text != tt.text || c.Turns[0].Role != model.RoleUser) {
			t.Errorf("%s: turns %+v", tt.name, c.Turns)
		}
		if tt.note != "" && !hasNote(c, tt.note) {
			t.Errorf("%s: notes %q", tt.name, c.Notes)
		}
	}
	// Messenger and Instagram sign the same way: their bodies are not WhatsApp's.
	page := []byte(`{"object":"page","entry":[{"id":"1","time":1735812300,"messaging":[{"sender":{"id":"2"},"message":{"text":"hi"}}]}]}`)
	if c := Classify(post("/hook", page, "X-Hub-Signature-256", "sha256=00"), nil); c.Platform == "whatsapp" {
		t.Error("a Messenger webhook taken for WhatsApp")
	}
}

// TestWhatsAppConversation: the verification GET first, with the verify
// token; then the customer's messages and the receipts of the business's
// replies, signed with the app secret, in one session.
func TestWhatsAppConversation(t *testing.T) {
	p, _ := Lookup("whatsapp")
	secrets := Secrets{"whatsapp": "wa-secret", "whatsapp.verify": "wa-verify"}
	h, ok := p.HandshakeRequest(seeded(4), secrets, simStart)
	if !ok || h.Method != "GET" {
		t.Fatalf("handshake %v %s", ok, h.Method)
	}
	if d, sig, ok := Challenge(toRequest(h), secrets); !ok || d.Status != 200 || sig.State != model.SigValid {
		t.Fatalf("handshake answered %v %d %s", ok, d.Status, sig.State)
	}
	reqs, err := Conversation("whatsapp", seeded(4), "", simStart, secrets)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	turns := 0
	for _, r := range reqs {
		c := Classify(toRequest(r), secrets)
		if c.Platform != "whatsapp" || c.Kind != r.Kind || c.Signature.State != model.SigValid || !strings.HasPrefix(c.SessionID, "447") {
			t.Fatalf("%s: %s/%s %q %+v %q", r.Kind, c.Platform, c.Kind, c.SessionID, c.Signature, c.Notes)
		}
		kinds[c.Kind]++
		turns += len(c.Turns)
	}
	if kinds["messages"] < 3 || kinds["statuses"] < 2 || turns != kinds["messages"] {
		t.Errorf("kinds %v, %d turns", kinds, turns)
	}
}
