package tui

import (
	tea "charm.land/bubbletea/v2"
)

// Mouse: a click selects what is under the pointer (a second click on the
// selected exchange inspects it), the wheel scrolls the pane under the
// pointer. Everything here can also be done from the keyboard.

const wheelStep = 3

func (m *Model) handleClick(ms tea.Mouse) tea.Cmd {
	if ms.Button != tea.MouseLeft || m.dialogs.len() > 0 || m.filter.typing || m.ix.empty() {
		return nil
	}
	l := m.layout()
	if l.tooSmall {
		return nil
	}
	switch {
	case m.gridMode:
		if i, ok := m.gridIndexAt(l, ms.X, ms.Y); ok {
			if i == m.grid.sel {
				m.openFromGrid()
			} else {
				m.follow = false
				m.grid.sel = i
			}
		}
	case l.inspector.has(ms.X, ms.Y):
		m.focus = focusInspector
		if ms.Y == l.inspector.y {
			m.clickTab(ms.X - l.inspector.x)
		}
	case l.sessions.has(ms.X, ms.Y):
		m.focus = focusSessions
		if row := ms.Y - l.sessions.y - 1; row >= 0 {
			i := m.sel.top + row/sessionRowHeight
			if i < len(m.ix.vis) {
				m.follow = false
				m.sel.set(i)
			}
		}
	case l.main.has(ms.X, ms.Y):
		m.focus = focusMain
		switch {
		case m.timeline.on:
			m.clickTimeline(l, ms.Y-l.main.y)
		case m.mainMode == modeTranscript:
			m.clickTranscript(l, ms.Y-l.main.y)
		}
	}
	return nil
}

// clickTranscript selects the exchange on line y of the transcript pane
// (0: its heading), and inspects it when it was already selected.
func (m *Model) clickTranscript(l layout, y int) {
	e := m.sel.selected()
	if e == nil {
		return
	}
	headH := m.transcriptHeadH(e, l.main.w, l.main.h)
	row := y - headH
	if row < 0 {
		return
	}
	tc := m.transcript(e, l.main.w-gutterW)
	win := m.window(e, tc, max(1, l.main.h-headH))
	if row >= len(win) {
		return
	}
	id := m.blockID(e, tc, win[row].block)
	m.follow = false
	e.stick = false
	if id == e.selEx {
		m.openInspector(id)
		return
	}
	e.selEx = id
}

// clickTab switches to the inspector tab under column x of its title line.
func (m *Model) clickTab(x int) {
	pos := width(" Inspect ")
	for i, name := range tabNames {
		w := width(" " + name + " ")
		if x >= pos && x < pos+w {
			m.insp.tab, m.insp.top = i, 0
			return
		}
		pos += w
	}
}

func (m *Model) gridIndexAt(l layout, x, y int) (int, bool) {
	b := l.body
	if !b.has(x, y) {
		return 0, false
	}
	cols, rows := gridShape(b.w, b.h, len(m.ix.vis))
	c := min((x-b.x)/(b.w/cols), cols-1)
	r := min((y-b.y)/(b.h/rows), rows-1)
	i := m.grid.top + r*cols + c
	return i, i < len(m.ix.vis)
}

func (m *Model) handleWheel(ms tea.Mouse) {
	if m.dialogs.len() > 0 || m.ix.empty() {
		return
	}
	d := 0
	switch ms.Button {
	case tea.MouseWheelUp:
		d = -wheelStep
	case tea.MouseWheelDown:
		d = wheelStep
	default:
		return
	}
	l := m.layout()
	switch {
	case l.tooSmall:
	case m.gridMode:
		cols, _ := gridShape(l.body.w, l.body.h, len(m.ix.vis))
		m.follow = false
		m.grid.sel = min(max(m.grid.sel+sign(d)*cols, 0), max(0, len(m.ix.vis)-1))
	case l.inspector.has(ms.X, ms.Y):
		total := len(m.inspectorLines(l.inspector.w - 1))
		m.insp.top = min(max(m.insp.top+d, 0), max(0, total-(l.inspector.h-1)))
	case l.sessions.has(ms.X, ms.Y):
		m.follow = false
		m.sel.set(m.sel.idx + sign(d))
	case l.main.has(ms.X, ms.Y) && m.timeline.on:
		if e := m.sel.selected(); e != nil {
			tc := m.blocks(e)
			if i, ok := tc.pos[e.selEx]; ok {
				m.selectRow(e, tc, i+sign(d))
			}
		}
	case l.main.has(ms.X, ms.Y):
		if m.mainMode == modeLogs {
			m.logs.back = min(max(m.logs.back-d, 0), max(0, len(m.logs.shown())-1))
			return
		}
		if e, tc, h := m.transcriptView(); e != nil {
			m.scrollTranscript(e, tc, d, h)
		}
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
