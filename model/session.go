package model

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// SessionKey identifies a conversation: the same id on two platforms is two
// sessions.
type SessionKey struct {
	Platform string
	ID       string
}

func (k SessionKey) String() string { return k.Platform + "/" + k.ID }

// Unsorted is the session id of exchanges that carry no session id at all.
const Unsorted = "unsorted"

// Session is one conversation as hark has seen it.
//
// Turns and Exchanges only ever grow by append (or are replaced by a new
// slice), so a snapshot's slices stay valid while the store keeps adding to
// the live session.
type Session struct {
	Key SessionKey
	// Turns are the session's latest turns. A live store keeps at most
	// 2×SessionTurns of them; the TurnsDropped before them are in the
	// journal, where the exchanges before Exchanges[TurnsFrom] have them.
	Turns        []Turn
	TurnsDropped int
	TurnsFrom    int
	// Exchanges are the ids of all the session's exchanges, in the order
	// they came.
	Exchanges []ExchangeID
	FirstSeen time.Time
	LastSeen  time.Time
	Closed    bool
	Held      int // exchanges of this session waiting for a decision
	Errors    int // exchanges rejected, failed or answered with 4xx/5xx
	// Record compares a delivered session record with the turns seen live,
	// once a record has arrived.
	Record *RecordDiff
	// Also are the conversation's other ids, from its latest exchange that
	// carries any (ChatBot.com's conversationId beside the sessionId).
	Also []Alias
	// Version increases with every change, so views can cache renders.
	Version uint64
	// pendingEdit is the exchange whose edited response went back last and
	// whose effect (the next bot turn) has not been seen yet.
	pendingEdit ExchangeID
	// spokenDropped counts the turns with text among those dropped.
	spokenDropped int
	num           uint32 // the session's index in the store's order
}

// SessionTurns is how many of its latest turns a session keeps in memory at
// least; it holds up to twice as many before letting the oldest go (to the
// journal, which keeps them all).
const SessionTurns = 64

// LastTurn returns the newest turn that has text, if any.
func (s *Session) LastTurn() (Turn, bool) {
	for i := len(s.Turns) - 1; i >= 0; i-- {
		if s.Turns[i].Text != "" {
			return s.Turns[i], true
		}
	}
	return Turn{}, false
}

// SpokenTurns counts the turns that carry text (markers excluded), those
// dropped from memory included.
func (s *Session) SpokenTurns() int {
	n := s.spokenDropped
	for i := range s.Turns {
		if s.Turns[i].Text != "" {
			n++
		}
	}
	return n
}

// WithOlderTurns returns the session with the turns it let go put back
// before those it holds: older are the turns of its exchanges before
// Exchanges[TurnsFrom], read back from the journal, in order.
func (s Session) WithOlderTurns(older []Turn) Session {
	if s.TurnsDropped == 0 {
		return s
	}
	s.Turns = append(slices.Clip(older), s.Turns...)
	s.TurnsDropped, s.TurnsFrom, s.spokenDropped = 0, 0, 0
	return s
}

// trimTurns lets the oldest turns of a session go once it holds twice
// SessionTurns, at an exchange's boundary, so that an exchange's turns are
// either all held or all in the journal.
func (s *Store) trimTurns(sess *Session) {
	if s.keep < 0 || len(sess.Turns) <= 2*SessionTurns {
		return
	}
	turns := sess.Turns
	cut := len(turns) - SessionTurns
	for cut > 0 && turns[cut].Exchange == turns[cut-1].Exchange {
		cut--
	}
	if cut == 0 {
		return // one exchange holds them all (a session record)
	}
	for i := range turns[:cut] {
		if turns[i].Text != "" {
			sess.spokenDropped++
		}
	}
	last := turns[cut-1].Exchange
	for sess.TurnsFrom < len(sess.Exchanges) && sess.Exchanges[sess.TurnsFrom] != last {
		sess.TurnsFrom++
	}
	sess.TurnsFrom++ // past the last exchange whose turns are dropped
	sess.TurnsDropped += cut
	sess.Turns = append(make([]Turn, 0, 2*SessionTurns), turns[cut:]...)
}

