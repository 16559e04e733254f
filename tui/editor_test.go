package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// holdAll holds every exchange the builder's store shows held, as the
// receiver would: the way for a decision is open, and the exchange
// carries its proposal, the pass-through default.
func holdAll(b *builder, holds *model.Holds) {
	holdWith(b, holds, model.Decision{Status: 200, Headers: headers("Content-Type", "application/json"),
		Body: []byte("{}"), Source: model.SourceDefault})
}

func holdWith(b *builder, holds *model.Holds, proposal model.Decision) {
	b.store.Exchanges(func(ex model.Exchange) bool {
		if ex.Held() {
			holds.Hold(ex.ID)
			b.store.Update(ex.ID, func(e *model.Exchange) { e.Proposal = &proposal })
		}
		return true
	})
}

// decided reports that a hold was decided: a decision now comes too late.
func decided(holds *model.Holds, id model.ExchangeID) bool {
	return errors.Is(holds.Decide(id, model.Decision{}), model.ErrNotHeld)
}

// withHolds gives a test monitor the intercept objects, over the held
// exchanges of its builder.
func withHolds(b *builder) (func(*Options), *model.Holds, *model.Rules) {
	holds, rules := model.NewHolds(), model.NewRules(nil)
	holdAll(b, holds)
	return func(o *Options) {
		o.Holds, o.Rules, o.Intercept = holds, rules, model.NewIntercept(model.InterceptConsumed)
	}, holds, rules
}

func TestCheckResponse(t *testing.T) {
	moveo := bodyRules{json: true, platform: "Moveo.ai"}
	chatbot := bodyRules{json: true, limit: 100_000, platform: "ChatBot.com"}
	cases := []struct {
		status, headers, body string
		rules                 bodyRules
		refusal, summary      string
	}{
		{"200", "Content-Type: application/json", `{"context":{}}`, moveo, "", "valid JSON · 14 B"},
		{"200", "", `{"responses":[]}`, chatbot, "", "valid JSON · 16 B of 100 000 B"},
		{"200", "", "{\n  \"a\": 1,\n  \"b\": }\n}", moveo, "invalid JSON at line 3 col 8: invalid character '}' looking for beginning of value", ""},
		{"200", "", `{"a":`, moveo, `invalid JSON: it ends too early (a } ] or " is missing)`, ""},
		{"200", "", "", moveo, "invalid JSON: the body is empty", ""},
		{"200", "", `{"x":"` + strings.Repeat("a", 100_000) + `"}`, chatbot, "too large for ChatBot.com (100 000 B): 100 008 B", ""},
		{"2000", "", `{}`, moveo, "status: give a number from 100 to 599", ""},
		{"ok", "", `{}`, moveo, "status: give a number from 100 to 599", ""},
		{"200", "X-One: 1\nno colon here", `{}`, moveo, "header line 2: write it as Name: value", ""},
		{"200", "Bad Name: 1", `{}`, moveo, "header line 1: write it as Name: value", ""},
		{"200", "content-length: 12", `{}`, moveo, "header line 1: hark sets Content-Length itself; remove the line", ""},
		// A kind that takes any body checks JSON only when the headers say so.
		{"200", "", "plain words", bodyRules{}, "", "text · 11 B"},
		{"204", "", "", bodyRules{}, "", "empty body"},
		{"200", "Content-Type: application/json; charset=utf-8", "plain words", bodyRules{}, "invalid JSON at line 1 col 1: invalid character 'p' looking for beginning of value", ""},
	}
	for i, c := range cases {
		v := checkResponse(c.status, c.headers, c.body, c.rules)
		if got := v.refusal(); got != c.refusal {
			t.Errorf("case %d: refusal %q, want %q", i, got, c.refusal)
		}
		if c.refusal == "" && v.summary != c.summary {
			t.Errorf("case %d: summary %q, want %q", i, v.summary, c.summary)
		}
	}
	v := checkResponse(" 201 ", "x-custom: a\nX-Custom: b\n\n", `{}`, moveo)
	if v.status != 201 || strings.Join(v.headers["X-Custom"], ",") != "a,b" {
		t.Errorf("parsed %d %v", v.status, v.headers)
	}
}

