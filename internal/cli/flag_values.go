package cli

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// parseSize reads sizes such as 1048576, 512k, 100KB, 1MiB, 2m.
func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	units := map[string]int64{
		"": 1, "b": 1,
		"k": 1 << 10, "kb": 1000, "kib": 1 << 10,
		"m": 1 << 20, "mb": 1000 * 1000, "mib": 1 << 20,
		"g": 1 << 30, "gb": 1000 * 1000 * 1000, "gib": 1 << 30,
	}
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.TrimSpace(t[i:])
	mult, ok := units[unit]
	if num == "" || !ok {
		keys := make([]string, 0, len(units))
		for k := range units {
			if k != "" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		return 0, fmt.Errorf("expected a number of bytes with an optional unit (%s)", strings.Join(keys, ", "))
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", num)
	}
	// Past 2^63 bytes a float converts to a negative or undefined int64.
	if f*float64(mult) >= math.MaxInt64 {
		return 0, fmt.Errorf("%s is too large to count in bytes", strings.TrimSpace(s))
	}
	n := int64(f * float64(mult))
	if n < 1 {
		return 0, fmt.Errorf("must be at least 1 byte")
	}
	return n, nil
}

// parseDuration accepts Go durations (1.5s, 800ms) and bare seconds (10).
func parseDuration(s string) (time.Duration, error) {
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Duration(secs * float64(time.Second)), nil
	}
	return time.ParseDuration(s)
}
