package platform

import (
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// The Rasa fixtures (testdata/vendors/rasa): the REST input, the callback
// output and the action server, written from Rasa's docs and code.
func TestRasaFixtures(t *testing.T) {
	eight := []model.Turn{{Role: model.RoleUser, Text: "8pm", Time: time.Unix(1735812009, 20_000_000).UTC()}}
	for _, tt := range []struct {
		file, kind string
		use        model.ResponseUse
		deadline   time.Duration
		dflt       string
		turns      []model.Turn
	}{
		{"rest-message.json", "message", model.UseConsumed, 30 * time.Second, `[]`,
			[]model.Turn{{Role: model.RoleUser, Text: "Can I book a table for two tonight?"}}},
		{"action-server.json", "action", model.UseConsumed, 300 * time.Second, `{"events":[],"responses":[]}`, eight},
		{"action-server-tracker-sender.json", "action", model.UseConsumed, 300 * time.Second, `{"events":[],"responses":[]}`, eight},
		{"callback-bot-message.json", "callback", model.UseIgnored, 0, "",
			[]model.Turn{{Role: model.RoleAI, Text: "Booked! A table for two at 8 PM tonight."}}},
		{"callback-buttons.json", "callback", model.UseIgnored, 0, "",
			[]model.Turn{{Role: model.RoleAI, Text: "Would you like a reminder?"}}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			c := Classify(vendorFixture(t, "rasa", tt.file), nil)
			if c.Platform != "rasa" || c.Kind != tt.kind || c.SessionID != "user-4711" || len(c.Notes) != 0 || c.Record {
				t.Fatalf("%s/%s %q record %v notes %q", c.Platform, c.Kind, c.SessionID, c.Record, c.Notes)
			}
			if c.Use != tt.use || c.Deadline != tt.deadline {
				t.Errorf("use %s deadline %v", c.Use, c.Deadline)
			}
			if d := DefaultResponse(c); d.Status != 200 || string(d.Body) != tt.dflt {
				t.Errorf("default %d %q", d.Status, d.Body)
			}
			turnsEqual(t, c.Turns, tt.turns)
		})
	}
}

// TestRasaActionShowsTheMessageOnce: the user's message shows on the first
// action call after it (latest_action_name is still action_listen: Rasa
// runs action_extract_slots without logging it), not on the next actions
// of the same turn, which carry the same latest_message.
func TestRasaActionShowsTheMessageOnce(t *testing.T) {
	call := func(latest, lastEvents string) []byte {
		return []byte(`{"next_action":"action_book_table","sender_id":"u1","tracker":{"sender_id":"u1","latest_message":{"text":"8pm"},` +
			`"latest_action_name":"` + latest + `","events":[{"event":"action","name":"action_listen"},` + lastEvents + `]},"domain":{},"version":"3.6.20"}`)
	}
	for _, tt := range []struct {
		name  string
		body  []byte
		shown bool
	}{
		{"the first action, slots extracted", call("action_listen", `{"event":"user","text":"8pm"},{"event":"slot","name":"time","value":"20:00"}`), true},
		{"the first action", call("action_listen", `{"event":"user","text":"8pm"}`), true},
		{"a second action", call("validate_booking_form", `{"event":"user","text":"8pm"},{"event":"action","name":"validate_booking_form"},{"event":"bot","text":"OK"}`), false},
		{"after an utterance", call("utter_booked", `{"event":"user","text":"8pm"},{"event":"action","name":"utter_booked"}`), false},
		{"a tracker without events", []byte(`{"next_action":"a","sender_id":"u1","tracker":{"latest_message":{"text":"8pm"}}}`), true},
	} {
		c := Classify(post("/webhook", tt.body), nil)
		if c.Kind != "action" || (len(c.Turns) == 1) != tt.shown || tt.shown && (c.Turns[0].Text != "8pm" || c.Turns[0].Role != model.RoleUser) {
			t.Errorf("%s: %s %+v", tt.name, c.Kind, c.Turns)
		}
	}
}

