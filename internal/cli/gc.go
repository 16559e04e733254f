package cli

import (
	"os"
	"runtime/debug"
)

// tuneGC trades memory for CPU. hark keeps up to 100 000 exchanges in
// memory, and with Go's default (a collection each time the heap doubles)
// every collection rescans them all: under a flood of webhooks that costs
// more CPU than handling them. Unless the user chose GOGC or GOMEMLIMIT,
// collect when the heap grows fivefold, and hold it under a soft limit of
// 1 GiB so that a long history cannot run away with the machine's memory.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
}