// A body is shown so that it can be edited and drawn safely, and means
// the same when it is sent back untouched.
func TestEditableBody(t *testing.T) {
	text, changed := editableBody([]byte(`{"a":[1,2],"b":"x"}`))
	if changed || text != "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"x\"\n}" {
		t.Errorf("compact JSON shown as %q (changed %v)", text, changed)
	}
	hostile := []byte("{\"m\":\"\u202eevil\u202c \xc2\x9b2J\",\"k\":\"\xff\"}")
	text, changed = editableBody(hostile)
	if !changed || strings.ContainsAny(text, "\u202e\u202c\u009b") {
		t.Fatalf("unsafe runes reach the editor: %q", text)
	}
	var before, after map[string]string
	if err := json.Unmarshal(hostile, &before); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(text), &after); err != nil {
		t.Fatalf("escaped JSON no longer parses: %v\n%s", err, text)
	}
	if before["m"] != after["m"] || before["k"] != after["k"] {
		t.Errorf("escaping changed the meaning: %q → %q", before, after)
	}
	text, changed = editableBody([]byte("not json \x1b[31m"))
	if !changed || text != `not json \x1b[31m` {
		t.Errorf("text shown as %q", text)
	}
}

func TestByteCount(t *testing.T) {
	for n, want := range map[int]string{0: "0 B", 999: "999 B", 1000: "1 000 B", 100_000: "100 000 B", 1_234_567: "1 234 567 B"} {
		if got := byteCount(n); got != want {
			t.Errorf("byteCount(%d) = %q, want %q", n, got, want)
		}
	}
}

// The editor opens on a held exchange by itself, unless a dialog is in
// front: then the header says how many are held and how to edit them.
func TestEditorOpensOnHeld(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	opt, _, _ := withHolds(b)
	m := newTestModel(t, b, opt)
	do(m, sizeMsg(100, 30), keyMsg("?"))
	b.moveo(t0.Add(time.Minute)) // a held exchange arrives while the help is open
	holdAll(b, m.opts.Holds)
	do(m, batchMsg{changes: m.sub.Drain()})
	if m.icpt.editor != nil {
		t.Fatal("the editor opened over the help")
	}
	if text := plain(m); !strings.Contains(text, "1 held — E to edit") {
		t.Errorf("the header does not say how to edit:\n%s", text)
	}
	do(m, keyMsg("x")) // closes the help: the editor opens
	if m.icpt.editor == nil {
		t.Fatal("the editor did not open once the help closed")
	}
	text := plain(m)
	for _, want := range []string{"Edit response", "MOV pre_message", "7.0s left", "user Great, can I bring my dog?", "proposal: pass-through default"} {
		if !strings.Contains(text, want) {
			t.Errorf("editor lacks %q:\n%s", want, text)
		}
	}
}

// A decision after the hold ended (the deadline passed before the monitor
// heard of it) says it came too late, and closes the editor.
func TestEditorTooLate(t *testing.T) {
	b := newBuilder()
	b.moveo(t0)
	opt, holds, _ := withHolds(b)
	m := newTestModel(t, b, opt)
	do(m, sizeMsg(100, 30), keyMsg("E"))
	if m.icpt.editor == nil {
		t.Fatal("E did not open the editor")
	}
	id := m.icpt.editor.id
	if err := holds.Decide(id, model.Decision{Status: 200, Source: model.SourceFallback}); err != nil {
		t.Fatal(err)
	}
	do(m, typed(" ")...)
	do(m, keyMsg("ctrl+s"))
	if m.icpt.editor != nil {
		t.Error("the editor stayed open")
	}
	if text := plain(m); !strings.Contains(text, "too late: the fallback was sent at the deadline") {
		t.Errorf("no word of it:\n%s", text)
	}
}

