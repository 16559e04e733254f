package hop

import (
	"context"
	"time"
)

// Sleep waits for d, or until ctx is done. It returns nil when d has
// passed, and ctx's error when ctx ended first or had ended already (also
// for d <= 0, so that a loop of sleeps stops with its context).
func Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil || d <= 0 {
		return err
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
