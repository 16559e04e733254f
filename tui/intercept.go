package tui

import (
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

// heldTickEvery is how often countdowns are redrawn while something is
// held: a tenth of a second, the precision they show.
const heldTickEvery = 100 * time.Millisecond

type heldTickMsg struct{}

// live reports a monitor of a running receiver (not a history).
func (m *Model) live() bool { return !m.opts.ReadOnly }

// readOnlyRefusal explains why a key does nothing over a history.
func (m *Model) readOnlyRefusal() tea.Cmd {
	m.warn("read-only history: intercept and rules work in the live monitor (hark, hark demo)")
	return m.flashFor(4 * time.Second)
}

func (m *Model) noIntercept() tea.Cmd {
	m.warn("intercept is not available in this run")
	return m.flashFor(3 * time.Second)
}

// interceptStatus is the header's view of the intercept setting: the mode
// and how many breakpoints are set.
func (m *Model) interceptStatus(compact bool) string {
	st := m.st
	in := m.opts.Intercept
	mode := model.InterceptOff
	var sessions, kinds int
	if in != nil {
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

// cycleIntercept moves to the next mode: off → consumed → all → off.
func (m *Model) cycleIntercept() tea.Cmd {
	switch {
	case m.opts.ReadOnly:
		return m.readOnlyRefusal()
	case m.opts.Intercept == nil:
		return m.noIntercept()
	}
	next := m.opts.Intercept.Mode().Next()
	m.opts.Intercept.SetMode(next)
	switch next {
	case model.InterceptConsumed:
		m.notify("intercept consumed: webhooks whose response the platform acts on are held for you")
	case model.InterceptAll:
		m.notify("intercept all: every webhook is held for you")
	default:
		m.notify("intercept off: webhooks are answered at once (breakpoints still hold)")
	}
	return m.flashFor(4 * time.Second)
}

// toggleSessionBreak sets or clears a breakpoint on the selected session:
// its webhooks are held whatever the mode.
func (m *Model) toggleSessionBreak() tea.Cmd {
	switch {
	case m.opts.ReadOnly:
		return m.readOnlyRefusal()
	case m.opts.Intercept == nil:
		return m.noIntercept()
	}
	e := m.selected()
	if e == nil {
		return nil
	}
	name := platformBadge(e.key.Platform) + " " + middle(e.idText, 24)
	if m.opts.Intercept.ToggleSession(e.key) {
		m.notify("◆ breakpoint on session " + name + ": its webhooks are held")
	} else {
		m.notify("breakpoint on session " + name + " removed")
	}
	m.styleGen++ // markers are drawn into cached rows
	return m.flashFor(3 * time.Second)
}

// toggleKindBreak sets or clears a breakpoint on the selected exchange's
// kind of webhook, on every session of its platform.
func (m *Model) toggleKindBreak() tea.Cmd {
	switch {
	case m.opts.ReadOnly:
		return m.readOnlyRefusal()
	case m.opts.Intercept == nil:
		return m.noIntercept()
	}
	r := m.ix.rows[m.currentExchange()]
	if r == nil {
		m.notify("select an exchange first")
		return m.flashCmd()
	}
	k := model.KindKey{Platform: r.platform, Kind: r.kind}
	what := "every " + platformTitle(r.platform) + " " + r.kind
	if m.opts.Intercept.ToggleKind(k) {
		m.notify("◆ breakpoint on " + what + ": held in every session")
	} else {
		m.notify("breakpoint on " + what + " removed")
	}
	m.styleGen++
	return m.flashFor(3 * time.Second)
}

// breakOnSession and breakOnKind tell the views where breakpoints are.
func (m *Model) breakOnSession(k model.SessionKey) bool {
	return m.opts.Intercept != nil && !m.opts.ReadOnly && m.opts.Intercept.HasSession(k)
}

func (m *Model) breakOnKind(r *exRow) bool {
	return m.opts.Intercept != nil && !m.opts.ReadOnly && m.opts.Intercept.HasKind(model.KindKey{Platform: r.platform, Kind: r.kind})
}

// editHeld opens the editor on the selected exchange when it is held,
// else on the oldest held one.
func (m *Model) editHeld() tea.Cmd {
	switch {
	case m.opts.ReadOnly:
		return m.readOnlyRefusal()
	case m.opts.Holds == nil:
		m.warn("holding is not available in this run")
		return m.flashCmd()
	}
	m.snoozed = false
	if r := m.ix.rows[m.currentExchange()]; r != nil && r.state == model.StateHeld {
		if cmd, ok := m.openEditor(r.id); ok {
			return cmd
		}
	}
	if id, ok := m.oldestHeld(); ok {
		cmd, _ := m.openEditor(id)
		return cmd
	}
	if m.opts.Intercept != nil && m.opts.Intercept.Mode() == model.InterceptOff {
		m.notify("nothing is held: i turns intercept on, B and K set breakpoints")
	} else {
		m.notify("nothing is held")
	}
	return m.flashFor(3 * time.Second)
}

// oldestHeld is the held exchange that has waited longest, among those
// the monitor has seen held.
func (m *Model) oldestHeld() (model.ExchangeID, bool) {
	if m.opts.Holds == nil || m.counts.Held == 0 {
		return 0, false
	}
	for _, id := range m.opts.Holds.Held() {
		if r := m.ix.rows[id]; r != nil && r.state == model.StateHeld {
			return id, true
		}
	}
	return 0, false
}

// maybeOpenEditor opens the editor on the oldest held exchange, unless the
// user is busy with something else in front (a dialog, a filter being
// typed): then the header says how many are held and which key edits them.
func (m *Model) maybeOpenEditor() tea.Cmd {
	if m.counts.Held == 0 {
		m.snoozed = false // the next held exchange is news again
	}
	if m.opts.ReadOnly || m.opts.Holds == nil || m.editor != nil || len(m.dialogs) > 0 || m.filtering || m.snoozed {
		return nil
	}
	if id, ok := m.oldestHeld(); ok {
		cmd, _ := m.openEditor(id)
		return cmd
	}
	return nil
}

// startHeldTick keeps countdowns moving while something is held.
func (m *Model) startHeldTick() tea.Cmd {
	if m.heldTicking || m.opts.ReadOnly || (m.counts.Held == 0 && m.editor == nil) {
		return nil
	}
	m.heldTicking = true
	return tea.Tick(heldTickEvery, func(time.Time) tea.Msg { return heldTickMsg{} })
}

// heldAmong lists the exchanges of a batch that the monitor saw held
// before it.
func (m *Model) heldAmong(changes []model.Change) map[model.ExchangeID]bool {
	var was map[model.ExchangeID]bool
	for i := range changes {
		id := changes[i].Exchange.ID
		if r := m.ix.rows[id]; r != nil && r.state == model.StateHeld {
			if was == nil {
				was = make(map[model.ExchangeID]bool)
			}
			was[id] = true
		}
	}
	return was
}

// heldChanged follows held exchanges through a batch: the editor closes
// when its exchange was answered without it (the deadline passed), and an
// exchange that fell back says so.
func (m *Model) heldChanged(changes []model.Change, wasHeld map[model.ExchangeID]bool) {
	var fell []model.ExchangeID
	for id := range wasHeld {
		if r := m.ix.rows[id]; r != nil && r.state == model.StateFallback {
			fell = append(fell, id)
		}
	}
	if ed := m.editor; ed != nil {
		r := m.ix.rows[ed.id]
		switch {
		case r == nil || r.state == model.StateHeld:
			ed.refresh(m, changes)
		default:
			m.removeDialog(ed)
		}
	}
	if len(fell) == 0 {
		return
	}
	// Many fallbacks arrive over several batches: while the banner of the
	// earlier ones shows, it counts them all.
	total := len(fell)
	if m.fellBack.flashID == m.flashID && m.flash != "" {
		total += m.fellBack.n
	}
	if total == 1 {
		m.warn(fell[0].String() + " fell back: nobody decided before the deadline, the proposal went out")
	} else {
		m.warn(strconv.Itoa(total) + " exchanges fell back: their proposals went out at the deadline")
	}
	m.fellBack = fellBack{n: total, flashID: m.flashID}
}

// fellBack is what the fallback banner counts, and which flash it is.
type fellBack struct{ n, flashID int }

// paster is a dialog that takes pasted text.
type paster interface {
	paste(m *Model, msg tea.PasteMsg) tea.Cmd
}

// handleResult takes the results of commands the dialogs started (exports,
// saves, the external editor), which arrive after the dialog may be gone.
func (m *Model) handleResult(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case exportDoneMsg:
		return m.exportDone(msg)
	case rulesSavedMsg:
		return m.rulesSaved(msg)
	case editorFileMsg:
		return m.externalStep(msg.id, msg)
	case editorExitMsg:
		return m.externalStep(msg.id, msg)
	case editorReadMsg:
		return m.externalStep(msg.id, msg)
	}
	return nil
}

// externalStep goes on with the external editor for the response editor
// that started it, or cleans up after it.
func (m *Model) externalStep(id model.ExchangeID, msg tea.Msg) tea.Cmd {
	if m.editor != nil && m.editor.id == id {
		return m.editor.external(m, msg)
	}
	return externalResult(msg)
}
