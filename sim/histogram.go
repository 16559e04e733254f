package sim

import (
	"math/bits"
	"time"
)

// histogram counts durations in log-linear buckets: each power of two is
// split into 64 sub-buckets, so a percentile read from it is within 1/64
// (1.6 %) of the true value, in fixed memory (30 KiB) whatever the count.
type histogram struct {
	counts   [numBuckets]uint64
	n        uint64
	min, max time.Duration
}

const (
	subBits    = 6
	subBuckets = 1 << subBits
	// Values below subBuckets have a bucket each; above, each power of two
	// from 2^subBits to 2^63 has subBuckets.
	numBuckets = (64-subBits)*subBuckets + subBuckets
)

func bucketOf(v uint64) int {
	if v < subBuckets {
		return int(v)
	}
	e := bits.Len64(v) - subBits - 1 // v>>e is in [subBuckets, 2*subBuckets)
	return (e+1)*subBuckets + int(v>>e) - subBuckets
}

// bucketLow is the smallest value that falls in bucket i.
func bucketLow(i int) uint64 {
	if i < subBuckets {
		return uint64(i)
	}
	e := i/subBuckets - 1
	return uint64(i%subBuckets+subBuckets) << e
}

func (h *histogram) add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucketOf(uint64(d))]++
	if h.n == 0 || d < h.min {
		h.min = d
	}
	if d > h.max {
		h.max = d
	}
	h.n++
}

func (h *histogram) merge(o *histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.n += o.n
}

// quantile returns the duration below which a fraction q of the values
// fall: the upper bound of the bucket holding that rank, kept within the
// smallest and largest values seen.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.999999)
	switch {
	case rank <= 1:
		return h.min
	case rank >= h.n:
		return h.max
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			var upper uint64
			if i+1 < numBuckets {
				upper = bucketLow(i+1) - 1
			} else {
				upper = 1<<63 - 1
			}
			d := time.Duration(min(upper, uint64(1<<63-1)))
			return max(h.min, min(d, h.max))
		}
	}
	return h.max
}
