package platform

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

const esSession = "ABwppHGx3kQ9mV2tL8cRz1YbN4eWq7sJ"

// TestDialogflowESFixtures reads Dialogflow ES fulfillment requests: the
// session path's own id, the user's words (none when an event triggered
// the intent) and the intent's response, consumed within 5 s and 64 KiB.
func TestDialogflowESFixtures(t *testing.T) {
	tests := []struct {
		file  string
		kind  string
		turns []model.Turn
	}{
		{"welcome-event.json", "event", []model.Turn{{Role: model.RoleAI, Text: "Welcome to Acme Pizza! What can I get you?"}}},
		{"slot-filling.json", "intent", []model.Turn{
			{Role: model.RoleUser, Text: "I want a margherita"},
			{Role: model.RoleAI, Text: "What size would you like: small, medium or large?"}}},
		{"intent.http", "intent", []model.Turn{
			{Role: model.RoleUser, Text: "large please, for delivery"},
			{Role: model.RoleAI, Text: "A large margherita for delivery. Shall I place the order?"}}},
	}
	p, _ := Lookup("dialogflow-es")
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c := Classify(vendorFixture(t, "dialogflow-es", tt.file), nil)
			if c.Platform != "dialogflow-es" || c.Kind != tt.kind || c.SessionID != esSession {
				t.Fatalf("%s/%s session %q", c.Platform, c.Kind, c.SessionID)
			}
			k, _ := p.Kind(c.Kind)
			if !c.Consumed() || c.Deadline != 5*time.Second || p.Limit(k) != 64<<10 {
				t.Errorf("use %s deadline %v limit %d", c.Use, c.Deadline, p.Limit(k))
			}
			turnsEqual(t, c.Turns, tt.turns)
			if len(c.Notes) > 0 || len(c.Also) > 0 { // the Assistant's conversationId is the session's id
				t.Errorf("notes %q also %+v", c.Notes, c.Also)
			}
		})
	}
	if d := DefaultResponse(Classification{Platform: "dialogflow-es", Kind: "intent"}); string(d.Body) != "{}" {
		t.Errorf("default %s: an empty answer keeps the intent's responses", d.Body)
	}
}

// esRequest is a fulfillment request with the given queryText and session.
func esRequest(queryText, session string) *model.Request {
	return post("/dialogflow", []byte(`{"responseId":"r-1","session":"`+session+`","queryResult":{"queryText":"`+queryText+
		`","fulfillmentText":"Sure.","fulfillmentMessages":[{"text":{"text":["Sure."]}}],"languageCode":"en"}}`))
}

// TestDialogflowESEvents: an event's name in queryText is not something
// the user said; words in capitals are.
func TestDialogflowESEvents(t *testing.T) {
	const session = "projects/p/agent/sessions/s1"
	for text, want := range map[string]string{
		"WELCOME":                  "event",
		"TELEPHONY_WELCOME":        "event",
		"GOOGLE_ASSISTANT_WELCOME": "event",
		"ORDER_CONFIRMED_2":        "event",
		"OK":                       "intent",
		"NO":                       "intent",
		"I WANT PIZZA":             "intent",
		"welcome":                  "intent",
	} {
		c := Classify(esRequest(text, session), nil)
		users := 0
		for _, turn := range c.Turns {
			if turn.Role == model.RoleUser {
				users++
			}
		}
		if c.Kind != want || (users == 0) != (want == "event") {
			t.Errorf("%q: kind %s, %d user turns", text, c.Kind, users)
		}
	}
	// Environments, users and locations in the session path: its last
	// segment is the session.
	for _, path := range []string{
		"projects/p/agent/environments/draft/users/-/sessions/abc",
		"projects/p/locations/europe-west1/agent/sessions/abc",
	} {
		if c := Classify(esRequest("hi", path), nil); c.Platform != "dialogflow-es" || c.SessionID != "abc" {
			t.Errorf("%s: %s %q", path, c.Platform, c.SessionID)
		}
	}
	// Without a session path it is not a fulfillment request.
	if c := Classify(post("/x", []byte(`{"responseId":"r","session":"s1","queryResult":{"queryText":"hi"}}`)), nil); c.Platform == "dialogflow-es" {
		t.Error("a session that is not a Dialogflow path taken as Dialogflow ES")
	}
}

