package model

import "time"

// Summary is the one-line description of a completed exchange that
// `hark listen --json` prints and NDJSON exports hold: everything a script
// needs, without the bodies.
type Summary struct {
	ID        ExchangeID     `json:"id"`
	Time      time.Time      `json:"time"`
	Method    string         `json:"method"`
	Path      string         `json:"path"`
	Query     string         `json:"query,omitempty"`
	Remote    string         `json:"remote,omitempty"`
	Platform  string         `json:"platform"`
	Kind      string         `json:"kind"`
	Session   string         `json:"session"`
	Consumed  bool           `json:"consumed"`
	Turns     []SummaryTurn  `json:"turns"`
	State     State          `json:"state"`
	Status    int            `json:"status"`
	Source    Source         `json:"source,omitempty"`
	Rule      string         `json:"rule,omitempty"`
	Signature *Signature     `json:"signature,omitempty"`
	Size      int64          `json:"request_bytes"`
	RespSize  int            `json:"response_bytes"`
	Forward   *SummaryFwd    `json:"forward,omitempty"`
	Timings   SummaryTimings `json:"timings"`
	Notes     []string       `json:"notes,omitempty"`
	// ResentOf is the exchange this one sent again (a resend from the
	// monitor), Edited whether the user changed the request first.
	ResentOf     ExchangeID `json:"resent_of,omitempty"`
	ResentEdited bool       `json:"resent_edited,omitempty"`
}

// SummaryTurn is a turn without its exchange back-reference.
type SummaryTurn struct {
	Role   Role      `json:"role"`
	Text   string    `json:"text,omitempty"`
	Time   time.Time `json:"time"`
	Marker string    `json:"marker,omitempty"`
}

// SummaryFwd is what the --forward target answered.
type SummaryFwd struct {
	URL       string  `json:"url"`
	Status    int     `json:"status,omitempty"`
	LatencyMS float64 `json:"latency_ms"`
	Error     string  `json:"error,omitempty"`
}

// SummaryTimings are the exchange's timings in milliseconds.
type SummaryTimings struct {
	ReadMS    float64 `json:"read_ms"`
	JournalMS float64 `json:"journal_ms"`
	HoldMS    float64 `json:"hold_ms,omitempty"`
	ForwardMS float64 `json:"forward_ms,omitempty"`
	TotalMS   float64 `json:"total_ms"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Summarize describes an exchange for scripts.
func (e *Exchange) Summarize() Summary {
	s := Summary{
		ID:       e.ID,
		Time:     e.Received,
		Method:   e.Request.Method,
		Path:     e.Request.Path,
		Query:    e.Request.RawQuery,
		Remote:   e.Request.RemoteAddr,
		Platform: e.Platform,
		Kind:     e.Kind,
		Session:  e.SessionID,
		Consumed: e.Consumed,
		Turns:    make([]SummaryTurn, 0, len(e.Turns)),
		State:    e.State,
		Size:     e.Request.Size,
		Notes:    e.Notes,
		Timings: SummaryTimings{
			ReadMS:    ms(e.Timings.Read),
			JournalMS: ms(e.Timings.Journal),
			HoldMS:    ms(e.Timings.Hold),
			ForwardMS: ms(e.Timings.Forward),
			TotalMS:   ms(e.Timings.Total),
		},
	}
	for _, t := range e.Turns {
		s.Turns = append(s.Turns, SummaryTurn{Role: t.Role, Text: t.Text, Time: t.Time, Marker: t.Marker})
	}
	if e.Resent != nil {
		s.ResentOf, s.ResentEdited = e.Resent.Of, e.Resent.Edited
	}
	if e.Signature.State != SigNone {
		sig := e.Signature
		s.Signature = &sig
	}
	if r := e.Response; r != nil {
		s.Status, s.Source, s.Rule, s.RespSize = r.Status, r.Source, r.Rule, len(r.Body)
	}
	if f := e.Forward; f != nil {
		s.Forward = &SummaryFwd{URL: f.URL, Status: f.Status, LatencyMS: ms(f.Latency), Error: f.Error}
	}
	return s
}
