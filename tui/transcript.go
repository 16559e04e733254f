package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

// The transcript of the selected session: each hook exchange is a block, a
// header line (`→ POST /api/webhook/message 200 0.4ms`) followed by the turns
// it carried, its notes and, for a session record, how the record compares
// with what was seen live. Blocks are the unit of selection (enter inspects
// one).
//
// It is virtualized by block: the position is a block and a line within it,
// and only the blocks on screen are ever drawn, so neither a redraw nor a
// scroll depends on the length of the session. Drawn blocks are cached per
// exchange version, width and style, and survive filter changes.

const (
	gutterW       = 1    // the selection bar left of each block
	maxTurnLines  = 12   // longer turns are cut short; the inspector has all
	maxCachedDraw = 4096 // drawn blocks kept per session before starting over
)

// span is where an exchange's turns are among all the session's turns,
// counting those the store let go (model.Session.TurnsDropped); from is
// -1 when they were let go before the transcript saw them.
type span struct{ from, to int32 }

type drawn struct {
	ver   uint32
	lines []string
}

type transcriptCache struct {
	// Every exchange of the session walked so far, with its turns.
	nEx     int
	turnPos int
	spans   []span

	// The blocks shown under the filter of generation filterGen: indexes
	// into the session's exchanges.
	filterGen uint32
	blocks    []int
	pos       map[model.ExchangeID]int // block index of an exchange
	dirty     map[model.ExchangeID]bool

	// Drawn blocks for width w and style generation styleGen.
	w        int
	styleGen uint32
	drawn    map[model.ExchangeID]drawn
}

func (tc *transcriptCache) changed(id model.ExchangeID) {
	if tc.dirty == nil {
		tc.dirty = make(map[model.ExchangeID]bool)
	}
	tc.dirty[id] = true
}

// reset forgets which blocks are shown (the filter changed); drawn blocks
// are kept.
func (tc *transcriptCache) reset() { tc.filterGen = 0 }

// transcript returns the session's cache brought up to date: new exchanges
// walked, the block list right for the filter, drawings right for width w.
func (m *Model) transcript(e *sessionEntry, w int) *transcriptCache {
	tc := m.blocks(e)
	if tc.w != w || tc.styleGen != m.styleGen || len(tc.drawn) > maxCachedDraw {
		tc.w, tc.styleGen, tc.drawn = w, m.styleGen, make(map[model.ExchangeID]drawn)
	}
	return tc
}

// blocks returns the session's cache with new exchanges walked and the
// block list right for the filter; the drawings are left as they are (the
// timeline shows the same blocks, drawn its own way).
func (m *Model) blocks(e *sessionEntry) *transcriptCache {
	if e.tc == nil {
		e.tc = &transcriptCache{}
	}
	tc := e.tc
	rebuild := tc.filterGen != m.ix.gen
	for id := range tc.dirty {
		// A row that changed may now pass the filter, or no longer.
		if r := m.ix.rows[id]; r != nil && !m.ix.filter.Empty() {
			if _, shown := tc.pos[id]; shown != m.ix.visible(r) {
				rebuild = true
			}
		}
	}
	clear(tc.dirty)
	ids, turns, base := e.sess.Exchanges, e.sess.Turns, e.sess.TurnsDropped
	first := tc.nEx
	for tc.nEx < len(ids) {
		id := ids[tc.nEx]
		if tc.nEx < e.sess.TurnsFrom {
			tc.spans = append(tc.spans, span{-1, -1}) // its turns are in the journal
			tc.nEx++
			continue
		}
		tc.turnPos = max(tc.turnPos, base)
		start := tc.turnPos
		for tc.turnPos-base < len(turns) && turns[tc.turnPos-base].Exchange == id {
			tc.turnPos++
		}
		tc.spans = append(tc.spans, span{int32(start), int32(tc.turnPos)})
		tc.nEx++
	}
	if rebuild {
		tc.filterGen, tc.blocks, first = m.ix.gen, tc.blocks[:0], 0
		tc.pos = make(map[model.ExchangeID]int)
	}
	for i := first; i < tc.nEx; i++ {
		if r := m.ix.rows[ids[i]]; r != nil && m.ix.visible(r) {
			tc.pos[ids[i]] = len(tc.blocks)
			tc.blocks = append(tc.blocks, i)
		}
	}
	return tc
}

