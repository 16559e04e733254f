package platform

import (
	"strings"
	"testing"

	"github.com/harkhq/hark/model"
)

// The seed profiles' corrections (platforms.md, "Corrections to the three
// seed profiles").

func TestNavTalkSnakeCaseAndOnePath(t *testing.T) {
	msg := []byte(`{"event":"conversation.output","session_id":"sess_snake","role":"user","timestamp":"2024-01-15T10:30:00Z","message":"hi there"}`)
	record := []byte(`{"session_id":"sess_snake","start_time":"2024-01-15T10:00:00Z","end_time":"2024-01-15T10:30:00Z","messages":[
		{"event":"conversation.output","session_id":"sess_snake","role":"ai","timestamp":"2024-01-15T10:00:05Z","message":"Hello"}]}`)
	for _, path := range []string{"/webhook", "/api/webhook/message", "/"} {
		c := Classify(post(path, msg), nil)
		if c.Platform != "navtalk" || c.Kind != "conversation.output" || c.SessionID != "sess_snake" || len(c.Turns) != 1 || len(c.Notes) != 0 {
			t.Errorf("%s message: %s/%s %q %+v %q", path, c.Platform, c.Kind, c.SessionID, c.Turns, c.Notes)
		}
		c = Classify(post(path, record), nil)
		if c.Platform != "navtalk" || c.Kind != "session" || !c.Record || c.SessionID != "sess_snake" || len(c.Turns) != 1 {
			t.Errorf("%s record: %s/%s %q %+v", path, c.Platform, c.Kind, c.SessionID, c.Turns)
		}
	}
	// The record's end time stands in for turns without a time of their own.
	c := Classify(post("/webhook", []byte(`{"session_id":"s","start_time":"x","end_time":"2024-01-15T10:30:00Z","messages":[{"role":"ai","message":"Bye"}]}`)), nil)
	if len(c.Turns) != 1 || !c.Turns[0].Time.Equal(at("2024-01-15T10:30:00Z")) {
		t.Errorf("end_time: %+v", c.Turns)
	}
	// Its response is ignored: a plain 200, as its samples answer.
	if c.Use != model.UseIgnored || c.Deadline != 0 || DefaultResponse(c).Status != 200 {
		t.Errorf("response %v %v", c.Use, c.Deadline)
	}
	// /webhook alone is no sign of NavTalk: an unknown body there is the fallback's.
	if c := Classify(post("/webhook", []byte(`{"hello":"world"}`)), nil); c.Platform != "generic" {
		t.Errorf("a stranger at /webhook is %s", c.Platform)
	}
}

func TestMoveoBatchesAndDeliveries(t *testing.T) {
	// Custom-integration deliveries, as Moveo documents them: no X-Moveo-*
	// header but the signature, a colon in event_type.
	send := []byte(`{"event_type":"message:brain_send","request_id":"req-1","session_id":"mv-1","external_session_id":"crm-1","integration_id":"intg-1","desk_id":"desk-1","timestamp":1735813200000,
		"output":{"responses":[{"type":"text","text":"Which order is it about?","options":[{"label":"Latest order","text":"My latest order"}]}]}}`)
	closed := []byte(`{"event_type":"session:closed","request_id":"req-2","session_id":"mv-1","integration_id":"intg-1","desk_id":"desk-1","timestamp":1735813500000}`)
	expired := []byte(`{"account_id":"acc-1","event_type":"dialog:expired","request_id":"r","timestamp":1735816800000,"events":[{"session":{"session_id":"mv-1","channel":"web"}}]}`)
	for _, tt := range []struct {
		body  []byte
		turns []model.Turn
	}{
		{send, []model.Turn{{Role: model.RoleAI, Text: "Which order is it about?"}}},
		{closed, []model.Turn{{Role: model.RoleSystem, Marker: model.MarkerClosed}}},
		{expired, []model.Turn{{Role: model.RoleSystem, Marker: model.MarkerClosed}}},
	} {
		c := Classify(post("/moveo/integration", tt.body), nil)
		if c.Platform != "moveo" || c.Kind != "delivery" || c.Use != model.UseIgnored || c.Deadline != 0 || c.SessionID != "mv-1" || len(c.Notes) != 0 {
			t.Fatalf("%s/%s %v %q %q", c.Platform, c.Kind, c.Use, c.SessionID, c.Notes)
		}
		if len(c.Turns) != len(tt.turns) {
			t.Fatalf("turns %+v", c.Turns)
		}
		for i, w := range tt.turns {
			if c.Turns[i].Role != w.Role || c.Turns[i].Text != w.Text || c.Turns[i].Marker != w.Marker {
				t.Errorf("turn %d %+v, want %+v", i, c.Turns[i], w)
			}
		}
	}
	// A batch (a JSON array, which Moveo mentions but does not show): each
	// event is read, one exchange.
	batch := []byte("[" + string(send) + "," + string(closed) + "]")
	c := Classify(post("/moveo/integration", batch, "X-Moveo-Signature", "00"), nil)
	if c.Kind != "delivery" || len(c.Turns) != 2 || c.Turns[1].Marker != model.MarkerClosed || len(c.Notes) != 0 {
		t.Fatalf("batch: %s %+v %q", c.Kind, c.Turns, c.Notes)
	}
	// A batch is recognized by its elements' shape, headers aside.
	if c := Classify(post("/x", batch), nil); c.Platform != "moveo" || c.Kind != "delivery" {
		t.Errorf("batch by shape: %s/%s", c.Platform, c.Kind)
	}
	// A batch of pre messages: each element's user turn.
	pre := `{"session_id":"mv-2","brain_id":"b","input":{"text":"%s"}}`
	c = Classify(post("/moveo/pre-message", []byte("["+strings.ReplaceAll(pre, "%s", "one")+","+strings.ReplaceAll(pre, "%s", "two")+"]")), nil)
	if c.Kind != "pre_message" || !c.Consumed() || len(c.Turns) != 2 || c.Turns[1].Text != "two" {
		t.Errorf("pre batch: %s %+v", c.Kind, c.Turns)
	}
	// An empty array is no batch to read.
	if c := Classify(post("/moveo/pre-message", []byte(`[]`), "X-Moveo-Request-Id", "r"), nil); !hasNote(c, "JSON array of 0 items") {
		t.Errorf("empty batch: %q", c.Notes)
	}
}

