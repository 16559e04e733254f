package tui

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/lipgloss/v2"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/stats"
)

// Drawing the timeline's rows: the columns on the left (id, time, kind,
// status), the time axis, and how long each exchange took on the right.

// timeAxis maps times to columns.
type timeAxis struct {
	origin time.Time     // the session's start: the ruler counts from it
	start  time.Time     // the time at column 0
	cell   float64       // nanoseconds a column stands for
	step   time.Duration // between ticks of the ruler
	w      int
}

// niceSteps are the ruler's tick intervals.
var niceSteps = []time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond,
	50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// minTickGap is the fewest columns between two ticks of the ruler.
const minTickGap = 12

// newTimeAxis lays from…to over w columns, starting at a round offset
// from origin.
func newTimeAxis(origin, from, to time.Time, w int) timeAxis {
	w = max(w, 2)
	span := max(to.Sub(from), time.Millisecond)
	want := span * minTickGap / time.Duration(w)
	step := niceSteps[len(niceSteps)-1]
	for _, s := range niceSteps {
		if s >= want {
			step = s
			break
		}
	}
	k := math.Floor(float64(from.Sub(origin)) / float64(step))
	start := origin.Add(time.Duration(k) * step)
	cell := float64(to.Sub(start)) / float64(w-1)
	if cell <= 0 {
		cell = float64(time.Millisecond)
	}
	return timeAxis{origin: origin, start: start, cell: cell, step: step, w: w}
}

// x is the column of t (outside 0…w-1 when off the axis).
func (a timeAxis) x(t time.Time) int {
	return int(math.Floor(float64(t.Sub(a.start)) / a.cell))
}

// offsetLabel writes a tick's offset from the session's start with the
// precision the step needs: +20s, +1.5s, +250ms-steps as +12.25s, +2m.
func offsetLabel(d, step time.Duration) string {
	if step >= time.Minute && d%time.Minute == 0 {
		return "+" + strconv.Itoa(int(d/time.Minute)) + "m"
	}
	decimals := 0
	switch {
	case step < 10*time.Millisecond:
		decimals = 3
	case step < 100*time.Millisecond:
		decimals = 2
	case step < time.Second:
		decimals = 1
	}
	return "+" + strconv.FormatFloat(d.Seconds(), 'f', decimals, 64) + "s"
}

// timelineLayout is the columns of one drawing.
type timelineLayout struct {
	w                   int
	idW, kindW          int
	clock, wide         bool
	axisX, axisW, restW int
	axis                timeAxis
	now                 time.Time
	m                   *Model
}

func newTimelineLayout(m *Model, e *sessionEntry, rows []*exRow, w int) *timelineLayout {
	l := &timelineLayout{w: w, wide: w >= 120, idW: 3, kindW: 12, now: m.now(), m: m}
	l.clock = l.wide
	if l.wide {
		l.kindW = 16
	}
	for _, r := range rows {
		l.idW = max(l.idW, len(r.ID.String()))
	}
	l.restW = 12 // " 12.3s  94%"
	if l.wide {
		l.restW = 40
	}
	left := func() int {
		n := gutterW + l.idW + 1 + l.kindW + 1 + 3 + 1
		if l.clock {
			n += 9
		}
		return n
	}
	l.axisX = left()
	l.axisW = w - l.axisX - l.restW
	if l.axisW < 16 { // a narrow pane: the kind gives way
		l.kindW = max(6, l.kindW-(16-l.axisW))
		l.axisX = left()
		l.axisW = max(w-l.axisX-l.restW, 4)
	}
	from, to := e.sess.FirstSeen, e.sess.FirstSeen
	for i, r := range rows {
		end := r.received.Add(max(l.took(r), r.deadline))
		if i == 0 || r.received.Before(from) {
			from = r.received
		}
		if g := r.gap; g != nil && gapStart(r, *g).Before(from) {
			from = gapStart(r, *g)
		}
		if end.After(to) {
			to = end
		}
	}
	l.axis = newTimeAxis(e.sess.FirstSeen, from, to, l.axisW)
	return l
}

// gapStart is where a user→bot gap starts on the axis: its length before
// the bot turn's exchange arrived. Turn times are the platform's clock and
// arrivals hark's; drawn from the arrival, the span always ends at the
// bar it led to.
func gapStart(r *exRow, g stats.Gap) time.Time {
	return r.received.Add(-g.Bot.Sub(g.User))
}

