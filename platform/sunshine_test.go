package platform

import (
	"net/http"
	"strings"
	"testing"

	"github.com/harkhq/hark/model"
)

// The Sunshine Conversations fixtures (testdata/vendors/sunshine), written
// from Zendesk's OpenAPI source of v2 webhooks.
const sunshineConv = "c1a2b3c4d5e6f7a8b9c0d1e2"

func TestSunshineFixtures(t *testing.T) {
	for _, tt := range []struct {
		file, kind string
		turns      []model.Turn
	}{
		{"conversation-create.json", "create", []model.Turn{{Role: model.RoleSystem, Marker: model.MarkerCreated, Time: at("2025-01-02T10:20:00.001Z")}}},
		{"conversation-message.http", "message", []model.Turn{{Role: model.RoleUser, Text: "Hi, where is my order #4471?", Time: at("2025-01-02T10:20:00.123Z")}}},
		{"conversation-message-business.json", "message", []model.Turn{{Role: model.RoleAI, Text: "Your order #4471 left our warehouse this morning and should arrive tomorrow.", Time: at("2025-01-02T10:20:02.456Z")}}},
		{"delivery-user.json", "delivery", nil},
	} {
		t.Run(tt.file, func(t *testing.T) {
			c := Classify(vendorFixture(t, "sunshine", tt.file), nil)
			if c.Platform != "sunshine" || c.Kind != tt.kind || c.SessionID != sunshineConv || len(c.Notes) != 0 {
				t.Fatalf("%s/%s %q notes %q", c.Platform, c.Kind, c.SessionID, c.Notes)
			}
			// The response is not read: a quick 2xx, no deadline.
			if c.Use != model.UseIgnored || c.Deadline != 0 || c.Handshake || DefaultResponse(c).Status != 200 {
				t.Errorf("use %s deadline %v handshake %v", c.Use, c.Deadline, c.Handshake)
			}
			turnsEqual(t, c.Turns, tt.turns)
		})
	}
}

// TestSunshineBatch: one call may carry events of several conversations:
// each event is read, the exchange is the first's, with the turns of its
// conversation only, and a note says the others belong elsewhere.
func TestSunshineBatch(t *testing.T) {
	c := Classify(vendorFixture(t, "sunshine", "batch.json"), nil)
	if c.Platform != "sunshine" || c.Kind != "message" || c.SessionID != sunshineConv {
		t.Fatalf("%s/%s %q", c.Platform, c.Kind, c.SessionID)
	}
	turnsEqual(t, c.Turns, []model.Turn{
		{Role: model.RoleUser, Text: "Great, thanks!", Time: at("2025-01-02T10:21:10Z")},
	})
	if len(c.Notes) != 1 || !hasNote(c, "a batch of 2 events of 2 sessions: filed under the first's; the others' turn is in the body, not in this transcript") {
		t.Errorf("notes %q", c.Notes)
	}
	// Events of one conversation and of two kinds: the first's kind, and a
	// note; a receipt brings no turn.
	body := `{"app":{"id":"a"},"webhook":{"id":"w","version":"v2"},"events":[
		{"id":"1","createdAt":"2025-01-02T10:20:03Z","type":"conversation:message:delivery:channel","payload":{"conversation":{"id":"c9"},"message":{"id":"m1"}}},
		{"id":"2","createdAt":"2025-01-02T10:20:04Z","type":"conversation:message","payload":{"conversation":{"id":"c9"},"message":{"author":{"type":"business"},"content":{"type":"text","text":"On its way!"}}}}]}`
	c = Classify(post("/sunshine", []byte(body)), nil)
	if c.Kind != "delivery" || c.SessionID != "c9" || len(c.Turns) != 1 || c.Turns[0].Role != model.RoleAI ||
		len(c.Notes) != 1 || !hasNote(c, "2 events of 2 kinds") {
		t.Errorf("mixed batch: %s %q %+v %q", c.Kind, c.SessionID, c.Turns, c.Notes)
	}
	// An empty events array is no batch: the wrapper is still Sunshine's,
	// with no conversation to file it under.
	c = Classify(post("/sunshine", []byte(`{"app":{"id":"a"},"webhook":{"id":"w","version":"v2"},"events":[]}`), "X-API-Key", "k"), nil)
	if c.Platform != "sunshine" || c.Kind != "other" || c.SessionID != model.Unsorted {
		t.Errorf("no events: %s/%s %q", c.Platform, c.Kind, c.SessionID)
	}
}

