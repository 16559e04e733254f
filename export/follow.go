package export

import (
	"context"

	"github.com/harkhq/hark/model"
)

// Completions picks, out of a stream of changes, each exchange once: when it
// completes. It remembers only the exchanges seen before they completed, so
// its memory grows with what is in flight, not with history.
type Completions struct {
	inFlight map[model.ExchangeID]struct{}
	out      []model.Exchange
}

// Take returns the exchanges among changes that completed, in order. The
// slice is reused: it is valid until the next Take.
func (c *Completions) Take(changes []model.Change) []model.Exchange {
	if c.inFlight == nil {
		c.inFlight = make(map[model.ExchangeID]struct{})
	}
	clear(c.out)
	out := c.out[:0]
	for _, ch := range changes {
		ex := ch.Exchange
		_, waiting := c.inFlight[ex.ID]
		switch {
		case !ex.State.Final():
			if ch.New {
				c.inFlight[ex.ID] = struct{}{}
			}
			continue
		case !ch.New && !waiting:
			continue // a change after completion: already reported
		}
		delete(c.inFlight, ex.ID)
		out = append(out, ex)
	}
	c.out = out
	return out
}

// Follow calls done once for every exchange that completes, in the order
// they complete, until ctx ends; it then drains what already completed.
func Follow(ctx context.Context, sub *model.Subscription, done func(ex *model.Exchange) error) error {
	return FollowBatches(ctx, sub, func(batch []model.Exchange) error {
		for i := range batch {
			if err := done(&batch[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// FollowBatches is Follow handing over together the exchanges that
// completed since it last looked, so that a writer writes them with one
// call: under a flood of webhooks, a write per line costs more than the
// line.
func FollowBatches(ctx context.Context, sub *model.Subscription, done func(batch []model.Exchange) error) error {
	var c Completions
	var changes []model.Change
	flush := func() error {
		changes = sub.DrainTo(changes)
		if batch := c.Take(changes); len(batch) > 0 {
			return done(batch)
		}
		return nil
	}
	for {
		select {
		case <-ctx.Done():
			return flush()
		case <-sub.Ready():
			if err := flush(); err != nil {
				return err
			}
		}
	}
}
