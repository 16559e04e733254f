package model

import (
	"errors"
	"sync"
)

// ErrNotHeld is returned when deciding an exchange that is no longer held
// (its deadline passed, or it was released).
var ErrNotHeld = errors.New("the exchange is no longer held: it was already answered")

// Holds carries the user's decisions to the receiver goroutines that wait
// on held exchanges. It is only the way back: whether an exchange is held,
// until when, and what it gets if nobody decides are recorded on the
// exchange itself in the Store (State, HeldUntil, Proposal), which is what
// the monitor reads. Safe for concurrent use.
type Holds struct {
	mu      sync.Mutex
	waiting map[ExchangeID]*Hold
	done    chan struct{} // closed by ReleaseAll: no more holds
	ended   bool
}

// NewHolds returns an empty registry.
func NewHolds() *Holds {
	return &Holds{waiting: make(map[ExchangeID]*Hold), done: make(chan struct{})}
}

// Hold is the receiver's side of one held exchange: where the user's
// decision arrives.
type Hold struct {
	ID      ExchangeID
	holds   *Holds
	decided chan Decision // receives the user's decision, once
}

// Hold opens the way for a decision on an exchange. The receiver calls it
// before it records the exchange as held in the store, so that whoever sees
// it held can decide it. It returns nil when holds have ended (the process
// is exiting).
func (h *Holds) Hold(id ExchangeID) *Hold {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ended {
		return nil
	}
	hd := &Hold{ID: id, holds: h, decided: make(chan Decision, 1)}
	h.waiting[id] = hd
	return hd
}

// Decided receives the decision of the user.
func (hd *Hold) Decided() <-chan Decision { return hd.decided }

// Released is closed when every held exchange must be answered at once.
func (hd *Hold) Released() <-chan struct{} { return hd.holds.done }

// End closes the way; the receiver calls it once it has answered. A
// decision that arrives afterwards gets ErrNotHeld.
func (hd *Hold) End() {
	hd.holds.mu.Lock()
	defer hd.holds.mu.Unlock()
	if hd.holds.waiting[hd.ID] == hd {
		delete(hd.holds.waiting, hd.ID)
	}
}

// Decide answers a held exchange with the user's decision. Only the first
// decision counts; later ones, and those after the fallback went out, get
// ErrNotHeld.
func (h *Holds) Decide(id ExchangeID, d Decision) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	hd, ok := h.waiting[id]
	if !ok {
		return ErrNotHeld
	}
	delete(h.waiting, id)
	hd.decided <- d
	return nil
}

// ReleaseAll ends holding: every held exchange is answered with its
// fallback at once, and no new exchange is held. Called on exit.
func (h *Holds) ReleaseAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.ended {
		h.ended = true
		close(h.done)
	}
}
