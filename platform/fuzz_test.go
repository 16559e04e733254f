package platform

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/harkhq/hark/model"
)

// FuzzClassify feeds arbitrary methods, paths, queries, headers and bodies
// to Classify, Challenge and DefaultResponse: none may panic, and every
// classification must be one a receiver and a terminal can use as is.
func FuzzClassify(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		body, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add("POST", "/api/webhook/message", "", "X-Moveo-Signature", "00", "application/json", body)
		f.Add("POST", "/moveo/first-message", "token=x", "Content-Type", "application/json", "", body[:len(body)/2])
	}
	for _, name := range Names() {
		reqs, err := Conversation(name, seeded(9), "", simStart, Secrets{"moveo": "k"})
		if err != nil {
			f.Fatal(err)
		}
		for _, r := range reqs {
			f.Add(r.Method, r.Path, r.RawQuery, "X-Moveo-Request-Id", "r", firstHeader(r.Headers, "Content-Type"), r.Body)
		}
	}
	f.Add("GET", "/chatbot", "challenge=abc&token=t", "", "", "", []byte(nil))
	f.Add("GET", "/", "challenge=%zz&token", "x-moveo-", "", "text/plain", []byte("\xff\xfe\x00"))
	f.Add("PUT", "", ";;&&==", "X-MOVEO-SESSION-ID", "\x1b[31m", "application/x-www-form-urlencoded", []byte("a=%zz&session_id=\xff"))
	f.Add("POST", "/x", "", "", "", "application/json", []byte(`{"session":"projects/p/agent/sessions/","text":"\ud800"}`))
	f.Add("POST", "/x", "", "", "", "application/json", []byte(`[{"event":"session.created"}]`))
	f.Add("POST", "/x", "", "", "", "", []byte("\xEF\xBB\xBF{\"timestamp\":1e999,\"text\":\"x\"}"))

	f.Fuzz(func(t *testing.T, method, path, query, hname, hvalue, contentType string, body []byte) {
		headers := map[string][]string{}
		if hname != "" {
			headers[hname] = []string{hvalue}
		}
		if contentType != "" {
			headers["Content-Type"] = []string{contentType}
		}
		req := &model.Request{Method: method, Path: path, RawQuery: query, Headers: headers, Body: body, Size: int64(len(body))}
		for _, secrets := range []Secrets{nil, {"moveo": "k", "chatbot": "t"}} {
			c := Classify(req, secrets)
			checkClassification(t, c)
			if again := Classify(req, secrets); !reflect.DeepEqual(c, again) {
				t.Fatalf("Classify is not deterministic:\n%+v\n%+v", c, again)
			}
			if d := DefaultResponse(c); d.Status < 200 || d.Source != model.SourceDefault {
				t.Fatalf("default %d %s", d.Status, d.Source)
			}
			if d, sig, ok := Challenge(req, secrets); ok {
				if d.Status != 200 && d.Status != 403 || sig.State == model.SigNone {
					t.Fatalf("challenge %d %q", d.Status, sig.State)
				}
			}
		}
		req.Truncated = true
		checkClassification(t, Classify(req, Secrets{"moveo": "k"}))
	})
}

func checkClassification(t *testing.T, c Classification) {
	t.Helper()
	for _, n := range c.Notes {
		if strings.HasPrefix(n, panicNote) {
			t.Fatalf("Classify panicked: %s", n)
		}
		if !utf8.ValidString(n) {
			t.Fatalf("note is not UTF-8: %q", n)
		}
	}
	p, ok := Lookup(c.Platform)
	if !ok {
		t.Fatalf("unknown platform %q", c.Platform)
	}
	k, ok := p.Kind(c.Kind)
	if !ok {
		t.Fatalf("%s has no kind %q", c.Platform, c.Kind)
	}
	if c.Use != k.Use || (c.Consumed() && c.Deadline <= 0) || (!c.Consumed() && c.Deadline != 0) {
		t.Fatalf("use %v deadline %v", c.Use, c.Deadline)
	}
	if !utf8.ValidString(c.SessionID) || len(c.SessionID) > maxSessionID {
		t.Fatalf("session id %q", c.SessionID)
	}
	for _, turn := range c.Turns {
		if !utf8.ValidString(turn.Text) || len(turn.Text) > maxTurnText+len("…") {
			t.Fatalf("turn text %q", turn.Text)
		}
		switch turn.Role {
		case model.RoleUser, model.RoleAI, model.RoleSystem:
		default:
			t.Fatalf("turn role %q", turn.Role)
		}
		switch turn.Marker {
		case "", model.MarkerCreated, model.MarkerClosed:
		default:
			t.Fatalf("turn marker %q", turn.Marker)
		}
		if turn.Text == "" && turn.Marker == "" {
			t.Fatal("turn with neither text nor marker")
		}
	}
}

func firstHeader(h map[string][]string, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}
