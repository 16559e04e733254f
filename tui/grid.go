package tui

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/harkhq/hark/sanitize"
	"github.com/harkhq/hark/stats"
)

// The grid shows several live sessions side by side, newest activity
// first, each box with the tail of its conversation. Arrows move between
// boxes, enter opens one in the transcript.

const (
	gridMinCellW = 38
	gridMinCellH = 9
)

type gridState struct {
	sel, top int
}

// gridCache is one session's drawn box.
type gridCache struct {
	ver      uint64
	w, h     int
	sel      bool
	age      string
	gen      uint32
	lines    []string
	rendered bool
}

// gridShape is how many boxes go across and down a w×h body: as many as
// fit, but no more rows than the sessions fill, so few sessions get taller
// boxes.
func gridShape(w, h, n int) (cols, rows int) {
	cols, rows = max(1, w/gridMinCellW), max(1, h/gridMinCellH)
	return cols, max(1, min(rows, (n+cols-1)/cols))
}

func (m *Model) gridKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	b := m.layout().body
	cols, rows := gridShape(b.w, b.h, len(m.ix.vis))
	n := len(m.ix.vis)
	move := func(i int) {
		m.follow = false
		m.grid.sel = min(max(i, 0), max(0, n-1))
	}
	switch {
	case key.Matches(msg, k.Left):
		move(m.grid.sel - 1)
	case key.Matches(msg, k.Right):
		move(m.grid.sel + 1)
	case key.Matches(msg, k.Up):
		move(m.grid.sel - cols)
	case key.Matches(msg, k.Down):
		move(m.grid.sel + cols)
	case key.Matches(msg, k.PageUp):
		move(m.grid.sel - cols*rows)
	case key.Matches(msg, k.PageDown):
		move(m.grid.sel + cols*rows)
	case key.Matches(msg, k.Top):
		move(0)
	case key.Matches(msg, k.Bottom):
		move(n - 1)
	case key.Matches(msg, k.Open):
		m.openFromGrid()
	case key.Matches(msg, k.Close):
		m.gridMode = false
	}
	return nil
}

// openFromGrid shows the selected box's session in the transcript.
func (m *Model) openFromGrid() {
	if m.grid.sel < len(m.ix.vis) {
		m.sel.set(m.grid.sel)
		m.gridMode = false
		m.focus = focusMain
		m.mainMode = modeTranscript
	}
}

// renderGrid draws the boxes of the visible page.
func (m *Model) renderGrid(w, h int) []string {
	cols, rows := gridShape(w, h, len(m.ix.vis))
	n := len(m.ix.vis)
	per := cols * rows
	if m.follow {
		m.grid.sel = 0
	}
	m.grid.sel = min(max(m.grid.sel, 0), max(0, n-1))
	if m.grid.sel < m.grid.top || m.grid.sel >= m.grid.top+per {
		m.grid.top = m.grid.sel / per * per
	}
	out := make([]string, 0, h)
	now := m.now()
	for r := 0; r < rows; r++ {
		ch := h / rows
		if r == rows-1 {
			ch = h - ch*(rows-1)
		}
		cells := make([][]string, cols)
		for c := 0; c < cols; c++ {
			cw := w / cols
			if c == cols-1 {
				cw = w - cw*(cols-1)
			}
			i := m.grid.top + r*cols + c
			if i < n {
				e := m.ix.vis[i]
				cells[c] = e.gridBox(m.st, m.styleGen, cw, ch, i == m.grid.sel, age(now.Sub(e.lastSeen)))
			} else {
				cells[c] = blank(cw, ch)
			}
		}
		for y := 0; y < ch; y++ {
			line := ""
			for c := range cells {
				line += cells[c][y]
			}
			out = append(out, line)
		}
	}
	return out
}

func blank(w, h int) []string {
	out := make([]string, h)
	for i := range out {
		out[i] = spaces(w)
	}
	return out
}

