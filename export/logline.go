package export

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
)

// LogLine describes a completed exchange in one human line, sanitized for a
// terminal:
//
//	21:30:01 navtalk conversation.output session_123 ai: "Hello" → 200 default 0.4ms
func LogLine(ex *model.Exchange) string { return string(AppendLogLine(nil, ex)) }

// AppendLogLine appends LogLine's line, without a newline, to b.
func AppendLogLine(b []byte, ex *model.Exchange) []byte {
	b = ex.Received.Local().AppendFormat(b, "15:04:05")
	b = append(b, ' ')
	b = append(b, ex.Platform...)
	b = append(b, ' ')
	b = append(b, sanitize.Line(ex.Kind)...)
	b = append(b, ' ')
	b = append(b, sanitize.Line(ex.SessionID)...)
	for _, t := range ex.Turns {
		switch {
		case t.Marker != "":
			b = append(b, " ["...)
			b = append(b, sanitize.Line(t.Marker)...)
			b = append(b, ']')
		case t.Text != "":
			b = append(b, ' ')
			b = append(b, t.Role...)
			b = append(b, `: "`...)
			b = append(b, clip(sanitize.Line(t.Text), 60)...)
			b = append(b, '"')
		}
	}
	b = append(b, " → "...)
	if r := ex.Response; r != nil {
		b = strconv.AppendInt(b, int64(r.Status), 10)
		b = append(b, ' ')
		b = append(b, r.Source...)
	} else {
		b = append(b, "no response"...)
	}
	if ex.State != model.StateResponded {
		b = append(b, " ("...)
		b = append(b, ex.State...)
		b = append(b, ')')
	}
	b = append(b, ' ')
	b = appendLatency(b, ex.Timings.Total)
	if s := ex.Signature; s.State != model.SigNone {
		b = append(b, " sig:"...)
		b = append(b, s.State...)
	}
	for _, n := range ex.Notes {
		b = append(b, " · "...)
		b = append(b, sanitize.Line(n)...)
	}
	return b
}

// clip cuts s to n runes, the last an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func formatLatency(d time.Duration) string { return string(appendLatency(nil, d)) }

// appendLatency appends formatLatency's text to b (the log line's, with
// no string to make per webhook).
func appendLatency(b []byte, d time.Duration) []byte {
	switch {
	case d < time.Millisecond:
		return append(strconv.AppendFloat(b, float64(d.Microseconds())/1000, 'f', 2, 64), "ms"...)
	case d < time.Second:
		return append(strconv.AppendFloat(b, float64(d.Microseconds())/1000, 'f', 1, 64), "ms"...)
	}
	return append(strconv.AppendFloat(b, d.Seconds(), 'f', 2, 64), 's')
}
