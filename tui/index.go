package tui

import (
	"slices"
	"strings"
	"time"

	"github.com/harkhq/hark/filter"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/stats"
)

// The index is the monitor's own view of the store, kept up to date from the
// batched changes: the cost of a batch is proportional to the changes in it
// (plus a pass over the sessions, never over the exchanges). Exchanges are
// kept as light rows; bodies stay in the store, which may evict them, and are
// fetched only when the inspector or a copy needs them.

// exRow is what the lists and the transcript need of one exchange. The
// fields a filter reads come first, so a pass over many rows touches as
// little memory as it can.
type exRow struct {
	matchGen uint32 // filter generation match was computed for
	match    bool
	pending  bool // match waits for the exchange to be read back (index_journal.go)
	// Row is what a filter reads (package filter): the path sanitized
	// with its query, kind and method sanitized and interned, the turns
	// shared with the store (none once the row is past the window).
	filter.Row
	entry *sessionEntry

	received time.Time
	total    time.Duration
	held     time.Time // HeldUntil while held
	consumed bool
	sig      model.SigState
	record   bool
	evicted  bool   // past the window: its turns are in the journal, not here
	rule     string // the rule that answered
	fwdErr   bool   // the forward target failed
	ver      uint32 // bumped on every change, for render caches

	// timings, for the timeline
	hold, forward, deadline time.Duration
	// resent links it to the exchange it sent again; resends are the
	// exchanges that sent it again.
	resent  *model.Resent
	resends []model.ExchangeID
	counted bool       // its answer is in its session's figures
	gap     *stats.Gap // the user→bot gap its bot turn closed, if any
}

// sessionEntry is one session: its latest snapshot, and the monitor's state
// for it (transcript position, render caches).
type sessionEntry struct {
	key      model.SessionKey
	sess     model.Session // latest snapshot from the store
	idText   string        // sanitized session id
	lastSeen time.Time
	rows     []*exRow // the session's exchanges, in the order they arrived
	spoken   int      // turns with text among the first spokenAt of the session
	spokenAt int
	// text holds everything plain filter words are matched against in the
	// session's exchanges, once or more: a word absent from it matches none
	// of them, which one scan of contiguous memory tells.
	text strings.Builder
	// bodies is the lower-case text of the session's bodies, built when a
	// filter over a history first needs it (bodysearch.go).
	bodies      string
	bodiesBuilt bool

	// Filter state, for the filter generation anyGen: whether some row
	// matches (the list needs no more), and the exact count, kept for the
	// transcript's title only when asked for.
	any      bool
	anyGen   uint32
	count    int
	countKey [2]uint64 // filter generation and session version counted

	// transcript position
	selEx  model.ExchangeID // selected exchange (0: none yet)
	anchor int              // the block at the top of the transcript pane
	offset int              // and its first line shown
	stick  bool             // keep the transcript scrolled to the bottom

	placed bool // has a place in index.order

	tc   *transcriptCache
	row  rowCache
	grid gridCache

	// figures are the session's timing figures (package stats), fed as
	// its exchanges arrive and are answered: the store keeps a session's
	// latest turns only, so each exchange's turns are taken as it comes.
	// spokenFed counts the turns with text taken so far.
	figures   stats.Session
	spokenFed int
}

type index struct {
	rows    map[model.ExchangeID]*exRow
	strs    map[string]string // interned method, path and kind texts
	entries map[model.SessionKey]*sessionEntry
	order   []*sessionEntry // newest activity first
	vis     []*sessionEntry // order, filtered
	newest  time.Time       // the newest exchange received
	filter  *filter.Query
	gen     uint32 // filter generation
	// While the filter only narrows (more typed), a row or session found
	// not to match in any generation from narrowFrom on still does not.
	narrowFrom uint32
	memos      []filterMemo // recent filters' results, to come back to
	pending    bool         // some sessions are not yet known under the filter
	prefer     *sessionEntry
	// held are the exchanges the store records as held, as the batches
	// said: a few at most, so the oldest is found without a pass over rows.
	held map[model.ExchangeID]bool
	// store holds the bodies, which body searches read; over a history
	// (readOnly) plain words search bodies too.
	store    *model.Store
	readOnly bool
	bodies   *bodySearch

	slide   window        // the rows in the order they came, to let the oldest go of their turns
	turnBuf []model.Turn  // takeTurns' scratch
	journal journalSearch // rows a filter decides by reading them back
}

func newIndex() *index {
	return &index{
		rows:    make(map[model.ExchangeID]*exRow),
		strs:    make(map[string]string),
		entries: make(map[model.SessionKey]*sessionEntry),
		held:    make(map[model.ExchangeID]bool),
		filter:  &filter.Query{},
		gen:     1,
		slide:   window{keep: -1},
	}
}