// TestDialogflowESBasicAuth: the fulfillment's Basic authentication is
// checked with --secret dialogflow-es=USER:PASSWORD; a Google identity
// token is another credential.
func TestDialogflowESBasicAuth(t *testing.T) {
	body := vendorFixture(t, "dialogflow-es", "slot-filling.json").Body
	basic := func(userPass string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(userPass)) }
	tests := []struct {
		name   string
		auth   string
		secret string
		want   model.SigState
		detail string
	}{
		{"valid", basic("hark:hark-df-pass"), "hark:hark-df-pass", model.SigValid, "token matches"},
		{"lower-case scheme", "basic " + base64.StdEncoding.EncodeToString([]byte("hark:hark-df-pass")), "hark:hark-df-pass", model.SigValid, "token matches"},
		{"wrong password", basic("hark:guess"), "hark:hark-df-pass", model.SigInvalid, "does not match"},
		{"not base64", "Basic %%%", "hark:hark-df-pass", model.SigInvalid, "does not carry Basic credentials"},
		{"identity token, secret set", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig", "hark:hark-df-pass", model.SigInvalid, "does not carry Basic credentials"},
		{"identity token, no secret", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig", "", model.SigNone, ""},
		{"basic, no secret", basic("hark:hark-df-pass"), "", model.SigUnchecked, "not checked"},
		{"missing", "", "hark:hark-df-pass", model.SigMissing, "carries no token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := post("/dialogflow", body)
			if tt.auth != "" {
				req.Headers["Authorization"] = []string{tt.auth}
			}
			c := Classify(req, Secrets{"dialogflow-es": tt.secret})
			if c.Signature.State != tt.want || !strings.Contains(c.Signature.Detail, tt.detail) {
				t.Fatalf("%s — %s; want %s — …%s…", c.Signature.State, c.Signature.Detail, tt.want, tt.detail)
			}
		})
	}
	if c := Classify(vendorFixture(t, "dialogflow-es", "intent.http"), Secrets{"dialogflow-es": "hark:hark-df-pass"}); c.Signature.State != model.SigValid {
		t.Errorf("the fixture's credentials: %+v", c.Signature)
	}
	// Exports redact the credentials; replaying writes the new ones.
	if !SecretHeader("Authorization") || !SecretHeader("X-Signature") || !SecretHeader("X-Retell-Signature") {
		t.Error("the voice profiles' credentials are not redacted")
	}
	out, did := Resign("dialogflow-es", *vendorFixture(t, "dialogflow-es", "intent.http"), Secrets{"dialogflow-es": "ana:s3cret"})
	if did != "token replaced" || out.Header("Authorization") != basic("ana:s3cret") {
		t.Errorf("resign: %q %q", did, out.Header("Authorization"))
	}
}

// TestDialogflowESConversation: the welcome event, then the user's lines
// with the agent's answers, in one session.
func TestDialogflowESConversation(t *testing.T) {
	reqs, err := Conversation("dialogflow-es", seeded(4), "", simStart, nil)
	if err != nil {
		t.Fatal(err)
	}
	if reqs[0].Kind != "event" || !strings.Contains(string(reqs[0].Body), `"queryText":"WELCOME"`) {
		t.Fatalf("first request %s %s", reqs[0].Kind, reqs[0].Body)
	}
	var turns []model.Turn
	for _, r := range reqs {
		c := Classify(toRequest(r), nil)
		turns = append(turns, c.Turns...)
		if !strings.Contains(string(r.Body), `"session":"projects/`) || c.SessionID != r.SessionID {
			t.Errorf("session %q in %s", c.SessionID, r.Body)
		}
	}
	for i, turn := range turns {
		if want := []model.Role{model.RoleAI, model.RoleUser}[i%2]; turn.Role != want || turn.Text == "" {
			t.Fatalf("turn %d %+v", i, turn)
		}
	}
}
