package model

import (
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// DefaultMaxBodies is how many of the newest exchanges keep their bodies and
// headers in memory; older ones keep only what the views list.
const DefaultMaxBodies = 100_000

// StoreOptions tune a Store.
type StoreOptions struct {
	// MaxBodies bounds memory: past it, the oldest exchanges lose their
	// bodies and headers (the journal keeps them). 0 means DefaultMaxBodies;
	// a negative value keeps every body.
	MaxBodies int
	// FirstID is the id the first NextID returns (default 1), so that ids
	// continue after those already in a journal being appended to.
	FirstID ExchangeID
}

// Counts are the totals a header shows.
type Counts struct {
	Sessions  int
	Exchanges int
	Held      int
	Errors    int
}

// Store indexes exchanges and sessions, bounds the memory they take, and
// tells subscribers what changed. It is safe for concurrent use.
type Store struct {
	nextID    atomic.Uint64
	maxBodies int

	mu        sync.RWMutex
	exchanges map[ExchangeID]*Exchange
	bodied    []ExchangeID // exchanges that still hold bodies, oldest first
	bodiedAt  int          // index of the oldest in bodied
	sessions  map[SessionKey]*Session
	order     []SessionKey // sessions in the order they were first seen
	counts    Counts
	subs      []*Subscription
}

// NewStore returns an empty store.
func NewStore(opts StoreOptions) *Store {
	s := &Store{
		maxBodies: opts.MaxBodies,
		exchanges: make(map[ExchangeID]*Exchange),
		sessions:  make(map[SessionKey]*Session),
	}
	if s.maxBodies == 0 {
		s.maxBodies = DefaultMaxBodies
	}
	first := opts.FirstID
	if first == 0 {
		first = 1
	}
	s.nextID.Store(uint64(first) - 1)
	return s
}

// NextID hands out the next exchange id.
func (s *Store) NextID() ExchangeID { return ExchangeID(s.nextID.Add(1)) }

// Add puts a newly received exchange into the store and its session, and
// takes ownership of it: callers change it afterwards only through Update.
func (s *Store) Add(ex *Exchange) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		cur := s.nextID.Load()
		if uint64(ex.ID) <= cur || s.nextID.CompareAndSwap(cur, uint64(ex.ID)) {
			break
		}
	}
	s.exchanges[ex.ID] = ex
	s.counts.Exchanges++
	sess := s.session(ex)
	sess.Exchanges = append(sess.Exchanges, ex.ID)
	s.addTurns(sess, ex)
	s.account(sess, nil, ex)
	if ex.Response != nil && ex.Response.Source == SourceEdited {
		sess.pendingEdit = ex.ID // an exchange loaded complete, from a journal
	}
	s.bodied = append(s.bodied, ex.ID)
	s.evict()
	s.publish(ex, true)
	s.linkResend(ex)
}

// linkResend records a resent exchange on the one it was sent again from,
// so the link reads from both ends, and tells subscribers of that one's
// change.
func (s *Store) linkResend(ex *Exchange) {
	if ex.Resent == nil {
		return
	}
	orig, ok := s.exchanges[ex.Resent.Of]
	if !ok || orig == ex {
		return
	}
	orig.Resends = append(slices.Clip(orig.Resends), ex.ID)
	if sess := s.sessions[orig.Session()]; sess != nil {
		sess.Version++
	}
	s.publish(orig, false)
}

// Update changes a stored exchange: fn gets the live exchange and must
// replace fields rather than modify slices or maps in place. It reports
// whether the exchange was found.
func (s *Store) Update(id ExchangeID, fn func(ex *Exchange)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ex, ok := s.exchanges[id]
	if !ok {
		return false
	}
	before := *ex
	fn(ex)
	sess := s.sessions[ex.Session()]
	s.account(sess, &before, ex)
	if sess != nil && before.Response == nil && ex.Response != nil && ex.Response.Source == SourceEdited {
		sess.pendingEdit = ex.ID
	}
	s.publish(ex, false)
	return true
}

// Exchange returns a snapshot of one exchange.
func (s *Store) Exchange(id ExchangeID) (Exchange, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ex, ok := s.exchanges[id]
	if !ok {
		return Exchange{}, false
	}
	return *ex, true
}

// Session returns a snapshot of one session. Its slices share memory with the
// live session but never change under the caller.
func (s *Store) Session(key SessionKey) (Session, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sess, ok := s.sessions[key]
	if !ok {
		return Session{}, false
	}
	return *sess, true
}

// Sessions returns snapshots of every session, newest activity first.
func (s *Store) Sessions() []Session {
	s.mu.RLock()
	out := make([]Session, 0, len(s.order))
	for _, k := range s.order {
		out = append(out, *s.sessions[k])
	}
	s.mu.RUnlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].LastSeen.After(out[j].LastSeen) })
	return out
}