// took is how long an exchange took, or has taken so far while held.
func (l *timelineLayout) took(r *exRow) time.Duration {
	if r.State == model.StateHeld || (r.total == 0 && !r.State.Final()) {
		return max(l.now.Sub(r.received), 0)
	}
	return r.total
}

// ruler is the line above the rows: column names, and the axis's ticks
// labelled with their offset from the session's start.
func (l *timelineLayout) ruler(st *styles) string {
	head := spaces(gutterW) + fitLeft("#", l.idW) + " "
	if l.clock {
		head += fitRight("time", 9)
	}
	head += fitRight("kind", l.kindW) + " " + "st" + "  "
	cells := []rune(spaces(l.axisW))
	end := -1
	for t := l.axis.start; ; t = t.Add(l.axis.step) {
		x := l.axis.x(t)
		if x >= l.axisW {
			break
		}
		label := []rune("┊" + offsetLabel(t.Sub(l.axis.origin), l.axis.step))
		if x < 0 || x <= end || x+len(label) > l.axisW {
			continue
		}
		copy(cells[x:], label)
		end = x + len(label)
	}
	return fit(st.muted.Render(fit(head, l.axisX)+string(cells)+fitLeft("took", 7)), l.w)
}

type cellStyle uint8

const (
	csNone cellStyle = iota
	csTick
	csGap
	csAnswer
	csForward
	csHold
	csDeadline
)

// escapes is the escape sequences that open and close a style: a row is
// drawn by writing them around its runs, far cheaper than rendering each
// run through its style.
type escapes struct{ open, close string }

func sgrOf(s lipgloss.Style) escapes {
	const mark = "\uE000"
	open, close, _ := strings.Cut(s.Render(mark), mark)
	return escapes{open, close}
}

func (c escapes) put(b *strings.Builder, text string) {
	b.WriteString(c.open)
	b.WriteString(text)
	b.WriteString(c.close)
}

// timelinePaint is the styles the rows use, as escape sequences, taken
// from the monitor's styles when they change.
type timelinePaint struct {
	gen                                      uint32
	ready                                    bool
	cells                                    [csDeadline + 1]escapes
	muted, bold, info, marker, warn, err, ok escapes
	text, accent                             escapes
}

func (p *timelinePaint) update(st *styles, gen uint32) {
	if p.ready && p.gen == gen {
		return
	}
	*p = timelinePaint{gen: gen, ready: true, muted: sgrOf(st.muted), bold: sgrOf(st.bold), info: sgrOf(st.info),
		marker: sgrOf(st.marker), warn: sgrOf(st.warn), err: sgrOf(st.err), ok: sgrOf(st.ok), text: sgrOf(st.text), accent: sgrOf(st.accent)}
	for c := range p.cells {
		p.cells[c] = sgrOf(cellStyleOf(st, cellStyle(c)))
	}
}

// status is how a status code is coloured (statusStyle's choice).
func (p *timelinePaint) status(status int, failed bool) escapes {
	switch {
	case failed || status >= 500:
		return p.err
	case status >= 400:
		return p.warn
	case status >= 200 && status < 300:
		return p.ok
	}
	return p.muted
}

// rowWriter builds a row and counts its cells as it goes, so that the
// row is padded to the pane without measuring it again.
type rowWriter struct {
	b strings.Builder
	w int
}

// put writes text in a style; n is its width in cells, -1 to measure it.
func (rw *rowWriter) put(c escapes, text string, n int) {
	c.put(&rw.b, text)
	if n < 0 {
		n = cellWidth(text)
	}
	rw.w += n
}

func (rw *rowWriter) space() {
	rw.b.WriteByte(' ')
	rw.w++
}

// finish pads the row to w cells (cutting it in the rare case it is
// wider).
func (rw *rowWriter) finish(w int) string {
	if rw.w > w {
		return fit(rw.b.String(), w)
	}
	return rw.b.String() + spaces(w-rw.w)
}

// cellWidth is width, without the grapheme work for ASCII text.
func cellWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return width(s)
		}
	}
	return len(s)
}

