package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

// The root carries out every action a dialog can answer with.

// run executes a command and the commands it batches, and returns the
// messages they produce (timers excepted: they would wait).
func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, run(c)...)
		}
		return out
	case nil:
		return nil
	default:
		return []tea.Msg{msg}
	}
}

func TestApplyStackActions(t *testing.T) {
	m, ed, _ := heldEditor(t)
	m.dialogs.push(ed, nil)
	m.icpt.editor = ed
	tpl := newTemplatesDialog(ed)
	if cmd := m.apply(ed, actOpen{d: tpl}); cmd != nil || m.dialogs.top() != tpl {
		t.Fatal("actOpen did not open the templates in front")
	}
	help := &helpDialog{}
	m.dialogs.push(help, nil)
	m.apply(help, actClose{})
	if m.dialogs.top() != tpl || m.dialogs.len() != 2 {
		t.Fatalf("actClose closed more than the help: %d open", m.dialogs.len())
	}
	// Closing the editor closes what it opened, and the root forgets it.
	m.icpt.snoozed = true // no other editor opens by itself
	m.apply(ed, actClose{then: actTell{text: "closed", d: time.Second}})
	if m.dialogs.len() != 0 || m.icpt.editor != nil {
		t.Fatalf("after closing the editor: %d open, editor %v", m.dialogs.len(), m.icpt.editor != nil)
	}
	if m.flash.text != "closed" || m.flash.warn {
		t.Errorf("actClose's then was not carried out: %q", m.flash.text)
	}
	if cmd := m.apply(nil, actCmd{cmd: func() tea.Msg { return heldTickMsg{} }}); cmd == nil {
		t.Error("actCmd lost its command")
	}
	m.apply(nil, actTell{text: "careful", warn: true, d: time.Second})
	if m.flash.text != "careful" || !m.flash.warn {
		t.Errorf("actTell warn: %+v", m.flash)
	}
}

func TestApplyQuit(t *testing.T) {
	m, _, _ := heldEditor(t)
	m.icpt.snoozed = true
	if cmd := m.apply(nil, actQuit{}); cmd != nil || m.dialogs.len() != 1 {
		t.Fatal("actQuit with a held exchange did not ask first")
	}
	if _, ok := m.dialogs.top().(*confirmQuit); !ok {
		t.Fatalf("asked with %T", m.dialogs.top())
	}
	msgs := run(m.apply(m.dialogs.top(), actQuit{confirmed: true}))
	if len(msgs) != 1 {
		t.Fatalf("confirmed quit: %v", msgs)
	}
	if _, ok := msgs[0].(tea.QuitMsg); !ok {
		t.Fatalf("confirmed quit sent %T", msgs[0])
	}
}

