package cli

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"
)

// stalledWriter blocks every write until released.
type stalledWriter struct{ release chan struct{} }

func (w stalledWriter) Write(p []byte) (int, error) {
	<-w.release
	return len(p), nil
}

// A reader that stalls costs at most the queue's bound: the rest is
// dropped and counted, and closing gives up after its grace.
func TestOutQueueBoundedWhenStalled(t *testing.T) {
	w := stalledWriter{release: make(chan struct{})}
	defer close(w.release)
	q := newOutQueue(10 << 10)
	line := bytes.Repeat([]byte("x"), 1000)
	kept := 0
	for range 1000 {
		if q.add(queuedLines{{w, line}}, 1) {
			kept++
		}
	}
	q.mu.Lock()
	if q.size > q.max {
		t.Errorf("%d bytes queued, bound %d", q.size, q.max)
	}
	q.mu.Unlock()
	dropped, err := q.close(50 * time.Millisecond)
	if !errors.Is(err, errGaveUp) || dropped != 1000-kept || dropped < 980 {
		t.Errorf("close: dropped %d (kept %d), %v", dropped, kept, err)
	}
}

// Everything queued is written, in order, before close returns.
func TestOutQueueWritesInOrder(t *testing.T) {
	var out, log bytes.Buffer
	q := newOutQueue(1 << 20)
	for _, s := range []string{"a\n", "b\n", "c\n"} {
		q.add(queuedLines{{&out, []byte(s)}, {&log, []byte("log " + s)}}, 1)
	}
	if dropped, err := q.close(time.Minute); dropped != 0 || err != nil {
		t.Fatalf("close: %d, %v", dropped, err)
	}
	if out.String() != "a\nb\nc\n" || log.String() != "log a\nlog b\nlog c\n" {
		t.Errorf("out %q, log %q", out.String(), log.String())
	}
}

// A reader that quits stops the queue with its error.
func TestOutQueueWriteError(t *testing.T) {
	r, w := io.Pipe()
	r.Close()
	q := newOutQueue(1 << 20)
	q.add(queuedLines{{w, []byte("x\n")}}, 1)
	select {
	case <-q.failed:
	case <-time.After(10 * time.Second):
		t.Fatal("no failure")
	}
	if _, err := q.close(time.Minute); !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("close: %v", err)
	}
}

// A batch dropped whole counts every exchange it held.
func TestOutQueueCountsTheExchangesOfADroppedBatch(t *testing.T) {
	w := stalledWriter{release: make(chan struct{})}
	defer close(w.release)
	q := newOutQueue(1 << 10)
	// The first batch stays counted in the queue until its write ends.
	if !q.add(queuedLines{{w, bytes.Repeat([]byte("x"), 1000)}}, 3) {
		t.Fatal("the first batch was dropped")
	}
	for _, n := range []int{4, 5} {
		if q.add(queuedLines{{w, bytes.Repeat([]byte("y"), 1000)}}, n) {
			t.Fatalf("a batch of %d past the bound was queued", n)
		}
	}
	if dropped, _ := q.close(10 * time.Millisecond); dropped != 9 {
		t.Errorf("dropped %d exchanges, want the 4+5 of the batches past the bound", dropped)
	}
}

// The buffers the writer is done with come back for the next lines, and
// so do those of a batch dropped because the queue is full.
func TestOutQueueReusesBuffers(t *testing.T) {
	var out bytes.Buffer
	q := newOutQueue(1 << 20)
	if b := q.buffer(); b != nil {
		t.Fatalf("a new queue has a spare buffer: %q", b)
	}
	written := append(q.buffer(), "a\n"...)
	q.add(queuedLines{{&out, written}}, 1)
	if _, err := q.close(time.Minute); err != nil {
		t.Fatal(err)
	}
	got := q.buffer()
	if len(got) != 0 || cap(got) != cap(written) || &got[:1][0] != &written[0] {
		t.Errorf("after the write, buffer gives len %d cap %d, not the written buffer (cap %d) emptied", len(got), cap(got), cap(written))
	}
	if out.String() != "a\n" {
		t.Errorf("out %q", out.String())
	}

	w := stalledWriter{release: make(chan struct{})}
	q = newOutQueue(10)
	q.add(queuedLines{{w, []byte("first, stalled\n")}}, 1)
	dropped := make([]byte, 0, 64)
	if q.add(queuedLines{{w, append(dropped, "second\n"...)}}, 1) {
		t.Fatal("the second batch fits a full queue")
	}
	if got := q.buffer(); cap(got) != cap(dropped) || &got[:1][0] != &dropped[:1][0] {
		t.Errorf("the dropped batch's buffer is not reused (cap %d)", cap(got))
	}
	close(w.release)
	if _, err := q.close(time.Minute); err != nil {
		t.Fatal(err)
	}
}
