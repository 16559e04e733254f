package model

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The store's window: the newest exchanges whole, older ones as stubs. A
// stub holds no pointer, so the index of a day's history is a few flat
// arrays that the garbage collector allocates once and never scans.

// stub is what the store keeps of an evicted exchange: enough to list it,
// count it and find its records in the journal.
type stub struct {
	id       ExchangeID
	received int64 // Unix nanoseconds
	ref      JournalRef
	session  uint32 // index into Store.order
	kind     uint16 // index into Store.kinds; 0 when the table was full
	status   int16
	state    stateCode
	_        [3]byte
}

// links are the resend links of an evicted exchange. Resends come from the
// user, so few exchanges have any: the store keeps them beside the index
// rather than in every stub.
type links struct {
	resent  *Resent
	resends []ExchangeID
}

// evictedLinks returns the links kept for evicted exchange id, adding an
// empty entry when it has none yet.
func (s *Store) evictedLinks(id ExchangeID) *links {
	l := s.links[id]
	if l == nil {
		if s.links == nil {
			s.links = make(map[ExchangeID]*links)
		}
		l = &links{}
		s.links[id] = l
	}
	return l
}

// ErrDropped is Load's error for an evicted exchange that cannot be read
// back: there is no journal (--no-journal), or its records never reached
// it.
var ErrDropped = errors.New("dropped from memory: without a journal hark keeps only the newest exchanges whole")

// Keep is how many of the newest exchanges the store keeps whole; negative
// when it keeps all.
func (s *Store) Keep() int { return s.keep }

// CanReadBack reports whether evicted exchanges can be read back whole
// (the store has an archive: the journal).
func (s *Store) CanReadBack() bool { return s.archive != nil }

// Load returns one exchange whole: from memory, or read back from the
// journal when the store evicted it. Reading back is disk I/O: the monitor
// calls Load from a command, never from Update.
func (s *Store) Load(id ExchangeID) (Exchange, error) {
	s.mu.RLock()
	if ex, ok := s.whole[id]; ok {
		s.mu.RUnlock()
		return *ex, nil
	}
	st, ok := s.stub(id)
	var l links
	if p := s.links[id]; p != nil {
		l = *p
	}
	s.mu.RUnlock()
	switch {
	case !ok:
		return Exchange{}, fmt.Errorf("no exchange %s", id)
	case s.archive == nil || st.ref.Request == 0:
		return Exchange{}, fmt.Errorf("%s: %w", id, ErrDropped)
	}
	ex, err := s.archive.ReadExchange(id, st.ref)
	if err != nil {
		return Exchange{}, fmt.Errorf("reading %s back from the journal: %w", id, err)
	}
	ex.Journal = st.ref
	if l.resent != nil {
		ex.Resent = l.resent
	}
	ex.Resends = l.resends
	return *ex, nil
}

// JournaledResponse records where the response record of an exchange
// starts in the journal (the request record's offset travels on the
// exchange when it is added). It changes nothing a view shows, so
// subscribers are not told.
func (s *Store) JournaledResponse(id ExchangeID, offset int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ex, ok := s.whole[id]; ok {
		ex.Journal.Response = offset
		return
	}
	if i, ok := s.stubIndex(id); ok {
		s.stubs[i].ref.Response = offset
	}
}

// maxRequeue bounds how many exchanges still in flight one eviction pass
// steps over: held exchanges wait for a decision and are not evicted, so a
// window full of them grows past Keep for as long as they are held.
const maxRequeue = 16