// The status and header fields are edited and checked too; tab moves
// between the fields.
func TestEditorStatusAndHeaders(t *testing.T) {
	b := newBuilder()
	b.moveo(t0)
	opt, holds, _ := withHolds(b)
	m := newTestModel(t, b, opt)
	do(m, sizeMsg(100, 30), keyMsg("E"))
	id := m.icpt.editor.id
	do(m, keyMsg("tab")) // status
	do(m, keyMsg("backspace"), keyMsg("backspace"), keyMsg("backspace"))
	do(m, typed("99")...)
	if text := plain(m); !strings.Contains(text, "status: give a number from 100 to 599") {
		t.Errorf("bad status not flagged:\n%s", text)
	}
	do(m, keyMsg("ctrl+s"))
	if text := plain(m); !strings.Contains(text, "not sent: the status is not an HTTP status") || m.icpt.editor == nil {
		t.Fatalf("bad status sent:\n%s", text)
	}
	do(m, keyMsg("backspace"), keyMsg("backspace"))
	do(m, typed("202")...)
	do(m, keyMsg("tab"), keyMsg("end"), keyMsg("enter"))
	do(m, typed("X-Hark-Test: yes")...)
	do(m, keyMsg("ctrl+s"))
	if m.icpt.editor != nil {
		t.Fatalf("not sent:\n%s", plain(m))
	}
	if !decided(holds, id) {
		t.Fatal("the hold was not decided")
	}
}

// The editor draws a whole frame at every size.
func TestEditorLayoutAtEverySize(t *testing.T) {
	b := newBuilder()
	b.chatbot(t0)
	b.moveo(t0.Add(time.Minute))
	for _, sz := range [][2]int{{40, 12}, {60, 20}, {80, 24}, {100, 30}, {135, 40}, {140, 40}, {160, 48}, {250, 70}} {
		opt, _, _ := withHolds(b)
		m := newTestModel(t, b, opt)
		do(m, sizeMsg(sz[0], sz[1]), darkBG, keyMsg("E"))
		for _, step := range [][]string{nil, {"ctrl+t"}, {"esc", "ctrl+k"}} {
			do(m, keys(step...)...)
			t.Run(fmt.Sprintf("%dx%d/%v", sz[0], sz[1], step), func(t *testing.T) {
				checkFrame(t, screen(m), sz[0], sz[1])
			})
		}
	}
}

// Over a history, intercept and rules keys say why they do nothing.
func TestInterceptKeysReadOnly(t *testing.T) {
	b := newBuilder()
	b.moveo(t0)
	opt, _, _ := withHolds(b)
	m := newTestModel(t, b, opt, func(o *Options) { o.ReadOnly, o.Source = true, "old.jsonl" })
	do(m, sizeMsg(120, 30))
	for _, k := range []string{"i", "B", "K", "E", "r", "R"} {
		do(m, keyMsg(k))
		if m.dialogs.len() > 0 || m.icpt.editor != nil {
			t.Fatalf("%s opened something over a history", k)
		}
		if text := plain(m); !strings.Contains(text, "read-only history: intercept and rules work in the live monitor") {
			t.Errorf("%s: no explanation:\n%s", k, text)
		}
	}
	if m.opts.Intercept.Mode() != model.InterceptConsumed {
		t.Error("i changed the mode over a history")
	}
}

