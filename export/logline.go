package export

import (
	"strconv"
	"strings"
	"time"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
)

// LogLine describes a completed exchange in one human line, sanitized for a
// terminal:
//
//	21:30:01 navtalk conversation.output session_123 ai: "Hello" → 200 default 0.4ms
func LogLine(ex *model.Exchange) string {
	var b strings.Builder
	b.WriteString(ex.Received.Local().Format("15:04:05"))
	b.WriteByte(' ')
	b.WriteString(ex.Platform)
	b.WriteByte(' ')
	b.WriteString(sanitize.Line(ex.Kind))
	b.WriteByte(' ')
	b.WriteString(sanitize.Line(ex.SessionID))
	for _, t := range ex.Turns {
		switch {
		case t.Marker != "":
			b.WriteString(" [" + sanitize.Line(t.Marker) + "]")
		case t.Text != "":
			b.WriteString(" " + string(t.Role) + `: "` + clip(sanitize.Line(t.Text), 60) + `"`)
		}
	}
	b.WriteString(" → ")
	if r := ex.Response; r != nil {
		b.WriteString(strconv.Itoa(r.Status))
		b.WriteByte(' ')
		b.WriteString(string(r.Source))
	} else {
		b.WriteString("no response")
	}
	if ex.State != model.StateResponded {
		b.WriteString(" (" + string(ex.State) + ")")
	}
	b.WriteByte(' ')
	b.WriteString(formatLatency(ex.Timings.Total))
	if s := ex.Signature; s.State != model.SigNone {
		b.WriteString(" sig:" + string(s.State))
	}
	for _, n := range ex.Notes {
		b.WriteString(" · " + sanitize.Line(n))
	}
	return b.String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func formatLatency(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + "ms"
	case d < time.Second:
		return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + "ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
}