// evict turns the oldest whole exchanges past Keep into stubs.
func (s *Store) evict() {
	if s.keep < 0 {
		return
	}
	for requeued := 0; len(s.whole) > s.keep && s.queueAt < len(s.queue); {
		q := s.queue[s.queueAt]
		s.queueAt++
		ex, ok := s.whole[q.id]
		if !ok {
			continue
		}
		if !ex.State.Final() {
			// In flight: its response will update it, and a view may be
			// editing it. Look at it again after the others.
			s.queue = append(s.queue, q)
			if requeued++; requeued == maxRequeue {
				break
			}
			continue
		}
		delete(s.whole, q.id)
		s.addStub(s.stubOf(ex, q.session))
		if ex.Resent != nil || len(ex.Resends) > 0 {
			*s.evictedLinks(ex.ID) = links{resent: ex.Resent, resends: ex.Resends}
		}
	}
	// Reclaim the consumed front of the queue once it is half the slice.
	if s.queueAt > 1024 && s.queueAt*2 > len(s.queue) {
		s.queue = append([]queued(nil), s.queue[s.queueAt:]...)
		s.queueAt = 0
	}
}

// queued is a whole exchange waiting for its turn to be evicted, with its
// session's number.
type queued struct {
	id      ExchangeID
	session uint32
}

func (s *Store) stubOf(ex *Exchange, session uint32) stub {
	st := stub{
		id:       ex.ID,
		received: ex.Received.UnixNano(),
		ref:      ex.Journal,
		session:  session,
		kind:     s.kinds.code(ex.Kind),
		state:    codeOf(ex.State),
	}
	if ex.Response != nil {
		st.status = int16(min(max(ex.Response.Status, 0), 999))
	}
	return st
}

// addStub keeps stubs sorted by id. Exchanges are evicted in the order they
// were added, which is nearly the order of their ids (a few requests in
// flight overtake each other), so the place is found from the end.
func (s *Store) addStub(st stub) {
	i := len(s.stubs)
	for i > 0 && s.stubs[i-1].id > st.id {
		i--
	}
	s.stubs = slices.Insert(s.stubs, i, st)
}

func (s *Store) stubIndex(id ExchangeID) (int, bool) {
	return slices.BinarySearchFunc(s.stubs, id, func(st stub, id ExchangeID) int {
		switch {
		case st.id < id:
			return -1
		case st.id > id:
			return 1
		}
		return 0
	})
}

func (s *Store) stub(id ExchangeID) (stub, bool) {
	if i, ok := s.stubIndex(id); ok {
		return s.stubs[i], true
	}
	return stub{}, false
}

// partial is an evicted exchange as the index has it.
func (s *Store) partial(st stub) Exchange {
	key := s.order[st.session]
	ex := Exchange{
		ID:        st.id,
		Received:  time.Unix(0, st.received),
		Platform:  key.Platform,
		SessionID: key.ID,
		Kind:      s.kinds.name(st.kind),
		State:     st.state.state(),
		Journal:   st.ref,
		Evicted:   true,
	}
	if st.status != 0 {
		ex.Response = &Response{Status: int(st.status)}
	}
	if l := s.links[st.id]; l != nil {
		ex.Resent, ex.Resends = l.resent, l.resends
	}
	return ex
}

// stateCode is a State in one byte.
type stateCode uint8

var stateCodes = []State{"", StateReceived, StateHeld, StateResponded, StateFallback, StateRejected, StateFailed}

func codeOf(st State) stateCode {
	if i := slices.Index(stateCodes, st); i > 0 {
		return stateCode(i)
	}
	return 0
}

func (c stateCode) state() State { return stateCodes[c] }

// kindTable numbers the kinds of evicted exchanges. Kinds come from the
// profiles, a few dozen names; a table full of odd ones (a generic
// webhook's own event names) stops growing, and later stubs keep no kind
// (Load has it).
type kindTable struct {
	names []string
	codes map[string]uint16
}

const maxKinds = 4096

func (t *kindTable) code(kind string) uint16 {
	if kind == "" {
		return 0
	}
	if c, ok := t.codes[kind]; ok {
		return c
	}
	if len(t.names) >= maxKinds {
		return 0
	}
	if t.codes == nil {
		t.codes = make(map[string]uint16)
		t.names = append(t.names, "")
	}
	c := uint16(len(t.names))
	kind = strings.Clone(kind) // it may be cut out of a body
	t.names = append(t.names, kind)
	t.codes[kind] = c
	return c
}

func (t *kindTable) name(c uint16) string {
	if int(c) < len(t.names) {
		return t.names[c]
	}
	return ""
}
