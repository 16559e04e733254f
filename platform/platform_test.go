package platform

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

func post(path string, body []byte, headers ...string) *model.Request {
	h := map[string][]string{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(headers); i += 2 {
		h[headers[i]] = []string{headers[i+1]}
	}
	return &model.Request{Method: "POST", Path: path, Headers: h, Body: body, Size: int64(len(body))}
}

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// turnsEqual compares the parts of turns a profile sets.
func turnsEqual(t *testing.T, got, want []model.Turn) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d turns %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Role != w.Role || g.Text != w.Text || g.Marker != w.Marker || !g.Time.Equal(w.Time) {
			t.Errorf("turn %d = %+v, want %+v", i, g, w)
		}
	}
}

// TestSeedPayloads classifies the documented examples of every profile.
func TestSeedPayloads(t *testing.T) {
	tests := []struct {
		name     string
		req      *model.Request
		platform string
		kind     string
		session  string
		consumed bool
		deadline time.Duration
		record   bool
		turns    []model.Turn
	}{
		{
			name: "navtalk message event", req: post("/api/webhook/message", testdata(t, "navtalk_message.json")),
			platform: "navtalk", kind: "conversation.output", session: "session_123456",
			turns: []model.Turn{{Role: model.RoleAI, Text: "Hello, how can I help you?", Time: at("2024-01-15T10:30:00Z")}},
		},
		{
			name: "navtalk message event on another path", req: post("/hooks/navtalk", testdata(t, "navtalk_message.json")),
			platform: "navtalk", kind: "conversation.output", session: "session_123456",
			turns: []model.Turn{{Role: model.RoleAI, Text: "Hello, how can I help you?", Time: at("2024-01-15T10:30:00Z")}},
		},
		{
			name: "navtalk session record", req: post("/base/api/webhook/session", testdata(t, "navtalk_session.json")),
			platform: "navtalk", kind: "session", session: "session_123456", record: true,
			turns: []model.Turn{
				{Role: model.RoleUser, Text: "Hello", Time: at("2024-01-15T10:00:05Z")},
				{Role: model.RoleAI, Text: "Hello, how can I help you?", Time: at("2024-01-15T10:00:10Z")},
			},
		},
		{
			name: "navtalk session record by shape", req: post("/", testdata(t, "navtalk_session.json")),
			platform: "navtalk", kind: "session", session: "session_123456", record: true,
			turns: []model.Turn{
				{Role: model.RoleUser, Text: "Hello", Time: at("2024-01-15T10:00:05Z")},
				{Role: model.RoleAI, Text: "Hello, how can I help you?", Time: at("2024-01-15T10:00:10Z")},
			},
		},
		{
			name:     "navtalk session created",
			req:      post("/api/webhook/message", []byte(`{"event":"session.created","sessionId":"session_9","role":"system","timestamp":"2024-01-15T10:00:00Z"}`)),
			platform: "navtalk", kind: "session.created", session: "session_9",
			turns: []model.Turn{{Role: model.RoleSystem, Marker: model.MarkerCreated, Time: at("2024-01-15T10:00:00Z")}},
		},
		{
			name:     "navtalk session closed",
			req:      post("/api/webhook/message/", []byte(`{"event":"session.closed","sessionId":"session_9","role":"system","timestamp":"2024-01-15T10:30:00+02:00"}`)),
			platform: "navtalk", kind: "session.closed", session: "session_9",
			turns: []model.Turn{{Role: model.RoleSystem, Marker: model.MarkerClosed, Time: at("2024-01-15T08:30:00Z")}},
		},
		{
			name: "chatbot old builder", req: post("/chatbot", testdata(t, "chatbot_old.json")),
			platform: "chatbot", kind: "webhook", session: "125338496333449767", consumed: true, deadline: 10 * time.Second,
			turns: []model.Turn{
				{Role: model.RoleUser, Text: "1", Time: at("2019-04-29T10:36:54.656Z")},
				{Role: model.RoleAI, Text: "Hi John Example", Time: at("2019-04-29T10:36:54.656Z")},
			},
		},
		{
			name: "chatbot current builder", req: post("/chatbot", testdata(t, "chatbot_v2.json")),
			platform: "chatbot", kind: "webhook.v2", session: "602313f00000000000000000", consumed: true, deadline: 10 * time.Second,
		},
		{
			name: "moveo pre message by shape", req: post("/hook", testdata(t, "moveo_pre.json")),
			platform: "moveo", kind: "pre_message", session: "8563dcdf-64ef-4de2-a5ca-b96e0557e4e8", consumed: true, deadline: 10 * time.Second,
			turns: []model.Turn{{Role: model.RoleUser, Text: "hi", Time: time.UnixMilli(1761045302529).UTC()}},
		},
		{
			name: "moveo first message by path", req: post("/moveo/first-message", testdata(t, "moveo_pre.json")),
			platform: "moveo", kind: "first_message", session: "8563dcdf-64ef-4de2-a5ca-b96e0557e4e8", consumed: true, deadline: 10 * time.Second,
			turns: []model.Turn{
				{Role: model.RoleSystem, Marker: model.MarkerCreated, Time: time.UnixMilli(1761045302529).UTC()},
				{Role: model.RoleUser, Text: "hi", Time: time.UnixMilli(1761045302529).UTC()},
			},
		},
		{
			name: "moveo post message", req: post("/moveo/events", testdata(t, "moveo_post.json")),
			platform: "moveo", kind: "post_message", session: "00d2ff33-706e-4a2c-8544-df6c9d0c1ecf", consumed: true, deadline: 10 * time.Second,
			turns: []model.Turn{{Role: model.RoleAI, Text: "I'd be happy to help you with your order. Can you provide your order number?", Time: time.UnixMilli(1699531250000).UTC()}},
		},
		{
			name: "moveo dialog", req: post("/moveo/webhook", testdata(t, "moveo_dialog.json")),
			platform: "moveo", kind: "dialog", session: "00d2ff33-706e-4a2c-8544-df6c9d0c1ecf", consumed: true, deadline: 10 * time.Second,
		},
		{
			name: "moveo by header only", req: post("/x", []byte(`{"anything":1}`), "X-Moveo-Session-Id", "s-1", "X-Moveo-Request-Id", "r"),
			platform: "moveo", kind: "other", session: "s-1", consumed: true, deadline: 10 * time.Second,
		},
		{
			name: "dialogflow es fulfillment", req: post("/df", testdata(t, "generic_dialogflow_es.json")),
			platform: "dialogflow-es", kind: "intent", session: "a1b2c3d4e5", consumed: true, deadline: 5 * time.Second,
			turns: []model.Turn{{Role: model.RoleUser, Text: "book a room for tomorrow"}, {Role: model.RoleAI, Text: "For how many nights?"}},
		},
		{
			name: "vapi tool calls", req: post("/vapi", testdata(t, "generic_vapi.json")),
			platform: "vapi", kind: "tool-calls", session: "call_7f3e2b9d", consumed: true, deadline: 20 * time.Second,
		},
		{
			name: "retell call started", req: post("/retell", testdata(t, "generic_retell.json")),
			platform: "retell", kind: "call_started", session: "Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6",
			turns: []model.Turn{{Role: model.RoleSystem, Marker: model.MarkerCreated}},
		},
		{
			name: "voiceflow goes generic", req: post("/vf", testdata(t, "generic_voiceflow.json")),
			platform: "generic", kind: "webhook", session: "vf-session-42",
			turns: []model.Turn{{Role: model.RoleUser, Text: "Hi there"}},
		},
		{
			name: "rasa action server call without an input channel", req: post("/rasa", testdata(t, "generic_rasa.json")),
			platform: "rasa", kind: "action", session: "rasa-user-9", consumed: true, deadline: 300 * time.Second,
			turns: []model.Turn{{Role: model.RoleUser, Text: "where is my parcel?"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Classify(tt.req, nil)
			if c.Platform != tt.platform || c.Kind != tt.kind || c.SessionID != tt.session {
				t.Fatalf("got %s/%s session %q, want %s/%s session %q (notes %q)", c.Platform, c.Kind, c.SessionID, tt.platform, tt.kind, tt.session, c.Notes)
			}
			if c.Consumed() != tt.consumed || c.Deadline != tt.deadline || c.Record != tt.record {
				t.Errorf("consumed %v deadline %v record %v, want %v %v %v", c.Consumed(), c.Deadline, c.Record, tt.consumed, tt.deadline, tt.record)
			}
			// hark claims nothing it does not know of a platform it has no profile for.
			if (tt.platform == "generic") != (c.Use == model.UseUnknown) {
				t.Errorf("response use %s", c.Use)
			}
			turnsEqual(t, c.Turns, tt.turns)
			for _, n := range c.Notes {
				if tt.platform != "moveo" || tt.kind != "other" {
					t.Errorf("unexpected note %q", n)
				}
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		req      *model.Request
		status   int
		body     string
		jsonBody bool
	}{
		{post("/api/webhook/message", testdata(t, "navtalk_message.json")), 200, `Webhook received successfully`, false},
		{post("/api/webhook/session", testdata(t, "navtalk_session.json")), 200, `Session record received successfully`, false},
		{post("/chatbot", testdata(t, "chatbot_old.json")), 200, `{"responses":[]}`, true},
		{post("/chatbot", testdata(t, "chatbot_v2.json")), 200, `{"responses":[]}`, true},
		{post("/moveo/pre", testdata(t, "moveo_pre.json")), 200, `{}`, true},
		{post("/moveo/first", testdata(t, "moveo_pre.json")), 200, `{}`, true},
		{post("/moveo/events", testdata(t, "moveo_post.json")), 200, `{}`, true},
		{post("/moveo/dialog", testdata(t, "moveo_dialog.json")), 200, `{"responses":[]}`, true},
		{post("/anything", []byte(`{"x":1}`)), 200, `{}`, true},
		{post("/form", []byte(`a=1`), "Content-Type", "application/x-www-form-urlencoded"), 200, ``, false},
		{&model.Request{Method: "GET", Path: "/"}, 200, ``, false},
	}
	for _, tt := range tests {
		c := Classify(tt.req, nil)
		d := DefaultResponse(c)
		if d.Status != tt.status || string(d.Body) != tt.body || d.Source != model.SourceDefault {
			t.Errorf("%s/%s: default %d %q %s, want %d %q", c.Platform, c.Kind, d.Status, d.Body, d.Source, tt.status, tt.body)
		}
		if tt.jsonBody && (d.Headers["Content-Type"][0] != "application/json" || !json.Valid(d.Body)) {
			t.Errorf("%s/%s: default not JSON: %v %q", c.Platform, c.Kind, d.Headers, d.Body)
		}
	}
	// A decision owns its headers: changing one leaves the template alone.
	c := Classify(post("/x", []byte(`{}`)), nil)
	d := DefaultResponse(c)
	d.Headers["Content-Type"][0] = "text/html"
	if again := DefaultResponse(c); again.Headers["Content-Type"][0] != "application/json" {
		t.Fatal("DefaultResponse shares its headers with the template")
	}
	// Unknown platforms and kinds fall back to the generic default.
	if d := DefaultResponse(Classification{Platform: "nope", Kind: "nope"}); d.Status != 200 || string(d.Body) != "{}" {
		t.Errorf("unknown classification: %d %q", d.Status, d.Body)
	}
}

// TestProfileTables checks the facts every profile must state.
func TestProfileTables(t *testing.T) {
	// The seed profiles keep their order (it breaks detection ties), and
	// the fallback comes last; new profiles may come anywhere before it.
	got := Names()
	seeds := slices.DeleteFunc(slices.Clone(got), func(n string) bool { return !slices.Contains([]string{"navtalk", "chatbot", "moveo"}, n) })
	if !slices.Equal(seeds, []string{"navtalk", "chatbot", "moveo"}) || got[len(got)-1] != "generic" {
		t.Fatalf("Names() = %v", got)
	}
	for _, p := range Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			if q, ok := Lookup(p.Name); !ok || q != p {
				t.Fatal("Lookup does not find the profile")
			}
			if p.Title == "" || p.Verification == "" || len(p.Paths) == 0 || len(p.Kinds) == 0 {
				t.Error("title, verification, paths and kinds must be stated")
			}
			if p.Name != "generic" && !strings.HasPrefix(p.Docs, "https://") {
				t.Errorf("docs URL %q", p.Docs)
			}
			if !p.Simulated() {
				t.Error("no simulated conversation")
			}
			names := map[string]bool{}
			for _, k := range p.Kinds {
				if names[k.Name] {
					t.Errorf("kind %s listed twice", k.Name)
				}
				names[k.Name] = true
				if !validKindName(k.Name) || k.Title == "" {
					t.Errorf("kind %q: names are words without spaces, with a title", k.Name)
				}
				if k.Consumed() != (k.Deadline > 0) {
					t.Errorf("kind %s: consumed %v with deadline %v", k.Name, k.Consumed(), k.Deadline)
				}
				for _, tpl := range append([]Template{k.Default}, k.Templates...) {
					checkTemplate(t, p, k.Name, tpl)
				}
			}
			for _, r := range p.choose {
				if r.src == nil && !names[r.kind] {
					t.Errorf("kind rule names unknown kind %q", r.kind)
				}
			}
			if !names[p.fallback] {
				t.Errorf("fallback kind %q is not listed", p.fallback)
			}
		})
	}
}

func checkTemplate(t *testing.T, p *Profile, kind string, tpl Template) {
	t.Helper()
	if tpl.Name == "" || tpl.Title == "" || tpl.Status == 0 {
		t.Errorf("%s: template %+v lacks a name, title or status", kind, tpl)
	}
	ct := ""
	if v := tpl.Headers["Content-Type"]; len(v) > 0 {
		ct = v[0]
	}
	if ct == "application/json" && !json.Valid([]byte(tpl.Body)) {
		t.Errorf("%s: template %s is not valid JSON:\n%s", kind, tpl.Name, tpl.Body)
	}
	if p.MaxResponse > 0 && len(tpl.Body) > p.MaxResponse {
		t.Errorf("%s: template %s exceeds the size limit", kind, tpl.Name)
	}
}

func TestUnverifiedListed(t *testing.T) {
	// Every (?) of platforms.md reaches hark platforms through Unverified.
	for name, want := range map[string][]string{
		"chatbot": {"?token=", `{"responses":[]}`},
		"moveo":   {"10 s", "input", "output", "dialog"},
		"generic": {"unknown", "--deadline"},
	} {
		p, _ := Lookup(name)
		all := strings.Join(p.Unverified, "\n")
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: Unverified does not mention %q", name, w)
			}
		}
	}
}

