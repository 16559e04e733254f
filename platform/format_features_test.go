package platform

import (
	"errors"
	"strings"
	"testing"

	"github.com/harkhq/hark/model"
)

// The format's keys that the messaging platforms brought: turn rules
// that hold only for some requests, and labels for the other ids. (A
// signed timestamp's tolerance came with the voice platforms as well:
// signature_schemes_test.go and retell_test.go test it.)

// TestCompileTurnConditionErrors: a turn rule's when is a request
// condition, checked like match's.
func TestCompileTurnConditionErrors(t *testing.T) {
	_, err := Compile("acme.yaml", []byte(minimal+"turns:\n  - {when: {header: {\"X Y\": \"*\"}}, text: t}\n"))
	var fe FormatErrors
	if !errors.As(err, &fe) {
		t.Fatalf("error %v", err)
	}
	for _, e := range fe {
		if strings.Contains(e.Msg, "a header name") && e.Line == 6 {
			return
		}
	}
	t.Errorf("want line 6 …a header name…, got %v", err)
}

func TestTurnConditionAndAlsoLabels(t *testing.T) {
	p := compileT(t, "acme.yaml", minimal+`session: [id]
also:
  customer: [contact.name, contact.phone]
  order: order_id
turns:
  - when: {header: {X-Retry: null}}
    text: text
`)
	useRegistry(t, newRegistry([]*Profile{p}, Builtin().Fallback()))
	body := []byte(`{"id":"c1","text":"hello","contact":{"phone":"+15550100"},"order_id":"o-9"}`)
	c := Classify(post("/acme/x", body), nil)
	if len(c.Turns) != 1 || len(c.Also) != 2 || c.Also[0] != (model.Alias{Name: "customer", Value: "+15550100"}) || c.Also[1] != (model.Alias{Name: "order", Value: "o-9"}) {
		t.Fatalf("turns %+v also %+v", c.Turns, c.Also)
	}
	if c := Classify(post("/acme/x", body, "X-Retry", "1"), nil); len(c.Turns) != 0 {
		t.Errorf("a retry's turns %+v", c.Turns)
	}
}

// TestFormNoteOnlyWhereNews: a form body is worth a note for a platform
// that posts JSON, not for one that posts forms.
func TestFormNoteOnlyWhereNews(t *testing.T) {
	form := func(path, body string) *model.Request {
		return &model.Request{Method: "POST", Path: path, Body: []byte(body), Size: int64(len(body)),
			Headers: map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}}}
	}
	if c := Classify(form("/twilio", "EventType=onMessageAdded&ConversationSid=CH1&Body=hi"), nil); c.Platform != "twilio" || len(c.Notes) != 0 {
		t.Errorf("twilio: %s %q", c.Platform, c.Notes)
	}
	if c := Classify(form("/hook", "CallSid=CA1&Body=hi"), nil); !hasNote(c, "form data with 2 fields") {
		t.Errorf("generic: %s %q", c.Platform, c.Notes)
	}
}

// TestMayHandshakeReadsAPostsFields: a POST handshake (Slack's) is told
// from webhooks by its JSON fields, read without preparing the request.
func TestMayHandshakeReadsAPostsFields(t *testing.T) {
	r := Active()
	for body, want := range map[string]bool{
		`{"type":"url_verification","challenge":"c"}`: true,
		`{"type":"event_callback","event":{}}`:        false,
		`not json`:                                    false,
	} {
		req := post("/slack/events", []byte(body))
		if got := r.mayHandshake(req); got != want {
			t.Errorf("%s: %v", body, got)
		}
	}
}
