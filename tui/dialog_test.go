package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

// The dialog contract: a dialog answers a key with an action and changes
// nothing outside itself; the root carries actions out.

// heldEditor is a monitor with one held Moveo exchange, and an editor on it
// that is not on the monitor's stack.
func heldEditor(t *testing.T) (*Model, *responseEditor, *model.Holds) {
	t.Helper()
	b := newBuilder()
	b.moveo(t0)
	opt, holds, _ := withHolds(b)
	m := newTestModel(t, b, opt)
	id, ok := m.ix.oldestHeld(nil)
	if !ok {
		t.Fatal("nothing held")
	}
	ex, _ := m.store.Exchange(id)
	return m, newResponseEditor(ex, m.st), holds
}

// then unwraps an actClose; closing reports whether there was one.
func then(a action) (next action, closing bool) {
	if c, ok := a.(actClose); ok {
		return c.then, true
	}
	return a, false
}

func TestSimpleDialogsAnswerKeys(t *testing.T) {
	c := newTestModel(t, newBuilder()).dialogContext()
	cases := []struct {
		name string
		d    dialog
		key  string
		want action
	}{
		{"quit y", &confirmQuit{held: 2}, "y", actQuit{confirmed: true}},
		{"quit enter", &confirmQuit{held: 2}, "enter", actQuit{confirmed: true}},
		{"quit ctrl+c", &confirmQuit{held: 2}, "ctrl+c", actQuit{confirmed: true}},
		{"quit n", &confirmQuit{held: 2}, "n", actClose{}},
		{"quit esc", &confirmQuit{held: 2}, "esc", actClose{}},
		{"quit other", &confirmQuit{held: 2}, "x", nil},
		{"help any", &helpDialog{}, "x", actClose{}},
		{"help ctrl+c", &helpDialog{}, "ctrl+c", actClose{then: actQuit{}}},
		{"note any", &noteDialog{note: "torn"}, "enter", actClose{}},
		{"note ctrl+c", &noteDialog{note: "torn"}, "ctrl+c", actClose{then: actQuit{}}},
		{"export m", &exportDialog{key: model.SessionKey{Platform: "moveo", ID: "s"}}, "m",
			actClose{then: actExport{session: model.SessionKey{Platform: "moveo", ID: "s"}, format: "md"}}},
		{"export enter", &exportDialog{key: model.SessionKey{Platform: "moveo", ID: "s"}}, "enter",
			actClose{then: actExport{session: model.SessionKey{Platform: "moveo", ID: "s"}, format: exportFormats[0].Name}}},
		{"export q", &exportDialog{}, "q", actClose{}},
		{"export ctrl+c", &exportDialog{}, "ctrl+c", actQuit{}},
	}
	for _, tc := range cases {
		if got := tc.d.handle(c, keyMsg(tc.key)); got != tc.want {
			t.Errorf("%s: %#v, want %#v", tc.name, got, tc.want)
		}
	}
	// Pastes mean nothing to them.
	for _, d := range []dialog{&confirmQuit{}, &helpDialog{}, &noteDialog{}, &exportDialog{}} {
		if got := d.handle(c, tea.PasteMsg{Content: "y"}); got != nil {
			t.Errorf("%T took a paste: %#v", d, got)
		}
	}
}