// Every dialog draws a whole frame at every size, over a live monitor and
// over a history with a note.
func TestDialogsLayoutAtEverySize(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	b.moveo(t0.Add(time.Minute))
	edited := editedSession(b)
	states := []struct {
		name  string
		steps []string
	}{
		{"help", []string{"?"}},
		{"rules", []string{"R"}},
		{"rules-delete", []string{"R", "d"}},
		{"rules-save", []string{"R", "s"}},
		{"export", []string{"e"}},
		{"keep", []string{"tab", "r"}},
		{"templates", []string{"E", "ctrl+t"}},
		{"quit", []string{"q"}},
	}
	for _, st := range states {
		for _, sz := range [][2]int{{40, 12}, {59, 20}, {80, 24}, {100, 30}, {160, 48}, {250, 70}} {
			opt, _, _ := withHolds(b)
			m := newTestModel(t, b, opt, func(o *Options) {
				o.Rules = twoRules()
				o.SaveRules = func(string, []model.Rule) error { return nil }
				o.Export = func(model.SessionKey, string) (string, error) { return "", nil }
			})
			do(m, sizeMsg(sz[0], sz[1]), darkBG)
			m.icpt.lastEdit = &sentEdit{id: edited, platform: "moveo", kind: "post_message", session: editedSID,
				decision: model.Decision{Status: 200, Body: []byte(`{"output":{}}`), Source: model.SourceEdited}}
			do(m, keys(st.steps...)...)
			if m.dialogs.len() == 0 {
				t.Fatalf("%s: no dialog open", st.name)
			}
			t.Run(fmt.Sprintf("%s/%dx%d", st.name, sz[0], sz[1]), func(t *testing.T) {
				checkFrame(t, screen(m), sz[0], sz[1])
			})
		}
	}
	for _, sz := range [][2]int{{40, 12}, {80, 24}, {160, 48}} {
		m := newTestModel(t, b, func(o *Options) {
			o.ReadOnly, o.Source, o.Note = true, "torn.jsonl", strings.Repeat("line 12 cut short; ", 20)
		})
		do(m, sizeMsg(sz[0], sz[1]), darkBG)
		checkFrame(t, screen(m), sz[0], sz[1])
	}
}

// ctrl+r sends the edit and asks how to keep it as a rule.
func TestEditorSendAndKeep(t *testing.T) {
	b := newBuilder()
	b.moveo(t0)
	opt, holds, rules := withHolds(b)
	m := newTestModel(t, b, opt)
	do(m, sizeMsg(100, 30), keyMsg("E"))
	id := m.icpt.editor.id
	do(m, keyMsg("ctrl+r"))
	if m.icpt.editor == nil || !strings.Contains(plain(m), "nothing to keep: edit the response first") {
		t.Fatalf("ctrl+r on an untouched response:\n%s", plain(m))
	}
	do(m, keyMsg("ctrl+k"))
	do(m, typed(`{"context":{"dog_friendly":true}}`)...)
	do(m, keyMsg("ctrl+r"))
	if !decided(holds, id) {
		t.Fatal("ctrl+r did not send")
	}
	if m.icpt.editor != nil || m.dialogs.len() != 1 {
		t.Fatalf("after ctrl+r: editor %v, %d dialogs", m.icpt.editor != nil, m.dialogs.len())
	}
	do(m, keyMsg("enter"))
	l := rules.List()
	if len(l) != 1 || l[0].Body != `{"context":{"dog_friendly":true}}` || l[0].Session != moveoSID {
		t.Fatalf("rules: %+v", l)
	}
}

// An exchange that falls back while its editor is open (even under the
// templates) closes the editor, and the user is told.
func TestEditorClosesOnFallback(t *testing.T) {
	b := newBuilder()
	b.moveo(t0)
	opt, holds, _ := withHolds(b)
	m := newTestModel(t, b, opt)
	do(m, sizeMsg(100, 30), keyMsg("E"), keyMsg("ctrl+t"))
	id := m.icpt.editor.id
	if m.dialogs.len() != 2 {
		t.Fatalf("%d dialogs", m.dialogs.len())
	}
	if err := holds.Decide(id, model.Decision{Status: 200, Body: []byte("{}"), Source: model.SourceFallback}); err != nil {
		t.Fatal(err)
	}
	b.store.Update(id, func(ex *model.Exchange) {
		ex.State = model.StateFallback
		ex.Response = &model.Response{Status: 200, Body: []byte("{}"), Source: model.SourceFallback}
	})
	do(m, batchMsg{changes: m.sub.Drain()})
	if m.icpt.editor != nil || m.dialogs.len() != 0 {
		t.Fatalf("after the fallback: editor %v, %d dialogs", m.icpt.editor != nil, m.dialogs.len())
	}
	text := plain(m)
	if !strings.Contains(text, id.String()+" fell back: nobody decided before the deadline") {
		t.Errorf("no word of the fallback:\n%s", text)
	}
}
