package platform

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

const cxSession = "d1b8f3a2-5c4e-4f6a-9b7d-1e2f3a4b5c6d"

// TestDialogflowCXFixtures reads Dialogflow CX webhook requests: the
// session path's own id, the user's input (text, speech; none after an
// event) and the agent's queued responses, consumed within the webhook's
// 5 s and 64 KiB.
func TestDialogflowCXFixtures(t *testing.T) {
	tests := []struct {
		file   string
		kind   string
		caller string
		turns  []model.Turn
	}{
		{"welcome.json", "fulfillment", "", []model.Turn{
			{Role: model.RoleUser, Text: "hi"}, {Role: model.RoleAI, Text: "Hello, I'm the Acme Bank assistant."}}},
		{"tag-text.json", "fulfillment", "", []model.Turn{
			{Role: model.RoleUser, Text: "What's the balance on my checking account?"}, {Role: model.RoleAI, Text: "Let me look that up."}}},
		{"trigger-event.json", "event", "", []model.Turn{{Role: model.RoleAI, Text: "Sorry, I didn't get that."}}},
		{"transcript-telephony.json", "fulfillment", "+14155550123", []model.Turn{{Role: model.RoleUser, Text: "I think I lost my debit card"}}},
	}
	p, _ := Lookup("dialogflow-cx")
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c := Classify(vendorFixture(t, "dialogflow-cx", tt.file), nil)
			if c.Platform != "dialogflow-cx" || c.Kind != tt.kind || c.SessionID != cxSession {
				t.Fatalf("%s/%s session %q", c.Platform, c.Kind, c.SessionID)
			}
			k, _ := p.Kind(c.Kind)
			if !c.Consumed() || c.Deadline != 5*time.Second || p.Limit(k) != 64<<10 {
				t.Errorf("use %s deadline %v limit %d", c.Use, c.Deadline, p.Limit(k))
			}
			turnsEqual(t, c.Turns, tt.turns)
			if (tt.caller == "") != (len(c.Also) == 0) || tt.caller != "" && c.Also[0].Value != tt.caller {
				t.Errorf("also %+v, want the caller %q", c.Also, tt.caller)
			}
			if len(c.Notes) > 0 {
				t.Errorf("notes %q", c.Notes)
			}
		})
	}
	if d := DefaultResponse(Classification{Platform: "dialogflow-cx", Kind: "event"}); string(d.Body) != "{}" {
		t.Errorf("default %s: an empty answer keeps the queued responses", d.Body)
	}
}

// TestDialogflowCXInputs: DTMF digits are the user's; an intent triggered
// by its id is not; Basic authentication is checked like ES's.
func TestDialogflowCXInputs(t *testing.T) {
	req := func(input string) *model.Request {
		return post("/dialogflow-cx", []byte(`{"detectIntentResponseId":"d1","fulfillmentInfo":{"tag":"pin"},`+
			`"sessionInfo":{"session":"projects/p/locations/global/agents/a/environments/e/sessions/s9"},`+input+`}`))
	}
	c := Classify(req(`"dtmfDigits":"4711"`), nil)
	turnsEqual(t, c.Turns, []model.Turn{{Role: model.RoleUser, Text: "4711"}})
	if c.SessionID != "s9" || c.Kind != "fulfillment" {
		t.Errorf("%s %q", c.Kind, c.SessionID)
	}
	if c := Classify(req(`"triggerIntent":"projects/p/locations/global/agents/a/intents/i1"`), nil); len(c.Turns) != 0 {
		t.Errorf("an intent's id taken as words: %+v", c.Turns)
	}
	auth := req(`"text":"hi"`)
	auth.Headers["Authorization"] = []string{"Basic " + base64.StdEncoding.EncodeToString([]byte("cx:pw"))}
	for secret, want := range map[string]model.SigState{"cx:pw": model.SigValid, "cx:other": model.SigInvalid, "": model.SigUnchecked} {
		if c := Classify(auth, Secrets{"dialogflow-cx": secret}); c.Signature.State != want {
			t.Errorf("secret %q: %+v", secret, c.Signature)
		}
	}
	if c := Classify(req(`"text":"hi"`), Secrets{"dialogflow-cx": "cx:pw"}); c.Signature.State != model.SigMissing {
		t.Errorf("no Authorization: %+v", c.Signature)
	}
}

// TestDialogflowCXConversation: a phone call's lines through the
// telephony gateway, then the caller's silence, an event.
func TestDialogflowCXConversation(t *testing.T) {
	reqs, err := Conversation("dialogflow-cx", seeded(2), "", simStart, nil)
	if err != nil {
		t.Fatal(err)
	}
	last := reqs[len(reqs)-1]
	if last.Kind != "event" || !strings.Contains(string(last.Body), "sys.no-input-default") {
		t.Fatalf("last request %s %s", last.Kind, last.Body)
	}
	for _, r := range reqs[:len(reqs)-1] {
		c := Classify(toRequest(r), nil)
		if len(c.Turns) != 2 || c.Turns[0].Role != model.RoleUser || c.Turns[1].Role != model.RoleAI || len(c.Also) != 1 {
			t.Errorf("%s: turns %+v also %+v", r.Kind, c.Turns, c.Also)
		}
	}
}
