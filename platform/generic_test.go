package platform

import (
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// nest builds {"a":{"b":{"c":value}}} for the path a.b.c.
func nest(path, value string) string {
	parts := strings.Split(path, ".")
	s := value
	for i := len(parts) - 1; i >= 0; i-- {
		s = `{"` + parts[i] + `":` + s + `}`
	}
	return s
}

func TestGenericGroupsByEveryIDField(t *testing.T) {
	var paths []string
	for _, s := range Fallback().session {
		paths = append(paths, s.key)
	}
	if len(paths) < 30 {
		t.Fatalf("the fallback tries only %d session paths", len(paths))
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			body := nest(path, `"id-42"`)
			if before, after, ok := strings.Cut(path, ".#."); ok { // an array on the way
				body = nest(before, `[`+nest(after, `"id-42"`)+`]`)
			}
			c := Classify(post("/hook", []byte(body)), nil)
			if c.Platform != "generic" || c.Kind != "webhook" {
				t.Fatalf("classified %s/%s", c.Platform, c.Kind)
			}
			if c.SessionID != "id-42" {
				t.Fatalf("session %q, want id-42 (notes %q)", c.SessionID, c.Notes)
			}
		})
	}
}

func TestGenericSessionHeuristics(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"earlier field wins", `{"user_id":"u","conversation_id":"c","session_id":"s"}`, "s"},
		{"numbers keep their digits", `{"message":{"chat":{"id":-1001234567890123456}}}`, "-1001234567890123456"},
		{"dialogflow es path", `{"session":"projects/p/agent/sessions/abc-1"}`, "abc-1"},
		{"dialogflow cx path", `{"sessionInfo":{"session":"projects/p/locations/l/agents/a/sessions/xyz"}}`, "xyz"},
		{"dialogflow es environment path", `{"session":"projects/p/agent/environments/e/users/u/sessions/s9"}`, "s9"},
		{"objects are not ids", `{"session":{"x":1},"chatId":"c2"}`, "c2"},
		{"empty strings are skipped", `{"session_id":"  ","sessionId":"s3"}`, "s3"},
		{"no id", `{"hello":"world"}`, model.Unsorted},
		{"top-level array", `[{"session_id":"s"}]`, model.Unsorted},
		{"scalar", `42`, model.Unsorted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Classify(post("/", []byte(tt.body)), nil)
			if c.SessionID != tt.want {
				t.Fatalf("session %q, want %q", c.SessionID, tt.want)
			}
			if tt.want == model.Unsorted && !hasNote(c, "no session id") {
				t.Errorf("no note saying the request is unsorted: %q", c.Notes)
			}
		})
	}
	long := strings.Repeat("é", 300)
	c := Classify(post("/", []byte(`{"session_id":"`+long+`"}`)), nil)
	if len(c.SessionID) > maxSessionID || !hasNote(c, "session id cut") || strings.ContainsRune(c.SessionID, '\uFFFD') {
		t.Fatalf("long id: %d bytes %q", len(c.SessionID), c.Notes)
	}
}

