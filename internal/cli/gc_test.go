package cli

import "testing"

// The soft heap limit holds a small live heap to minLimit, and never
// squeezes a large one: it stays at twice the live heap.
func TestSoftLimit(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, minLimit},
		{60 << 20, minLimit},
		{minLimit / 2, minLimit},
		{200 << 20, 400 << 20},
		{2 << 30, 4 << 30},
	} {
		if got := softLimit(c.live); got != c.want {
			t.Errorf("softLimit(%d MiB) = %d MiB, want %d MiB", c.live>>20, got>>20, c.want>>20)
		}
	}
}
