package model

import (
	"errors"
	"slices"
	"sync"
	"time"
)

// ErrNotHeld is returned when deciding an exchange that is no longer held
// (its deadline passed, or it was released).
var ErrNotHeld = errors.New("the exchange is no longer held: it was already answered")

// Holds connects the receiver, which holds an exchange until someone
// decides its response, with the monitor, where the user decides. Safe for
// concurrent use.
type Holds struct {
	mu    sync.Mutex
	held  map[ExchangeID]*Hold
	done  chan struct{} // closed by ReleaseAll: no more holds
	ended bool
}

// NewHolds returns an empty registry.
func NewHolds() *Holds {
	return &Holds{held: make(map[ExchangeID]*Hold), done: make(chan struct{})}
}

// Hold is one held exchange, as the receiver waits on it.
type Hold struct {
	ID       ExchangeID
	Deadline time.Time // when the fallback is sent

	holds    *Holds
	decided  chan Decision // receives the user's decision, once
	proposal Decision
	// edited is set once the user has started to edit: a late forward
	// answer then no longer replaces the proposal they are working on.
	edited bool
}

// Hold registers an exchange as held with the proposal the editor opens
// with. It returns nil when holds have ended (the process is exiting).
func (h *Holds) Hold(id ExchangeID, deadline time.Time, proposal Decision) *Hold {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ended {
		return nil
	}
	hd := &Hold{ID: id, Deadline: deadline, holds: h, decided: make(chan Decision, 1), proposal: proposal}
	h.held[id] = hd
	return hd
}

// Decided receives the decision of the user.
func (hd *Hold) Decided() <-chan Decision { return hd.decided }

// Released is closed when every held exchange must be answered at once.
func (hd *Hold) Released() <-chan struct{} { return hd.holds.done }

// Proposal is the response the exchange gets if nobody edits it.
func (hd *Hold) Proposal() Decision {
	hd.holds.mu.Lock()
	defer hd.holds.mu.Unlock()
	return hd.proposal
}

// Propose replaces the proposal (the forward target answered), unless the
// user has begun editing; it reports whether it did.
func (hd *Hold) Propose(d Decision) bool {
	hd.holds.mu.Lock()
	defer hd.holds.mu.Unlock()
	if hd.edited {
		return false
	}
	hd.proposal = d
	return true
}

// End removes the hold; the receiver calls it once it has answered. A
// decision that arrives afterwards gets ErrNotHeld.
func (hd *Hold) End() {
	hd.holds.mu.Lock()
	defer hd.holds.mu.Unlock()
	if hd.holds.held[hd.ID] == hd {
		delete(hd.holds.held, hd.ID)
	}
}

// Decide answers a held exchange with the user's decision.
func (h *Holds) Decide(id ExchangeID, d Decision) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	hd, ok := h.held[id]
	if !ok {
		return ErrNotHeld
	}
	delete(h.held, id)
	hd.decided <- d
	return nil
}

// Editing marks that the user started editing a held exchange, so its
// proposal stays as the editor showed it.
func (h *Holds) Editing(id ExchangeID) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if hd, ok := h.held[id]; ok {
		hd.edited = true
	}
}

// Proposal returns the current proposal of a held exchange.
func (h *Holds) Proposal(id ExchangeID) (Decision, time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	hd, ok := h.held[id]
	if !ok {
		return Decision{}, time.Time{}, false
	}
	return hd.proposal, hd.Deadline, true
}

// Held lists the held exchanges, oldest first.
func (h *Holds) Held() []ExchangeID {
	h.mu.Lock()
	defer h.mu.Unlock()
	ids := make([]ExchangeID, 0, len(h.held))
	for id := range h.held {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
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