func TestApplySendReleaseSnoozeInsert(t *testing.T) {
	m, ed, holds := heldEditor(t)
	m.icpt.snoozed = true
	id := ed.id

	// The proposal as it stands in the store goes, not the one the
	// editor last saw.
	current := model.Decision{Status: 200, Body: []byte(`{"from":"forward"}`), Source: model.SourceForward}
	m.store.Update(id, func(e *model.Exchange) { e.Proposal = &current })
	got := make(chan model.Decision, 1)
	hold := holds.Hold(id) // the receiver's side, waiting
	go func() { got <- <-hold.Decided() }()
	m.apply(nil, actRelease{edit: ed.sent(ed.proposal)})
	if d := <-got; string(d.Body) != `{"from":"forward"}` {
		t.Fatalf("released with %q", d.Body)
	}
	if !strings.Contains(m.flash.text, "sent "+id.String()+" the proposal unchanged (forward target's answer)") {
		t.Errorf("flash %q", m.flash.text)
	}
	if m.icpt.lastEdit != nil {
		t.Error("the proposal counted as an edit")
	}
	if _, ok := m.icpt.oldestHeld(m.ix); ok {
		t.Error("an answered exchange is still offered to the editor")
	}
	// Too late: the way is closed.
	m.apply(nil, actSend{edit: ed.sent(ed.proposal)})
	if m.flash.text != "too late: the fallback was sent at the deadline" || !m.flash.warn {
		t.Errorf("second answer: %q", m.flash.text)
	}

	// An edit is remembered for r, and keep asks how at once.
	hold = holds.Hold(id)
	edit := ed.sent(model.Decision{Status: 200, Body: []byte(`{"edited":1}`), Source: model.SourceEdited})
	m.apply(nil, actSend{edit: edit, keep: true})
	if d := <-hold.Decided(); string(d.Body) != `{"edited":1}` {
		t.Fatalf("sent %q", d.Body)
	}
	if m.icpt.lastEdit == nil || m.icpt.lastEdit.id != id {
		t.Fatal("the edit was not remembered")
	}
	if k, ok := m.dialogs.top().(*keepDialog); !ok || k.src.id != id {
		t.Fatalf("keep did not ask: %T", m.dialogs.top())
	}

	m.apply(nil, actSnooze{id: id})
	if !m.icpt.snoozed || !strings.Contains(m.flash.text, "stays held: E edits it") {
		t.Errorf("snooze: %v %q", m.icpt.snoozed, m.flash.text)
	}

	m.icpt.editor = ed
	m.apply(nil, actInsert{d: model.Decision{Status: 202, Body: []byte(`{"t":1}`)}, title: "The forward target's answer"})
	if ed.status.Value() != "202" || !strings.Contains(ed.body.Value(), `"t": 1`) || !ed.modified ||
		ed.note != "inserted the forward target's answer" {
		t.Errorf("insert: %q %q modified %v note %q", ed.status.Value(), ed.body.Value(), ed.modified, ed.note)
	}
}

func TestApplyRuleAndExportActions(t *testing.T) {
	var saved string
	var exported string
	rules := twoRules()
	b := newBuilder()
	b.navtalk(t0)
	m := newTestModel(t, b, func(o *Options) {
		o.Rules = rules
		o.SaveRules = func(path string, _ []model.Rule) error { saved = path; return errors.New("disk full") }
		o.Export = func(s model.SessionKey, f string) (string, error) {
			exported = s.ID + "." + f
			return "/tmp/x." + f, nil
		}
	})

	m.apply(nil, actKeepRule{rule: model.Rule{Scope: model.ScopeKind, Platform: "moveo", Kind: "pre_message", Enabled: true, Status: 200, Body: "{}"}})
	l := rules.List()
	if len(l) != 3 || !l[2].Created.Equal(fixedAt) || !strings.Contains(m.flash.text, "rule #3: answers moveo pre_message") {
		t.Fatalf("keep: %+v, flash %q", l, m.flash.text)
	}
	m.apply(nil, actToggleRule{id: "3", on: false})
	if rules.List()[2].Enabled || m.flash.text != "rule #3 off" {
		t.Errorf("toggle: flash %q", m.flash.text)
	}
	m.apply(nil, actDeleteRule{id: "3"})
	if len(rules.List()) != 2 || m.flash.text != "rule #3 deleted" {
		t.Errorf("delete: flash %q", m.flash.text)
	}

	msgs := run(m.apply(nil, actSaveRules{path: "r.json", rules: rules.List()}))
	if saved != "r.json" || len(msgs) != 1 {
		t.Fatalf("save: %q %v", saved, msgs)
	}
	m.Update(msgs[0])
	if !strings.Contains(m.flash.text, "rules not saved: disk full") {
		t.Errorf("save result: %q", m.flash.text)
	}

	key := model.SessionKey{Platform: "navtalk", ID: "c7f3"}
	msgs = run(m.apply(nil, actExport{session: key, format: "md"}))
	if exported != "c7f3.md" || len(msgs) != 1 {
		t.Fatalf("export: %q %v", exported, msgs)
	}
	m.Update(msgs[0])
	if m.flash.text != "exported to /tmp/x.md" {
		t.Errorf("export result: %q", m.flash.text)
	}
}
