package platform

import (
	"errors"
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
		checkDetect(t, Active(), req)
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
				if d.Status != 200 && (d.Status < 400 || d.Status > 499) || sig.State == model.SigNone {
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

// FuzzCompile feeds arbitrary profile files and requests to the declarative
// engine: compiling never panics; a profile that compiles classifies any
// request, answers it, and plays its conversation without panicking, and
// every classification is one a receiver and a terminal can use as is.
func FuzzCompile(f *testing.F) {
	var seeds [][]byte
	for _, dir := range []string{"profiles", filepath.Join("testdata", "format")} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, name := range files {
			src, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, src)
		}
	}
	seeds = append(seeds, []byte(minimal), []byte("name: x\ntitle: X\nmatch: {json: {\"a.#.b\": [\"/^x/\", \"y*\"]}}\nsession: [[a, b], \"header:X\"]\nbatch: true\n"))
	bodies := [][]byte{
		[]byte(`{"event":"call.started","call":{"id":"c1"},"transcript":[{"speaker":"agent","words":"hi"}]}`),
		[]byte(`[{"message":{"type":"transcript","call":{"id":"c"}}},1,"x",[]]`),
		[]byte("EventType=onMessageAdded&ConversationSid=CH1&Body=hi"),
		[]byte(`{"type":"url_verification","challenge":"c"}`),
		nil,
	}
	for i, s := range seeds {
		f.Add(s, "POST", "/acme/events", "hub.mode=subscribe&hub.challenge=1", "application/json", bodies[i%len(bodies)])
	}
	f.Fuzz(func(t *testing.T, src []byte, method, path, query, contentType string, body []byte) {
		p, err := Compile("fuzz.yaml", src)
		if err != nil {
			var fe FormatErrors
			if !errors.As(err, &fe) || len(fe) == 0 {
				t.Fatalf("error %v is not FormatErrors", err)
			}
			for _, e := range fe {
				if e.Line < 1 || !utf8.ValidString(e.Msg) && utf8.ValidString(string(src)) {
					t.Fatalf("error %q at line %d", e.Msg, e.Line)
				}
			}
			return
		}
		p.Name, p.Title, p.Badge = "fuzzed", "Fuzzed Platform", "FZZ" // no clash with a built-in
		p.override = false
		r, err := Load([]*Profile{p}, nil)
		if err != nil {
			t.Fatal(err)
		}
		useRegistry(t, r)
		req := &model.Request{Method: method, Path: path, RawQuery: query, Body: body, Size: int64(len(body)),
			Headers: map[string][]string{"Content-Type": {contentType}, "X-Hub-Signature-256": {"sha256=00"}}}
		checkDetect(t, r, req)
		for _, secrets := range []Secrets{nil, {"fuzzed": "k", "fuzzed.verify": "v"}} {
			c := Classify(req, secrets)
			checkClassification(t, c)
			if d := DefaultResponse(c); d.Status < 100 {
				t.Fatalf("default status %d", d.Status)
			}
			Resign(c.Platform, *req, secrets)
		}
		if p.Simulated() {
			reqs, err := Conversation("fuzzed", seeded(1), "", simStart, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, sr := range reqs {
				p.SignFor(sr, "https://x.example"+sr.Path, nil)
				checkClassification(t, Classify(toRequest(sr), nil))
			}
		}
		p.HandshakeRequest(seeded(1), nil, simStart)
		p.Show()
	})
}
