package platform

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// The format's keys that the messaging platforms brought: a signed
// timestamp's tolerance, turn rules that hold only for some requests, and
// labels for the other ids.

func TestCompileFreshnessErrors(t *testing.T) {
	sig := minimal + "signature:\n  hmac: sha256\n  header: X-Sig\n"
	for _, tt := range []struct {
		name, src string
		line      int
		want      string
	}{
		{"tolerance without timestamp", sig + "  tolerance: 5m\n", 8, "needs timestamp"},
		{"timestamp without tolerance", sig + "  timestamp: \"{header:X-T}\"\n", 8, "needs tolerance"},
		{"bad tolerance", sig + "  timestamp: \"{header:X-T}\"\n  tolerance: soon\n", 9, "not a duration above 0"},
		{"bad timestamp placeholder", sig + "  timestamp: \"{when}\"\n  tolerance: 5m\n", 8, "unknown placeholder {when}"},
		{"timestamp of a token", minimal + "signature:\n  token: header:X-Token\n  timestamp: \"{header:X-T}\"\n", 7, "for an hmac signature"},
		{"bad turn condition", minimal + "turns:\n  - {when: {header: {\"X Y\": \"*\"}}, text: t}\n", 6, "a header name"},
	} {
		_, err := Compile("acme.yaml", []byte(tt.src))
		var fe FormatErrors
		if !errors.As(err, &fe) {
			t.Fatalf("%s: error %v", tt.name, err)
		}
		found := false
		for _, e := range fe {
			found = found || strings.Contains(e.Msg, tt.want) && e.Line == tt.line
		}
		if !found {
			t.Errorf("%s: want line %d …%s…, got %v", tt.name, tt.line, tt.want, err)
		}
	}
}

// TestFreshnessInAFormatPart: a timestamp may be a part of the signature
// header's format (Retell's v=<ms>), in milliseconds.
func TestFreshnessInAFormatPart(t *testing.T) {
	p := compileT(t, "acme.yaml", minimal+`signature:
  hmac: sha256
  header: X-Sig
  format: "v={t},d={sig}"
  payload: "{body}{t}"
  parts: {t: "{now:ms}"}
  timestamp: "{t}"
  tolerance: 5m
`)
	useRegistry(t, newRegistry([]*Profile{p}, Builtin().Fallback()))
	body := []byte(`{"id":1}`)
	header := "v=1714000000000,d=" + p.sign.encode(p.sign.mac("k", append(append([]byte(nil), body...), "1714000000000"...)))
	req := post("/acme/x", body, "X-Sig", header)
	signed := time.UnixMilli(1714000000000)
	for _, tt := range []struct {
		at   time.Time
		want model.SigState
	}{
		{signed.Add(time.Minute), model.SigValid},
		{signed.Add(6 * time.Minute), model.SigInvalid},
		{time.Time{}, model.SigValid},
	} {
		if c := ClassifyAt(req, Secrets{"acme": "k"}, tt.at); c.Signature.State != tt.want {
			t.Errorf("at %v: %s %q", tt.at, c.Signature.State, c.Signature.Detail)
		}
	}
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