func TestMoveoFirstMessageHasNoInput(t *testing.T) {
	noInput := []byte(`{"channel":"web","session_id":"mv-3","brain_id":"b","input":{"text":"","attachments":[]},"timestamp":1761045302529}`)
	for _, path := range []string{"/moveo/pre-message", "/hook", "/moveo/first-message"} {
		c := Classify(post(path, noInput), nil)
		if c.Kind != "first_message" || len(c.Turns) != 1 || c.Turns[0].Marker != model.MarkerCreated {
			t.Errorf("%s: %s %+v", path, c.Kind, c.Turns)
		}
	}
	absent := []byte(`{"channel":"web","session_id":"mv-3","brain_id":"b","context":{}}`)
	if c := Classify(post("/moveo/pre-message", absent, "X-Moveo-Request-Id", "r"), nil); c.Kind != "first_message" {
		t.Errorf("no input at all: %s", c.Kind)
	}
	// With the user's words, the path says which: a pre message at /pre.
	if c := Classify(post("/moveo/pre-message", testdata(t, "moveo_pre.json")), nil); c.Kind != "pre_message" {
		t.Errorf("pre with input: %s", c.Kind)
	}
}

func TestChatBotShowsBothIDs(t *testing.T) {
	c := Classify(post("/chatbot", testdata(t, "chatbot_old.json")), nil)
	if c.SessionID != "125338496333449767" || len(c.Also) != 1 || c.Also[0] != (model.Alias{Name: "conversationId", Value: "5cc6d3c0b4001336f89de71a"}) {
		t.Fatalf("session %q also %+v", c.SessionID, c.Also)
	}
	r, err := Load(nil, map[string]string{"chatbot": "conversationId"})
	if err != nil {
		t.Fatal(err)
	}
	c = r.Classify(post("/chatbot", testdata(t, "chatbot_old.json")), nil)
	if c.SessionID != "5cc6d3c0b4001336f89de71a" || len(c.Also) != 1 || c.Also[0].Name != "sessionId" || c.Also[0].Value != "125338496333449767" {
		t.Fatalf("grouped by conversationId: %q %+v", c.SessionID, c.Also)
	}
	// The current builder has one id: nothing else to show.
	if c := r.Classify(post("/chatbot", testdata(t, "chatbot_v2.json")), nil); c.SessionID != "602313f00000000000000000" || len(c.Also) != 0 {
		t.Fatalf("current builder: %q %+v", c.SessionID, c.Also)
	}
	// The built-in registry is left as it was.
	if p, _ := Lookup("chatbot"); p.groupedBy != "" || Builtin().byName["chatbot"] != p {
		t.Fatal("--group changed the built-in profile")
	}
	for _, bad := range []map[string]string{{"chatbot": "chatId"}, {"navtalk": "x"}, {"nosuch": "x"}} {
		if _, err := Load(nil, bad); err == nil {
			t.Errorf("--group %v accepted", bad)
		}
	}
	if _, err := Load(nil, map[string]string{"chatbot": "default"}); err != nil {
		t.Errorf("--group chatbot=default: %v", err)
	}
}

// TestGenericClaimsNothing: the fallback's use of a response is unknown,
// its deadline none, and it reads form bodies for sessions and turns.
func TestGenericClaimsNothing(t *testing.T) {
	form := post("/hook", []byte("ConversationSid=CH1&Body=Hello+from+SMS&Author=%2B1555"), "Content-Type", "application/x-www-form-urlencoded")
	c := Classify(form, nil)
	if c.Platform != "generic" || c.Kind != "non-json" || c.SessionID != "CH1" || c.Use != model.UseUnknown || c.Deadline != 0 {
		t.Fatalf("%s/%s %q %v %v", c.Platform, c.Kind, c.SessionID, c.Use, c.Deadline)
	}
	if len(c.Turns) != 1 || c.Turns[0].Text != "Hello from SMS" || c.Turns[0].Role != model.RoleUser {
		t.Fatalf("form turns %+v", c.Turns)
	}
	for body, want := range map[string]string{
		`{"callback_query":{"message":{"chat":{"id":42}}}}`:                   "42",
		`{"edited_message":{"chat":{"id":-100}}}`:                             "-100",
		`{"data":{"metadata":{"callSid":"CA9"}}}`:                             "CA9",
		`{"events":[{"payload":{"conversation":{"id":"sun-1"}}}]}`:            "sun-1",
		`{"sender":"rasa-user","message":"hi"}`:                               "rasa-user",
		`{"recipient_id":"r-1","text":"hello"}`:                               "r-1",
		`{"events":[{"payload":{}},{"payload":{"conversation":{"id":"b"}}}]}`: "b",
	} {
		if c := Classify(post("/hook", []byte(body)), nil); c.SessionID != want {
			t.Errorf("%s: session %q, want %q", body, c.SessionID, want)
		}
	}
}
