package tui

import (
	"errors"

	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

// Reading back what memory no longer holds. The store keeps the newest
// exchanges whole and older ones as index entries; a long session keeps
// its latest turns. The rest is in the journal, and the monitor never reads
// the disk in Update: whoever needs an evicted exchange (the inspector, a
// transcript block whose turns were let go, a copy) asks for it with want,
// and a command reads it back (model.Store.Load) and delivers it in a
// readBackMsg. What was read back is kept in a small cache.

// readBack is the monitor's side of reading back.
type readBack struct {
	got    map[model.ExchangeID]model.Exchange // read back, at most maxReadBack
	failed map[model.ExchangeID]string         // why it could not be read back
	want   []model.ExchangeID                  // asked for, not yet sent for
	asked  map[model.ExchangeID]bool           // sent for, not yet back
	// after is what to do once an exchange is back: a copy key pressed
	// while it was being read.
	after map[model.ExchangeID]tea.KeyPressMsg
}

// maxReadBack bounds the exchanges kept once read back; past it the cache
// starts over (a screen or two of a transcript, and what is inspected).
const maxReadBack = 512

// maxPerRead is how many exchanges one command reads back.
const maxPerRead = 64

type readBackMsg struct {
	got []readBackResult
}

type readBackResult struct {
	id  model.ExchangeID
	ex  model.Exchange
	err error
}

// whole returns an exchange whole when memory has it: kept by the store or
// read back already. pending is set when it is being read back (asked for
// now if it was not), and why says what went wrong when it cannot be.
func (m *Model) whole(id model.ExchangeID) (ex model.Exchange, pending bool, why string) {
	ex, ok := m.store.Exchange(id)
	switch {
	case !ok:
		return ex, false, "exchange " + id.String() + " is not in this monitor"
	case !ex.Evicted:
		return ex, false, ""
	}
	rb := &m.rb
	if got, ok := rb.got[id]; ok {
		return got, false, ""
	}
	if why, ok := rb.failed[id]; ok {
		return ex, false, why
	}
	rb.ask(id)
	return ex, true, ""
}

func (rb *readBack) ask(id model.ExchangeID) {
	if rb.asked[id] {
		return
	}
	if rb.asked == nil {
		rb.asked = make(map[model.ExchangeID]bool)
	}
	rb.asked[id] = true
	rb.want = append(rb.want, id)
}

// readBackCmd reads back what was asked for since the last command.
func (m *Model) readBackCmd() tea.Cmd {
	rb := &m.rb
	if len(rb.want) == 0 {
		return nil
	}
	n := min(len(rb.want), maxPerRead)
	ids := append([]model.ExchangeID(nil), rb.want[:n]...)
	rb.want = rb.want[n:]
	store := m.store
	return func() tea.Msg {
		out := make([]readBackResult, 0, len(ids))
		for _, id := range ids {
			ex, err := store.Load(id)
			out = append(out, readBackResult{id: id, ex: ex, err: err})
		}
		return readBackMsg{got: out}
	}
}

// applyReadBack files what was read back and redraws whoever wanted it.
func (m *Model) applyReadBack(msg readBackMsg) tea.Cmd {
	rb := &m.rb
	if rb.got == nil || len(rb.got) >= maxReadBack {
		rb.got = make(map[model.ExchangeID]model.Exchange)
	}
	var cmds []tea.Cmd
	for _, res := range msg.got {
		delete(rb.asked, res.id)
		if res.err != nil {
			if rb.failed == nil {
				rb.failed = make(map[model.ExchangeID]string)
			}
			rb.failed[res.id] = readBackProblem(res.err, m.store)
		} else {
			rb.got[res.id] = res.ex
		}
		if r := m.ix.rows[res.id]; r != nil {
			r.ver++ // its transcript block is drawn again, with its turns
		}
		if m.insp.open && m.insp.id == res.id {
			m.insp.ver++
			if res.err == nil {
				m.insp.update(res.ex)
			}
		}
		if k, ok := rb.after[res.id]; ok {
			delete(rb.after, res.id)
			cmds = append(cmds, m.copyExchange(k))
		}
	}
	return tea.Batch(cmds...)
}

// readBackProblem says in plain words why an exchange cannot be shown whole.
func readBackProblem(err error, store *model.Store) string {
	if errors.Is(err, model.ErrDropped) {
		return "dropped from memory: without a journal (--no-journal) hark keeps only the newest " +
			plural(store.Keep(), "exchange") + " whole"
	}
	return oneLine(err.Error())
}
