package replay

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
)

// Outcome is how one replayed exchange went.
type Outcome string

const (
	Same    Outcome = "same"    // the new response has the recorded status and body
	Differs Outcome = "differs" // it does not: see Diffs
	Failed  Outcome = "failed"  // no answer: see Reason
	Skipped Outcome = "skipped" // not sent: see Reason
)

// Result is what replaying one exchange found.
type Result struct {
	ID       model.ExchangeID
	Method   string
	Path     string // as recorded
	Query    string // as recorded; not in Line, since it may carry a token
	Platform string
	Session  string
	Outcome  Outcome
	// Recorded is the status that went back when the exchange was
	// recorded, RecordedSource where that response came from (edited,
	// rule, forward...).
	Recorded       int
	RecordedSource model.Source
	Status         int // the new response's status; 0 without one
	// Diffs are the first differences (status, then body); More counts
	// those not listed.
	Diffs    []Difference
	More     int
	Reason   string // why it failed or was skipped
	Resigned string // what re-signing changed, if anything
	Latency  time.Duration
}

// Line describes the result in one line, safe for a terminal:
//
//	#17 POST /chatbot 200 → 200 same
//	#18 POST /moveo 200 (edited) → 200 differs: body "responses[0].text": "Hi" → "Hello"
func (r Result) Line() string {
	var b strings.Builder
	b.WriteString(r.ID.String() + " " + sanitize.Line(r.Method) + " " + sanitize.Line(r.Path) + " ")
	if r.Outcome == Skipped {
		b.WriteString("skipped: " + r.Reason)
		return b.String()
	}
	b.WriteString(strconv.Itoa(r.Recorded))
	if r.RecordedSource != "" && r.RecordedSource != model.SourceDefault {
		b.WriteString(" (" + sanitize.Line(string(r.RecordedSource)) + ")")
	}
	b.WriteString(" → ")
	switch r.Outcome {
	case Failed:
		b.WriteString("failed: " + sanitize.Line(r.Reason))
	case Same:
		b.WriteString(strconv.Itoa(r.Status) + " same")
	case Differs:
		b.WriteString(strconv.Itoa(r.Status) + " differs: ")
		var parts []string
		for _, d := range r.Diffs {
			if d.Part != "status" { // the status is already on the line
				parts = append(parts, sanitize.Line(d.String()))
			}
		}
		if len(parts) == 0 {
			parts = append(parts, "status")
		}
		b.WriteString(strings.Join(parts, "; "))
		if r.More > 0 {
			b.WriteString(fmt.Sprintf("; and %d more", r.More))
		}
	}
	return b.String()
}

// MarshalJSON writes the result as `hark replay --json` prints it.
func (r Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID             model.ExchangeID `json:"id"`
		Method         string           `json:"method"`
		Path           string           `json:"path"`
		Query          string           `json:"query,omitempty"`
		Platform       string           `json:"platform"`
		Session        string           `json:"session"`
		Outcome        Outcome          `json:"outcome"`
		Recorded       int              `json:"recorded_status,omitempty"`
		RecordedSource model.Source     `json:"recorded_source,omitempty"`
		Status         int              `json:"status,omitempty"`
		Diffs          []Difference     `json:"diffs,omitempty"`
		More           int              `json:"more_diffs,omitempty"`
		Reason         string           `json:"reason,omitempty"`
		Resigned       string           `json:"resigned,omitempty"`
		LatencyMS      float64          `json:"latency_ms,omitempty"`
	}{r.ID, r.Method, r.Path, r.Query, r.Platform, r.Session, r.Outcome, r.Recorded, r.RecordedSource, r.Status,
		r.Diffs, r.More, r.Reason, r.Resigned, float64(r.Latency.Microseconds()) / 1000})
}

// Report sums up a replay.
type Report struct {
	Results []Result
	Sent    int // requests sent: Same + Differ + Failed
	Same    int
	Differ  int
	Failed  int
	Skipped int
	// Resigned counts the requests signed again with new secrets.
	Resigned int
	Elapsed  time.Duration
}

func (r *Report) add(res Result) {
	r.Results = append(r.Results, res)
	switch res.Outcome {
	case Same:
		r.Same++
	case Differs:
		r.Differ++
	case Failed:
		r.Failed++
	case Skipped:
		r.Skipped++
	}
	if res.Outcome != Skipped {
		r.Sent++
	}
	if res.Resigned != "" {
		r.Resigned++
	}
}

// OK reports whether every request sent got the recorded answer.
func (r *Report) OK() bool { return r.Differ == 0 && r.Failed == 0 }

// Summary says in one line how the replay went:
//
//	12 sent in 1.2s: 11 same, 1 differs, 0 failed; 2 skipped; 3 re-signed
func (r *Report) Summary() string {
	s := fmt.Sprintf("%d sent in %s: %d same, %d differ, %d failed", r.Sent, r.Elapsed.Round(time.Millisecond), r.Same, r.Differ, r.Failed)
	if r.Skipped > 0 {
		s += fmt.Sprintf("; %d skipped", r.Skipped)
	}
	if r.Resigned > 0 {
		s += fmt.Sprintf("; %d re-signed", r.Resigned)
	}
	return s
}
