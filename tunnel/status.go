package tunnel

import (
	"fmt"
	"time"
)

// State is where the tunnel stands.
type State int

const (
	Connecting   State = iota // first connection under way (Reason: last failed attempt, if any)
	Online                    // serving at URL
	Reconnecting              // was online; the session dropped (Reason says why); the URL is kept
	Failed                    // gave up (Err says why)
	Closed                    // shut down by Close; the last event
)

var stateNames = [...]string{"connecting", "online", "reconnecting", "failed", "closed"}

func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return fmt.Sprintf("State(%d)", int(s))
	}
	return stateNames[s]
}

// MarshalText writes the state's name, so a Status encodes to JSON as
// {"State":"online",...}.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Status is one change of state.
type Status struct {
	State  State
	URL    string    // the public (or local) URL, once known
	Reason string    `json:",omitempty"` // one line, safe for a terminal, token redacted
	Err    *Error    `json:",omitempty"` // the detailed error for Failed, and for a coded Reconnecting
	At     time.Time // when it happened
}

func (s Status) String() string {
	out := s.State.String()
	if s.URL != "" {
		out += " " + s.URL
	}
	if s.Reason != "" {
		out += ": " + s.Reason
	}
	return out
}

// statusFeed hands status changes to one reader without ever blocking the
// writer (ngrok-go calls event handlers synchronously): when the reader
// falls behind, the oldest pending events are dropped, and the newest is
// always kept. The caller serializes publish and close.
type statusFeed struct {
	ch     chan Status
	latest Status
	closed bool
}

const statusBuffer = 32

func newStatusFeed() *statusFeed {
	return &statusFeed{ch: make(chan Status, statusBuffer)}
}

func (f *statusFeed) publish(s Status) {
	if f.closed {
		return
	}
	f.latest = s
	for {
		select {
		case f.ch <- s:
			return
		default:
		}
		select { // full: drop the oldest to make room
		case <-f.ch:
		default:
		}
	}
}

func (f *statusFeed) close() {
	if !f.closed {
		f.closed = true
		close(f.ch)
	}
}