// TestSunshineKinds: receipts, typing and switchboard events are no turns;
// a failed delivery says why; a trigger Zendesk adds later is noted.
func TestSunshineKinds(t *testing.T) {
	event := func(typ, payload string) []byte {
		return []byte(`{"app":{"id":"a"},"webhook":{"id":"w","version":"v2"},"events":[{"id":"e","createdAt":"2025-01-02T10:20:00Z","type":"` +
			typ + `","payload":` + payload + `}]}`)
	}
	conv := `{"conversation":{"id":"c1"}`
	for _, tt := range []struct {
		typ, payload, kind, note string
	}{
		{"conversation:read", conv + `,"activity":{"type":"conversation:read","author":{"type":"user"}}}`, "read", ""},
		{"conversation:typing", conv + `,"activity":{"type":"typing:start","author":{"type":"user"}}}`, "typing", ""},
		{"conversation:postback", conv + `,"postback":{"payload":"TRACK"}}`, "postback", ""},
		{"conversation:message:delivery:failure", conv + `,"destination":{"type":"whatsapp"},"error":{"code":"unauthorized","message":"token expired"}}`,
			"delivery", `delivery to "whatsapp" failed: "unauthorized" ("token expired")`},
		{"switchboard:passControl", conv + `,"metadata":{}}`, "switchboard", ""},
		{"switchboard:offerControl:failure", conv + `,"error":{}}`, "switchboard", ""},
		{"user:merge", `{"mergedUsers":{"surviving":{"id":"u1"}},"mergedConversations":{"surviving":{"id":"c1"}}}`, "merge", ""},
		{"conversation:remove", conv + `}`, "other", `type "conversation:remove" is not a kind of webhook Sunshine Conversations documents`},
	} {
		c := Classify(post("/hook", event(tt.typ, tt.payload)), nil)
		if c.Platform != "sunshine" || c.Kind != tt.kind || c.SessionID != "c1" || len(c.Turns) != 0 || c.Use != model.UseIgnored {
			t.Errorf("%s: %s/%s %q %+v %s", tt.typ, c.Platform, c.Kind, c.SessionID, c.Turns, c.Use)
		}
		if tt.note == "" && len(c.Notes) != 0 || tt.note != "" && (len(c.Notes) != 1 || c.Notes[0] != tt.note) {
			t.Errorf("%s: notes %q, want %q", tt.typ, c.Notes, tt.note)
		}
	}
	// A formResponse message shows its text fallback; an image without
	// text shows nothing.
	form := event("conversation:message", conv+`,"message":{"author":{"type":"user"},"content":{"type":"formResponse","textFallback":"Email: ana@example.com","fields":[]}}}`)
	image := event("conversation:message", conv+`,"message":{"author":{"type":"user"},"content":{"type":"image","mediaUrl":"https://x/y.png"}}}`)
	if c := Classify(post("/hook", form), nil); len(c.Turns) != 1 || c.Turns[0].Text != "Email: ana@example.com" {
		t.Errorf("form response: %+v", c.Turns)
	}
	if c := Classify(post("/hook", image), nil); len(c.Turns) != 0 {
		t.Errorf("image: %+v", c.Turns)
	}
}

