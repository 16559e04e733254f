package tui

import (
	"strconv"

	"github.com/harkhq/hark/model"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// The sessions list: two lines per session, newest activity first. Only the
// rows on screen are drawn, and each drawn row is cached until its session,
// its age, its selection or the width changes.

const sessionRowHeight = 2

// rowCache is one session's drawn row.
type rowCache struct {
	ver      uint64
	w        int
	age      string
	sel, foc bool
	gen      uint32
	lines    [sessionRowHeight]string
}

// listSel is the selection in the sessions list: the session chosen (by
// key, so it survives reordering and filtering), its place among the
// visible sessions (cached), and the first session on screen.
type listSel struct {
	ix   *index
	rows func() int // how many sessions fit in the list pane
	key  model.SessionKey
	ok   bool
	idx  int
	top  int
}

// selected returns the selected session, or nil.
func (s *listSel) selected() *sessionEntry {
	if !s.ok || s.idx < 0 || s.idx >= len(s.ix.vis) {
		return nil
	}
	return s.ix.vis[s.idx]
}

// set selects the i-th visible session and scrolls the list to show it.
func (s *listSel) set(i int) {
	vis := s.ix.vis
	if len(vis) == 0 {
		s.ok, s.idx, s.top = false, 0, 0
		return
	}
	i = min(max(i, 0), len(vis)-1)
	s.idx, s.key, s.ok = i, vis[i].key, true
	rows := s.rows()
	if i < s.top {
		s.top = i
	}
	if i >= s.top+rows {
		s.top = i - rows + 1
	}
	s.top = min(max(s.top, 0), max(0, len(vis)-rows))
}

// keep keeps the same session selected, at the same place on screen, when
// sessions are reordered or filtered.
func (s *listSel) keep() {
	vis := s.ix.vis
	if len(vis) == 0 || !s.ok {
		s.set(0)
		return
	}
	old := s.idx
	i := -1
	if old >= 0 && old < len(vis) && vis[old].key == s.key {
		i = old
	} else {
		i = s.ix.position(s.key)
	}
	if i < 0 { // filtered out: the nearest remaining one
		s.set(min(old, len(vis)-1))
		return
	}
	s.top += i - old
	s.set(i)
}

// newest selects the session with the newest activity and sticks its
// transcript to the bottom.
func (s *listSel) newest() {
	if len(s.ix.vis) == 0 {
		return
	}
	s.top = 0
	s.set(0)
	if e := s.selected(); e != nil {
		e.stick = true
		e.selEx = 0
	}
}

func (m *Model) sessionsKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	rows := m.sel.rows()
	move := func(i int) {
		m.follow = false
		m.sel.set(i)
	}
	switch {
	case key.Matches(msg, k.Up):
		move(m.sel.idx - 1)
	case key.Matches(msg, k.Down):
		move(m.sel.idx + 1)
	case key.Matches(msg, k.PageUp):
		move(m.sel.idx - rows)
	case key.Matches(msg, k.PageDown):
		move(m.sel.idx + rows)
	case key.Matches(msg, k.Top):
		move(0)
	case key.Matches(msg, k.Bottom):
		move(len(m.ix.vis) - 1)
	case key.Matches(msg, k.Open), key.Matches(msg, k.Right):
		if m.sel.selected() != nil {
			m.focus = focusMain
			m.mainMode = modeTranscript
		}
	case key.Matches(msg, k.Close):
		if !m.ix.filter.Empty() {
			m.filter.clear()
		}
	case key.Matches(msg, k.CopyBody), key.Matches(msg, k.CopyCurl):
		return m.copyExchange(msg)
	}
	return nil
}

// renderSessions draws the list pane: a title line and the visible rows.
func (m *Model) renderSessions(w, h int, focused bool) []string {
	st := m.st
	out := make([]string, 0, h)
	title := "Sessions " + strconv.Itoa(len(m.ix.order))
	if !m.ix.filter.Empty() {
		title = "Sessions " + strconv.Itoa(len(m.ix.vis)) + "/" + strconv.Itoa(len(m.ix.order))
		if m.ix.pending {
			title += "…"
		}
	}
	out = append(out, paneTitle(st, title, "", w, focused))
	vis := m.ix.vis
	switch {
	case len(vis) == 0 && m.ix.pending:
		out = append(out, fit(st.muted.Render(" filtering…"), w))
	case len(vis) == 0:
		out = append(out, fit(st.muted.Render(" no session matches"), w))
		out = append(out, fit(st.muted.Render(" esc clears the filter"), w))
	}
	now := m.now()
	for i := m.sel.top; i < len(vis) && len(out)+sessionRowHeight <= h; i++ {
		sel := m.sel.ok && i == m.sel.idx
		lines := m.sessionRow(vis[i], w, sel, focused && sel, age(now.Sub(vis[i].lastSeen)))
		out = append(out, lines[:]...)
	}
	for len(out) < h {
		out = append(out, spaces(w))
	}
	return out
}

