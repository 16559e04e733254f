package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

// jumpHeld selects the next held exchange after the current selection,
// going through the sessions in list order and wrapping around, so pressing
// H again and again visits every exchange waiting for a decision.
func (m *Model) jumpHeld() tea.Cmd {
	vis := m.ix.vis
	n := len(vis)
	if m.counts.Held == 0 || n == 0 {
		return m.flash.say("nothing is held", flashShort)
	}
	start := max(m.sel.idx, 0)
	for k := 0; k <= n; k++ {
		i := (start + k) % n
		e := vis[i]
		if e.sess.Held == 0 {
			continue
		}
		var after model.ExchangeID
		if k == 0 {
			after = e.selEx // in the current session, look past the selection
		}
		passed := after == 0
		for _, id := range e.sess.Exchanges {
			if !passed {
				passed = id == after
				continue
			}
			if r := m.ix.rows[id]; r != nil && r.State == model.StateHeld && m.ix.visible(r) {
				m.showExchange(i, id)
				return nil
			}
		}
	}
	return m.flash.say("the held exchanges are hidden by the filter", flashShort)
}

// showExchange selects a session and one of its exchanges, and brings the
// transcript to it.
func (m *Model) showExchange(sessionIdx int, id model.ExchangeID) {
	m.follow = false
	m.gridMode = false
	m.mainMode = modeTranscript
	m.sel.set(sessionIdx)
	e := m.sel.selected()
	if e == nil {
		return
	}
	e.selEx, e.stick = id, false
	if e, tc, h := m.transcriptView(); e != nil {
		if i, ok := tc.pos[id]; ok {
			m.reveal(e, tc, i, h)
		}
	}
	if m.insp.open {
		m.openInspector(id)
		return
	}
	m.focus = focusMain
}