func TestEditorAnswerKeys(t *testing.T) {
	m, ed, _ := heldEditor(t)
	c := m.dialogContext()
	proposal := ed.proposal

	a, closing := then(ed.handle(c, keyMsg("ctrl+s")))
	if s, ok := a.(actSend); !closing || !ok || s.keep || s.edit.id != ed.id || !sameDecision(s.edit.decision, proposal) {
		t.Errorf("ctrl+s untouched: %#v (closing %v)", a, closing)
	}
	a, closing = then(ed.handle(c, keyMsg("esc")))
	if r, ok := a.(actRelease); !closing || !ok || r.edit.id != ed.id {
		t.Errorf("esc: %#v", a)
	}
	if a, closing = then(ed.handle(c, keyMsg("ctrl+l"))); !closing || a != (actSnooze{id: ed.id}) {
		t.Errorf("ctrl+l: %#v", a)
	}
	if o, ok := ed.handle(c, keyMsg("ctrl+t")).(actOpen); !ok {
		t.Errorf("ctrl+t: %#v", o)
	} else if _, ok := o.d.(*templatesDialog); !ok {
		t.Errorf("ctrl+t opens %T", o.d)
	}
	if a := ed.handle(c, keyMsg("ctrl+c")); a != (actQuit{}) {
		t.Errorf("ctrl+c: %#v", a)
	}
	if _, ok := ed.handle(c, keyMsg("tab")).(actCmd); !ok || ed.focus != fieldStatus {
		t.Errorf("tab: focus %d", ed.focus)
	}
	ed.handle(c, keyMsg("shift+tab"))

	// Without rules ctrl+r says why and stays.
	noRules := *c
	noRules.rules = nil
	if a := ed.handle(&noRules, keyMsg("ctrl+r")); a != nil || !strings.Contains(ed.problem, "rules are not available") {
		t.Errorf("ctrl+r without rules: %#v %q", a, ed.problem)
	}
	// An invalid edit is refused where it is; a valid one is sent, and
	// kept with ctrl+r.
	ed.handle(c, keyMsg("ctrl+k"))
	for _, msg := range typed(`{"context":`) {
		ed.handle(c, msg)
	}
	if a := ed.handle(c, keyMsg("ctrl+s")); a != nil || !strings.HasPrefix(ed.problem, "not sent:") {
		t.Errorf("invalid edit: %#v %q", a, ed.problem)
	}
	ed.handle(c, tea.PasteMsg{Content: `{"dog":true}}`})
	a, closing = then(ed.handle(c, keyMsg("ctrl+r")))
	s, ok := a.(actSend)
	if !closing || !ok || !s.keep || s.edit.decision.Source != model.SourceEdited || string(s.edit.decision.Body) != `{"context":{"dog":true}}` {
		t.Errorf("ctrl+r after an edit: %#v", a)
	}
}

