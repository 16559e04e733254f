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

	spare [][]byte // written buffers, for the next lines (buffer)
}

// Buffers the writer is done with are kept for the next lines, up to
// maxSpare of them, none larger than maxSpareSize: under a flood of
// webhooks, growing every batch's lines afresh was a third of what hark
// allocated per webhook.
const (
	maxSpare     = 8
	maxSpareSize = 1 << 20
)

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
		for _, l := range lines {
			q.recycleLocked(l.b)
		}
		return false
	}
	q.items = append(q.items, lines)
	q.size += size
	q.cond.Signal()
	return true
}

// buffer returns an empty buffer to append lines to: one already written
// when there is one.
func (q *outQueue) buffer() []byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	if n := len(q.spare); n > 0 {
		b := q.spare[n-1]
		q.spare[n-1] = nil
		q.spare = q.spare[:n-1]
		return b
	}
	return nil
}

// recycleLocked keeps a buffer nobody uses any longer for buffer.
func (q *outQueue) recycleLocked(b []byte) {
	if cap(b) > 0 && cap(b) <= maxSpareSize && len(q.spare) < maxSpare {
		q.spare = append(q.spare, b[:0])
	}
}

// recycle hands back buffers from buffer that were not queued.
func (q *outQueue) recycle(bufs ...[]byte) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, b := range bufs {
		q.recycleLocked(b)
	}
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
		for _, l := range lines {
			q.recycleLocked(l.b) // a Writer keeps nothing of what it wrote
		}
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