// blockLines returns block i drawn, from the cache when it is current.
func (m *Model) blockLines(e *sessionEntry, tc *transcriptCache, i int) []string {
	x := tc.blocks[i]
	id := e.sess.Exchanges[x]
	r := m.ix.rows[id]
	if d, ok := tc.drawn[id]; ok && d.ver == r.ver {
		return d.lines
	}
	turns, missing := m.blockTurns(e, id, tc.spans[x])
	lines := m.renderBlock(e, r, turns, tc.w)
	if missing != "" {
		lines = append(lines, fit(spaces(9)+m.st.muted.Render(missing), tc.w))
	}
	tc.drawn[id] = drawn{ver: r.ver, lines: lines}
	return lines
}

// blockTurns returns an exchange's turns: from the session while it holds
// them, else from the exchange (kept whole, or read back from the journal).
// missing says why they are not shown yet.
func (m *Model) blockTurns(e *sessionEntry, id model.ExchangeID, sp span) (turns []model.Turn, missing string) {
	base := e.sess.TurnsDropped
	if sp.from >= 0 && (int(sp.from) >= base || sp.from == sp.to) {
		from, to := int(sp.from)-base, int(sp.to)-base
		if from < 0 { // none, and the session has let go of turns since
			return nil, ""
		}
		return e.sess.Turns[from:to:to], ""
	}
	ex, pending, why := m.whole(id)
	switch {
	case pending:
		return nil, "turns: reading them back from the journal…"
	case why != "":
		return nil, "turns: " + why
	}
	return ex.Turns, ""
}

// peekTranscript settles the selected session's transcript as the next
// frame shows it, so that blocks whose turns are to be read back from the
// journal are asked for now rather than at the next tick.
func (m *Model) peekTranscript() {
	if m.gridMode || m.mainMode == modeLogs {
		return
	}
	if e := m.sel.selected(); e == nil || e.sess.TurnsFrom == 0 {
		return
	}
	e, tc, h := m.transcriptView()
	m.window(e, tc, h)
}

func (m *Model) blockID(e *sessionEntry, tc *transcriptCache, i int) model.ExchangeID {
	return e.sess.Exchanges[tc.blocks[i]]
}

// lineRef is one line of the transcript: a block and a line in it.
type lineRef struct{ block, line int }

// window settles the transcript's position for a pane of h lines and
// returns what is on screen, top to bottom. Stuck to the bottom, it is
// filled from the last block up; otherwise from the top position down, and
// if that runs out of blocks, up from the last one.
func (m *Model) window(e *sessionEntry, tc *transcriptCache, h int) []lineRef {
	n := len(tc.blocks)
	if n == 0 {
		e.anchor, e.offset = 0, 0
		return nil
	}
	if _, ok := tc.pos[e.selEx]; !ok || e.stick {
		e.selEx = m.blockID(e, tc, n-1)
	}
	e.anchor = min(max(e.anchor, 0), n-1)
	e.offset = min(max(e.offset, 0), len(m.blockLines(e, tc, e.anchor))-1)
	if !e.stick {
		out := make([]lineRef, 0, h)
		for b, l := e.anchor, e.offset; b < n && len(out) < h; b, l = b+1, 0 {
			for nl := len(m.blockLines(e, tc, b)); l < nl && len(out) < h; l++ {
				out = append(out, lineRef{b, l})
			}
		}
		if len(out) == h || (e.anchor == 0 && e.offset == 0) {
			return out
		}
	}
	// From the bottom up.
	rev := make([]lineRef, 0, h)
	for b := n - 1; b >= 0 && len(rev) < h; b-- {
		for l := len(m.blockLines(e, tc, b)) - 1; l >= 0 && len(rev) < h; l-- {
			rev = append(rev, lineRef{b, l})
		}
	}
	out := make([]lineRef, len(rev))
	for i, r := range rev {
		out[len(rev)-1-i] = r
	}
	e.anchor, e.offset = out[0].block, out[0].line
	return out
}