// TestRasaRecognition: Rasa is told by its bodies' shapes, at any path;
// other platforms' sender/message fields (objects) are not Rasa's.
func TestRasaRecognition(t *testing.T) {
	for _, tt := range []struct {
		name, path, body, kind string
	}{
		{"REST input at its path", "/webhooks/rest/webhook", `{"sender":"u1","message":"hi"}`, "message"},
		{"callback input at its path", "/webhooks/callback/webhook", `{"sender":"u1","message":"hi"}`, "message"},
		{"REST input elsewhere", "/chat", `{"sender":"u1","message":"hi"}`, "message"},
		{"an image", "/out", `{"recipient_id":"u1","image":"https://x/y.png"}`, "callback"},
		{"a custom payload", "/out", `{"recipient_id":"u1","custom":{"type":"map"}}`, "callback"},
		{"an action call", "/", `{"next_action":"a","tracker":{"sender_id":"u1"},"domain":{}}`, "action"},
	} {
		c := Classify(post(tt.path, []byte(tt.body)), nil)
		if c.Platform != "rasa" || c.Kind != tt.kind || c.SessionID != "u1" {
			t.Errorf("%s: %s/%s %q", tt.name, c.Platform, c.Kind, c.SessionID)
		}
	}
	var others []*model.Request
	for _, body := range []string{
		`{"sender":{"id":"u1"},"message":{"text":"hi"}}`,   // Messenger-like
		`{"recipient_id":{"id":"u1"},"text":"hi"}`,         // not a string id
		`{"next_action":"a"}`,                              // no tracker
		`{"sender":"u1","text":"hi","channel":"C1"}`,       // no message
		`{"message":"hi","session":"s1","type":"message"}`, // no sender
	} {
		others = append(others, post("/hook", []byte(body)))
	}
	wantNotPlatform(t, "rasa", others...)
}

// TestRasaToken: endpoints.yml's action_endpoint token comes as ?token= on
// action calls; requests without one are fine (Rasa sends it only when
// one is configured).
func TestRasaToken(t *testing.T) {
	body := vendorFixture(t, "rasa", "action-server.json").Body
	withToken := func(tok string) *model.Request {
		r := post("/webhook", body)
		r.RawQuery = "token=" + tok
		return r
	}
	for _, tt := range []struct {
		name    string
		req     *model.Request
		secrets Secrets
		want    model.SigState
	}{
		{"valid", withToken("s3cret"), Secrets{"rasa": "s3cret"}, model.SigValid},
		{"invalid", withToken("other"), Secrets{"rasa": "s3cret"}, model.SigInvalid},
		{"unchecked", withToken("s3cret"), nil, model.SigUnchecked},
		{"none sent, none set", post("/webhook", body), nil, model.SigNone},
		{"none sent, one set", post("/webhook", body), Secrets{"rasa": "s3cret"}, model.SigNone},
	} {
		c := Classify(tt.req, tt.secrets)
		if c.Signature.State != tt.want {
			t.Errorf("%s: %q %q", tt.name, c.Signature.State, c.Signature.Detail)
		}
	}
	if got := Redact(&model.Exchange{Platform: "rasa", Request: *withToken("s3cret")}).Request.RawQuery; got != "token=REDACTED" {
		t.Errorf("query exported as %q", got)
	}
}

// TestRasaConversation: the simulated booking reads back as one
// conversation in order: the widget's /greet and Rasa's welcome, then each
// user message (from its action call) and the bot's answer (from the
// callback), action calls carrying the token given.
func TestRasaConversation(t *testing.T) {
	secrets := Secrets{"rasa": "s3cret"}
	reqs, err := Conversation("rasa", seeded(5), "", simStart, secrets)
	if err != nil {
		t.Fatal(err)
	}
	var turns []model.Turn
	for _, r := range reqs {
		c := Classify(toRequest(r), secrets)
		if c.Kind == "action" && (c.Signature.State != model.SigValid || r.RawQuery != "token=s3cret") {
			t.Errorf("action call %q: %q", r.RawQuery, c.Signature.State)
		}
		turns = append(turns, c.Turns...)
	}
	if len(turns) < 6 || turns[0].Text != "/greet" || turns[1].Role != model.RoleAI {
		t.Fatalf("turns %+v", turns)
	}
	for i, turn := range turns {
		if want := []model.Role{model.RoleUser, model.RoleAI}[i%2]; turn.Role != want || strings.TrimSpace(turn.Text) == "" {
			t.Errorf("turn %d %+v, want %s", i, turn, want)
		}
	}
}
