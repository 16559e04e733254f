package model

import "sync"

// Change is one exchange as it is after a change.
type Change struct {
	Exchange Exchange
	// New is set when the exchange was added since the subscriber last
	// drained, so it is the first time the subscriber hears of it.
	New bool
}

// Subscription collects changes for one consumer. Publishing never blocks:
// changes wait in the subscription, several changes to one exchange coalesce
// into its latest snapshot, and the consumer drains them in batches at its
// own pace. Nothing is dropped.
type Subscription struct {
	store *Store
	ready chan struct{}

	mu      sync.Mutex
	pending []Change
	index   map[ExchangeID]int // position of each exchange in pending
	closed  bool
}

// Subscribe starts collecting changes from now on.
func (s *Store) Subscribe() *Subscription {
	sub := &Subscription{
		store: s,
		ready: make(chan struct{}, 1),
		index: make(map[ExchangeID]int),
	}
	s.mu.Lock()
	s.subs = append(s.subs, sub)
	s.mu.Unlock()
	return sub
}

// Ready receives a value whenever changes are waiting to be drained.
func (sub *Subscription) Ready() <-chan struct{} { return sub.ready }

// Drain returns the waiting changes, oldest first, and empties the queue.
func (sub *Subscription) Drain() []Change {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	out := sub.pending
	sub.pending = nil
	clear(sub.index)
	return out
}

// DrainTo is Drain for a consumer that is done with the previous batch
// when it asks for the next one: it hands that batch back (nil the first
// time), and the subscription collects the next changes in it, so that a
// busy consumer allocates nothing batch after batch.
func (sub *Subscription) DrainTo(done []Change) []Change {
	clear(done) // the snapshots' bodies are not kept alive by a spare slice
	sub.mu.Lock()
	defer sub.mu.Unlock()
	out := sub.pending
	sub.pending = done[:0]
	clear(sub.index)
	return out
}

// Close stops the subscription; later changes are not collected.
func (sub *Subscription) Close() {
	s := sub.store
	s.mu.Lock()
	for i, x := range s.subs {
		if x == sub {
			s.subs = append(s.subs[:i:i], s.subs[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	sub.mu.Lock()
	sub.closed = true
	sub.pending = nil
	sub.mu.Unlock()
}

func (sub *Subscription) push(ex *Exchange, isNew bool) {
	sub.mu.Lock()
	if sub.closed {
		sub.mu.Unlock()
		return
	}
	if i, ok := sub.index[ex.ID]; ok {
		sub.pending[i].Exchange = *ex
	} else {
		sub.index[ex.ID] = len(sub.pending)
		sub.pending = append(sub.pending, Change{Exchange: *ex, New: isNew})
	}
	sub.mu.Unlock()
	select {
	case sub.ready <- struct{}{}:
	default:
	}
}

// publish runs with the store's lock held, so every subscriber sees changes
// in the order they happened.
func (s *Store) publish(ex *Exchange, isNew bool) {
	for _, sub := range s.subs {
		sub.push(ex, isNew)
	}
}
