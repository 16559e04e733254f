package tui

import (
	"errors"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

// Intercept from the monitor's side: the mode (i cycles it) and the
// breakpoints (B on the selected session, K on the selected exchange's
// platform and kind) live in the shared model.Intercept the receiver reads;
// the exchanges it holds are decided in the response editor, which opens
// by itself on the oldest held exchange whenever nothing else is in front.
// Whether an exchange is held, and with what proposal, the store says.

// heldTickEvery is how often countdowns are redrawn while something is
// held: a tenth of a second, the precision they show.
const heldTickEvery = 100 * time.Millisecond

type heldTickMsg struct{}

const (
	readOnlyNote    = "read-only history: intercept and rules work in the live monitor (hark, hark demo)"
	noInterceptNote = "intercept is not available in this run"
)

// interceptState is the monitor's part of intercept: the shared setting and
// the way back for decisions it was given, the response editor when one is
// open, and what the user did with held exchanges.
type interceptState struct {
	setting  *model.Intercept // nil: intercept is not available
	holds    *model.Holds     // nil: nothing can be decided here
	readOnly bool

	editor   *responseEditor // the open editor, also on the dialog stack
	snoozed  bool            // the user put the editor aside: it opens on E only
	ticking  bool            // a countdown tick is on its way
	lastEdit *sentEdit       // the edit sent last, which r keeps as a rule
	// answered are the held exchanges decided here whose answer the store
	// has not reported yet: no editor opens on them meanwhile.
	answered map[model.ExchangeID]bool
	fell     fellBack // what the fallback banner counts
}

// canDecide reports a live monitor that can answer held exchanges.
func (ic *interceptState) canDecide() bool { return ic.holds != nil && !ic.readOnly }

// breakOnSession and breakOnKind tell the views where breakpoints are.
func (ic *interceptState) breakOnSession(k model.SessionKey) bool {
	return ic.setting != nil && !ic.readOnly && ic.setting.HasSession(k)
}

func (ic *interceptState) breakOnKind(r *exRow) bool {
	return ic.setting != nil && !ic.readOnly && ic.setting.HasKind(model.KindKey{Platform: r.Platform, Kind: r.Kind})
}

// status is the header's view of the setting: the mode and how many
// breakpoints are set.
func (ic *interceptState) status(st *styles, compact bool) string {
	mode := model.InterceptOff
	var sessions, kinds int
	if in := ic.setting; in != nil {
		mode = in.Mode()
		ss, ks := in.Breakpoints()
		sessions, kinds = len(ss), len(ks)
	}
	ms := st.muted
	if mode != model.InterceptOff {
		ms = st.warn
	}
	out := st.muted.Render("intercept ") + ms.Render(string(mode))
	if n := sessions + kinds; n > 0 {
		out += st.muted.Render(" · ") + st.err.Render("◆") + " " + pick(!compact, plural(n, "breakpoint"), strconv.Itoa(n))
	}
	return out
}

// cycle moves to the next mode, off → consumed → all → off, and says what
// it means.
func (ic *interceptState) cycle() string {
	next := ic.setting.Mode().Next()
	ic.setting.SetMode(next)
	switch next {
	case model.InterceptConsumed:
		return "intercept consumed: webhooks whose response the platform acts on are held for you"
	case model.InterceptAll:
		return "intercept all: every webhook is held for you"
	}
	return "intercept off: webhooks are answered at once (breakpoints still hold)"
}

// startTick keeps countdowns moving while something is held.
func (ic *interceptState) startTick(held int) tea.Cmd {
	if ic.ticking || ic.readOnly || (held == 0 && ic.editor == nil) {
		return nil
	}
	ic.ticking = true
	return tea.Tick(heldTickEvery, func(time.Time) tea.Msg { return heldTickMsg{} })
}

// decide sends a decision to the receiver. Decided or too late, the
// exchange is answered: it is not offered again while the store catches up.
func (ic *interceptState) decide(id model.ExchangeID, d model.Decision) error {
	err := ic.holds.Decide(id, d)
	if err == nil || errors.Is(err, model.ErrNotHeld) {
		if ic.answered == nil {
			ic.answered = make(map[model.ExchangeID]bool)
		}
		ic.answered[id] = true
	}
	return err
}

// oldestHeld is the held exchange that has waited longest and is not
// answered yet.
func (ic *interceptState) oldestHeld(ix *index) (model.ExchangeID, bool) {
	if !ic.canDecide() {
		return 0, false
	}
	return ix.oldestHeld(ic.answered)
}

// settle forgets the answered exchanges the store no longer holds.
func (ic *interceptState) settle(ix *index) {
	for id := range ic.answered {
		if !ix.held[id] {
			delete(ic.answered, id)
		}
	}
}

// interceptRefusal says why an intercept key does nothing here, when it
// does nothing (nil when it works).
func (m *Model) interceptRefusal() tea.Cmd {
	switch {
	case m.opts.ReadOnly:
		return m.flash.alert(readOnlyNote, flashRead)
	case m.icpt.setting == nil:
		return m.flash.alert(noInterceptNote, 3*time.Second)
	}
	return nil
}

// cycleIntercept moves to the next mode: off → consumed → all → off.
func (m *Model) cycleIntercept() tea.Cmd {
	if cmd := m.interceptRefusal(); cmd != nil {
		return cmd
	}
	return m.flash.say(m.icpt.cycle(), flashRead)
}

// toggleBreak sets or clears a breakpoint: B on the selected session (its
// webhooks are held whatever the mode), K on the selected exchange's kind
// of webhook in every session of its platform.
func (m *Model) toggleBreak(onKind bool) tea.Cmd {
	if cmd := m.interceptRefusal(); cmd != nil {
		return cmd
	}
	var msg string
	if onKind {
		r := m.ix.rows[m.currentExchange()]
		if r == nil {
			return m.flash.say("select an exchange first", flashShort)
		}
		what := "every " + platformTitle(r.Platform) + " " + r.Kind
		msg = "breakpoint on " + what + " removed"
		if m.icpt.setting.ToggleKind(model.KindKey{Platform: r.Platform, Kind: r.Kind}) {
			msg = "◆ breakpoint on " + what + ": held in every session"
		}
	} else {
		e := m.sel.selected()
		if e == nil {
			return nil
		}
		name := platformBadge(e.key.Platform) + " " + middle(e.idText, 24)
		msg = "breakpoint on session " + name + " removed"
		if m.icpt.setting.ToggleSession(e.key) {
			msg = "◆ breakpoint on session " + name + ": its webhooks are held"
		}
	}
	m.styleGen++ // markers are drawn into cached rows
	return m.flash.say(msg, 3*time.Second)
}

// editHeld opens the editor on the selected exchange when it is held,
// else on the oldest held one.
func (m *Model) editHeld() tea.Cmd {
	switch {
	case m.opts.ReadOnly:
		return m.flash.alert(readOnlyNote, flashRead)
	case m.icpt.holds == nil:
		return m.flash.alert("holding is not available in this run", flashShort)
	}
	m.icpt.snoozed = false
	if r := m.ix.rows[m.currentExchange()]; r != nil && r.State == model.StateHeld && !m.icpt.answered[r.ID] {
		if cmd, ok := m.openEditor(r.ID); ok {
			return cmd
		}
	}
	if id, ok := m.icpt.oldestHeld(m.ix); ok {
		cmd, _ := m.openEditor(id)
		return cmd
	}
	if m.icpt.setting != nil && m.icpt.setting.Mode() == model.InterceptOff {
		return m.flash.say("nothing is held: i turns intercept on, B and K set breakpoints", 3*time.Second)
	}
	return m.flash.say("nothing is held", 3*time.Second)
}

// maybeOpenEditor opens the editor on the oldest held exchange, unless the
// user is busy with something else in front (a dialog, a filter being
// typed): then the header says how many are held and which key edits them.
func (m *Model) maybeOpenEditor() tea.Cmd {
	if m.counts.Held == 0 {
		m.icpt.snoozed = false // the next held exchange is news again
	}
	if m.icpt.editor != nil || m.dialogs.len() > 0 || m.filter.typing || m.icpt.snoozed {
		return nil
	}
	if id, ok := m.icpt.oldestHeld(m.ix); ok {
		cmd, _ := m.openEditor(id)
		return cmd
	}
	return nil
}

// openEditor opens the editor on a held exchange; ok is false when the
// exchange is no longer held, or another editor is open (one at a time:
// the open one is decided first).
func (m *Model) openEditor(id model.ExchangeID) (tea.Cmd, bool) {
	if ed := m.icpt.editor; ed != nil {
		return nil, ed.id == id
	}
	ex, found := m.store.Exchange(id)
	if !found || !ex.Held() || ex.Proposal == nil {
		return nil, false
	}
	ed := newResponseEditor(ex, m.st)
	m.icpt.editor = ed
	m.dialogs.push(ed, nil)
	// Opening an editor is looking at this exchange: show it behind, and
	// stay there to see what the decision does.
	m.follow = false
	if i := m.ix.position(ex.Session()); i >= 0 && (m.sel.selected() == nil || m.sel.selected().key != ex.Session()) {
		m.sel.set(i)
	}
	if e := m.sel.selected(); e != nil && e.key == ex.Session() {
		e.selEx, e.stick = id, false
	}
	return tea.Batch(ed.focusField(), m.icpt.startTick(m.counts.Held)), true
}

// heldChanged follows held exchanges through a batch: the editor takes a
// new proposal, or closes when its exchange was answered without it (the
// deadline passed), and an exchange that fell back says so. wasHeld are
// the batch's exchanges the monitor saw held before it.
func (m *Model) heldChanged(changes []model.Change, wasHeld map[model.ExchangeID]bool) {
	m.icpt.settle(m.ix)
	var fell []model.ExchangeID
	for id := range wasHeld {
		if r := m.ix.rows[id]; r != nil && r.State == model.StateFallback {
			fell = append(fell, id)
		}
	}
	if ed := m.icpt.editor; ed != nil {
		r := m.ix.rows[ed.id]
		switch {
		case r == nil || r.State == model.StateHeld:
			for i := range changes {
				if changes[i].Exchange.ID == ed.id {
					ed.refresh(m.dialogContext(), changes[i].Exchange)
				}
			}
		default:
			m.closeDialog(ed)
		}
	}
	if len(fell) == 0 {
		return
	}
	// Many fallbacks arrive over several batches: while the banner of the
	// earlier ones shows, it counts them all.
	total := len(fell)
	if m.icpt.fell.flashID == m.flash.id && m.flash.text != "" {
		total += m.icpt.fell.n
	}
	if total == 1 {
		m.flash.warning(fell[0].String() + " fell back: nobody decided before the deadline, the proposal went out")
	} else {
		m.flash.warning(strconv.Itoa(total) + " exchanges fell back: their proposals went out at the deadline")
	}
	m.icpt.fell = fellBack{n: total, flashID: m.flash.id}
}

// fellBack is what the fallback banner counts, and which flash it is.
type fellBack struct{ n, flashID int }