// gridBox draws the session's box in the grid: its title in the top
// border, then as much of the end of the conversation as fits.
func (e *sessionEntry) gridBox(st *styles, gen uint32, w, h int, sel bool, ageText string) []string {
	c := &e.grid
	if c.rendered && c.ver == e.sess.Version && c.w == w && c.h == h && c.sel == sel && c.age == ageText && c.gen == gen {
		return c.lines
	}
	border := st.box
	if sel {
		border = st.boxFocused
	}
	iw := max(w-4, 1)
	state := st.ok.Render("●")
	if e.sess.Closed {
		state = st.muted.Render("○")
	}
	extra := ""
	if e.sess.Held > 0 {
		extra += " " + st.warn.Render("⏸"+strconv.Itoa(e.sess.Held))
	}
	if e.sess.Errors > 0 {
		extra += " " + st.err.Render("✗"+strconv.Itoa(e.sess.Errors))
	}
	tail := " " + state + extra + " " + st.muted.Render(ageText) + " "
	idW := max(w-4-3-1-width(tail)-2, 4)
	title := " " + st.badge(e.key.Platform).Render(platformBadge(e.key.Platform)) + " " + st.bold.Render(middle(e.idText, idW)) + tail
	title = trunc(title, w-4)
	top := border.Render("╭─") + title + border.Render(repeat("─", w-4-width(title))+"─╮")
	body := e.gridTail(st, iw, h-2)
	lines := make([]string, 0, h)
	lines = append(lines, top)
	for _, l := range body {
		lines = append(lines, border.Render("│")+" "+fit(l, iw)+" "+border.Render("│"))
	}
	lines = append(lines, e.gridBottom(st, border, w))
	*c = gridCache{ver: e.sess.Version, w: w, h: h, sel: sel, age: ageText, gen: gen, lines: lines, rendered: true}
	return lines
}

// gridTail renders the last turns of a session into exactly h lines of w
// cells, working back from the newest so the cost is the box, not the
// history.
func (e *sessionEntry) gridTail(st *styles, w, h int) []string {
	var rev []string // lines, newest first
	turns := e.sess.Turns
	for i := len(turns) - 1; i >= 0 && len(rev) < h; i-- {
		t := turns[i]
		if t.Text == "" {
			if t.Marker != "" {
				rev = append(rev, st.muted.Render("── "+oneLine(t.Marker)+" ──"))
			}
			continue
		}
		label := st.role(string(t.Role)).Render(fitRight(roleLabel(string(t.Role)), 4))
		parts := wrap(sanitize.Text(t.Text), max(w-5, 4))
		for j := len(parts) - 1; j >= 0 && len(rev) < h; j-- {
			if j == 0 {
				rev = append(rev, label+" "+parts[j])
			} else {
				rev = append(rev, "     "+parts[j])
			}
		}
	}
	if len(turns) == 0 {
		rev = append(rev, st.muted.Render(plural(len(e.sess.Exchanges), "hook")+", no turns"))
	}
	out := make([]string, h)
	for i := range out {
		out[i] = ""
	}
	for i, l := range rev {
		out[len(rev)-1-i] = l
	}
	return out
}

func repeat(s string, n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(s, n)
}

// gridBottom is a box's bottom border, carrying a sparkline of the
// session's latest answer times and their p95 when it has answers.
func (e *sessionEntry) gridBottom(st *styles, border lipgloss.Style, w int) string {
	sum := e.summary()
	label := " p95 " + stats.Duration(sum.Answer.P95) + " "
	n := min(24, w-8-width(label))
	recent := e.figures.Recent(n)
	if sum.Answer.N == 0 || n < 4 || len(recent) == 0 {
		return border.Render("╰" + repeat("─", w-2) + "╯")
	}
	spark := " " + st.accent.Render(sparkline(recent)) + st.muted.Render(label)
	return border.Render("╰─") + spark + border.Render(repeat("─", w-3-width(spark))+"╯")
}

// sparkBlocks are a sparkline's eight heights.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// sparkline draws durations as bars, the longest full height.
func sparkline(ds []time.Duration) string {
	top := slices.Max(ds)
	out := make([]rune, len(ds))
	for i, d := range ds {
		k := 0
		if top > 0 {
			k = int(int64(d) * int64(len(sparkBlocks)-1) / int64(top))
		}
		out[i] = sparkBlocks[k]
	}
	return string(out)
}
