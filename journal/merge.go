package journal

import (
	"cmp"
	"slices"
	"time"

	"github.com/harkhq/hark/model"
)

// entry is an exchange being rebuilt.
type entry struct {
	ex       *model.Exchange
	reqNotes []string  // the request record's notes
	line     int       // line of the first record read
	off      int64     // and its offset
	answered bool      // its response record was read
	resp     *response // of a response waiting for its request
}

// merger pairs request and response records into exchanges.
type merger struct {
	rep     *Report
	emit    func(*entry) error
	pending map[model.ExchangeID]*entry // requests waiting for their response
	orphans map[model.ExchangeID]*entry // responses whose request is not yet read
	done    map[model.ExchangeID]int    // exchanges delivered: their first line
}

func (m *merger) add(it *item) error {
	line, off := it.line, it.off
	switch it.kind {
	case itemRun:
		m.rep.Runs = append(m.rep.Runs, it.run)
		return nil
	case itemProblem:
		m.rep.Problems = append(m.rep.Problems, Problem{Line: line, Offset: off, Reason: it.why})
		return nil
	}
	typ, id := typeRequest, it.id
	if it.kind == itemResponse {
		typ = typeResponse
	}
	m.rep.LastID = max(m.rep.LastID, id)
	if first, ok := m.done[id]; ok {
		m.rep.problem(line, off, "another %q record for %s, whose exchange is complete since line %d; skipped", typ, id, first)
		return nil
	}
	if it.kind == itemRequest {
		m.rep.Requests++
		if e, ok := m.pending[id]; ok {
			m.rep.problem(line, off, "a second request record for %s (the first is on line %d); skipped", id, e.line)
			return nil
		}
		e := &entry{ex: it.ex, reqNotes: it.ex.Notes, line: line, off: off}
		if o, ok := m.orphans[id]; ok { // the response came first
			delete(m.orphans, id)
			m.rep.problem(o.line, o.off, "the response record for %s comes before its request (line %d)", id, line)
			o.resp.apply(e.ex)
			e.answered = true
			return m.deliver(e)
		}
		m.pending[id] = e
		return nil
	}
	m.rep.Responses++
	if e, ok := m.pending[id]; ok {
		delete(m.pending, id)
		it.resp.apply(e.ex)
		e.answered = true
		return m.deliver(e)
	}
	if o, ok := m.orphans[id]; ok {
		m.rep.problem(line, off, "a second response record for %s (the first is on line %d); skipped", id, o.line)
		return nil
	}
	m.orphans[id] = &entry{resp: it.resp, line: line, off: off, ex: &model.Exchange{ID: id}}
	return nil
}

func (m *merger) deliver(e *entry) error {
	m.done[e.ex.ID] = e.line
	m.rep.Exchanges++
	return m.emit(e)
}

// finish delivers what is left: requests never answered, then responses
// whose request never came.
func (m *merger) finish() error {
	for _, e := range sortedEntries(m.pending) {
		e.ex.Notes = e.ex.WithNote(NoteNoResponse)
		m.rep.Unanswered++
		if err := m.deliver(e); err != nil {
			return err
		}
	}
	for _, e := range sortedEntries(m.orphans) {
		m.rep.problem(e.line, e.off, "a response record for %s without its request record", e.ex.ID)
		// The response's time is the best guess of when it all happened.
		e.ex.Received, e.ex.State = e.resp.at, model.StateResponded
		e.resp.apply(e.ex)
		e.ex.Notes = e.ex.WithNote(NoteNoRequest)
		e.answered = true
		if err := m.deliver(e); err != nil {
			return err
		}
	}
	slices.SortStableFunc(m.rep.Problems, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	return nil
}

func sortedEntries(m map[model.ExchangeID]*entry) []*entry {
	list := make([]*entry, 0, len(m))
	for _, e := range m {
		list = append(list, e)
	}
	slices.SortFunc(list, func(a, b *entry) int { return cmp.Compare(a.ex.ID, b.ex.ID) })
	return list
}

// request builds an exchange from a request record. Journals written
// before classification filed session-less requests under model.Unsorted
// recorded an empty session: they read back as the receiver files them now.
func (r *record) request() *model.Exchange {
	session := r.session
	if session == "" {
		session = model.Unsorted
	}
	var resent *model.Resent
	if r.resentOf != 0 {
		resent = &model.Resent{Of: model.ExchangeID(r.resentOf), Edited: r.resentEdited}
	}
	return &model.Exchange{
		ID:       r.id,
		Received: r.at,
		Resent:   resent,
		Request: model.Request{
			Method:     r.method,
			Path:       r.path,
			RawQuery:   r.query,
			Proto:      r.proto,
			Host:       r.host,
			RemoteAddr: r.remote,
			Headers:    r.headers,
			Body:       r.body,
			Size:       r.size,
			Truncated:  r.truncated,
		},
		Platform:  r.platform,
		Kind:      r.kind,
		SessionID: session,
		Turns:     r.turns,
		Record:    r.isRecord,
		Consumed:  r.consumed,
		Deadline:  time.Duration(r.deadline),
		Signature: r.sig,
		Notes:     r.notes,
		State:     model.StateReceived,
	}
}

// response is the response side of an exchange, from a response record.
type response struct {
	at        time.Time // when the record was written
	state     model.State
	response  *model.Response
	forward   *model.Forward
	timings   model.Timings
	heldUntil time.Time
	notes     []string // all the exchange's notes, when the record has them
}

func (r *record) response() *response {
	rs := &response{
		at:        r.at,
		state:     model.State(r.state),
		forward:   r.forward,
		timings:   r.timings,
		heldUntil: r.heldUntil,
	}
	if r.hasStatus || r.hasResponse || r.headers != nil || r.body != nil {
		rs.response = &model.Response{
			Status:  int(r.status),
			Headers: r.headers,
			Body:    r.body,
			Source:  model.Source(r.source),
			Rule:    r.rule,
		}
	}
	if r.hasNotes {
		rs.notes = r.notes
	}
	return rs
}

// apply sets the response side of an exchange.
func (rs *response) apply(ex *model.Exchange) {
	if rs.state != "" {
		ex.State = rs.state
	}
	ex.Response, ex.Forward, ex.Timings, ex.HeldUntil = rs.response, rs.forward, rs.timings, rs.heldUntil
	if rs.notes != nil { // notes only grow: the response's are all of them
		ex.Notes = rs.notes
	}
}
