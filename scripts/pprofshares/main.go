// Command pprofshares says where a receiver's CPU goes, by part of hark,
// from CPU profiles that scripts/profile.sh took: it reads
// `go tool pprof -traces` of each and files every sample under the first
// part whose pattern a function of its stack matches, so that the shares
// of a profile add up to 100 %. Given the request rate while a profile
// was taken (PROFILE@RATE), it also gives each part in CPU microseconds
// per request.
//
//	go run ./scripts/pprofshares nojournal.pprof@21000 fast.pprof fsync.pprof
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// parts are the parts of a receiver, first match wins.
var parts = []struct {
	label string
	re    *regexp.Regexp
}{
	{"classification (platform, session, kind, turns, signature)", regexp.MustCompile(`^github\.com/harkhq/hark/platform\.`)},
	{"journal records (encoding, group commit, write, fsync)", regexp.MustCompile(`^github\.com/harkhq/hark/journal\.`)},
	{"store and its change notifications", regexp.MustCompile(`^github\.com/harkhq/hark/model\.`)},
	{"listen output (NDJSON and log lines, written)", regexp.MustCompile(`^github\.com/harkhq/hark/(export|internal/cli)\.`)},
	{"net/http: writing the answer (a bare handler pays it)", regexp.MustCompile(`^net/http\.\(\*(response|chunkWriter)\)\.`)},
	{"rest of the handler (body, default response, policy)", regexp.MustCompile(`^github\.com/harkhq/hark/receiver\.`)},
	{"net/http: requests, connections (a bare handler pays it)", regexp.MustCompile(`^net/http\.`)},
	{"garbage collection (background)", regexp.MustCompile(`^runtime\.(gcBgMarkWorker|bgsweep|bgscavenge)$`)},
	{"scheduler, timers, other", regexp.MustCompile(`.`)},
}

var sampleLine = regexp.MustCompile(`^\s*([\d.]+)(s|ms|us|µs|ns)\s+(\S.*)$`)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: pprofshares PROFILE...")
		os.Exit(2)
	}
	fmt.Printf("%-58s", "share of the receiver's CPU")
	var cols []column
	for _, arg := range os.Args[1:] {
		path, rate, _ := strings.Cut(arg, "@")
		c, err := shares(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pprofshares:", err)
			os.Exit(1)
		}
		if c.rate, err = strconv.ParseFloat(rate, 64); rate != "" && err != nil {
			fmt.Fprintf(os.Stderr, "pprofshares: %s: the rate %q is not a number\n", arg, rate)
			os.Exit(2)
		}
		cols = append(cols, c)
		name := strings.TrimSuffix(filepath.Base(path), ".pprof")
		if c.rate > 0 {
			fmt.Printf("%18s", name)
		} else {
			fmt.Printf("%11s", name)
		}
	}
	fmt.Println()
	for i, p := range parts {
		fmt.Printf("%-58s", p.label)
		for _, c := range cols {
			fmt.Printf("%10.0f%%", 100*c.ms[i]/c.total())
			if c.rate > 0 {
				fmt.Printf(" %4.1fµs", c.ms[i]/1e3/(c.rate*c.seconds)*1e6)
			}
		}
		fmt.Println()
	}
	fmt.Printf("%-58s", "total")
	for _, c := range cols {
		fmt.Printf("%10.0f%%", 100.0)
		if c.rate > 0 {
			fmt.Printf(" %4.1fµs", c.total()/1e3/(c.rate*c.seconds)*1e6)
		}
	}
	fmt.Println()
}

// column is one profile's samples by part.
type column struct {
	ms      []float64 // milliseconds of CPU, by part
	seconds float64   // how long the profile ran
	rate    float64   // requests per second meanwhile, when known
}

func (c column) total() float64 {
	t := 0.0
	for _, v := range c.ms {
		t += v
	}
	return t
}

var durationLine = regexp.MustCompile(`^Duration: ([\d.]+)s`)

// shares sums a profile's samples by part, in milliseconds.
func shares(path string) (column, error) {
	out, err := exec.Command("go", "tool", "pprof", "-traces", path).Output()
	if err != nil {
		return column{}, fmt.Errorf("go tool pprof -traces %s: %w", path, err)
	}
	sums := make([]float64, len(parts))
	col := column{ms: sums}
	var value float64
	var stack []string
	flush := func() {
		for i, p := range parts {
			if matchAny(p.re, stack) {
				sums[i] += value
				break
			}
		}
		stack = stack[:0]
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case durationLine.MatchString(line):
			col.seconds, _ = strconv.ParseFloat(durationLine.FindStringSubmatch(line)[1], 64)
		case strings.HasPrefix(line, "-----------+"):
			if len(stack) > 0 {
				flush()
			}
		case sampleLine.MatchString(line):
			m := sampleLine.FindStringSubmatch(line)
			v, _ := strconv.ParseFloat(m[1], 64)
			value = v * map[string]float64{"s": 1e3, "ms": 1, "us": 1e-3, "µs": 1e-3, "ns": 1e-6}[m[2]]
			stack = append(stack, strings.TrimSpace(m[3]))
		case strings.TrimSpace(line) != "" && len(stack) > 0:
			stack = append(stack, strings.TrimSpace(line))
		}
	}
	if len(stack) > 0 {
		flush()
	}
	return col, sc.Err()
}

func matchAny(re *regexp.Regexp, funcs []string) bool {
	for _, f := range funcs {
		if re.MatchString(f) {
			return true
		}
	}
	return false
}