// TestSunshineRecognition: the body's shape is enough; the secret header
// makes it stronger; the same header on another body is no sign.
func TestSunshineRecognition(t *testing.T) {
	body := vendorFixture(t, "sunshine", "conversation-create.json").Body
	wantPlatform(t, "sunshine", post("/", body), post("/sunshine", body, "X-API-Key", "k"), post("/api/messages", body))
	// X-API-Key alone claims nothing; v1 payloads are not read as v2 ones.
	v1 := `{"trigger":"message:appUser","app":{"_id":"a"},"messages":[{"text":"hi","role":"appUser"}],"appUser":{"_id":"u"},"version":"v1.1"}`
	wantNotPlatform(t, "sunshine", post("/sunshine", []byte(`{"hello":"world"}`), "X-API-Key", "k"), post("/sunshine", []byte(v1)))
}

// TestSunshineSecret: X-API-Key carries the webhook's secret as is.
func TestSunshineSecret(t *testing.T) {
	signed := vendorFixture(t, "sunshine", "conversation-message.http")
	unsigned := vendorFixture(t, "sunshine", "conversation-create.json")
	for _, tt := range []struct {
		name    string
		req     *model.Request
		secrets Secrets
		want    model.SigState
	}{
		{"valid", signed, Secrets{"sunshine": "hark-sunco-webhook-secret"}, model.SigValid},
		{"invalid", signed, Secrets{"sunshine": "another-secret"}, model.SigInvalid},
		{"missing", unsigned, Secrets{"sunshine": "hark-sunco-webhook-secret"}, model.SigMissing},
		{"unchecked", signed, nil, model.SigUnchecked},
		{"nothing", unsigned, nil, model.SigNone},
	} {
		c := Classify(tt.req, tt.secrets)
		if c.Signature.State != tt.want || tt.want != model.SigNone && c.Signature.Scheme != "X-Api-Key shared secret" {
			t.Errorf("%s: %q %q %q", tt.name, c.Signature.Scheme, c.Signature.State, c.Signature.Detail)
		}
	}
	// The secret never reaches an export.
	ex := &model.Exchange{Platform: "sunshine", Request: *signed}
	if got := Redact(ex).Request.Header("X-API-Key"); got != Redacted {
		t.Errorf("X-API-Key exported as %q", got)
	}
}

// TestSunshineConversation: the simulated chat reads back as a support
// conversation: created, then the user and the business in turn, each
// message once, signed with the secret given.
func TestSunshineConversation(t *testing.T) {
	secrets := Secrets{"sunshine": "s3cret"}
	reqs, err := Conversation("sunshine", seeded(7), "", simStart, secrets)
	if err != nil {
		t.Fatal(err)
	}
	var turns []model.Turn
	kinds := map[string]int{}
	for _, r := range reqs {
		if r.Path != "/sunshine" || http.Header(r.Headers).Get("X-API-Key") != "s3cret" {
			t.Fatalf("%s %v", r.Path, r.Headers)
		}
		c := Classify(toRequest(r), secrets)
		if c.Signature.State != model.SigValid {
			t.Errorf("%s: signature %s", c.Kind, c.Signature.State)
		}
		kinds[c.Kind]++
		turns = append(turns, c.Turns...)
	}
	if len(turns) < 5 || turns[0].Marker != model.MarkerCreated || turns[1].Role != model.RoleUser || turns[2].Role != model.RoleAI {
		t.Fatalf("turns %+v", turns)
	}
	spoken := turns[1:]
	for i := range spoken {
		if want := []model.Role{model.RoleUser, model.RoleAI}[i%2]; spoken[i].Role != want || strings.TrimSpace(spoken[i].Text) == "" {
			t.Errorf("turn %d %+v, want %s", i, spoken[i], want)
		}
	}
	// Typing before each user message, a receipt after each answer.
	if kinds["typing"] != (len(spoken)+1)/2 || kinds["delivery"] != len(spoken)/2 {
		t.Errorf("kinds %v for %d messages", kinds, len(spoken))
	}
}
