package tui

import (
	"context"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/stats"
)

// Resending from the monitor: s sends the selected exchange's request
// again as it was recorded, S opens it in the request editor first. Where
// it goes and how it is signed again is the Resend option's business (the
// --forward target, else back into hark); the new exchange comes through
// the store like any other, marked "↻ resent #N" and linked both ways.

// ResendRequest is what the monitor asks to be sent again.
type ResendRequest struct {
	Of      model.Exchange // the exchange whose request is sent again
	Request model.Request  // Of's request, or the user's edit of it
	Edited  bool
}

// ResendResult says how a resend went.
type ResendResult struct {
	ID       model.ExchangeID // the new exchange, 0 when none was recorded
	To       string           // where it went
	Status   int              // the answer's status, 0 when none came
	Latency  time.Duration
	Resigned string // what re-signing changed, "" when nothing
	Failure  string // why no answer came, "" when one did
}

// resendDoneMsg brings a resend's result back to Update.
type resendDoneMsg struct {
	of     model.ExchangeID
	edited bool
	res    ResendResult
	err    error
}

// canResend reports a monitor that can send requests again.
func (m *Model) canResend() bool { return m.opts.Resend != nil && !m.opts.ReadOnly }

// resendTarget says where a resend goes, in a few words.
func (m *Model) resendTarget() string {
	if m.opts.Forward != "" {
		return "to " + oneLine(m.opts.Forward)
	}
	return "into hark"
}

// resendKey resends the current exchange (s), or opens it in the request
// editor first (S).
func (m *Model) resendKey(edit bool) tea.Cmd {
	switch {
	case m.opts.ReadOnly:
		return m.flash.alert("read-only history: resend works in the live monitor (hark, hark demo); hark replay --id sends from a journal", flashRead)
	case m.opts.Resend == nil:
		return m.flash.alert("resending is not available in this run", flashShort)
	}
	id := m.currentExchange()
	if id == 0 {
		return m.flash.say("select an exchange first", flashShort)
	}
	ex, ok := m.store.Exchange(id)
	switch {
	case !ok:
		return m.flash.alert("exchange "+id.String()+" is no longer in memory", flashShort)
	case ex.Evicted:
		return m.flash.alert("the body of "+id.String()+" was evicted from memory: hark replay --id "+strconv.FormatUint(uint64(id), 10)+" sends it from the journal", flashRead)
	case ex.Request.Truncated:
		return m.flash.alert(id.String()+"'s body was cut at the size limit when it arrived: there is no whole request to send", flashRead)
	}
	if edit {
		d := newRequestEditor(ex, m.st, m.resendTarget())
		m.dialogs.push(d, nil)
		return d.focusField()
	}
	return m.startResend(ResendRequest{Of: ex, Request: ex.Request})
}

// startResend sends in a command; the monitor goes on meanwhile (a resend
// into hark may be held, and answered in the editor).
func (m *Model) startResend(r ResendRequest) tea.Cmd {
	resend := m.opts.Resend
	id, edited := r.Of.ID, r.Edited
	// The new exchange is the session's newest: show the bottom, where it
	// will appear.
	if e := m.sel.selected(); e != nil && e.key == r.Of.Session() {
		e.stick = true
		m.timeline.stick = true
	}
	say := m.flash.say("↻ "+pick(edited, "sending your edit of ", "resending ")+id.String()+" "+m.resendTarget()+"…", flashRead)
	return tea.Batch(say, func() tea.Msg {
		res, err := resend(context.Background(), r)
		return resendDoneMsg{of: id, edited: edited, res: res, err: err}
	})
}

// resendDone says how a resend went.
func (m *Model) resendDone(msg resendDoneMsg) tea.Cmd {
	what := pick(msg.edited, "your edit of ", "") + msg.of.String()
	res := msg.res
	switch {
	case msg.err != nil:
		return m.flash.alert("↻ "+what+" was not resent: "+oneLine(msg.err.Error()), flashRead+time.Second)
	case res.Failure != "" && res.ID != 0:
		return m.flash.alert("↻ resent "+what+" as "+res.ID.String()+": no answer: "+oneLine(res.Failure), flashRead+time.Second)
	case res.Failure != "":
		return m.flash.alert("↻ "+what+": no answer: "+oneLine(res.Failure), flashRead+time.Second)
	}
	text := "↻ resent " + what
	if res.ID != 0 {
		text += " as " + res.ID.String()
	}
	text += ": " + strconv.Itoa(res.Status) + " in " + stats.Duration(res.Latency)
	if res.Resigned != "" {
		text += " · " + oneLine(res.Resigned)
	}
	return m.flash.say(text, 6*time.Second)
}
