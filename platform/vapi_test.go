package platform

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

const vapiCall = "c2f6d5e1-8a3b-4f0e-9d21-7b5e4a9c1f03"

// TestVapiFixtures reads Vapi's documented server messages: kind, session,
// the caller's number beside it, turns, and what Vapi does with the answer.
func TestVapiFixtures(t *testing.T) {
	ms := func(n int64) time.Time { return time.UnixMilli(n).UTC() }
	tests := []struct {
		file     string
		kind     string
		deadline time.Duration // 0: ignored
		record   bool
		turns    []model.Turn
	}{
		{"assistant-request.json", "assistant-request", 7500 * time.Millisecond, false, nil},
		{"status-update.json", "status-update", 0, false, []model.Turn{{Role: model.RoleSystem, Marker: model.MarkerCreated, Time: ms(1735812002100)}}},
		{"transcript-partial.json", "transcript", 0, false, nil}, // partials repeat as they grow
		{"transcript.json", "transcript", 0, false, []model.Turn{{Role: model.RoleUser, Text: "Hi, I'd like to book a cleaning for next Tuesday.", Time: ms(1735812009400)}}},
		{"conversation-update.json", "conversation-update", 0, false, nil}, // the whole history again
		{"tool-calls.http", "tool-calls", 20 * time.Second, false, nil},
		{"status-update-ended.json", "status-update", 0, false, []model.Turn{{Role: model.RoleSystem, Marker: model.MarkerClosed, Time: ms(1735812023500)}}},
		{"end-of-call-report.http", "end-of-call-report", 0, true, []model.Turn{
			{Role: model.RoleAI, Text: "Thanks for calling Acme Dental, this is Riley. How can I help?", Time: ms(1735812002600)},
			{Role: model.RoleUser, Text: "Hi, I'd like to book a cleaning for next Tuesday.", Time: ms(1735812006800)},
			{Role: model.RoleAI, Text: "I have 9:30 in the morning or 2 PM on Tuesday. Which works better?", Time: ms(1735812011200)},
			{Role: model.RoleUser, Text: "2 PM, please.", Time: ms(1735812016000)},
			{Role: model.RoleAI, Text: "Done: Tuesday January 7th at 2 PM. See you then!", Time: ms(1735812017800)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c := Classify(vendorFixture(t, "vapi", tt.file), nil)
			if c.Platform != "vapi" || c.Kind != tt.kind || c.SessionID != vapiCall {
				t.Fatalf("%s/%s session %q", c.Platform, c.Kind, c.SessionID)
			}
			if len(c.Also) != 1 || c.Also[0].Value != "+14155550123" {
				t.Errorf("also %+v: the caller's number", c.Also)
			}
			if c.Consumed() != (tt.deadline > 0) || c.Deadline != tt.deadline || c.Record != tt.record {
				t.Errorf("use %s deadline %v record %v", c.Use, c.Deadline, c.Record)
			}
			if tt.deadline == 0 && c.Use != model.UseIgnored {
				t.Errorf("use %s, want ignored", c.Use)
			}
			turnsEqual(t, c.Turns, tt.turns)
			if len(c.Notes) > 0 {
				t.Errorf("notes %q", c.Notes)
			}
		})
	}
}

// TestVapiKinds: the older function-call is a tool call, the other
// documented messages are informational, an undocumented one is noted.
func TestVapiKinds(t *testing.T) {
	for body, want := range map[string]string{
		`{"message":{"type":"function-call","functionCall":{"name":"lookup","parameters":{"id":"7"}},"call":{"id":"c1"}}}`: "tool-calls",
		`{"message":{"type":"transfer-destination-request","call":{"id":"c1"}}}`:                                           "transfer-destination-request",
		`{"message":{"type":"knowledge-base-request","call":{"id":"c1"}}}`:                                                 "knowledge-base-request",
		`{"message":{"type":"hang","call":{"id":"c1"}}}`:                                                                   "hang",
		`{"message":{"type":"user-interrupted","call":{"id":"c1"}}}`:                                                       "update",
		`{"message":{"type":"chat.created","chat":{"id":"chat_1"}}}`:                                                       "update",
		`{"message":{"type":"brand-new-thing","call":{"id":"c1"}}}`:                                                        "other",
	} {
		c := Classify(post("/vapi", []byte(body), "X-Vapi-Secret", "s"), nil)
		if c.Platform != "vapi" || c.Kind != want {
			t.Errorf("%s: %s/%s, want vapi/%s", body, c.Platform, c.Kind, want)
		}
		if want == "other" && !hasNote(c, "not a kind of webhook Vapi documents") {
			t.Errorf("undocumented type not noted: %q", c.Notes)
		}
	}
	// A message.type alone, without a call, chat or session, or a Vapi
	// header, is anybody's.
	if c := Classify(post("/x", []byte(`{"message":{"type":"transcript","text":"hi"}}`)), nil); c.Platform == "vapi" {
		t.Errorf("a bare message.type taken as Vapi's")
	}
	// The chat events' session is the chat's id.
	if c := Classify(post("/vapi", []byte(`{"message":{"type":"chat.created","chat":{"id":"chat_9"}}}`)), nil); c.Platform != "vapi" || c.SessionID != "chat_9" {
		t.Errorf("chat event: %s %q", c.Platform, c.SessionID)
	}
}

// vapiHMAC signs a body as Vapi's HMAC credential does with its defaults.
func vapiHMAC(key, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(timestamp + "." + string(body)))
	return hex.EncodeToString(m.Sum(nil))
}

