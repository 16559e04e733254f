package platform

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

const (
	retellCall = "call_7f3a9c2e1b5d4f60a8e2c91d"
	retellKey  = "key_hark_retell_demo_7d1c2a"
)

// retellSigned is the instant call_ended.http was signed at (v=…).
var retellSigned = time.UnixMilli(1735812019000)

// retellSignature signs a body as Retell's SDKs verify it.
func retellSignature(key string, body []byte, at time.Time) string {
	ms := strconv.FormatInt(at.UnixMilli(), 10)
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	m.Write([]byte(ms))
	return "v=" + ms + ",d=" + hex.EncodeToString(m.Sum(nil))
}

// TestRetellFixtures reads Retell's documented events: kind, session,
// turns, and call_inbound, the one whose answer Retell reads.
func TestRetellFixtures(t *testing.T) {
	agent, user := model.RoleAI, model.RoleUser
	lines := []model.Turn{
		{Role: agent, Text: "Hi Dana, this is Sam from Brightside Energy. How can I help today?"},
		{Role: user, Text: "My bill doubled this month and I don't know why."},
		{Role: agent, Text: "I'm sorry to hear that. I see a meter reading from December 30th; let me open a review for you."},
		{Role: user, Text: "Thank you, that would be great."},
	}
	tests := []struct {
		file     string
		kind     string
		session  string
		deadline time.Duration
		record   bool
		turns    []model.Turn
	}{
		{"call_inbound.json", "call_inbound", model.Unsorted, 10 * time.Second, false, nil},
		{"call_started.json", "call_started", retellCall, 0, false, []model.Turn{{Role: model.RoleSystem, Marker: model.MarkerCreated, Time: time.UnixMilli(1735812001500).UTC()}}},
		{"transcript_updated.json", "transcript_updated", retellCall, 0, false, lines[1:2]}, // the newest utterance
		{"call_ended.http", "call_ended", retellCall, 0, true, append(append([]model.Turn(nil), lines...),
			model.Turn{Role: model.RoleSystem, Marker: model.MarkerClosed, Time: time.UnixMilli(1735812017800).UTC()})},
		{"call_analyzed.json", "call_analyzed", retellCall, 0, false, []model.Turn{
			{Role: model.RoleSystem, Text: "Dana called about a doubled bill; the agent opened a meter reading review."}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c := Classify(vendorFixture(t, "retell", tt.file), nil)
			if c.Platform != "retell" || c.Kind != tt.kind || c.SessionID != tt.session {
				t.Fatalf("%s/%s session %q", c.Platform, c.Kind, c.SessionID)
			}
			if c.Consumed() != (tt.deadline > 0) || c.Deadline != tt.deadline || c.Record != tt.record {
				t.Errorf("use %s deadline %v record %v", c.Use, c.Deadline, c.Record)
			}
			turnsEqual(t, c.Turns, tt.turns)
			// call_inbound has no call yet: unsorted, and nothing odd about it.
			if len(c.Notes) > 0 {
				t.Errorf("notes %q", c.Notes)
			}
			if tt.session == retellCall && (len(c.Also) != 1 || c.Also[0].Value != "+14155550123") {
				t.Errorf("also %+v: the caller's number", c.Also)
			}
		})
	}
	d := DefaultResponse(Classification{Platform: "retell", Kind: "call_inbound"})
	if string(d.Body) != `{"call_inbound":{}}` {
		t.Errorf("call_inbound default %s", d.Body)
	}
	if d := DefaultResponse(Classification{Platform: "retell", Kind: "call_ended"}); d.Status != 200 || len(d.Body) != 0 {
		t.Errorf("call_ended default %d %q", d.Status, d.Body)
	}
	// The transfer events and the chat events are Retell's too.
	for body, want := range map[string]string{
		`{"event":"transfer_started","call":{"call_id":"call_1"}}`:     "transfer",
		`{"event":"chat_started","chat":{"chat_id":"chat_1"}}`:         "call_started",
		`{"event":"chat_inbound","chat_inbound":{"from_number":"+1"}}`: "call_inbound",
	} {
		if c := Classify(post("/retell", []byte(body)), nil); c.Platform != "retell" || c.Kind != want {
			t.Errorf("%s: %s/%s", body, c.Platform, c.Kind)
		}
	}
}

