package sim

import (
	"context"
	"sync"
	"time"
)

// pacer spaces requests to a rate shared by every session. Each wait takes
// the next slot of a fixed schedule (start + k/rate) rather than sleeping
// a fixed interval, so late wake-ups do not add up: at rates well above
// what timers resolve (20 000/s is a slot every 50 µs), a goroutine that
// wakes late finds several slots due and they go at once, a burst per
// timer tick. A sender that falls behind (a slow server) catches up with
// at most leeway worth of requests, not with everything it missed.
type pacer struct {
	rate   float64 // slots per second
	leeway time.Duration
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error

	mu    sync.Mutex
	start time.Time
	k     int64 // slots handed out since start
}

// paceLeeway bounds a catch-up burst.
const paceLeeway = 20 * time.Millisecond

func newPacer(rate float64, now func() time.Time, sleep func(context.Context, time.Duration) error) *pacer {
	return &pacer{rate: rate, leeway: paceLeeway, now: now, sleep: sleep}
}

// wait blocks until the caller's slot, or until ctx is done.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	now := p.now()
	if p.start.IsZero() {
		p.start = now
	}
	slot := p.slot(p.k)
	if slot.Before(now.Add(-p.leeway)) {
		// Fallen behind: restart the schedule leeway before now.
		p.start, p.k = now.Add(-p.leeway), 0
		slot = p.start
	}
	p.k++
	p.mu.Unlock()
	if d := slot.Sub(now); d > 0 {
		return p.sleep(ctx, d)
	}
	return ctx.Err()
}

func (p *pacer) slot(k int64) time.Time {
	return p.start.Add(time.Duration(float64(k) / p.rate * float64(time.Second)))
}
