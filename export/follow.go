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
}

// Take returns the exchanges among changes that completed, in order.
func (c *Completions) Take(changes []model.Change) []model.Exchange {
	if c.inFlight == nil {
		c.inFlight = make(map[model.ExchangeID]struct{})
	}
	var out []model.Exchange
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
	return out
}

// Follow calls done once for every exchange that completes, in the order
// they complete, until ctx ends; it then drains what already completed.
func Follow(ctx context.Context, sub *model.Subscription, done func(ex *model.Exchange) error) error {
	var c Completions
	flush := func() error {
		for _, ex := range c.Take(sub.Drain()) {
			if err := done(&ex); err != nil {
				return err
			}
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