// padTo cuts or pads plain text to exactly n cells: on the left when
// right is set (numbers), else on the right.
func padTo(s string, n int, right bool) string {
	w := cellWidth(s)
	if w > n {
		s = trunc(s, n)
		w = cellWidth(s)
	}
	if right {
		return spaces(n-w) + s
	}
	return s + spaces(n-w)
}

// row draws one exchange.
func (l *timelineLayout) row(m *Model, e *sessionEntry, r *exRow, sel, focused bool) string {
	p := &m.timeline.paint
	rw := &rowWriter{}
	rw.b.Grow(l.w * 3)
	switch {
	case sel && focused:
		rw.put(p.marker, "▌", 1)
	case sel:
		rw.put(p.muted, "▏", 1)
	default:
		rw.space()
	}
	rw.put(pick2(sel, p.bold, p.muted), padTo(r.ID.String(), l.idW, true), l.idW)
	rw.space()
	if l.clock {
		rw.put(p.muted, clock(m.loc, r.received), 8)
		rw.space()
	}
	kind := r.Kind
	if r.resent != nil {
		kind = "↻" + kind
	}
	rw.put(p.info, padTo(kind, l.kindW, false), l.kindW)
	rw.space()
	switch {
	case r.State == model.StateHeld:
		rw.put(p.warn, "⏸  ", 3)
	case r.Status == 0 && (r.State == model.StateRejected || r.State == model.StateFailed):
		rw.put(p.err, "✗  ", 3)
	case r.Status == 0:
		rw.put(p.muted, "…  ", 3)
	default:
		rw.put(p.status(r.Status, r.Failed), padTo(strconv.Itoa(r.Status), 3, false), 3)
	}
	rw.space()
	l.bar(rw, p, e, r)
	l.rest(rw, p, e, r)
	return rw.finish(l.w)
}

// bar draws the exchange on the axis: the ticks behind, the user→bot gap
// its bot turn closed, the bar (held, forward, the rest), the deadline.
func (l *timelineLayout) bar(rw *rowWriter, p *timelinePaint, e *sessionEntry, r *exRow) {
	a := l.axis
	runes := make([]rune, l.axisW)
	styles := make([]cellStyle, l.axisW)
	set := func(x int, c rune, s cellStyle) {
		if x >= 0 && x < l.axisW {
			runes[x], styles[x] = c, s
		}
	}
	for i := range runes {
		runes[i] = ' '
	}
	for t := a.start; a.x(t) < l.axisW; t = t.Add(a.step) {
		set(a.x(t), '┊', csTick)
	}
	xs := a.x(r.received)
	var label []rune
	if gap := r.gap; gap != nil {
		label = []rune(stats.Duration(gap.Bot.Sub(gap.User)))
		label = l.gap(set, a.x(gapStart(r, *gap)), xs, label)
	}
	took := l.took(r)
	xe := max(a.x(r.received.Add(took)), xs)
	xh, xf := a.x(r.received.Add(r.hold)), a.x(r.received.Add(r.forward))
	for x := xs; x <= xe; x++ {
		switch {
		case (r.hold > 0 || r.State == model.StateHeld) && (x <= xh || r.State == model.StateHeld):
			set(x, '▒', csHold)
		case r.forward > 0 && x <= xf:
			set(x, '▓', csForward)
		default:
			set(x, '█', csAnswer)
		}
	}
	xd := -1
	if r.deadline > 0 {
		xd = a.x(r.received.Add(r.deadline))
	}
	// A gap's length that fit neither inside nor before it goes after
	// the bar, where the row is free.
	at := xe + 2
	if xd >= xe && xd < at+len(label) {
		at = xd + 2 // not against the deadline marker
	}
	if len(label) > 0 && at+len(label) <= l.axisW {
		for i, c := range label {
			set(at+i, c, csGap)
		}
	}
	set(xd, '┃', csDeadline)
	for i := 0; i < len(runes); {
		j := i
		for j < len(runes) && styles[j] == styles[i] {
			j++
		}
		c := p.cells[styles[i]]
		rw.b.WriteString(c.open)
		for _, r := range runes[i:j] {
			rw.b.WriteRune(r)
		}
		rw.b.WriteString(c.close)
		rw.w += j - i // every glyph of the axis is one cell
		i = j
	}
}