func TestTemplatesKeepRulesDialogsAnswerKeys(t *testing.T) {
	m, ed, _ := heldEditor(t)
	c := m.dialogContext()

	tpl := newTemplatesDialog(ed)
	tpl.handle(c, keyMsg("down"))
	want := tpl.items[tpl.sel]
	if a, closing := then(tpl.handle(c, keyMsg("enter"))); !closing || !sameDecision(a.(actInsert).d, want.d) || a.(actInsert).title != want.title {
		t.Errorf("templates enter: %#v", a)
	}
	for _, k := range []string{"esc", "ctrl+t"} {
		if a := tpl.handle(c, keyMsg(k)); a != (actClose{}) {
			t.Errorf("templates %s: %#v", k, a)
		}
	}

	src := sentEdit{id: 7, platform: "moveo", kind: "post_message", session: "s1",
		decision: model.Decision{Status: 200, Body: []byte(`{"x":1}`), Source: model.SourceEdited}}
	keep := newKeepDialog(src)
	a, closing := then(keep.handle(c, keyMsg("enter")))
	r, ok := a.(actKeepRule)
	if !closing || !ok || r.rule.Scope != model.ScopeSession || r.rule.Session != "s1" || r.rule.Limit != 0 || r.rule.Body != `{"x":1}` {
		t.Errorf("keep enter: %#v", a)
	}
	keep.handle(c, keyMsg("down"))
	keep.handle(c, keyMsg("left")) // the next N
	keep.handle(c, keyMsg("backspace"))
	keep.handle(c, keyMsg("0"))
	if a := keep.handle(c, keyMsg("enter")); a != nil || keep.problem == "" {
		t.Errorf("keep with 0 matches: %#v %q", a, keep.problem)
	}
	if a := keep.handle(c, keyMsg("esc")); a != (actClose{}) {
		t.Errorf("keep esc: %#v", a)
	}

	rc := *c
	rc.rules = twoRules()
	rules := &rulesDialog{}
	if a := rules.handle(&rc, keyMsg("space")); a != (actToggleRule{id: "1", on: false}) {
		t.Errorf("rules space: %#v", a)
	}
	rules.handle(&rc, keyMsg("d"))
	if a := rules.handle(&rc, keyMsg("y")); a != (actDeleteRule{id: "1"}) {
		t.Errorf("rules d y: %#v", a)
	}
	rc.rulesFile = "team.json"
	if a, ok := rules.handle(&rc, keyMsg("s")).(actTell); !ok || a.warn || !strings.Contains(a.text, "team.json after every change") {
		t.Errorf("rules s with a rules file: %#v", a)
	}
	rc.rulesFile = ""
	if a, ok := rules.handle(&rc, keyMsg("s")).(actTell); !ok || !a.warn {
		t.Errorf("rules s without a way to save: %#v", a)
	}
	rc.canSaveRules = true
	if _, ok := rules.handle(&rc, keyMsg("s")).(actCmd); !ok || !rules.saving {
		t.Error("rules s does not ask where")
	}
	if a, ok := rules.handle(&rc, keyMsg("enter")).(actSaveRules); !ok || a.path != defaultRulesPath || len(a.rules) != 2 {
		t.Errorf("rules save: %#v", a)
	}
	if a := rules.handle(&rc, keyMsg("esc")); a != (actClose{}) {
		t.Errorf("rules esc: %#v", a)
	}
}

// A new proposal reaches the editor from the store's changes: it replaces
// untouched fields, and is set aside (ctrl+t inserts it) once the user has
// edited them.
func TestEditorTakesProposalsFromTheStore(t *testing.T) {
	b := newBuilder()
	b.moveo(t0)
	opt, _, _ := withHolds(b)
	m := newTestModel(t, b, opt)
	do(m, sizeMsg(120, 30), keyMsg("E"))
	ed := m.icpt.editor
	if ed == nil {
		t.Fatal("E did not open the editor")
	}
	propose := func(body string) {
		d := model.Decision{Status: 200, Headers: headers("Content-Type", "application/json"), Body: []byte(body), Source: model.SourceForward}
		b.store.Update(ed.id, func(e *model.Exchange) {
			e.Proposal = &d
			e.Forward = &model.Forward{Status: 200, Body: d.Body, Latency: 3 * time.Millisecond}
		})
		do(m, batchMsg{changes: m.sub.Drain()})
	}
	propose(`{"first":1}`)
	if !strings.Contains(ed.body.Value(), `"first": 1`) || !strings.Contains(ed.note, "proposal updated: forward target answered 200") {
		t.Fatalf("untouched fields kept %q, note %q", ed.body.Value(), ed.note)
	}
	do(m, typed(" ")...)
	mine := ed.body.Value()
	propose(`{"second":2}`)
	if ed.body.Value() != mine {
		t.Fatalf("a late proposal replaced the edit: %q", ed.body.Value())
	}
	if !strings.Contains(plain(m), "new proposal (forward target answered 200 in 3.0ms) kept aside: ctrl+t inserts it") {
		t.Errorf("the editor does not say where the proposal went:\n%s", plain(m))
	}
	do(m, keyMsg("ctrl+t"))
	if text := plain(m); !strings.Contains(text, "The proposal") {
		t.Fatalf("templates do not offer the proposal:\n%s", text)
	}
	do(m, keyMsg("up"), keyMsg("enter")) // the proposal is the first item
	if !strings.Contains(ed.body.Value(), `"second": 2`) {
		t.Errorf("ctrl+t did not insert the proposal: %q", ed.body.Value())
	}
}