// TestVapiSignatures: the shared secret in X-Vapi-Secret and the HMAC
// credential, each checked with --secret vapi; a request with neither is
// missing its signature when a secret is set.
func TestVapiSignatures(t *testing.T) {
	transcript := vendorFixture(t, "vapi", "transcript.json")
	retimed := vendorFixture(t, "vapi", "end-of-call-report.http")
	retimed.Headers["X-Timestamp"] = []string{"1735812027"} // the digest covers the timestamp
	legacy := post("/vapi", transcript.Body, "X-Vapi-Signature", "hark-vapi-secret")
	tests := []struct {
		name   string
		req    *model.Request
		secret string
		want   model.SigState
		detail string
	}{
		{"shared secret", vendorFixture(t, "vapi", "tool-calls.http"), "hark-vapi-secret", model.SigValid, "token matches"},
		{"shared secret, another one set", vendorFixture(t, "vapi", "tool-calls.http"), "other", model.SigInvalid, "does not match"},
		{"shared secret, none set", vendorFixture(t, "vapi", "tool-calls.http"), "", model.SigUnchecked, "not checked"},
		{"hmac credential", vendorFixture(t, "vapi", "end-of-call-report.http"), "hark-vapi-hmac-key", model.SigValid, `X-Timestamp + "." + body matches`},
		{"hmac credential, another key", vendorFixture(t, "vapi", "end-of-call-report.http"), "hark-vapi-secret", model.SigInvalid, "does not match"},
		{"hmac credential, timestamp changed", retimed, "hark-vapi-hmac-key", model.SigInvalid, "does not match"},
		{"older X-Vapi-Signature", legacy, "hark-vapi-secret", model.SigValid, "older Vapi docs"},
		{"none, secret set", transcript, "hark-vapi-secret", model.SigMissing, "none of X-Vapi-Secret, X-Signature, X-Vapi-Signature"},
		{"none, no secret", transcript, "", model.SigNone, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Classify(tt.req, Secrets{"vapi": tt.secret})
			if c.Signature.State != tt.want || !strings.Contains(c.Signature.Detail, tt.detail) {
				t.Fatalf("%s — %s; want %s — …%s…", c.Signature.State, c.Signature.Detail, tt.want, tt.detail)
			}
		})
	}
	if got := vapiHMAC("hark-vapi-hmac-key", "1735812026", vendorFixture(t, "vapi", "end-of-call-report.http").Body); got != "e4db1fa6c4718c9b0596b4d1aa4a10efde3aa75984e8854396fca1ad35aa9191" {
		t.Fatalf("the fixture's digest: %s", got)
	}
	// Replaying signs with the scheme the request carries.
	out, did := Resign("vapi", *vendorFixture(t, "vapi", "end-of-call-report.http"), Secrets{"vapi": "new-key"})
	if did != "X-Signature recomputed" || out.Header("X-Signature") != vapiHMAC("new-key", "1735812026", out.Body) {
		t.Errorf("resign hmac: %q %q", did, out.Header("X-Signature"))
	}
	out, did = Resign("vapi", *vendorFixture(t, "vapi", "tool-calls.http"), Secrets{"vapi": "new-secret"})
	if did != "token replaced" || out.Header("X-Vapi-Secret") != "new-secret" {
		t.Errorf("resign token: %q %q", did, out.Header("X-Vapi-Secret"))
	}
}

