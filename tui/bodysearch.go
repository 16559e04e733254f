package tui

import (
	"strings"
	"unicode/utf8"

	"github.com/harkhq/hark/filter"
	"github.com/harkhq/hark/model"
)

// Searching bodies. The index keeps no bodies (the store does, and may
// evict the oldest), so a body term looks each exchange up in the store and
// searches its request, response and forward bodies where they lie.
//
// Over a history, where exchanges no longer change, each session also gets
// its bodies' text in lower case, built the first time a filter needs it:
// a word absent from it rules the whole session out with one fast scan, as
// the session's search text does for the other fields. Building and
// scanning it count against the filter's budget, so a keystroke over a
// large history still does a bounded amount of work.

type bodySearch struct {
	store *model.Store
	// one, when set, is the exchange searched, whole (read back from the
	// journal), instead of what the store holds.
	one *model.Exchange
	// history: plain words search bodies too, and sessions keep their
	// bodies' text.
	history bool
	spent   int // work done since take, in the filter budget's units
}

// The filter budget counts exchanges looked at; body work is converted to
// the same units: looking an exchange up in the store costs about what
// looking at lookupCost exchanges' fields does, and scanning bodyScanUnit
// bytes of text about one.
const (
	lookupCost   = 8
	bodyScanUnit = 2048
)

// InWords reports whether plain words search bodies too (filter.Bodies).
func (b *bodySearch) InWords() bool { return b != nil && b.history }

// take returns the work done since it was last called.
func (b *bodySearch) take() int {
	if b == nil {
		return 0
	}
	n := b.spent
	b.spent = 0
	return n
}

// Contain reports whether one of an exchange's bodies contains v (lower
// case), ignoring case (filter.Bodies).
func (b *bodySearch) Contain(r *filter.Row, v string) bool {
	var ex model.Exchange
	switch {
	case b == nil:
		return false
	case b.one != nil:
		ex = *b.one
	case b.store == nil:
		return false
	default:
		var ok bool
		if ex, ok = b.store.Exchange(r.ID); !ok {
			return false
		}
	}
	b.spent += lookupCost + len(ex.Request.Body)/bodyScanUnit
	return filter.ExchangeContains(&ex, v)
}

// mayContain reports whether some body of the session may contain v: false
// only when it surely does not.
func (b *bodySearch) mayContain(e *sessionEntry, v string) bool {
	switch {
	case b == nil || b.store == nil:
		return false
	case !b.history || !isASCII(v):
		return true // live exchanges change; other scripts fold in other ways
	}
	text := b.sessionBodies(e)
	b.spent += len(text) / bodyScanUnit
	return strings.Contains(text, v)
}

// sessionBodies builds the session's bodies' text once.
func (b *bodySearch) sessionBodies(e *sessionEntry) string {
	if e.bodiesBuilt {
		return e.bodies
	}
	var t []byte
	add := func(body []byte) {
		if len(body) > 0 {
			t = appendLowerASCII(t, body)
			t = append(t, '\n')
		}
	}
	for _, r := range e.rows {
		ex, ok := b.store.Exchange(r.ID)
		if !ok {
			continue
		}
		add(ex.Request.Body)
		if ex.Response != nil {
			add(ex.Response.Body)
		}
		if ex.Forward != nil {
			add(ex.Forward.Body)
		}
	}
	b.spent += lookupCost * len(e.rows)
	e.bodies, e.bodiesBuilt = string(t), true
	return e.bodies
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// appendLowerASCII appends b with ASCII letters lowered (only those, so
// that a lower-case ASCII word filter.ContainsFold finds is found by
// strings.Contains).
func appendLowerASCII(dst, b []byte) []byte {
	n := len(dst)
	dst = append(dst, b...)
	for i, c := range dst[n:] {
		if 'A' <= c && c <= 'Z' {
			dst[n+i] = c + 'a' - 'A'
		}
	}
	return dst
}