// sessionRow draws one session in two lines: badge, open/closed, id, held
// and error counts, turns and age; then the last thing said.
func (m *Model) sessionRow(e *sessionEntry, w int, sel, foc bool, ageText string) [sessionRowHeight]string {
	c := &e.row
	if c.ver == e.sess.Version && c.w == w && c.age == ageText && c.sel == sel && c.foc == foc &&
		c.gen == m.styleGen && c.lines[0] != "" {
		return c.lines
	}
	st := m.st
	base := lipgloss.NewStyle()
	if foc {
		base = st.selectedFocused
	} else if sel {
		base = st.selected
	}
	seg := func(s lipgloss.Style, text string) string { return s.Inherit(base).Render(text) }

	gutter := seg(lipgloss.NewStyle(), " ")
	if sel {
		gutter = seg(st.marker, "▌")
	}
	dot := seg(st.ok, "●")
	if e.sess.Closed {
		dot = seg(st.muted, "○")
	}
	var right []string
	if m.icpt.breakOnSession(e.key) {
		right = append(right, seg(st.err, "◆"))
	}
	if e.sess.Held > 0 {
		right = append(right, seg(st.warn, "⏸"+strconv.Itoa(e.sess.Held)))
	}
	if e.sess.Errors > 0 {
		right = append(right, seg(st.err, "✗"+strconv.Itoa(e.sess.Errors)))
	}
	turns := e.spokenTurns()
	if w >= 34 {
		right = append(right, seg(st.muted, plural(turns, "turn")))
	} else {
		right = append(right, seg(st.muted, strconv.Itoa(turns)+"t"))
	}
	right = append(right, seg(st.muted, fitLeft(ageText, 3)))
	rightText := joinSp(right, seg(lipgloss.NewStyle(), " "))
	idW := w - 1 - 3 - 1 - 1 - 1 - 1 - width(rightText) - 1
	id := middle(e.idText, max(idW, 1))
	line1 := gutter + seg(st.badge(e.key.Platform), platformBadge(e.key.Platform)) + seg(lipgloss.NewStyle(), " ") +
		dot + seg(lipgloss.NewStyle(), " ") + seg(st.bold, id)
	line1 += seg(lipgloss.NewStyle(), spaces(w-width(line1)-width(rightText)-1)) + rightText + seg(lipgloss.NewStyle(), " ")

	second := ""
	if t, ok := e.sess.LastTurn(); ok {
		second = seg(st.role(string(t.Role)), roleLabel(string(t.Role))) + seg(st.muted, " "+oneLine(t.Text))
	} else if n := len(e.sess.Exchanges); n > 0 {
		if r := m.ix.rows[e.sess.Exchanges[n-1]]; r != nil {
			second = seg(st.muted, "→ "+r.Method+" "+r.Path)
		}
	}
	line2 := gutter + seg(lipgloss.NewStyle(), "    ") + second
	line2 = trunc(line2, w-1)
	line2 += seg(lipgloss.NewStyle(), spaces(w-width(line2)))
	if width(line1) > w {
		line1 = fit(line1, w)
	}
	*c = rowCache{ver: e.sess.Version, w: w, age: ageText, sel: sel, foc: foc, gen: m.styleGen,
		lines: [sessionRowHeight]string{line1, line2}}
	return c.lines
}

// roleLabel is a speaker's label in lists and transcripts.
func roleLabel(r string) string {
	switch r {
	case "user":
		return "user"
	case "ai":
		return "ai"
	case "system":
		return "sys"
	}
	return oneLine(r)
}

// fitLeft right-aligns s in w cells.
func fitLeft(s string, w int) string {
	if n := width(s); n < w {
		return spaces(w-n) + s
	}
	return s
}

func joinSp(parts []string, sep string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += sep
		}
		out += p
	}
	return out
}

// paneTitle draws a pane's first line: its title, an optional right-hand
// note, in the focused colour when the pane has focus.
func paneTitle(st *styles, title, note string, w int, focused bool) string {
	ts := st.paneTitle
	if focused {
		ts = st.paneTitleFocused
	}
	left := ts.Render(" " + title + " ")
	if note != "" {
		return spread(left, st.muted.Render(note+" "), w)
	}
	return fit(left, w)
}
