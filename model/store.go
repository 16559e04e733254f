package model

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultKeep is how many of the newest exchanges a store keeps whole by
// default: about 25 MB of realistic webhooks, a laptop's share for a
// monitor left open all day. Older ones are read back from the journal in
// well under a millisecond when someone opens them.
const DefaultKeep = 10_000

// StoreOptions tune a Store.
type StoreOptions struct {
	// Keep bounds memory: the newest Keep exchanges are kept whole; older
	// ones only as an entry of the compact index (see Exchange.Evicted),
	// read back through Archive when someone opens them. 0 means
	// DefaultKeep; a negative value keeps every exchange whole (a journal
	// loaded to be browsed or exported).
	Keep int
	// Archive reads evicted exchanges back (the journal); nil when there
	// is none (--no-journal): evicted exchanges are then dropped, all but
	// their index entry.
	Archive Archive
	// FirstID is the id the first NextID returns (default 1), so that ids
	// continue after those already in a journal being appended to.
	FirstID ExchangeID
}

// Archive reads back an exchange the store keeps only in its index: the
// journal, where ref says its records are.
type Archive interface {
	ReadExchange(id ExchangeID, ref JournalRef) (*Exchange, error)
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
//
// Memory is a window onto the journal, which is the store of record: the
// newest exchanges are kept whole, older ones as 48-byte index entries
// without pointers (which the garbage collector never scans), and each
// session keeps its counts, every exchange id and its latest turns
// (SessionTurns). Load reads an evicted exchange back whole.
type Store struct {
	nextID  atomic.Uint64
	keep    int
	archive Archive

	mu       sync.RWMutex
	whole    map[ExchangeID]*Exchange // the exchanges kept whole
	queue    []queued                 // whole exchanges in the order they came, the oldest at queueAt
	queueAt  int
	stubs    []stub                // the evicted exchanges' index, by id
	links    map[ExchangeID]*links // the resend links of evicted exchanges
	kinds    kindTable
	sessions map[SessionKey]*Session
	order    []SessionKey // sessions in the order they were first seen (a stub's session is its index)
	counts   Counts
	subs     []*Subscription
}

// NewStore returns an empty store.
func NewStore(opts StoreOptions) *Store {
	s := &Store{
		keep:     opts.Keep,
		archive:  opts.Archive,
		whole:    make(map[ExchangeID]*Exchange),
		sessions: make(map[SessionKey]*Session),
	}
	if s.keep == 0 {
		s.keep = DefaultKeep
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
	s.whole[ex.ID] = ex
	s.counts.Exchanges++
	sess := s.session(ex)
	sess.Exchanges = append(sess.Exchanges, ex.ID)
	s.addTurns(sess, ex)
	s.account(sess, exFlags{}, ex)
	if ex.Response != nil && ex.Response.Source == SourceEdited {
		sess.pendingEdit = ex.ID // an exchange loaded complete, from a journal
	}
	s.queue = append(s.queue, queued{ex.ID, sess.num})
	s.publish(ex, true)
	s.linkResend(ex)
	s.evict()
}

// linkResend records a resent exchange on the one it was sent again from,
// so the link reads from both ends, and tells subscribers of that one's
// change. The original may be evicted already: its index keeps the link.
func (s *Store) linkResend(ex *Exchange) {
	if ex.Resent == nil {
		return
	}
	of := ex.Resent.Of
	var orig *Exchange
	if o, ok := s.whole[of]; ok {
		if o == ex {
			return
		}
		o.Resends = append(slices.Clip(o.Resends), ex.ID)
		orig = o
	} else if st, ok := s.stub(of); ok {
		l := s.evictedLinks(of)
		l.resends = append(slices.Clip(l.resends), ex.ID)
		p := s.partial(st)
		orig = &p
	} else {
		return
	}
	if sess := s.sessions[orig.Session()]; sess != nil {
		sess.Version++
	}
	s.publish(orig, false)
}

// Update changes a stored exchange: fn gets the live exchange and must
// replace fields rather than modify slices or maps in place. It reports
// whether the exchange was found whole (an exchange still in flight always
// is: only complete ones are evicted).
func (s *Store) Update(id ExchangeID, fn func(ex *Exchange)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ex, ok := s.whole[id]
	if !ok {
		return false
	}
	was := flagsOf(ex)
	answered := ex.Response != nil
	fn(ex)
	sess := s.sessions[ex.Session()]
	s.account(sess, was, ex)
	if sess != nil && !answered && ex.Response != nil && ex.Response.Source == SourceEdited {
		sess.pendingEdit = ex.ID
	}
	s.publish(ex, false)
	return true
}

// Exchange returns a snapshot of one exchange: whole, or, when it was
// evicted, what the index keeps of it (Evicted set; Load reads it whole).
// It never reads the journal.
func (s *Store) Exchange(id ExchangeID) (Exchange, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if ex, ok := s.whole[id]; ok {
		return *ex, true
	}
	if st, ok := s.stub(id); ok {
		return s.partial(st), true
	}
	return Exchange{}, false
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

// Exchanges calls fn with a snapshot of every stored exchange in id order
// (evicted ones as Exchange returns them), stopping when fn returns false.
func (s *Store) Exchanges(fn func(Exchange) bool) {
	s.mu.RLock()
	ids := make([]ExchangeID, 0, len(s.whole)+len(s.stubs))
	for id := range s.whole {
		ids = append(ids, id)
	}
	for i := range s.stubs {
		ids = append(ids, s.stubs[i].id)
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
		// The session outlives its exchanges: its key must not keep the
		// body its id was cut out of.
		key = SessionKey{Platform: strings.Clone(key.Platform), ID: strings.Clone(key.ID)}
		sess = &Session{Key: key, FirstSeen: ex.Received, LastSeen: ex.Received, num: uint32(len(s.order))}
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
			t.Resent = ex.Resent != nil
			if sess.pendingEdit != 0 && t.Role == RoleAI && t.Text != "" {
				t.AfterEdit, sess.pendingEdit = sess.pendingEdit, 0
			}
			s.fileTurn(sess, t, ex.ID)
		}
		s.trimTurns(sess)
		return
	}
	sess.Closed = true
	live := make([]Turn, 0, len(sess.Turns))
	for _, t := range sess.Turns {
		if !t.Resent { // hark's own resends are not what the platform saw
			live = append(live, t)
		}
	}
	diff := CompareRecord(live, sess.heldPart(ex.Turns))
	diff.Exchange = ex.ID
	sess.Record = diff
	if sess.SpokenTurns() == 0 {
		for _, t := range ex.Turns {
			s.fileTurn(sess, t, ex.ID)
		}
		s.trimTurns(sess)
	}
	ex.Notes = ex.WithNote(diff.Summary())
}

// fileTurn appends a turn to its session. The session may keep it long
// after its exchange is evicted, so its text is copied out of the
// exchange's: profiles cut texts out of the body, which the turn would
// otherwise keep whole in memory.
func (s *Store) fileTurn(sess *Session, t Turn, id ExchangeID) {
	t.Exchange = id
	if s.keep >= 0 {
		t.Text = strings.Clone(t.Text)
	}
	sess.Turns = append(sess.Turns, t)
}

// exFlags are what the counts derive from an exchange.
type exFlags struct{ held, failed bool }

func flagsOf(ex *Exchange) exFlags { return exFlags{ex.Held(), ex.Failed()} }

// account keeps held and error counts right as an exchange changes: they
// are derived from the exchanges' states, never set on their own. was is
// what the exchange was before (zero for a new one).
func (s *Store) account(sess *Session, was exFlags, after *Exchange) {
	wasHeld, wasFailed := was.held, was.failed
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
