package stats

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
)

// Figures are one session's figures, named.
type Figures struct {
	Session model.SessionKey
	Summary
}

// OfStore computes the figures of the named sessions of a store that holds
// all their exchanges (a journal loaded into it), in the order given.
func OfStore(store *model.Store, keys []model.SessionKey) []Figures {
	out := make([]Figures, 0, len(keys))
	for _, k := range keys {
		sess, ok := store.Session(k)
		if !ok {
			continue
		}
		exs := make([]*model.Exchange, 0, len(sess.Exchanges))
		for _, id := range sess.Exchanges {
			if ex, ok := store.Exchange(id); ok {
				exs = append(exs, &ex)
			}
		}
		out = append(out, Figures{Session: k, Summary: Of(&sess, exs)})
	}
	return out
}

// Duration writes a duration for a table of timings: 0.4ms, 12ms, 1.3s;
// "—" for none.
func Duration(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
	case d < time.Second:
		return strconv.Itoa(int(d/time.Millisecond)) + "ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	}
	return d.Round(time.Second).String()
}

// WriteTable prints figures as a table, one session a line.
func WriteTable(w io.Writer, figs []Figures) error {
	// Numbers align right; the sessions, padded to one width, read left
	// to right.
	names := make([]string, len(figs))
	nameW := len("session")
	for i, f := range figs {
		names[i] = sanitize.Line(f.Session.String())
		nameW = max(nameW, utf8.RuneCountInString(names[i]))
	}
	pad := func(s string) string { return s + strings.Repeat(" ", nameW-utf8.RuneCountInString(s)) }
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, pad("session")+"\texchanges\tturns\terrors\tanswer p50\tp95\tmax\tforward p50\tp95\tuser→bot p50\tp95\tmissed\tnear\tfallbacks\t")
	for i, f := range figs {
		s := f.Summary
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t\n",
			pad(names[i]), s.Exchanges, s.Turns, s.Errors,
			Duration(s.Answer.P50), Duration(s.Answer.P95), Duration(s.Answer.Max),
			Duration(s.Forward.P50), Duration(s.Forward.P95),
			Duration(s.Gap.P50), Duration(s.Gap.P95),
			s.DeadlineMisses, s.NearMisses, s.Fallbacks)
	}
	return tw.Flush()
}

// MarshalJSON writes figures for scripts: durations in milliseconds.
func (f Figures) MarshalJSON() ([]byte, error) {
	type dist struct {
		N   int     `json:"n"`
		P50 float64 `json:"p50"`
		P95 float64 `json:"p95"`
		Max float64 `json:"max"`
	}
	conv := func(d Dist) dist { return dist{N: d.N, P50: msOf(d.P50), P95: msOf(d.P95), Max: msOf(d.Max)} }
	s := f.Summary
	return json.Marshal(struct {
		Platform       string `json:"platform"`
		Session        string `json:"session"`
		Exchanges      int    `json:"exchanges"`
		Answered       int    `json:"answered"`
		Turns          int    `json:"turns"`
		Errors         int    `json:"errors"`
		Answer         dist   `json:"answer_ms"`
		Forward        dist   `json:"forward_ms"`
		Gap            dist   `json:"user_to_bot_ms"`
		DeadlineMisses int    `json:"deadline_misses"`
		NearMisses     int    `json:"near_misses"`
		Fallbacks      int    `json:"fallbacks"`
	}{f.Session.Platform, f.Session.ID, s.Exchanges, s.Answered, s.Turns, s.Errors, conv(s.Answer), conv(s.Forward), conv(s.Gap),
		s.DeadlineMisses, s.NearMisses, s.Fallbacks})
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