// TestRetellSignature: X-Retell-Signature's digest, and its time against
// the receive time with Retell's 5 minutes of tolerance, both ways.
func TestRetellSignature(t *testing.T) {
	ended := func() *model.Request { return vendorFixture(t, "retell", "call_ended.http") }
	changed := ended()
	changed.Body = []byte(strings.Replace(string(changed.Body), "user_hangup", "agent_hangup", 1))
	bad := ended()
	bad.Headers["X-Retell-Signature"] = []string{"v=soon,d=5eaef85b844e86747249262c6fb68144b849f769d2e6bffac2c5beba3fbd58d5"}
	tests := []struct {
		name     string
		req      *model.Request
		secret   string
		received time.Time
		want     model.SigState
		detail   string
	}{
		{"valid at once", ended(), retellKey, retellSigned.Add(300 * time.Millisecond), model.SigValid, "matches the retell secret"},
		{"valid 4m59s later", ended(), retellKey, retellSigned.Add(4*time.Minute + 59*time.Second), model.SigValid, "matches"},
		{"replayed 5m01s later", ended(), retellKey, retellSigned.Add(5*time.Minute + time.Second), model.SigInvalid, "5m1s before it arrived (at most 5m0s apart)"},
		{"signed in the future", ended(), retellKey, retellSigned.Add(-6 * time.Minute), model.SigInvalid, "6m0s after it arrived"},
		{"a year later", ended(), retellKey, retellSigned.AddDate(1, 0, 0), model.SigInvalid, "365 days before it arrived"},
		{"no receive time (a file)", ended(), retellKey, time.Time{}, model.SigValid, "signed at 2025-01-02 10:00:19 UTC; no receive time"},
		{"another key", ended(), "key_other", retellSigned, model.SigInvalid, "does not match"},
		{"body changed", changed, retellKey, retellSigned, model.SigInvalid, "does not match"},
		{"timestamp not a number", bad, retellKey, retellSigned, model.SigInvalid, "does not match"},
		{"missing", post("/retell", ended().Body), retellKey, retellSigned, model.SigMissing, "no X-Retell-Signature"},
		{"unchecked", ended(), "", retellSigned, model.SigUnchecked, "no --secret retell"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ClassifyAt(tt.req, Secrets{"retell": tt.secret}, tt.received)
			if c.Platform != "retell" || c.Signature.State != tt.want || !strings.Contains(c.Signature.Detail, tt.detail) {
				t.Fatalf("%s: %s — %s; want %s — …%s…", c.Platform, c.Signature.State, c.Signature.Detail, tt.want, tt.detail)
			}
		})
	}
	// The fixture's signature is Retell's: body, then the milliseconds.
	if got := retellSignature(retellKey, ended().Body, retellSigned); got != ended().Header("X-Retell-Signature") {
		t.Fatalf("the fixture's header: %s", got)
	}
	// A valid digest whose time is not a time is refused for its time.
	body := []byte(`{"event":"call_started","call":{"call_id":"call_1"}}`)
	m := hmac.New(sha256.New, []byte("k"))
	m.Write(append(append([]byte(nil), body...), "soon"...))
	odd := post("/retell", body, "X-Retell-Signature", "v=soon,d="+hex.EncodeToString(m.Sum(nil)))
	if c := ClassifyAt(odd, Secrets{"retell": "k"}, retellSigned); c.Signature.State != model.SigInvalid || !strings.Contains(c.Signature.Detail, `"soon" is not a time`) {
		t.Errorf("time not a time: %+v", c.Signature)
	}
}

// TestRetellConversationInAStore plays a simulated call into a store: each
// transcript_updated adds the utterance just said, call_ended's record
// agrees with them and closes the call, the analysis's summary follows,
// and call_inbound, sent before the call exists, is unsorted.
func TestRetellConversationInAStore(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		store := model.NewStore(model.StoreOptions{})
		reqs, err := Conversation("retell", seeded(seed), "", simStart, Secrets{"retell": "k"})
		if err != nil {
			t.Fatal(err)
		}
		if reqs[0].Kind != "call_inbound" || reqs[0].SessionID != "" || reqs[1].SessionID == "" {
			t.Fatalf("first requests %s %q, %q", reqs[0].Kind, reqs[0].SessionID, reqs[1].SessionID)
		}
		var key model.SessionKey
		for _, r := range reqs {
			c := ClassifyAt(toRequest(r), Secrets{"retell": "k"}, r.At.Add(200*time.Millisecond))
			if c.Signature.State != model.SigValid {
				t.Fatalf("%s: %+v", r.Kind, c.Signature)
			}
			ex := &model.Exchange{ID: store.NextID(), Received: r.At, Platform: c.Platform, Kind: c.Kind,
				SessionID: c.SessionID, Turns: c.Turns, Record: c.Record}
			store.Add(ex)
			if c.SessionID != model.Unsorted {
				key = ex.Session()
			}
		}
		s, _ := store.Session(key)
		if s.Record == nil || !s.Record.Clean() || s.Record.Matched < 5 || !s.Closed {
			t.Fatalf("seed %d: record %+v closed %v", seed, s.Record, s.Closed)
		}
		last := s.Turns[len(s.Turns)-1]
		if s.Turns[0].Marker != model.MarkerCreated || last.Role != model.RoleSystem || !strings.Contains(last.Text, "no follow-up needed") {
			t.Errorf("seed %d: turns %+v", seed, s.Turns)
		}
	}
}