// gap draws a user→bot gap from column xu to the column before xb, with
// its length inside when it fits, else before it; it returns the label
// when it found no place for it.
func (l *timelineLayout) gap(set func(int, rune, cellStyle), xu, xb int, label []rune) []rune {
	n := xb - xu
	if n >= 2 {
		for x := xu; x < xb; x++ {
			set(x, '─', csGap)
		}
		set(xu, '├', csGap)
		set(xb-1, '┤', csGap)
	}
	at := -1
	switch {
	case n >= len(label)+4:
		at = xu + (n-len(label))/2
	case xu-len(label)-1 >= 0:
		at = xu - len(label) - 1
	default:
		return label
	}
	for i, c := range label {
		set(at+i, c, csGap)
	}
	return nil
}

func cellStyleOf(st *styles, s cellStyle) lipgloss.Style {
	switch s {
	case csTick:
		return st.subtle
	case csGap:
		return st.info
	case csAnswer:
		return st.accent
	case csForward:
		return st.ok
	case csHold:
		return st.warn
	case csDeadline:
		return st.err
	}
	return lipgloss.NewStyle()
}

// rest is the right of a row: how long it took, and of its deadline once
// that counts (a tenth or more); on a wide pane, the parts and the links.
func (l *timelineLayout) rest(rw *rowWriter, p *timelinePaint, e *sessionEntry, r *exRow) {
	took := l.took(r)
	ts := p.text
	switch stats.DeadlineUseOf(r.deadline > 0, r.deadline, took) {
	case stats.Missed:
		ts = p.err
	case stats.Close:
		ts = p.warn
	}
	rw.space()
	rw.put(ts, padTo(stats.Duration(took), 6, true), 6)
	pct := ""
	if r.deadline > 0 {
		if n := int(took * 100 / r.deadline); n >= 10 {
			pct = strconv.Itoa(n) + "%"
		}
	}
	rw.put(ts, padTo(pct, 5, true), 5)
	if !l.wide {
		return
	}
	rw.space()
	if r.State == model.StateHeld {
		rw.put(p.warn, "⏸ falls back in "+countdown(r.held.Sub(l.now))+" ", -1)
	}
	if r.hold > 0 {
		rw.put(p.warn, "hold "+stats.Duration(r.hold)+" ", -1)
	}
	if r.forward > 0 {
		rw.put(p.ok, "fwd "+stats.Duration(r.forward)+" ", -1)
	}
	if g := r.gap; g != nil {
		rw.put(p.info, "gap "+stats.Duration(g.Bot.Sub(g.User))+" ", -1)
	}
	if r.resent != nil {
		rw.put(p.accent, pick(r.resent.Edited, "✎", "")+"↻"+r.resent.Of.String()+" ", -1)
	}
	if len(r.resends) > 0 {
		rw.put(p.accent, "↻ as "+r.resends[len(r.resends)-1].String(), -1)
	}
}

// legend says what the glyphs mean, as much of it as fits beside which
// rows are on screen.
func (l *timelineLayout) legend(p *timelinePaint, top, shown, total int) string {
	type item struct {
		glyph, word string
		c           escapes
	}
	items := []item{{"█", " answer", p.cells[csAnswer]}, {"▓", " forward", p.cells[csForward]}, {"▒", " held", p.cells[csHold]},
		{"┃", " deadline", p.cells[csDeadline]}, {"├─┤", " user→bot", p.cells[csGap]}}
	right := ""
	if total > 0 {
		right = strconv.Itoa(top+1) + "–" + strconv.Itoa(top+shown) + " of " + strconv.Itoa(total) + " "
	}
	rw := &rowWriter{}
	for i, it := range items {
		sep := pick(i > 0, "  ", " ")
		if rw.w+len(sep)+cellWidth(it.glyph+it.word)+cellWidth(right)+1 > l.w {
			break
		}
		rw.b.WriteString(sep)
		rw.w += len(sep)
		rw.put(it.c, it.glyph, -1)
		rw.put(p.muted, it.word, -1)
	}
	if pad := l.w - rw.w - cellWidth(right); pad > 0 {
		rw.b.WriteString(spaces(pad))
		rw.w += pad
	}
	rw.put(p.muted, right, -1)
	return rw.finish(l.w)
}
