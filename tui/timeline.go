package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

// The timeline (t) shows one session's exchanges on a shared time axis,
// one row each: a bar from when the webhook arrived to when hark answered,
// split into the time it was held for the user, the time the forward
// target took and the rest; the platform's deadline as a marker, so a
// near miss stands out; and, on the row of a bot turn, the time since the
// user's turn before it as a labelled span. It uses the whole body; enter
// inspects the selected row (below it on large screens, over it on small
// ones).
//
// The rows are the transcript's blocks (the same filter and selection),
// and only those on screen are looked at: the axis spans them, and a
// drawing is kept until the session, the position, the size or the
// styles change.

type timelineState struct {
	on    bool
	top   int  // the first row on screen
	stick bool // keep the newest row selected and in view
	cache timelineCache
	paint timelinePaint
}

type timelineCache struct {
	key   timelineKey
	lines []string
}

// timelineKey is everything a drawing depends on; a held row on screen
// (its bar grows) is drawn afresh every time.
type timelineKey struct {
	e         *sessionEntry
	ver       uint64
	gen       uint32
	blocks    int
	top, sel  int
	w, h      int
	styleGen  uint32
	focused   bool
	filterRaw string
}

// Timeline layout: the session's heading (one or two lines), the time
// ruler, the rows, the legend.

// timelineTitle is the heading's title for a w-wide pane.
func timelineTitle(e *sessionEntry, w int) string {
	return "Timeline " + platformBadge(e.key.Platform) + " " + middle(e.idText, max(w/8, 10))
}

// timelineRows is how many rows fit in a w×h pane.
func (m *Model) timelineRows(e *sessionEntry, w, h int) int {
	return max(h-len(m.sessionHead(e, timelineTitle(e, w), w, h, false))-2, 1)
}

// toggleTimeline opens the timeline of the selected session (from the
// grid, of the session selected there), or goes back to the transcript.
func (m *Model) toggleTimeline() tea.Cmd {
	if m.timeline.on {
		m.closeTimeline()
		return nil
	}
	if m.gridMode {
		m.sel.set(m.grid.sel)
		m.gridMode = false
	}
	e := m.sel.selected()
	if e == nil {
		return m.flash.say("select a session first", flashShort)
	}
	m.timeline.on, m.timeline.stick = true, e.stick
	m.mainMode, m.focus = modeTranscript, focusMain
	return nil
}

// closeTimeline goes back to the transcript, with the row selected in the
// timeline selected and shown there.
func (m *Model) closeTimeline() {
	m.timeline.on = false
	if m.focus == focusInspector && !m.insp.open {
		m.focus = focusMain
	}
	if e, tc, h := m.transcriptView(); e != nil {
		if i, ok := tc.pos[e.selEx]; ok && !e.stick {
			m.window(e, tc, h)
			m.reveal(e, tc, i, h)
		}
	}
}

func (m *Model) timelineKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	e := m.sel.selected()
	if e == nil {
		m.closeTimeline()
		return nil
	}
	tc := m.blocks(e)
	n := len(tc.blocks)
	l := m.layout()
	rows := m.timelineRows(e, l.main.w, l.main.h)
	cur, ok := tc.pos[e.selEx]
	if !ok {
		cur = n - 1
	}
	switch {
	case key.Matches(msg, k.Up):
		m.selectRow(e, tc, cur-1)
	case key.Matches(msg, k.Down):
		m.selectRow(e, tc, cur+1)
	case key.Matches(msg, k.PageUp):
		m.selectRow(e, tc, cur-rows)
	case key.Matches(msg, k.PageDown):
		m.selectRow(e, tc, cur+rows)
	case key.Matches(msg, k.Top):
		m.selectRow(e, tc, 0)
	case key.Matches(msg, k.Bottom):
		m.selectRow(e, tc, n-1)
		m.timeline.stick, e.stick = true, true
	case key.Matches(msg, k.Open):
		if r := m.ix.rows[e.selEx]; r != nil && r.State == model.StateHeld && m.icpt.canDecide() {
			if cmd, ok := m.openEditor(r.ID); ok {
				return cmd // a held exchange is there to be answered
			}
		}
		m.openInspector(e.selEx)
	case key.Matches(msg, k.Close):
		m.closeTimeline()
	case key.Matches(msg, k.CopyBody), key.Matches(msg, k.CopyCurl):
		return m.copyExchange(msg)
	}
	return nil
}

