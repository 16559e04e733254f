package hop

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestSleep(t *testing.T) {
	if err := Sleep(context.Background(), time.Nanosecond); err != nil {
		t.Errorf("a sleep that ends: %v", err)
	}
	if err := Sleep(context.Background(), 0); err != nil {
		t.Errorf("no sleep: %v", err)
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for _, d := range []time.Duration{-time.Second, 0, time.Hour} {
		if err := Sleep(done, d); !errors.Is(err, context.Canceled) {
			t.Errorf("Sleep(cancelled context, %v) = %v", d, err)
		}
	}
}

// TestSleepCancelled: a sleep in progress ends with its context.
func TestSleepCancelled(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	ctx := &watchedContext{Context: parent, waiting: make(chan struct{})}
	errc := make(chan error)
	go func() { errc <- Sleep(ctx, time.Hour) }()
	<-ctx.waiting // Sleep is waiting on Done
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep = %v, want context.Canceled", err)
	}
	deadline, cancel := context.WithDeadline(context.Background(), time.Now().Add(time.Millisecond))
	defer cancel()
	if err := Sleep(deadline, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Sleep past the deadline = %v", err)
	}
}

// watchedContext tells when its Done channel is first asked for.
type watchedContext struct {
	context.Context
	once    sync.Once
	waiting chan struct{}
}

func (c *watchedContext) Done() <-chan struct{} {
	c.once.Do(func() { close(c.waiting) })
	return c.Context.Done()
}
