package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/harkhq/hark/hop"
)

// Report sums up a run.
type Report struct {
	Sent     int            // requests that went out (and got a response or an error)
	OK       int            // answered 2xx
	Failed   int            // answered otherwise, or failed before a response
	Sessions int            // conversations started
	Status   map[int]int    // responses by status code
	Errors   map[string]int // requests that got no response, by cause
	Kinds    map[string]int // requests by "platform/kind"

	P50, P90, P99, Max time.Duration // latency: request sent → response body read
	Elapsed            time.Duration
	Throughput         float64 // requests per second over Elapsed
}

// stats accumulate a run's results.
type stats struct {
	sent, ok, failed int
	status           map[int]int
	errors           map[string]int
	kinds            map[string]int
	latency          histogram
}

func newStats() stats {
	return stats{status: map[int]int{}, errors: map[string]int{}, kinds: map[string]int{}}
}

func (s *stats) add(r *Result) {
	s.sent++
	if r.OK() {
		s.ok++
	} else {
		s.failed++
	}
	if r.Err != nil {
		s.errors[errorCause(r.Err)]++
	} else {
		s.status[r.Status]++
		s.latency.add(r.Latency)
	}
	s.kinds[r.Platform+"/"+r.Kind]++
}

func (r *runner) report(elapsed time.Duration) Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &r.stats
	rep := Report{
		Sent: s.sent, OK: s.ok, Failed: s.failed, Sessions: int(r.sessions.Load()),
		Status: maps.Clone(s.status), Errors: maps.Clone(s.errors), Kinds: maps.Clone(s.kinds),
		P50: s.latency.quantile(0.50), P90: s.latency.quantile(0.90), P99: s.latency.quantile(0.99),
		Max:     s.latency.max,
		Elapsed: elapsed,
	}
	if elapsed > 0 {
		rep.Throughput = float64(s.sent) / elapsed.Seconds()
	}
	return rep
}

// errorCause names why a request got no response, in words that group
// alike failures (hop.Describe leaves the URL and addresses out), short
// enough for the report's table.
func errorCause(err error) string {
	msg := hop.Describe(err)
	if len(msg) > 80 {
		msg = msg[:80] + "…"
	}
	return msg
}

// String is the report as Write prints it.
func (r Report) String() string {
	var b strings.Builder
	r.Write(&b)
	return b.String()
}

// Write prints the report as a small table.
func (r Report) Write(w io.Writer) error {
	var b strings.Builder
	row := func(label, format string, args ...any) {
		fmt.Fprintf(&b, "%-10s %s\n", label, fmt.Sprintf(format, args...))
	}
	row("sent", "%s in %s (%.1f req/s), %s", count(r.Sent, "request"), roundDur(r.Elapsed), r.Throughput, count(r.Sessions, "conversation"))
	row("ok", "%d", r.OK)
	row("failed", "%d", r.Failed)
	if len(r.Status) > 0 {
		codes := slices.Sorted(maps.Keys(r.Status))
		parts := make([]string, len(codes))
		for i, c := range codes {
			parts[i] = fmt.Sprintf("%d ×%d", c, r.Status[c])
		}
		row("status", "%s", strings.Join(parts, "  "))
	}
	if len(r.Errors) > 0 {
		causes := slices.Sorted(maps.Keys(r.Errors))
		slices.SortStableFunc(causes, func(a, b string) int { return r.Errors[b] - r.Errors[a] })
		for i, c := range causes {
			label := ""
			if i == 0 {
				label = "errors"
			}
			row(label, "%s ×%d", c, r.Errors[c])
		}
	}
	if r.Sent-sumValues(r.Errors) > 0 {
		row("latency", "p50 %s  p90 %s  p99 %s  max %s", roundDur(r.P50), roundDur(r.P90), roundDur(r.P99), roundDur(r.Max))
	}
	if len(r.Kinds) > 0 {
		kinds := slices.Sorted(maps.Keys(r.Kinds))
		for i, k := range kinds {
			label := ""
			if i == 0 {
				label = "by kind"
			}
			row(label, "%-28s %d", k, r.Kinds[k])
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// MarshalJSON writes the report for scripts (hark send --json): counts,
// status codes and error causes as objects, latencies in milliseconds.
func (r Report) MarshalJSON() ([]byte, error) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	status := make(map[string]int, len(r.Status))
	for code, n := range r.Status {
		status[strconv.Itoa(code)] = n
	}
	return json.Marshal(struct {
		Sent       int            `json:"sent"`
		OK         int            `json:"ok"`
		Failed     int            `json:"failed"`
		Sessions   int            `json:"sessions"`
		Status     map[string]int `json:"status"`
		Errors     map[string]int `json:"errors"`
		Kinds      map[string]int `json:"kinds"`
		P50        float64        `json:"p50_ms"`
		P90        float64        `json:"p90_ms"`
		P99        float64        `json:"p99_ms"`
		Max        float64        `json:"max_ms"`
		Elapsed    float64        `json:"elapsed_ms"`
		Throughput float64        `json:"requests_per_second"`
	}{r.Sent, r.OK, r.Failed, r.Sessions, status, nonNil(r.Errors), nonNil(r.Kinds),
		ms(r.P50), ms(r.P90), ms(r.P99), ms(r.Max), ms(r.Elapsed), r.Throughput})
}

func nonNil(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

// count is "1 request" or "2 requests".
func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func sumValues(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// roundDur keeps three significant digits or so.
func roundDur(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(100 * time.Microsecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	case d >= 10*time.Microsecond:
		return d.Round(100 * time.Nanosecond)
	case d >= time.Microsecond:
		return d.Round(10 * time.Nanosecond)
	}
	return d
}