// atEnd reports whether the last line of the transcript is on screen.
func atEnd(tc *transcriptCache, win []lineRef, m *Model, e *sessionEntry) bool {
	if len(win) == 0 {
		return true
	}
	last := win[len(win)-1]
	return last.block == len(tc.blocks)-1 && last.line == len(m.blockLines(e, tc, last.block))-1
}

// reveal scrolls so that block i shows, its end when it fits, its start
// first.
func (m *Model) reveal(e *sessionEntry, tc *transcriptCache, i, h int) {
	if i < e.anchor || (i == e.anchor && e.offset > 0) {
		e.anchor, e.offset = i, 0
		return
	}
	// Lines from the top of the screen to the end of block i.
	need := len(m.blockLines(e, tc, e.anchor)) - e.offset
	for b := e.anchor + 1; b <= i && need <= h; b++ {
		need += len(m.blockLines(e, tc, b))
	}
	if need <= h {
		return
	}
	size := len(m.blockLines(e, tc, i))
	if size >= h {
		e.anchor, e.offset = i, 0
		return
	}
	// Put block i's last line at the bottom.
	e.anchor, e.offset = i, 0
	m.scrollLines(e, tc, -(h - size))
}

// scrollLines moves the top of the screen by n lines (up when negative),
// stopping at the first line.
func (m *Model) scrollLines(e *sessionEntry, tc *transcriptCache, n int) {
	for n < 0 {
		if e.offset > 0 {
			step := min(-n, e.offset)
			e.offset -= step
			n += step
			continue
		}
		if e.anchor == 0 {
			return
		}
		e.anchor--
		e.offset = len(m.blockLines(e, tc, e.anchor))
	}
	for n > 0 && e.anchor < len(tc.blocks) {
		rest := len(m.blockLines(e, tc, e.anchor)) - e.offset
		if n < rest {
			e.offset += n
			return
		}
		n -= rest
		if e.anchor == len(tc.blocks)-1 {
			e.offset = len(m.blockLines(e, tc, e.anchor)) - 1
			return
		}
		e.anchor++
		e.offset = 0
	}
}

// renderTranscript draws the transcript pane of the selected session.
func (m *Model) renderTranscript(w, h int, focused bool) []string {
	st := m.st
	e := m.sel.selected()
	out := make([]string, 0, h)
	if e == nil {
		out = append(out, paneTitle(st, "Transcript", "", w, focused))
		for len(out) < h {
			out = append(out, spaces(w))
		}
		return out
	}
	out = append(out, m.sessionHead(e, transcriptTitle(e, w), w, h, focused)...)
	tc := m.transcript(e, w-gutterW)
	sel := -1
	win := m.window(e, tc, h-len(out))
	if i, ok := tc.pos[e.selEx]; ok {
		sel = i
	}
	for _, ref := range win {
		lines := m.blockLines(e, tc, ref.block)
		text := lines[ref.line]
		if r := m.ix.rows[m.blockID(e, tc, ref.block)]; ref.line == 0 && r.State == model.StateHeld {
			text = m.blockHeader(r, w-gutterW) // its countdown moves
		}
		g := " "
		if ref.block == sel {
			g = st.marker.Render("▌")
			if !focused {
				g = st.muted.Render("▏")
			}
		}
		out = append(out, g+text)
	}
	if len(tc.blocks) == 0 && len(e.sess.Exchanges) > 0 {
		out = append(out, fit(st.muted.Render(" no exchange of this session matches the filter"), w))
	}
	for len(out) < h {
		out = append(out, spaces(w))
	}
	return out
}

