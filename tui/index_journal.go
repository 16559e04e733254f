package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/filter"
	"github.com/harkhq/hark/model"
)

// Rows past the window. The store keeps its newest exchanges whole (Keep)
// and the rest in the journal; the index keeps a row for every exchange,
// but past the same window a row lets go of its turns (the session keeps
// its latest turns, the journal all of them), so the monitor's memory
// follows the store's. A filter that reads what such a row no longer holds
// — turn text for plain words, bodies for body: — decides it by reading the
// exchange back from the journal, off the UI goroutine, a chunk at a time:
// until then the row counts as not matching, and the filter bar says the
// journal is being read.

// window is the rows in the order they came.
type window struct {
	keep int // rows kept whole; negative: all
	rows []*exRow
	at   int // the oldest row still whole
}

// add takes a new row and lets the oldest past the window go of their
// turns. A row still in flight keeps them; it is passed over.
func (w *window) add(r *exRow) {
	if w.keep < 0 {
		return
	}
	w.rows = append(w.rows, r)
	for len(w.rows)-w.at > w.keep {
		old := w.rows[w.at]
		w.rows[w.at] = nil
		w.at++
		if old.State.Final() {
			old.Turns, old.evicted = nil, true
		}
	}
	if w.at > 1024 && w.at*2 > len(w.rows) {
		w.rows = append([]*exRow(nil), w.rows[w.at:]...)
		w.at = 0
	}
}

// journalSearch is the rows of the current filter generation that wait
// for the journal.
type journalSearch struct {
	gen      uint32   // the generation rows were deferred in
	rows     []*exRow // waiting, not yet sent for
	inFlight int      // rows a command is reading
	failed   int      // rows that could not be read back, this generation
}

// journalChunk is how many exchanges one command reads back.
const journalChunk = 512

// needsContent reports whether the filter reads what a row past the window
// no longer holds: turn text (plain words) or bodies.
func needsContent(q *filter.Query) bool {
	for _, t := range q.Terms {
		if t.Field == "" || t.Field == "body" {
			return true
		}
	}
	return false
}

// deferRow puts off deciding an evicted row that the filter cannot decide
// from memory, and reports whether it did.
func (ix *index) deferRow(r *exRow) bool {
	if !r.evicted || ix.store == nil || !ix.store.CanReadBack() || !needsContent(ix.filter) {
		return false
	}
	js := &ix.journal
	if js.gen != ix.gen {
		js.gen, js.rows, js.failed = ix.gen, js.rows[:0], 0
	}
	r.match, r.matchGen, r.pending = false, ix.gen, true
	js.rows = append(js.rows, r)
	return true
}

// readingJournal reports how many rows of the current filter still wait
// for the journal.
func (ix *index) readingJournal() int {
	js := &ix.journal
	if js.gen != ix.gen {
		return 0
	}
	return len(js.rows) + js.inFlight
}

// journalSearchMsg is what a chunk of rows read back from the journal
// says about the filter of generation gen.
type journalSearchMsg struct {
	gen     uint32
	results []journalMatch
}

type journalMatch struct {
	id     model.ExchangeID
	match  bool
	failed bool
}

// searchJournal reads the next chunk of deferred rows back and decides
// them, in a command.
func (ix *index) searchJournal() tea.Cmd {
	js := &ix.journal
	if js.inFlight > 0 || js.gen != ix.gen || len(js.rows) == 0 {
		return nil
	}
	n := min(len(js.rows), journalChunk)
	js.inFlight = n
	ids := make([]model.ExchangeID, n)
	for i, r := range js.rows[:n] {
		ids[i] = r.ID
	}
	js.rows = js.rows[n:]
	q, history := ix.filter, ix.readOnly // a query is never changed once parsed
	store, gen := ix.store, ix.gen
	return func() tea.Msg {
		out := make([]journalMatch, 0, len(ids))
		for _, id := range ids {
			ex, err := store.Load(id)
			if err != nil {
				out = append(out, journalMatch{id: id, failed: true})
				continue
			}
			row := filter.RowOf(&ex)
			match := q.Match(&row, &bodySearch{one: &ex, history: history})
			out = append(out, journalMatch{id: id, match: match})
		}
		return journalSearchMsg{gen: gen, results: out}
	}
}

// applyJournalSearch files a chunk's answers: the sessions with a match
// become visible, and their transcripts and counts are worked out again.
func (ix *index) applyJournalSearch(msg journalSearchMsg) {
	js := &ix.journal
	js.inFlight = 0
	if msg.gen != ix.gen {
		return // the filter changed meanwhile: its rows are deferred anew
	}
	touched := make(map[*sessionEntry]bool)
	for _, res := range msg.results {
		r := ix.rows[res.id]
		if r == nil || !r.pending || r.matchGen != ix.gen {
			continue
		}
		r.pending, r.match = false, res.match
		if res.failed {
			js.failed++
		}
		e := r.entry
		if res.match {
			e.any, e.anyGen = true, ix.gen
		}
		touched[e] = true
	}
	for e := range touched {
		if e.tc != nil {
			e.tc.reset()
		}
		e.countKey = [2]uint64{}
	}
	ix.refilter()
}

// forgetJournalSearch is called as the filter changes: rows waiting for
// the journal are decided again under the new filter. It reports whether
// the old filter's result was incomplete, so that it is neither remembered
// nor narrowed from.
func (ix *index) forgetJournalSearch() (incomplete bool) {
	js := &ix.journal
	incomplete = js.gen == ix.gen && (len(js.rows) > 0 || js.inFlight > 0)
	js.rows = js.rows[:0]
	return incomplete
}