// selectRow selects row i as a user action: following stops.
func (m *Model) selectRow(e *sessionEntry, tc *transcriptCache, i int) {
	if len(tc.blocks) == 0 {
		return
	}
	i = min(max(i, 0), len(tc.blocks)-1)
	m.follow, m.timeline.stick, e.stick = false, false, false
	e.selEx = m.blockID(e, tc, i)
}

// timelineWindow settles the selection and the first row on screen for
// rows rows, and returns them.
func (m *Model) timelineWindow(e *sessionEntry, tc *transcriptCache, rows int) (top, sel int) {
	n := len(tc.blocks)
	if n == 0 {
		return 0, -1
	}
	sel, ok := tc.pos[e.selEx]
	if !ok || m.timeline.stick || m.follow {
		sel = n - 1
		e.selEx = m.blockID(e, tc, sel)
	}
	top = m.timeline.top
	if sel < top {
		top = sel
	}
	if sel >= top+rows {
		top = sel - rows + 1
	}
	top = min(max(top, 0), max(0, n-rows))
	m.timeline.top = top
	return top, sel
}

// renderTimeline draws the timeline pane of the selected session.
func (m *Model) renderTimeline(w, h int, focused bool) []string {
	st := m.st
	e := m.sel.selected()
	if e == nil {
		return append([]string{paneTitle(st, "Timeline", "", w, focused)}, blank(w, h-1)...)
	}
	tc := m.blocks(e)
	head := m.sessionHead(e, timelineTitle(e, w), w, h, focused)
	rows := max(h-len(head)-2, 1)
	top, sel := m.timelineWindow(e, tc, rows)
	key := timelineKey{e: e, ver: e.sess.Version, gen: m.ix.gen, blocks: len(tc.blocks), top: top, sel: sel, w: w, h: h,
		styleGen: m.styleGen, focused: focused, filterRaw: m.ix.filter.Raw}
	c := &m.timeline.cache
	if c.lines != nil && c.key == key {
		return c.lines
	}
	m.timeline.paint.update(st, m.styleGen)
	visible := make([]*exRow, 0, rows)
	held := false
	for i := top; i < len(tc.blocks) && len(visible) < rows; i++ {
		r := m.ix.rows[m.blockID(e, tc, i)]
		visible = append(visible, r)
		held = held || r.State == model.StateHeld
	}
	out := head
	lay := newTimelineLayout(m, e, visible, w)
	out = append(out, lay.ruler(st))
	for i, r := range visible {
		out = append(out, lay.row(m, e, r, top+i == sel, focused))
	}
	if len(tc.blocks) == 0 {
		note := " no exchange yet"
		if len(e.sess.Exchanges) > 0 {
			note = " no exchange of this session matches the filter"
		}
		out = append(out, fit(st.muted.Render(note), w))
	}
	for len(out) < h-1 {
		out = append(out, spaces(w))
	}
	out = append(out, lay.legend(&m.timeline.paint, top, len(visible), len(tc.blocks)))
	out = out[:h]
	if !held {
		c.key, c.lines = key, out
	} else {
		c.lines = nil
	}
	return out
}

// clickTimeline selects the row on line y of the pane (0: its title), and
// inspects it when it was already selected.
func (m *Model) clickTimeline(l layout, y int) {
	e := m.sel.selected()
	if e == nil {
		return
	}
	tc := m.blocks(e)
	rows := m.timelineRows(e, l.main.w, l.main.h)
	top, _ := m.timelineWindow(e, tc, rows)
	above := l.main.h - rows - 1 // the heading and the ruler
	i := top + y - above
	if y < above || i >= len(tc.blocks) || y-above >= rows {
		return
	}
	id := m.blockID(e, tc, i)
	if id == e.selEx {
		m.openInspector(id)
		return
	}
	m.selectRow(e, tc, i)
}