// transcriptView is the selected session, its cache and the pane's height,
// for the key and mouse handlers.
func (m *Model) transcriptView() (*sessionEntry, *transcriptCache, int) {
	e := m.sel.selected()
	if e == nil {
		return nil, nil, 0
	}
	l := m.layout()
	h := max(1, l.main.h-m.transcriptHeadH(e, l.main.w, l.main.h))
	return e, m.transcript(e, max(l.main.w-gutterW, 1)), h
}

// transcriptTitle is the transcript's heading title for a w-wide pane.
func transcriptTitle(e *sessionEntry, w int) string {
	title := platformBadge(e.key.Platform) + " " + middle(e.idText, max(w/3, 8))
	for _, a := range e.sess.Also { // the conversation's other ids (ChatBot.com's conversationId)
		title += " · " + oneLine(a.Name) + " " + middle(oneLine(a.Value), max(w/4, 8))
	}
	return title
}

// transcriptHeadH is how many lines the transcript's heading takes.
func (m *Model) transcriptHeadH(e *sessionEntry, w, h int) int {
	return len(m.sessionHead(e, transcriptTitle(e, w), w, h, false))
}

// selectBlock selects block i as a user action: following stops, and the
// transcript sticks to the bottom again only when the last block is chosen
// and shown whole.
func (m *Model) selectBlock(e *sessionEntry, tc *transcriptCache, i, h int) {
	if len(tc.blocks) == 0 {
		return
	}
	i = min(max(i, 0), len(tc.blocks)-1)
	m.follow = false
	e.stick = false
	e.selEx = m.blockID(e, tc, i)
	m.reveal(e, tc, i, h)
	e.stick = i == len(tc.blocks)-1 && atEnd(tc, m.window(e, tc, h), m, e)
}

func (m *Model) transcriptKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	e, tc, h := m.transcriptView()
	if e == nil {
		return nil
	}
	m.window(e, tc, h) // settle the position first
	cur := tc.pos[e.selEx]
	switch {
	case key.Matches(msg, k.Up):
		m.selectBlock(e, tc, cur-1, h)
	case key.Matches(msg, k.Down):
		m.selectBlock(e, tc, cur+1, h)
	case key.Matches(msg, k.PageUp):
		m.scrollTranscript(e, tc, -h, h)
	case key.Matches(msg, k.PageDown):
		m.scrollTranscript(e, tc, h, h)
	case key.Matches(msg, k.Top):
		m.selectBlock(e, tc, 0, h)
	case key.Matches(msg, k.Bottom):
		m.selectBlock(e, tc, len(tc.blocks)-1, h)
		e.stick = true
	case key.Matches(msg, k.Open):
		if r := m.ix.rows[e.selEx]; r != nil && r.State == model.StateHeld && m.icpt.canDecide() {
			if cmd, ok := m.openEditor(r.ID); ok {
				return cmd // a held exchange is there to be answered
			}
		}
		m.openInspector(e.selEx)
	case key.Matches(msg, k.Left), key.Matches(msg, k.Close):
		m.focus = focusSessions
	case key.Matches(msg, k.CopyBody), key.Matches(msg, k.CopyCurl):
		return m.copyExchange(msg)
	}
	return nil
}

// scrollTranscript scrolls by n lines as a user action. The selection
// stays when it is still on screen; else the block at the top (scrolling
// up) or at the bottom (down) is selected.
func (m *Model) scrollTranscript(e *sessionEntry, tc *transcriptCache, n, h int) {
	if len(tc.blocks) == 0 {
		return
	}
	m.follow = false
	win := m.window(e, tc, h) // settles anchor when stuck
	e.stick = false
	m.scrollLines(e, tc, n)
	win = m.window(e, tc, h)
	e.stick = atEnd(tc, win, m, e)
	if len(win) == 0 {
		return
	}
	sel, ok := tc.pos[e.selEx]
	if ok && sel >= win[0].block && sel <= win[len(win)-1].block {
		return
	}
	pick := win[0].block
	if n > 0 {
		pick = win[len(win)-1].block
	}
	e.selEx = m.blockID(e, tc, pick)
}