func TestKindLookup(t *testing.T) {
	p, _ := Lookup("moveo")
	k, ok := p.Kind("dialog")
	if !ok || k.Name != "dialog" || !k.Consumed() {
		t.Fatalf("Kind(dialog) = %+v, %v", k, ok)
	}
	if _, ok := p.Kind("nope"); ok {
		t.Fatal("Kind found a kind that does not exist")
	}
	if n, _ := Lookup("navtalk"); n.Consumed() {
		t.Error("navtalk ignores responses")
	}
	if c, _ := Lookup("chatbot"); !c.Consumed() {
		t.Error("chatbot consumes responses")
	}
}

// TestClassifyRecovers checks the safety net behind "Classify never
// panics": a profile whose code panics yields a generic classification
// that says so.
func TestClassifyRecovers(t *testing.T) {
	boom := &Profile{Name: "boom", Kinds: []Kind{{Name: "x"}}, profileRules: profileRules{
		detect:   []detector{{byHeader, cond{header: []keyMatch{{key: "X-Boom", m: matcher{alts: []pattern{{op: opAny}}}}}}}},
		fallback: "x",
		code:     &code{check: func(*input, *Classification) { panic("kaboom") }},
	}}
	r := newRegistry(append([]*Profile{boom}, Builtin().profiles[:len(Builtin().profiles)-1]...), Fallback())
	c := r.Classify(post("/", []byte(`{}`), "X-Boom", "1"), nil)
	if c.Platform != "generic" || c.Kind != kindNonJSON || c.Use != model.UseUnknown || len(c.Notes) != 1 || c.Notes[0] != panicNote+"kaboom" {
		t.Fatalf("%+v", c)
	}
}

func TestMoveoSessionFallbacks(t *testing.T) {
	body := []byte(`{"brain_id":"b","session_id":"","input":{"text":"hi"},"context":{"sys-session":"from-context"}}`)
	if c := Classify(post("/moveo/pre", body, "X-Moveo-Request-Id", "r"), nil); c.SessionID != "from-context" {
		t.Errorf("context fallback: %q", c.SessionID)
	}
	if c := Classify(post("/moveo/pre", body, "X-Moveo-Session-Id", "from-header"), nil); c.SessionID != "from-header" {
		t.Errorf("header fallback: %q", c.SessionID)
	}
	c := Classify(post("/moveo/pre", testdata(t, "moveo_pre.json"), "X-Moveo-Session-Id", "other"), nil)
	if c.SessionID != "8563dcdf-64ef-4de2-a5ca-b96e0557e4e8" || !hasNote(c, "differs from the body's session_id") {
		t.Errorf("header and body differ: %q %q", c.SessionID, c.Notes)
	}
}