func TestGenericTurns(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []model.Turn
	}{
		{"flat text", `{"session_id":"s","text":"hello","timestamp":1700000000}`,
			[]model.Turn{{Role: model.RoleUser, Text: "hello", Time: time.Unix(1700000000, 0).UTC()}}},
		{"assistant role", `{"session_id":"s","role":"assistant","message":"hi there","created_at":"2024-03-01T12:00:00.5Z"}`,
			[]model.Turn{{Role: model.RoleAI, Text: "hi there", Time: at("2024-03-01T12:00:00.5Z")}}},
		{"nested message", `{"conversation":{"id":"c"},"message":{"role":"bot","text":"ok","created_at":"2024-03-01 12:00:00"}}`,
			[]model.Turn{{Role: model.RoleAI, Text: "ok", Time: at("2024-03-01T12:00:00Z")}}},
		{"voice transcript", `{"call":{"id":"c"},"role":"user","transcript":"yes please","timestamp":1700000000123456}`,
			[]model.Turn{{Role: model.RoleUser, Text: "yes please", Time: time.UnixMicro(1700000000123456).UTC()}}},
		{"dialogflow query", `{"session":"projects/p/agent/sessions/s","queryResult":{"queryText":"book"}}`,
			[]model.Turn{{Role: model.RoleUser, Text: "book"}}},
		{"object message only", `{"message":{"type":"status-update"}}`, nil},
		{"blank text", `{"text":"   "}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			turnsEqual(t, Classify(post("/", []byte(tt.body)), nil).Turns, tt.want)
		})
	}
}

func hasNote(c Classification, part string) bool {
	for _, n := range c.Notes {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

func TestNonJSONBodies(t *testing.T) {
	tests := []struct {
		name, contentType string
		body              []byte
		kind, note        string
		session           string
	}{
		{"malformed JSON", "application/json", []byte(`{"session_id": "s", }`), "non-json", "not valid JSON: invalid character '}'", model.Unsorted},
		{"malformed JSON offset", "application/json", []byte(`{"a":1,}`), "non-json", "(at byte 8)", model.Unsorted},
		{"truncated JSON", "", []byte(`{"a":[1,2`), "non-json", "unexpected end of JSON input", model.Unsorted},
		{"form", "application/x-www-form-urlencoded", []byte("CallSid=CA123&Body=hi"), "non-json", "form data with 2 fields", "CA123"},
		{"form with charset", "application/x-www-form-urlencoded; charset=utf-8", []byte("conversation_id=c9&status=done"), "non-json", "form data", "c9"},
		{"text", "text/plain", []byte("hello world"), "non-json", "text/plain text (11 bytes)", model.Unsorted},
		{"binary", "application/octet-stream", []byte{0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00}, "non-json", "binary data", model.Unsorted},
		{"png", "", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), "non-json", "image/png", model.Unsorted},
		{"invalid utf-8 in JSON", "application/json", []byte("{\"text\":\"\xff\xfe\"}"), "webhook", "", model.Unsorted},
		{"multipart", "multipart/form-data; boundary=x", []byte("--x\r\n"), "non-json", "multipart", model.Unsorted},
		{"white space", "application/json", []byte("  \n "), "empty", "only white space", model.Unsorted},
		{"empty post", "application/json", nil, "empty", "empty body", model.Unsorted},
		{"byte order mark", "application/json", []byte("\xEF\xBB\xBF{\"session_id\":\"b\"}"), "webhook", "byte order mark", "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := post("/in", tt.body, "Content-Type", tt.contentType)
			c := Classify(req, nil)
			if c.Platform != "generic" || c.Kind != tt.kind || c.SessionID != tt.session {
				t.Fatalf("got %s/%s session %q, want generic/%s %q (notes %q)", c.Platform, c.Kind, c.SessionID, tt.kind, tt.session, c.Notes)
			}
			if tt.note != "" && !hasNote(c, tt.note) {
				t.Errorf("notes %q lack %q", c.Notes, tt.note)
			}
		})
	}
	// Invalid UTF-8 in a text becomes U+FFFD rather than reaching the store.
	c := Classify(post("/in", []byte("{\"text\":\"a\xffb\"}")), nil)
	if len(c.Turns) != 1 || c.Turns[0].Text != "a\uFFFDb" {
		t.Fatalf("turns %+v", c.Turns)
	}
	// A GET probe is empty, not consumed, and says nothing odd.
	c = Classify(&model.Request{Method: "GET", Path: "/"}, nil)
	if c.Kind != "empty" || c.Use != model.UseUnknown || len(c.Notes) != 0 {
		t.Fatalf("GET probe: %+v", c)
	}
}

func TestRecognitionDespiteBadBodies(t *testing.T) {
	// The path and headers still name the platform when the body is broken.
	c := Classify(post("/api/webhook/message", []byte(`{"event":`)), nil)
	if c.Platform != "navtalk" || c.Kind != "other" || !hasNote(c, "not valid JSON") {
		t.Fatalf("navtalk path: %s/%s %q", c.Platform, c.Kind, c.Notes)
	}
	c = Classify(post("/api/webhook/session", []byte(`{"sessionId":`)), nil)
	if c.Kind != "session" || !c.Record {
		t.Fatalf("navtalk session path: %s/%s", c.Platform, c.Kind)
	}
	req := post("/moveo/pre-message", []byte(`{"session_id":`), "X-Moveo-Session-Id", "m-1")
	c = Classify(req, nil)
	if c.Platform != "moveo" || c.Kind != "pre_message" || c.SessionID != "m-1" {
		t.Fatalf("moveo header: %s/%s %q", c.Platform, c.Kind, c.SessionID)
	}
	c = Classify(post("/api/webhook/message", []byte(`{"event":"conversation.input","sessionId":"s","message":"hey","role":"user"}`)), nil)
	if c.Kind != "other" || !hasNote(c, `event "conversation.input" is not a kind of webhook NavTalk documents`) || len(c.Turns) != 1 {
		t.Fatalf("unknown navtalk event: %s %q %+v", c.Kind, c.Notes, c.Turns)
	}
	req = post("/x", testdata(t, "navtalk_message.json"))
	req.Truncated, req.Size = true, 5000
	c = Classify(req, nil)
	if !hasNote(c, "body cut at") || !hasNote(c, "5000") {
		t.Fatalf("truncated: %q", c.Notes)
	}
}

func TestDetectionPriority(t *testing.T) {
	// A Moveo header beats a NavTalk path; a body shape beats a path.
	c := Classify(post("/api/webhook/message", testdata(t, "moveo_post.json"), "X-Moveo-Request-Id", "r"), nil)
	if c.Platform != "moveo" {
		t.Errorf("header vs path: %s", c.Platform)
	}
	c = Classify(post("/api/webhook/message", testdata(t, "chatbot_old.json")), nil)
	if c.Platform != "chatbot" {
		t.Errorf("shape vs path: %s", c.Platform)
	}
	// event_type wins over the path word.
	c = Classify(post("/moveo/pre", testdata(t, "moveo_post.json")), nil)
	if c.Kind != "post_message" {
		t.Errorf("event_type vs path: %s", c.Kind)
	}
	// Words are whole: /prefix is not "pre".
	c = Classify(post("/prefix/hook", testdata(t, "moveo_post.json")), nil)
	if c.Kind != "post_message" {
		t.Errorf("path word: %s", c.Kind)
	}
}

func TestTimestamps(t *testing.T) {
	tests := []struct {
		raw  string
		want time.Time
		ok   bool
	}{
		{`"2024-01-15T10:30:00Z"`, at("2024-01-15T10:30:00Z"), true},
		{`"2024-01-15T10:30:00.123+01:00"`, at("2024-01-15T09:30:00.123Z"), true},
		{`"2024-01-15T10:30:00"`, at("2024-01-15T10:30:00Z"), true},
		{`1699531250000`, time.UnixMilli(1699531250000).UTC(), true},
		{`1699531250`, time.Unix(1699531250, 0).UTC(), true},
		{`1699531250.5`, time.Unix(1699531250, 5e8).UTC(), true},
		{`"1699531250000"`, time.UnixMilli(1699531250000).UTC(), true},
		{`1699531250000000000`, time.Unix(0, 1699531250000000000).UTC(), true},
		{`"Mon, 15 Jan 2024 10:30:00 GMT"`, at("2024-01-15T10:30:00Z"), true},
		{`3`, time.Time{}, false},
		{`-5`, time.Time{}, false},
		{`"yesterday"`, time.Time{}, false},
		{`true`, time.Time{}, false},
		{`1e400`, time.Time{}, false},
	}
	for _, tt := range tests {
		c := Classify(post("/api/webhook/message", []byte(`{"event":"conversation.output","sessionId":"s","role":"user","message":"x","timestamp":`+tt.raw+`}`)), nil)
		if len(c.Turns) != 1 {
			t.Fatalf("%s: %d turns", tt.raw, len(c.Turns))
		}
		if got := c.Turns[0].Time; !got.Equal(tt.want) {
			t.Errorf("%s: time %v, want %v", tt.raw, got, tt.want)
		}
		if noted := hasNote(c, "is not a time"); noted == tt.ok {
			t.Errorf("%s: note %q", tt.raw, c.Notes)
		}
		// The generic profile's time fields are guesses: no note.
		c = Classify(post("/", []byte(`{"id":"s","text":"x","timestamp":`+tt.raw+`}`)), nil)
		if !c.Turns[0].Time.Equal(tt.want) || hasNote(c, "is not a time") {
			t.Errorf("generic %s: %v %q", tt.raw, c.Turns[0].Time, c.Notes)
		}
	}
}