// load fills the index from what the store already holds (a journal opened
// read-only, or exchanges received before the monitor started).
func (ix *index) load(store *model.Store) {
	for _, sess := range store.Sessions() {
		e := ix.entry(sess.Key)
		e.sess = sess
		e.lastSeen = sess.LastSeen
		for _, id := range sess.Exchanges {
			if ex, ok := store.Exchange(id); ok {
				ix.put(&ex)
			}
		}
	}
	ix.order = ix.order[:0]
	for _, e := range ix.entries {
		e.placed = true
		ix.order = append(ix.order, e)
	}
	slices.SortFunc(ix.order, newerFirst)
	ix.refilter()
}

// apply folds a batch of changes into the index and returns the sessions
// that changed. When a filter is still being applied, refilter goes on with
// it (pending says so).
func (ix *index) apply(changes []model.Change, store *model.Store) []*sessionEntry {
	var touched []*sessionEntry
	seen := make(map[*sessionEntry]bool)
	for i := range changes {
		ex := &changes[i].Exchange
		r := ix.put(ex)
		if !seen[r.entry] {
			seen[r.entry] = true
			touched = append(touched, r.entry)
		}
	}
	var moved []*sessionEntry
	for _, e := range touched {
		if snap, ok := store.Session(e.key); ok {
			e.sess = snap
		}
		if !e.placed || e.sess.LastSeen.After(e.lastSeen) {
			e.lastSeen = e.sess.LastSeen
			moved = append(moved, e)
		}
	}
	if len(moved) > 0 {
		ix.reorder(moved)
	}
	ix.refilter()
	return touched
}

// put records one exchange snapshot, creating its row and session as needed.
func (ix *index) put(ex *model.Exchange) *exRow {
	r, isOld := ix.rows[ex.ID]
	if !isOld {
		r = &exRow{entry: ix.entry(ex.Session())}
		ix.rows[ex.ID] = r
		r.entry.rows = append(r.entry.rows, r)
		ix.slide.add(r)
	} else if ex.Evicted {
		// The store evicted it, and says what changed in its index entry:
		// a resend's link (the store's only change to an evicted
		// exchange). The entry lacks what the row already has.
		r.resent, r.resends = ex.Resent, ex.Resends
		r.ver++
		if r.entry.tc != nil {
			r.entry.tc.changed(r.ID)
		}
		return r
	}
	oldState, oldStatus, oldNotes := r.State, r.Status, len(r.Notes)
	fillRow(r, ex, ix.intern)
	if ex.Held() {
		ix.held[ex.ID] = true
	} else {
		delete(ix.held, ex.ID)
	}
	if !isOld {
		r.entry.figures.Received()
		if !ex.Evicted { // an evicted one's turns are in the journal
			ix.takeTurns(r, ex)
		}
	}
	if !r.counted && ex.State.Final() && !ex.Evicted { // an evicted one's timings are in the journal
		r.counted = true
		r.entry.figures.Answered(ex)
	}
	r.ver++
	r.entry.addText(r, !isOld, r.State != oldState || !isOld, r.Status != oldStatus, len(r.Notes) != oldNotes)
	if ex.Received.After(ix.newest) {
		ix.newest = ex.Received
	}
	// Keep the session's filter state right as the row changes: a match
	// makes it visible; a row that stops matching may have been the one
	// that did, so the session is looked at again.
	if !ix.filter.Empty() {
		was := r.matchGen == ix.gen && r.match
		r.match, r.matchGen = ix.filter.Match(&r.Row, ix.bodies), ix.gen
		e := r.entry
		switch {
		case r.match:
			e.any, e.anyGen = true, ix.gen
		case was:
			ix.scanSession(e)
		}
	}
	if isOld && r.entry.tc != nil {
		r.entry.tc.changed(r.ID) // a new one is walked to anyway
	}
	return r
}

// fillRow sets what a row says of an exchange; intern shares repeated
// texts (nil: none are).
func fillRow(r *exRow, ex *model.Exchange, intern func(string) string) {
	r.Row = filter.RowOf(ex)
	if intern != nil {
		r.Method, r.Path, r.Kind = intern(r.Method), intern(r.Path), intern(r.Kind)
	}
	r.received = ex.Received
	r.rule = ""
	if ex.Response != nil {
		r.rule = ex.Response.Rule
	}
	r.fwdErr = ex.Forward != nil && ex.Forward.Error != ""
	r.total = ex.Timings.Total
	r.held = ex.HeldUntil
	r.consumed = ex.Consumed()
	r.sig = ex.Signature.State
	r.record = ex.Record
	r.evicted = ex.Evicted
	r.hold, r.forward, r.deadline = ex.Timings.Hold, ex.Timings.Forward, 0
	if ex.Consumed() {
		r.deadline = ex.Deadline // the platform waits for this answer that long
	}
	r.resent, r.resends = ex.Resent, ex.Resends
}

