package cli

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// tuneGC trades memory for CPU, within a bound. Memory is a window onto
// the journal: the store keeps the newest --keep exchanges whole and older
// ones as index entries the collector never scans, so while webhooks flood
// in the live heap stays small and nearly constant, and each collection
// costs about as much as the next. Fewer collections then cost less CPU:
// unless the user chose GOGC, collect when the heap grows fivefold (the
// default, twofold, cost 8 µs of CPU per webhook against 1.7 µs; README),
// and unless the user chose GOMEMLIMIT, keep the heap under a soft limit
// (softLimit) so that a day-long run stays in a few hundred megabytes.
func tuneGC() {
	gcOnce.Do(func() {
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(400)
		}
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(softLimit(0))
			go followLiveHeap()
		}
	})
}

var gcOnce sync.Once

// minLimit is the soft limit while the live heap is small: `hark listen`
// with the default --keep lives in about 60 MB.
const minLimit = 256 << 20

// softLimit is the heap limit for a live heap of live bytes: minLimit, or
// twice the live heap once that is more than half of it (the monitor's
// index of a long day, or a large --keep), so that the collector is never
// made to run back to back to hold a limit the live heap has outgrown.
func softLimit(live uint64) int64 {
	return max(minLimit, 2*int64(live))
}

// followLiveHeap moves the soft limit with the live heap, every second.
func followLiveHeap() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	for range time.Tick(time.Second) {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			debug.SetMemoryLimit(softLimit(sample[0].Value.Uint64()))
		}
	}
}
