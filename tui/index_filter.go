package tui

import (
	"strconv"

	"github.com/harkhq/hark/filter"
)

// The index's side of filtering. A filter is applied session by session,
// each scanned only until one exchange matches; a plain word absent from a
// session's search text rules the whole session out at once; typing more
// only rechecks what still matched; going back to an earlier filter restores
// its result; and over a long history the work is spread over several
// frames (pending), so no keystroke waits for all of it.

// filterMemo is which sessions a filter matched, and the version each
// session had then: going back to a filter (backspace) restores it and
// rescans only the sessions that changed since.
type filterMemo struct {
	raw string
	any map[*sessionEntry]bool
	ver map[*sessionEntry]uint64
}

const maxMemos = 32

// addText adds what a row newly says to its session's search text: all of
// it for a new row, else the parts that changed.
func (e *sessionEntry) addText(r *exRow, all, state, status, notes bool) {
	t := &e.text
	add := func(s string) {
		t.WriteString(s)
		t.WriteByte('\n')
	}
	if all {
		add(r.Method)
		add(r.Path)
		add(r.Kind)
		for i := range r.Turns {
			add(r.Turns[i].Text)
			add(r.Turns[i].Marker)
		}
	}
	if state {
		add(string(r.State))
	}
	if status && r.Status != 0 {
		var b [8]byte
		t.Write(strconv.AppendInt(b[:0], int64(r.Status), 10))
		t.WriteByte('\n')
	}
	if notes || all {
		for _, n := range r.Notes {
			add(n)
		}
	}
}

// filterBudget is how many exchanges a filter pass looks at before it
// yields: a filter over a long history is applied a few frames at a time,
// so no keystroke waits for all of it.
const filterBudget = 8192

// refilter recomputes the visible sessions from the order, scanning the
// sessions not yet known under the current filter while the budget lasts.
// It reports whether every session is known; until then the list shows
// those found so far.
func (ix *index) refilter() (done bool) {
	ix.pending = false
	if ix.filter.Empty() {
		ix.vis = ix.order
		return true
	}
	budget := filterBudget
	if p := ix.prefer; p != nil && p.anyGen != ix.gen {
		budget -= ix.scanSession(p) + ix.bodies.take() // the selected session first: it stays put
	}
	vis := make([]*sessionEntry, 0, len(ix.vis))
	for _, e := range ix.order {
		if e.anyGen != ix.gen {
			if budget <= 0 {
				ix.pending = true
				continue
			}
			budget -= ix.scanSession(e) + ix.bodies.take()
		}
		if e.any {
			vis = append(vis, e)
		}
	}
	ix.vis = vis
	return !ix.pending
}

// progress says how much of the history the current filter has looked at,
// in percent, while it is still going.
func (ix *index) progress() int {
	known := 0
	for _, e := range ix.order {
		if e.anyGen == ix.gen {
			known++
		}
	}
	return known * 100 / max(len(ix.order), 1)
}

// setFilter applies a new filter. Each session is scanned only until one
// of its exchanges matches, which is all the list needs (the transcript asks
// about its own rows as it draws them). Typing more only rechecks what still
// matched; going back to an earlier filter restores its result.
func (ix *index) setFilter(q *filter.Query) {
	if ix.bodies == nil && ix.store != nil {
		ix.bodies = &bodySearch{store: ix.store, history: ix.readOnly}
	}
	prev := ix.filter
	incomplete := ix.forgetJournalSearch()
	if !incomplete {
		ix.remember()
	}
	ix.filter = q
	ix.gen++
	switch {
	case q.Narrows(prev) && !incomplete:
		if ix.narrowFrom == 0 {
			ix.narrowFrom = ix.gen - 1
		}
	default:
		ix.narrowFrom = 0 // (what the journal had yet to say is unknown, not a non-match)
	}
	for _, e := range ix.entries {
		if e.tc != nil {
			e.tc.reset()
		}
	}
	if m := ix.memo(q.Raw); m != nil && !q.Empty() {
		for _, e := range ix.order {
			if v, ok := m.ver[e]; ok && v == e.sess.Version {
				e.any, e.anyGen = m.any[e], ix.gen
			}
		}
	}
	ix.refilter()
}

// remember keeps the current filter's result among the memos.
func (ix *index) remember() {
	q := ix.filter
	if q.Empty() || ix.memo(q.Raw) != nil {
		return
	}
	m := filterMemo{raw: q.Raw, any: make(map[*sessionEntry]bool), ver: make(map[*sessionEntry]uint64, len(ix.order))}
	for _, e := range ix.order {
		if e.anyGen == ix.gen {
			m.ver[e] = e.sess.Version
			if e.any {
				m.any[e] = true
			}
		}
	}
	if len(ix.memos) == maxMemos {
		ix.memos = append(ix.memos[:0], ix.memos[1:]...)
	}
	ix.memos = append(ix.memos, m)
}

func (ix *index) memo(raw string) *filterMemo {
	for i := range ix.memos {
		if ix.memos[i].raw == raw {
			return &ix.memos[i]
		}
	}
	return nil
}

// scanSession finds whether some exchange of a session passes the filter,
// and returns how many it looked at.
func (ix *index) scanSession(e *sessionEntry) int {
	narrowed := ix.narrowFrom != 0 && e.anyGen >= ix.narrowFrom && !e.any
	e.any, e.anyGen = false, ix.gen
	if narrowed || ix.rejects(ix.filter, e) {
		return 1 // it matched nothing under a broader filter, or cannot
	}
	for i, r := range e.rows {
		if ix.visible(r) {
			e.any = true
			return i + 1
		}
	}
	return len(e.rows) + 1
}

// visible reports whether an exchange row passes the current filter.
func (ix *index) visible(r *exRow) bool {
	if ix.filter.Empty() {
		return true
	}
	if r.matchGen != ix.gen {
		if ix.narrowFrom != 0 && r.matchGen >= ix.narrowFrom && !r.match && !r.pending {
			r.matchGen = ix.gen // did not match a broader filter
			return false
		}
		if ix.deferRow(r) {
			return false // until the journal says
		}
		r.match, r.matchGen, r.pending = ix.filter.Match(&r.Row, ix.bodies), ix.gen, false
	}
	return r.match
}

// matches counts a session's exchanges that pass the filter, for the
// transcript's title; the count is kept until the session or the filter
// changes.
func (ix *index) matches(e *sessionEntry) int {
	key := [2]uint64{uint64(ix.gen), e.sess.Version}
	if e.countKey != key {
		n := 0
		for _, r := range e.rows {
			if ix.visible(r) {
				n++
			}
		}
		e.count, e.countKey = n, key
	}
	return e.count
}