// heldPart is the part of a session record's turns that the session's held
// turns can be compared with: all of it, unless older turns were dropped.
func (s *Session) heldPart(record []Turn) []Turn {
	if s.TurnsDropped == 0 || len(s.Turns) == 0 {
		return record
	}
	from := s.Turns[0].Time.Add(-sameMoment)
	var out []Turn
	for _, t := range record {
		if !t.Time.Before(from) {
			out = append(out, t)
		}
	}
	return out
}

// RecordDiff is what a complete session record says that the live events did
// not, and the reverse.
type RecordDiff struct {
	Exchange  ExchangeID `json:"exchange"`
	Matched   int        `json:"matched"`
	Missing   []Turn     `json:"missing,omitempty"`   // in the record, never seen live
	Extra     []Turn     `json:"extra,omitempty"`     // seen live, absent from the record
	Different []TurnPair `json:"different,omitempty"` // same speaker and moment, other text
}

// TurnPair is a live turn and the record's version of it.
type TurnPair struct {
	Live   Turn `json:"live"`
	Record Turn `json:"record"`
}

// Clean reports whether the record and the live turns agree.
func (d *RecordDiff) Clean() bool {
	return len(d.Missing) == 0 && len(d.Extra) == 0 && len(d.Different) == 0
}

// Summary says in one line how the record compares.
func (d *RecordDiff) Summary() string {
	if d.Clean() {
		return "record matches the live events"
	}
	var parts []string
	if n := len(d.Missing); n > 0 {
		parts = append(parts, plural(n, "turn")+" missing from the live events")
	}
	if n := len(d.Extra); n > 0 {
		parts = append(parts, plural(n, "live turn")+" absent from the record")
	}
	if n := len(d.Different); n > 0 {
		parts = append(parts, plural(n, "turn")+" with different text")
	}
	return "record: " + strings.Join(parts, ", ")
}

func plural(n int, what string) string {
	s := strconv.Itoa(n) + " " + what
	if n != 1 {
		s += "s"
	}
	return s
}

// sameMoment is the tolerance within which a live turn and a record turn are
// taken to be the same utterance when their texts differ.
const sameMoment = 2 * time.Second

// CompareRecord matches a session record's turns against the turns seen live.
// Turns match on speaker and text, each at most once; what remains on both
// sides with the same speaker at the same moment counts as changed text.
func CompareRecord(live, record []Turn) *RecordDiff {
	d := &RecordDiff{}
	type key struct {
		role Role
		text string
	}
	pool := make(map[key][]int) // live turn indexes not yet matched
	for i, t := range live {
		if t.Text == "" {
			continue
		}
		k := key{t.Role, strings.TrimSpace(t.Text)}
		pool[k] = append(pool[k], i)
	}
	var missing []Turn
	for _, t := range record {
		if t.Text == "" {
			continue
		}
		k := key{t.Role, strings.TrimSpace(t.Text)}
		if idx := pool[k]; len(idx) > 0 {
			pool[k] = idx[1:]
			d.Matched++
			continue
		}
		missing = append(missing, t)
	}
	var extra []Turn
	for i, t := range live {
		if t.Text == "" {
			continue
		}
		k := key{t.Role, strings.TrimSpace(t.Text)}
		if idx := pool[k]; len(idx) > 0 && idx[0] == i {
			pool[k] = idx[1:]
			extra = append(extra, t)
		}
	}
	used := make([]bool, len(extra))
	for _, m := range missing {
		paired := false
		for j, e := range extra {
			if used[j] || e.Role != m.Role || absDur(e.Time.Sub(m.Time)) > sameMoment {
				continue
			}
			used[j] = true
			d.Different = append(d.Different, TurnPair{Live: e, Record: m})
			paired = true
			break
		}
		if !paired {
			d.Missing = append(d.Missing, m)
		}
	}
	for j, e := range extra {
		if !used[j] {
			d.Extra = append(d.Extra, e)
		}
	}
	return d
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
