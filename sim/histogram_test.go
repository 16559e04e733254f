package sim

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/harkhq/hark/hop"
)

func TestBuckets(t *testing.T) {
	prev := uint64(0)
	for i := 0; i < numBuckets; i++ {
		low := bucketLow(i)
		if i > 0 && low <= prev {
			t.Fatalf("bucket %d starts at %d, not above %d", i, low, prev)
		}
		if got := bucketOf(low); got != i {
			t.Fatalf("bucketOf(bucketLow(%d)=%d) = %d", i, low, got)
		}
		if i+1 < numBuckets {
			if got := bucketOf(bucketLow(i+1) - 1); got != i {
				t.Fatalf("last value of bucket %d falls in %d", i, got)
			}
		}
		prev = low
	}
	if got := bucketOf(math.MaxUint64); got != numBuckets-1 {
		t.Fatalf("max value in bucket %d of %d", got, numBuckets)
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var h histogram
	if h.quantile(0.5) != 0 {
		t.Fatal("empty histogram has a median")
	}
	// 1 µs .. 100 ms in 1 µs steps, shuffled order does not matter.
	const n = 100_000
	for i := n; i >= 1; i-- {
		h.add(time.Duration(i) * time.Microsecond)
	}
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		want := time.Duration(q*n) * time.Microsecond
		got := h.quantile(q)
		if diff := math.Abs(float64(got-want)) / float64(want); diff > 1.0/64 {
			t.Errorf("p%g = %v, want %v within 1.6%%", q*100, got, want)
		}
	}
	if h.quantile(1) != 100*time.Millisecond || h.max != 100*time.Millisecond || h.min != time.Microsecond {
		t.Errorf("p100 %v max %v min %v", h.quantile(1), h.max, h.min)
	}
	if h.quantile(0) != time.Microsecond {
		t.Errorf("p0 %v", h.quantile(0))
	}

	// A single value is every percentile, exactly.
	var one histogram
	one.add(1234567 * time.Nanosecond)
	if one.quantile(0.5) != 1234567 || one.quantile(0.99) != 1234567 {
		t.Errorf("single value: %v %v", one.quantile(0.5), one.quantile(0.99))
	}

	// Merging two halves gives the whole.
	var a, b histogram
	for i := 1; i <= n; i++ {
		if i%2 == 0 {
			a.add(time.Duration(i) * time.Microsecond)
		} else {
			b.add(time.Duration(i) * time.Microsecond)
		}
	}
	a.merge(&b)
	if a.n != h.n || a.quantile(0.99) != h.quantile(0.99) || a.min != h.min || a.max != h.max {
		t.Errorf("merged: n %d p99 %v, want %d %v", a.n, a.quantile(0.99), h.n, h.quantile(0.99))
	}

	// Extremes do not break it.
	var x histogram
	x.add(-5)
	x.add(time.Duration(math.MaxInt64))
	if x.quantile(0.5) != 0 || x.quantile(1) != time.Duration(math.MaxInt64) {
		t.Errorf("extremes: %v %v", x.quantile(0.5), x.quantile(1))
	}
}

// fakeClock is a clock that moves only when the pacer sleeps.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }
func (c *fakeClock) sleep(_ context.Context, d time.Duration) error {
	c.t = c.t.Add(d)
	return nil
}

func TestPacerSchedule(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	p := newPacer(1000, clock.now, clock.sleep)
	start := clock.t
	for range 101 {
		if err := p.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// 101 requests at 1000/s: the last goes 100 ms after the first.
	if got := clock.t.Sub(start); got != 100*time.Millisecond {
		t.Fatalf("101 slots took %v", got)
	}
}

func TestPacerHighRateHasNoDrift(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	p := newPacer(30_000, clock.now, clock.sleep) // a slot every 33.3 µs
	start := clock.t
	for range 30_001 {
		p.wait(context.Background())
	}
	if got := clock.t.Sub(start); got < time.Second-time.Microsecond || got > time.Second+time.Microsecond {
		t.Fatalf("30 001 slots at 30 000/s took %v", got)
	}
}

func TestPacerCatchUpIsBounded(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	p := newPacer(1000, clock.now, clock.sleep)
	p.wait(context.Background())
	clock.t = clock.t.Add(10 * time.Second) // the sender stalled
	// It may catch up with paceLeeway worth of requests without waiting,
	// not with the 10 000 it missed.
	free := 0
	for range 1000 {
		before := clock.t
		p.wait(context.Background())
		if clock.t.Equal(before) {
			free++
		}
	}
	if max := int(paceLeeway/time.Millisecond) + 1; free > max {
		t.Fatalf("%d requests went without waiting after a stall, want at most %d", free, max)
	}
}

func TestPacerStopsWithContext(t *testing.T) {
	p := newPacer(0.001, time.Now, hop.Sleep) // one slot per 1000 s
	ctx, cancel := context.WithCancel(context.Background())
	p.wait(ctx) // the first slot is now
	cancel()
	if err := p.wait(ctx); err == nil {
		t.Fatal("wait did not stop with its context")
	}
}