// TestVapiAnswers: the pass-through defaults of the consumed kinds.
func TestVapiAnswers(t *testing.T) {
	for kind, want := range map[string]string{
		"assistant-request":            `{"error":"Sorry, this line is not taking calls right now. Please try again later."}`,
		"tool-calls":                   `{"results":[]}`,
		"transfer-destination-request": `{}`,
		"knowledge-base-request":       `{"documents":[]}`,
	} {
		d := DefaultResponse(Classification{Platform: "vapi", Kind: kind})
		if d.Status != 200 || string(d.Body) != want || d.Headers["Content-Type"][0] != "application/json" {
			t.Errorf("%s: %d %s", kind, d.Status, d.Body)
		}
	}
	p, _ := Lookup("vapi")
	k, _ := p.Kind("tool-calls")
	names := map[string]bool{}
	for _, tpl := range k.Templates {
		names[tpl.Name] = true
	}
	if !names["result"] || !names["function-call"] {
		t.Errorf("tool-calls templates %v", names)
	}
}

// TestVapiConversationInAStore plays a simulated call into a store: the
// transcript heard live agrees with the end-of-call-report's record, the
// call is closed, and the consumed kinds wait for their answer.
func TestVapiConversationInAStore(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		store := model.NewStore(model.StoreOptions{})
		reqs, err := Conversation("vapi", seeded(seed), "", simStart, Secrets{"vapi": "s"})
		if err != nil {
			t.Fatal(err)
		}
		var key model.SessionKey
		consumed := map[string]time.Duration{}
		for _, r := range reqs {
			req := toRequest(r)
			if req.Header("X-Vapi-Secret") != "s" {
				t.Fatalf("%s not signed: %v", r.Kind, req.Headers)
			}
			c := Classify(req, Secrets{"vapi": "s"})
			if c.Consumed() {
				consumed[c.Kind] = c.Deadline
			}
			ex := &model.Exchange{ID: store.NextID(), Received: r.At, Platform: c.Platform, Kind: c.Kind,
				SessionID: c.SessionID, Turns: c.Turns, Record: c.Record}
			store.Add(ex)
			key = ex.Session()
		}
		s, _ := store.Session(key)
		if s.Record == nil || !s.Record.Clean() || s.Record.Matched < 5 || !s.Closed {
			t.Fatalf("seed %d: record %+v closed %v", seed, s.Record, s.Closed)
		}
		if s.Turns[0].Marker != model.MarkerCreated || s.SpokenTurns() != s.Record.Matched {
			t.Errorf("seed %d: turns %+v", seed, s.Turns)
		}
		want := map[string]time.Duration{"assistant-request": 7500 * time.Millisecond, "tool-calls": 20 * time.Second,
			"transfer-destination-request": 20 * time.Second, "knowledge-base-request": 20 * time.Second}
		for k, d := range want {
			if consumed[k] != d {
				t.Errorf("seed %d: %s consumed within %v", seed, k, consumed[k])
			}
		}
	}
}