// takeTurns gives a new exchange's turns to its session's figures, as the
// store files them: marked with the exchange and whether it was a resend;
// a session record's only when nothing was said live before it. The gap
// its bot turn closes, if any, is kept on its row for the timeline.
func (ix *index) takeTurns(r *exRow, ex *model.Exchange) {
	e := r.entry
	if len(ex.Turns) == 0 || (ex.Record && e.spokenFed > 0) {
		return
	}
	turns := ix.turnBuf[:0]
	for _, t := range ex.Turns {
		t.Exchange, t.Resent = ex.ID, ex.Resent != nil
		if t.Text != "" {
			e.spokenFed++
		}
		turns = append(turns, t)
	}
	ix.turnBuf = turns
	for _, g := range e.figures.NewTurns(turns) {
		r.gap = &g
	}
	clear(turns) // the buffer keeps no texts alive
}

// summary is the session's figures.
func (e *sessionEntry) summary() stats.Summary { return e.figures.Summary() }

// spokenTurns counts the session's turns that carry text, counting only
// the turns added since it last did (turns only ever grow; positions count
// those the store let go, and when some went uncounted, the session's own
// count is taken).
func (e *sessionEntry) spokenTurns() int {
	base, turns := e.sess.TurnsDropped, e.sess.Turns
	if e.spokenAt < base {
		e.spoken, e.spokenAt = e.sess.SpokenTurns(), base+len(turns)
		return e.spoken
	}
	for _, t := range turns[min(e.spokenAt-base, len(turns)):] {
		if t.Text != "" {
			e.spoken++
		}
	}
	e.spokenAt = base + len(turns)
	return e.spoken
}

// intern shares one copy of texts that repeat across exchanges (methods,
// paths, kinds): less memory, and filter passes that stay in cache. Past a
// bound, new texts are no longer interned, so unique paths cannot grow it
// without end.
func (ix *index) intern(s string) string {
	if v, ok := ix.strs[s]; ok {
		return v
	}
	if len(ix.strs) < maxInterned {
		s = strings.Clone(s)
		ix.strs[s] = s
	}
	return s
}

const maxInterned = 4096

func (ix *index) entry(key model.SessionKey) *sessionEntry {
	e, ok := ix.entries[key]
	if !ok {
		e = &sessionEntry{key: key, idText: oneLine(key.ID), stick: true}
		e.sess.Key = key
		ix.entries[key] = e
	}
	return e
}

// newerFirst orders sessions by their latest activity, newest first; ties
// keep a stable order by key.
func newerFirst(a, b *sessionEntry) int {
	if c := b.lastSeen.Compare(a.lastSeen); c != 0 {
		return c
	}
	return strings.Compare(a.key.String(), b.key.String())
}

// reorder moves the sessions that saw activity to their new places: they are
// sorted among themselves and merged with the rest, which stays sorted.
func (ix *index) reorder(moved []*sessionEntry) {
	slices.SortFunc(moved, newerFirst)
	isMoved := make(map[*sessionEntry]bool, len(moved))
	for _, e := range moved {
		isMoved[e] = true
		e.placed = true
	}
	out := make([]*sessionEntry, 0, len(ix.order)+len(moved))
	i := 0
	for _, e := range ix.order {
		if isMoved[e] {
			continue
		}
		for i < len(moved) && newerFirst(moved[i], e) <= 0 {
			out = append(out, moved[i])
			i++
		}
		out = append(out, e)
	}
	out = append(out, moved[i:]...)
	ix.order = out
}

// oldestHeld is the held exchange that has waited longest, skipping those
// already answered.
func (ix *index) oldestHeld(answered map[model.ExchangeID]bool) (model.ExchangeID, bool) {
	var oldest model.ExchangeID
	for id := range ix.held {
		if !answered[id] && (oldest == 0 || id < oldest) {
			oldest = id
		}
	}
	return oldest, oldest != 0
}

// heldAmong lists the exchanges of a batch that were held before it.
func (ix *index) heldAmong(changes []model.Change) map[model.ExchangeID]bool {
	var was map[model.ExchangeID]bool
	for i := range changes {
		if id := changes[i].Exchange.ID; ix.held[id] {
			if was == nil {
				was = make(map[model.ExchangeID]bool)
			}
			was[id] = true
		}
	}
	return was
}

// position returns the index of a session among the visible ones, or -1.
func (ix *index) position(key model.SessionKey) int {
	for i, e := range ix.vis {
		if e.key == key {
			return i
		}
	}
	return -1
}
