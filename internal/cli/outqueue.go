package cli

import (
	"errors"
	"io"
	"sync"
	"time"
)

// outQueue writes `hark listen`'s lines on a goroutine of its own, so that
// a reader that stalls (a pipe into a stopped program) never holds up the
// receiver nor grows hark's memory: lines wait in a queue of at most max
// bytes, and past it whole exchanges are dropped and counted (the journal
// still has them).
type outQueue struct {
	max int

	mu      sync.Mutex
	cond    *sync.Cond
	items   []queuedLines
	size    int // bytes in items
	dropped int // exchanges not printed
	err     error
	closing bool

	failed chan struct{} // closed when a write fails
	done   chan struct{} // closed when the writer has stopped
}

// queuedLines is what a batch of exchanges prints: lines for one or more
// writers.
type queuedLines []struct {
	w io.Writer
	b []byte
}

func newOutQueue(max int) *outQueue {
	q := &outQueue{max: max, failed: make(chan struct{}), done: make(chan struct{})}
	q.cond = sync.NewCond(&q.mu)
	go q.run()
	return q
}

// add queues the lines of n exchanges (a batch, written together); it
// never blocks. It reports false when they were dropped because the queue
// is full.
func (q *outQueue) add(lines queuedLines, n int) bool {
	size := 0
	for _, l := range lines {
		size += len(l.b)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil || q.closing {
		return true // the writer has stopped: the exit says why
	}
	if q.size > 0 && q.size+size > q.max {
		q.dropped += n
		return false
	}
	q.items = append(q.items, lines)
	q.size += size
	q.cond.Signal()
	return true
}

func (q *outQueue) run() {
	defer close(q.done)
	for {
		q.mu.Lock()
		for len(q.items) == 0 && !q.closing {
			q.cond.Wait()
		}
		if len(q.items) == 0 {
			q.mu.Unlock()
			return
		}
		lines := q.items[0]
		q.items[0] = nil
		q.items = q.items[1:]
		q.mu.Unlock()
		n, err := 0, error(nil)
		for _, l := range lines {
			n += len(l.b)
			if err == nil {
				_, err = l.w.Write(l.b)
			}
		}
		q.mu.Lock()
		q.size -= n
		if err != nil {
			q.err = err
			q.items, q.size = nil, 0
			close(q.failed)
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
	}
}

// errGaveUp says the reader did not take what was queued in time.
var errGaveUp = errors.New("the reader did not take the last lines in time; gave up on them")

// close writes what is queued within grace and stops the writer. It
// returns the write error that stopped it, or errGaveUp, and how many
// exchanges were dropped along the way.
func (q *outQueue) close(grace time.Duration) (dropped int, err error) {
	q.mu.Lock()
	q.closing = true
	q.cond.Signal()
	q.mu.Unlock()
	select {
	case <-q.done:
	case <-time.After(grace):
		err = errGaveUp
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		err = q.err
	}
	return q.dropped, err
}

// writeErr is the error that stopped the writer, once failed is closed.
func (q *outQueue) writeErr() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}
