package tui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

// The inspector shows one exchange in four tabs: the request as received
// (headers, query, pretty JSON), the response that went back (and the
// forward target's), the raw bytes, and the timings. It keeps its own
// snapshot of the exchange, refreshed when a batch carries a newer one; the
// lines of the current tab are built once per snapshot, tab and width.

const (
	tabRequest = iota
	tabResponse
	tabRaw
	tabTiming
	tabCount
)

var tabNames = [tabCount]string{"Request", "Response", "Raw", "Timing"}

type inspector struct {
	open  bool
	id    model.ExchangeID
	ex    model.Exchange
	found bool
	ver   uint32 // bumped with every new snapshot
	tab   int
	top   int

	cache struct {
		id       model.ExchangeID
		ver      uint32
		tab, w   int
		gen      uint32
		lines    []string
		rendered bool
	}
}

func (in *inspector) update(ex model.Exchange) {
	in.ex, in.found = ex, true
	in.ver++
}

// openInspector shows an exchange, fetched from the store (the only place
// its body is kept), or read back from the journal when the store evicted
// it.
func (m *Model) openInspector(id model.ExchangeID) {
	if id == 0 {
		return
	}
	ex, ok := m.store.Exchange(id)
	if ok && ex.Evicted {
		ex, _, _ = m.whole(id) // asks for it to be read back, unless it was
	}
	m.insp.open, m.insp.id, m.insp.top = true, id, 0
	m.insp.ex, m.insp.found = ex, ok
	m.insp.ver++
	m.focus = focusInspector
	// Inspecting is looking at something: stop moving the selection.
	m.follow = false
	if e := m.sel.selected(); e != nil {
		e.stick = false
	}
}

func (m *Model) closeInspector() {
	m.insp.open = false
	if m.focus == focusInspector {
		m.focus = focusMain
	}
}

// inspectorLines returns the current tab's lines for width w.
func (m *Model) inspectorLines(w int) []string {
	in := &m.insp
	c := &in.cache
	if c.rendered && c.id == in.id && c.ver == in.ver && c.tab == in.tab && c.w == w && c.gen == m.styleGen {
		return c.lines
	}
	v := &tabPainter{st: m.st, loc: m.loc, now: m.now(), canDecide: m.icpt.canDecide(),
		canKeep: !m.opts.ReadOnly && m.opts.Rules != nil}
	var lines []string
	switch {
	case !in.found:
		lines = []string{m.st.muted.Render("exchange " + in.id.String() + " is not in this monitor")}
	case in.ex.Evicted:
		lines = m.evictedLines(&in.ex, w)
	case in.tab == tabRequest:
		lines = v.requestLines(&in.ex, w)
	case in.tab == tabResponse:
		lines = v.responseLines(&in.ex, w)
	case in.tab == tabRaw:
		lines = v.rawLines(&in.ex, w)
	default:
		lines = v.timingLines(&in.ex, w)
	}
	c.id, c.ver, c.tab, c.w, c.gen, c.lines, c.rendered = in.id, in.ver, in.tab, w, m.styleGen, lines, true
	return lines
}

func (m *Model) inspectorKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	in := &m.insp
	l := m.layout()
	h := max(1, l.inspector.h-1)
	total := len(m.inspectorLines(l.inspector.w - 1))
	scroll := func(n int) { in.top = min(max(in.top+n, 0), max(0, total-h)) }
	switch {
	case key.Matches(msg, k.Close):
		m.closeInspector()
	case key.Matches(msg, k.Left):
		in.tab, in.top = (in.tab+tabCount-1)%tabCount, 0
	case key.Matches(msg, k.Right):
		in.tab, in.top = (in.tab+1)%tabCount, 0
	case msg.String() >= "1" && msg.String() <= "4" && len(msg.String()) == 1:
		in.tab, in.top = int(msg.String()[0]-'1'), 0
	case key.Matches(msg, k.Up):
		scroll(-1)
	case key.Matches(msg, k.Down):
		scroll(1)
	case key.Matches(msg, k.PageUp):
		scroll(-h)
	case key.Matches(msg, k.PageDown):
		scroll(h)
	case key.Matches(msg, k.Top):
		in.top = 0
	case key.Matches(msg, k.Bottom):
		scroll(total)
	case key.Matches(msg, k.NextEx):
		m.stepInspected(1)
	case key.Matches(msg, k.PrevEx):
		m.stepInspected(-1)
	case key.Matches(msg, k.Open):
		m.closeInspector()
	case key.Matches(msg, k.CopyBody), key.Matches(msg, k.CopyCurl):
		return m.copyExchange(msg)
	}
	return nil
}

// stepInspected inspects the next or previous exchange of the session and
// selects it in the transcript.
func (m *Model) stepInspected(dir int) {
	e := m.sel.selected()
	if e == nil {
		return
	}
	_, tc, h := m.transcriptView()
	i, ok := tc.pos[m.insp.id]
	if !ok || i+dir < 0 || i+dir >= len(tc.blocks) {
		return
	}
	m.selectBlock(e, tc, i+dir, h)
	tab := m.insp.tab
	m.openInspector(e.selEx)
	m.insp.tab = tab
}

// renderInspector draws the inspector pane: the tabs line, then the
// visible part of the current tab.
func (m *Model) renderInspector(w, h int, focused bool) []string {
	st := m.st
	in := &m.insp
	out := make([]string, 0, h)
	tabs := ""
	for i, name := range tabNames {
		label := " " + name + " "
		if i == in.tab {
			tabs += st.tabActive.Render(label)
		} else {
			tabs += st.tabIdle.Render(label)
		}
	}
	title := st.paneTitle
	if focused {
		title = st.paneTitleFocused
	}
	note := in.id.String()
	if in.found {
		note = platformBadge(in.ex.Platform) + " " + oneLine(in.ex.Kind) + " " + note
	}
	out = append(out, spread(title.Render(" Inspect ")+tabs, st.muted.Render(note+" · esc ")+" ", w))
	lines := m.inspectorLines(w - 1)
	bodyH := h - 1
	in.top = min(max(in.top, 0), max(0, len(lines)-bodyH))
	for i := in.top; i < len(lines) && len(out) < h; i++ {
		out = append(out, " "+fit(lines[i], w-1))
	}
	for len(out) < h {
		out = append(out, spaces(w))
	}
	return out
}

// evictedLines stand for an exchange while it is read back from the
// journal, or say why it cannot be.
func (m *Model) evictedLines(ex *model.Exchange, w int) []string {
	st := m.st
	status := "…"
	if ex.Response != nil {
		status = strconv.Itoa(ex.Response.Status)
	}
	out := wrap(st.muted.Render("received ")+ex.Received.In(m.loc).Format("2006-01-02 15:04:05.000 MST")+
		st.muted.Render("  exchange ")+ex.ID.String(), w)
	out = append(out, wrap(st.muted.Render("platform ")+platformTitle(ex.Platform)+st.muted.Render("  kind ")+oneLine(ex.Kind)+
		st.muted.Render("  session ")+oneLine(ex.SessionID)+st.muted.Render("  ")+oneLine(string(ex.State))+" "+status, w)...)
	out = append(out, "")
	msg := "memory keeps only the newest " + plural(m.store.Keep(), "exchange") + " whole: reading this one back from the journal…"
	if why, failed := m.rb.failed[ex.ID]; failed {
		msg = why
		return append(out, wrap(st.warn.Render(msg), w)...)
	}
	return append(out, wrap(st.muted.Render(msg), w)...)
}
