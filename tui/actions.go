package tui

import (
	"errors"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

// Actions are what dialogs answer messages with: what they want done
// outside themselves. The root model carries them out in apply, the one
// place where a dialog's wish changes the monitor. nil means nothing.
type action any

type (
	// actClose takes the dialog off the stack, with the dialogs it opened,
	// then carries out then (when not nil).
	actClose struct{ then action }
	// actCmd runs a command (a cursor, a text field's update); the dialog
	// stays.
	actCmd struct{ cmd tea.Cmd }
	// actQuit quits: at once when confirmed, else asking first while
	// exchanges are held.
	actQuit struct{ confirmed bool }
	// actOpen opens d in front of the dialog that asked, as its own: it
	// closes with it.
	actOpen struct{ d dialog }
	// actTell shows a message in the header for d.
	actTell struct {
		text string
		warn bool
		d    time.Duration
	}

	// actSend answers a held exchange with edit.decision; keep then asks
	// how to keep it as a rule.
	actSend struct {
		edit sentEdit
		keep bool
	}
	// actRelease answers a held exchange with its proposal as it stands
	// (edit.decision is the one the editor last saw).
	actRelease struct{ edit sentEdit }
	// actSnooze puts the editor aside: the exchange stays held.
	actSnooze struct{ id model.ExchangeID }
	// actInsert puts a response into the open editor's fields.
	actInsert struct {
		d     model.Decision
		title string
	}

	// actKeepRule adds a rule.
	actKeepRule struct{ rule model.Rule }
	// actToggleRule turns a rule on or off.
	actToggleRule struct {
		id string
		on bool // the state it goes to
	}
	// actDeleteRule deletes a rule.
	actDeleteRule struct{ id string }
	// actSaveRules writes the rules to a file.
	actSaveRules struct {
		path  string
		rules []model.Rule
	}
	// actExport writes a session to a file in a format.
	actExport struct {
		session model.SessionKey
		format  string
	}
	// actResend sends a request again (the request editor's ctrl+s).
	actResend struct{ req ResendRequest }
)

// toDialog hands a key press or a paste to the dialog in front and carries
// out its answer.
func (m *Model) toDialog(msg tea.Msg) tea.Cmd {
	d := m.dialogs.top()
	return m.apply(d, d.handle(m.dialogContext(), msg))
}

// apply carries out what dialog from asked for.
func (m *Model) apply(from dialog, a action) tea.Cmd {
	switch a := a.(type) {
	case nil:
		return nil
	case actClose:
		m.closeDialog(from)
		// Whatever follows may open another dialog; if not, a held
		// exchange may now get its editor.
		cmd := m.apply(nil, a.then)
		return tea.Batch(cmd, m.maybeOpenEditor())
	case actCmd:
		return a.cmd
	case actQuit:
		if a.confirmed {
			m.Close()
			return tea.Quit
		}
		return m.quit()
	case actOpen:
		m.dialogs.push(a.d, from)
		return nil
	case actTell:
		if a.warn {
			return m.flash.alert(a.text, a.d)
		}
		return m.flash.say(a.text, a.d)

	case actSend:
		return m.send(a.edit, a.keep)
	case actRelease:
		// The proposal as it stands now, which a batch on its way may not
		// have brought to the editor yet.
		if ex, ok := m.store.Exchange(a.edit.id); ok && ex.Held() && ex.Proposal != nil {
			a.edit.decision = *ex.Proposal
		}
		return m.send(a.edit, false)
	case actSnooze:
		m.icpt.snoozed = true
		return m.flash.say(a.id.String()+" stays held: E edits it, i changes the intercept mode", flashRead)
	case actInsert:
		ed := m.icpt.editor
		if ed == nil {
			return nil
		}
		ed.insert(a.d)
		ed.note = "inserted " + strings.ToLower(a.title[:1]) + a.title[1:]
		return ed.focusField()

	case actKeepRule:
		a.rule.Created = m.opts.Now()
		r := m.opts.Rules.Add(a.rule)
		msg := "rule #" + r.ID + ": answers " + oneLine(r.Describe())
		if m.opts.RulesFile != "" {
			msg += " · saved to " + oneLine(m.opts.RulesFile)
		} else {
			msg += " · R lists rules"
		}
		return m.flash.say(msg, 6*time.Second)
	case actToggleRule:
		m.opts.Rules.Toggle(a.id)
		return m.flash.say("rule #"+a.id+pick(a.on, " on", " off"), flashShort)
	case actDeleteRule:
		m.opts.Rules.Delete(a.id)
		return m.flash.say("rule #"+a.id+" deleted", flashShort)
	case actSaveRules:
		return m.saveRules(a.path, a.rules)
	case actExport:
		return m.export(a.session, a.format)
	case actResend:
		return m.startResend(a.req)
	}
	return nil
}

// closeDialog takes a dialog off the stack, with those it opened.
func (m *Model) closeDialog(d dialog) {
	m.dialogs.close(d)
	if ed := m.icpt.editor; ed != nil && !m.dialogs.has(ed) {
		m.icpt.editor = nil
	}
}

// send answers a held exchange and says how it went; an edit that went
// back is remembered for r, and keep asks at once how to keep it.
func (m *Model) send(edit sentEdit, keep bool) tea.Cmd {
	id, d := edit.id, edit.decision
	err := m.icpt.decide(id, d)
	switch {
	case errors.Is(err, model.ErrNotHeld):
		return m.flash.alert("too late: the fallback was sent at the deadline", 5*time.Second)
	case err != nil:
		return m.flash.alert("not sent: "+oneLine(err.Error()), 5*time.Second)
	case d.Source != model.SourceEdited:
		return m.flash.say("sent "+id.String()+" the proposal unchanged ("+sourceName(d)+")", 5*time.Second)
	}
	m.icpt.lastEdit = &edit
	switch {
	case keep:
		m.dialogs.push(newKeepDialog(edit), nil)
		m.flash.show("sent your edit to " + id.String())
	case m.counts.Held > 1 && !m.icpt.snoozed && m.opts.Rules != nil:
		// The next held exchange's editor opens at once and takes keys.
		m.flash.show("sent your edit to " + id.String() + " · to keep it as a rule: ctrl+l, then r")
	default:
		m.flash.show("sent your edit to " + id.String() + " · r keeps it as a rule")
	}
	return m.flash.after(5 * time.Second)
}

// handleResult takes the results of commands that dialogs asked for
// (exports, saves, the external editor), which arrive after the dialog may
// be gone.
func (m *Model) handleResult(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case exportDoneMsg:
		return m.exportDone(msg)
	case rulesSavedMsg:
		return m.rulesSaved(msg)
	case resendDoneMsg:
		return m.resendDone(msg)
	case editorFileMsg, editorExitMsg, editorReadMsg:
		if ed := m.icpt.editor; ed != nil && ed.id == externalID(msg) {
			return ed.external(msg)
		}
		return externalResult(msg) // its exchange fell back meanwhile
	}
	return nil
}