// Counts returns the current totals.
func (s *Store) Counts() Counts {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.counts
}

// Exchanges calls fn with a snapshot of every stored exchange in id order,
// stopping when fn returns false.
func (s *Store) Exchanges(fn func(Exchange) bool) {
	s.mu.RLock()
	ids := make([]ExchangeID, 0, len(s.exchanges))
	for id := range s.exchanges {
		ids = append(ids, id)
	}
	s.mu.RUnlock()
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if ex, ok := s.Exchange(id); ok && !fn(ex) {
			return
		}
	}
}

func (s *Store) session(ex *Exchange) *Session {
	key := ex.Session()
	sess, ok := s.sessions[key]
	if !ok {
		sess = &Session{Key: key, FirstSeen: ex.Received, LastSeen: ex.Received}
		s.sessions[key] = sess
		s.order = append(s.order, key)
		s.counts.Sessions++
	}
	if ex.Received.Before(sess.FirstSeen) {
		sess.FirstSeen = ex.Received
	}
	if ex.Received.After(sess.LastSeen) {
		sess.LastSeen = ex.Received
	}
	if len(ex.Also) > 0 {
		sess.Also = ex.Also // replaced, never written into: snapshots share it
	}
	return sess
}

// addTurns appends an exchange's turns to its session. A complete session
// record is compared with what was seen live instead; its turns become the
// transcript only when nothing was seen live.
func (s *Store) addTurns(sess *Session, ex *Exchange) {
	for i := range ex.Turns {
		if ex.Turns[i].Marker == MarkerClosed {
			sess.Closed = true
		}
		if ex.Turns[i].Marker == MarkerCreated {
			sess.Closed = false
		}
	}
	if !ex.Record {
		for _, t := range ex.Turns {
			t.Exchange, t.Resent = ex.ID, ex.Resent != nil
			if sess.pendingEdit != 0 && t.Role == RoleAI && t.Text != "" {
				t.AfterEdit, sess.pendingEdit = sess.pendingEdit, 0
			}
			sess.Turns = append(sess.Turns, t)
		}
		return
	}
	sess.Closed = true
	live := make([]Turn, 0, len(sess.Turns))
	for _, t := range sess.Turns {
		if !t.Resent { // hark's own resends are not what the platform saw
			live = append(live, t)
		}
	}
	diff := CompareRecord(live, ex.Turns)
	diff.Exchange = ex.ID
	sess.Record = diff
	if sess.SpokenTurns() == 0 {
		for _, t := range ex.Turns {
			t.Exchange = ex.ID
			sess.Turns = append(sess.Turns, t)
		}
	}
	ex.Notes = ex.WithNote(diff.Summary())
}

// account keeps held and error counts right as an exchange changes: they
// are derived from the exchanges' states, never set on their own.
func (s *Store) account(sess *Session, before, after *Exchange) {
	wasHeld, wasFailed := false, false
	if before != nil {
		wasHeld, wasFailed = before.Held(), before.Failed()
	}
	isHeld, isFailed := after.Held(), after.Failed()
	delta := func(was, is bool) int {
		switch {
		case is && !was:
			return 1
		case was && !is:
			return -1
		}
		return 0
	}
	dh, de := delta(wasHeld, isHeld), delta(wasFailed, isFailed)
	s.counts.Held += dh
	s.counts.Errors += de
	if sess != nil {
		sess.Held += dh
		sess.Errors += de
		sess.Version++
	}
}

// evict drops bodies and headers of the oldest exchanges past maxBodies.
func (s *Store) evict() {
	if s.maxBodies < 0 {
		return
	}
	for len(s.bodied)-s.bodiedAt > s.maxBodies {
		id := s.bodied[s.bodiedAt]
		s.bodiedAt++
		if ex, ok := s.exchanges[id]; ok {
			stripBodies(ex)
		}
	}
	// Reclaim the consumed front of the queue once it is half the slice.
	if s.bodiedAt > 1024 && s.bodiedAt*2 > len(s.bodied) {
		s.bodied = append([]ExchangeID(nil), s.bodied[s.bodiedAt:]...)
		s.bodiedAt = 0
	}
}

func stripBodies(ex *Exchange) {
	ex.Request.Body = nil
	ex.Request.Headers = nil
	if ex.Response != nil {
		r := *ex.Response
		r.Body, r.Headers = nil, nil
		ex.Response = &r
	}
	if ex.Forward != nil {
		f := *ex.Forward
		f.Body, f.Headers = nil, nil
		ex.Forward = &f
	}
	// A held exchange's Proposal keeps its body: the editor shows it, and
	// only the few exchanges being held have one.
	ex.Evicted = true
}
