package tui

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// Layout: the header (2 lines) on top, the help bar (1 line) at the bottom,
// and between them the sessions list on the left and the transcript (or the
// log) on the right; the inspector shares the right column on large
// terminals and covers the body on small ones. The grid, the empty state
// and dialogs use the whole body. Every pane returns exactly its height in
// lines of exactly its width, so joining them never breaks the layout.

const (
	minWidth, minHeight = 40, 12
	// the inspector gets its own pane below the transcript from this size on
	splitMinWidth, splitMinBodyHeight = 100, 30
)

type rect struct{ x, y, w, h int }

func (r rect) has(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

type layout struct {
	tooSmall          bool
	header, body      rect
	bottom            rect
	sessions, main    rect // zero when not shown
	inspector         rect // zero when closed
	insOverlay        bool // the inspector covers the body
	sepX              int  // the column of the separator, -1 when none
	wholeBody, onLogs bool // the body is one view (empty state, grid, log)
}

func (m *Model) layout() layout {
	W, H := m.width, m.height
	l := layout{sepX: -1}
	if W < minWidth || H < minHeight {
		l.tooSmall = true
		return l
	}
	l.header = rect{0, 0, W, headerHeight}
	l.bottom = rect{0, H - 1, W, 1}
	l.body = rect{0, headerHeight, W, H - headerHeight - 1}
	body := l.body
	if m.gridMode || m.ix.empty() {
		l.wholeBody = true
		l.onLogs = m.ix.empty() && m.mainMode == modeLogs
		return l
	}
	if m.timeline.on { // the whole body, the inspector below or over it
		l.main = body
		m.placeInspector(&l, body)
		return l
	}
	listW := min(max(W*3/8, 26), 44)
	mainX := 0
	switch {
	case W < 60 && m.focus == focusSessions && !m.insp.open:
		l.sessions = body
		return l
	case W < 60 || m.zoom:
	default:
		l.sessions = rect{0, body.y, listW, body.h}
		l.sepX = listW
		mainX = listW + 1
	}
	l.main = rect{mainX, body.y, W - mainX, body.h}
	m.placeInspector(&l, body)
	return l
}

// placeInspector puts an open inspector below the main pane on large
// terminals, else over the whole body.
func (m *Model) placeInspector(l *layout, body rect) {
	if !m.insp.open {
		return
	}
	main := l.main
	if m.width >= splitMinWidth && body.h >= splitMinBodyHeight {
		th := max(8, body.h*2/5)
		l.main.h = th
		l.inspector = rect{main.x, main.y + th, main.w, body.h - th}
	} else {
		l.inspector = body
		l.insOverlay = true
	}
}

// View draws the whole screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "hark"
	if m.opts.Title != "" {
		v.WindowTitle += " · " + oneLine(m.opts.Title)
	}
	return v
}

func (m *Model) render() string {
	l := m.layout()
	if l.tooSmall {
		return m.st.warn.Render("terminal too small: "+strconv.Itoa(m.width)+"×"+strconv.Itoa(m.height)) +
			"\n" + m.st.muted.Render("hark needs "+strconv.Itoa(minWidth)+"×"+strconv.Itoa(minHeight))
	}
	lines := make([]string, 0, m.height)
	lines = append(lines, m.renderHeader(m.width)...)
	body := m.renderBody(l)
	if m.dialogs.len() > 0 {
		c := m.dialogContext()
		for _, d := range m.dialogs.open { // each over the one it was opened from
			body = overlay(body, d.view(c, l.body.w, l.body.h), l.body.w)
		}
	}
	lines = append(lines, body...)
	lines = append(lines, m.bottomBar(m.width))
	return strings.Join(lines, "\n")
}

func (m *Model) renderBody(l layout) []string {
	b := l.body
	switch {
	case l.onLogs:
		return m.logs.render(m.st, m.loc, b.w, b.h, true)
	case m.ix.empty():
		return m.renderEmpty(b.w, b.h)
	case m.gridMode:
		return m.renderGrid(b.w, b.h)
	case l.insOverlay:
		return m.renderInspector(b.w, b.h, true)
	case l.main.w == 0:
		return m.renderSessions(l.sessions.w, l.sessions.h, true)
	}
	var right []string
	switch {
	case m.timeline.on:
		right = m.renderTimeline(l.main.w, l.main.h, m.focus == focusMain)
	case m.mainMode == modeLogs:
		right = m.logs.render(m.st, m.loc, l.main.w, l.main.h, m.focus == focusMain)
	default:
		right = m.renderTranscript(l.main.w, l.main.h, m.focus == focusMain)
	}
	if l.inspector.h > 0 {
		right = append(right, m.renderInspector(l.inspector.w, l.inspector.h, m.focus == focusInspector)...)
	}
	if l.sessions.w == 0 {
		return right
	}
	left := m.renderSessions(l.sessions.w, l.sessions.h, m.focus == focusSessions)
	sep := m.st.subtle.Render("│")
	out := make([]string, b.h)
	for y := range out {
		out[y] = left[y] + sep + right[y]
	}
	return out
}

// bottomBar is the filter being typed, or the help for what has focus.
func (m *Model) bottomBar(w int) string {
	if m.filter.typing {
		return m.filter.view(m.st, w)
	}
	m.help.SetWidth(w - 1)
	return fit(" "+m.help.ShortHelpView(m.shortHelp()), w)
}
