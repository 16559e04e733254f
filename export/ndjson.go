// Package export turns exchanges into the formats developers keep and share:
// NDJSON lines (what `hark listen --json` prints), HAR and Markdown
// transcripts.
package export

import (
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
)

// WriteNDJSON writes one exchange as one JSON line: its model.Summary.
// An exchange read from a journal gives the same line as it did live. C1
// and bidi controls, and the other runes sanitize.Invisible reports, are
// \u escapes: the line is safe on a terminal and means the same to jq.
func WriteNDJSON(w io.Writer, ex *model.Exchange) error {
	_, err := w.Write(AppendNDJSON(nil, ex))
	return err
}

// AppendNDJSON appends the JSON line of one exchange, "\n" included, to b.
// The line is what encoding/json makes of ex.Summarize(), with the runes
// sanitize.Invisible reports as \u escapes (sanitize.JSON), byte for byte
// (a test holds it to that), written by hand: `hark listen --json` prints
// one per webhook, and reflection cost more than the rest of the line's
// path.
func AppendNDJSON(b []byte, ex *model.Exchange) []byte {
	r := &ex.Request
	b = append(b, `{"id":`...)
	b = strconv.AppendUint(b, uint64(ex.ID), 10)
	b = appendTimeField(b, `,"time":`, ex.Received)
	b = appendStr(append(b, `,"method":`...), r.Method)
	b = appendStr(append(b, `,"path":`...), r.Path)
	if r.RawQuery != "" {
		b = appendStr(append(b, `,"query":`...), r.RawQuery)
	}
	if r.RemoteAddr != "" {
		b = appendStr(append(b, `,"remote":`...), r.RemoteAddr)
	}
	b = appendStr(append(b, `,"platform":`...), ex.Platform)
	b = appendStr(append(b, `,"kind":`...), ex.Kind)
	b = appendStr(append(b, `,"session":`...), ex.SessionID)
	b = append(b, `,"consumed":`...)
	if ex.Use == model.UseUnknown {
		b = append(b, "null"...) // nobody knows whether the platform reads it
	} else {
		b = strconv.AppendBool(b, ex.Consumed())
	}
	if len(ex.Also) > 0 {
		b = append(b, `,"also":[`...)
		for i, a := range ex.Also {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendStr(append(b, `{"name":`...), a.Name)
			b = append(appendStr(append(b, `,"value":`...), a.Value), '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"turns":[`...)
	for i := range ex.Turns {
		t := &ex.Turns[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = appendStr(append(b, `{"role":`...), string(t.Role))
		if t.Text != "" {
			b = appendStr(append(b, `,"text":`...), t.Text)
		}
		b = appendTimeField(b, `,"time":`, t.Time)
		if t.Marker != "" {
			b = appendStr(append(b, `,"marker":`...), t.Marker)
		}
		b = append(b, '}')
	}
	b = appendStr(append(b, `],"state":`...), string(ex.State))
	status, respSize := 0, 0
	var source model.Source
	var rule string
	if resp := ex.Response; resp != nil {
		status, source, rule, respSize = resp.Status, resp.Source, resp.Rule, len(resp.Body)
	}
	b = strconv.AppendInt(append(b, `,"status":`...), int64(status), 10)
	if source != "" {
		b = appendStr(append(b, `,"source":`...), string(source))
	}
	if rule != "" {
		b = appendStr(append(b, `,"rule":`...), rule)
	}
	if sig := ex.Signature; sig.State != model.SigNone {
		b = append(b, `,"signature":{`...)
		n := len(b)
		if sig.Scheme != "" {
			b = appendStr(append(b, `,"scheme":`...), sig.Scheme)
		}
		b = appendStr(append(b, `,"state":`...), string(sig.State))
		if sig.Detail != "" {
			b = appendStr(append(b, `,"detail":`...), sig.Detail)
		}
		b = append(append(b[:n], b[n+1:]...), '}') // the first field's comma
	}
	b = strconv.AppendInt(append(b, `,"request_bytes":`...), r.Size, 10)
	b = strconv.AppendInt(append(b, `,"response_bytes":`...), int64(respSize), 10)
	if f := ex.Forward; f != nil {
		b = appendStr(append(b, `,"forward":{"url":`...), f.URL)
		if f.Status != 0 {
			b = strconv.AppendInt(append(b, `,"status":`...), int64(f.Status), 10)
		}
		b = appendMS(append(b, `,"latency_ms":`...), f.Latency)
		if f.Error != "" {
			b = appendStr(append(b, `,"error":`...), f.Error)
		}
		b = append(b, '}')
	}
	tm := &ex.Timings
	b = appendMS(append(b, `,"timings":{"read_ms":`...), tm.Read)
	b = appendMS(append(b, `,"journal_ms":`...), tm.Journal)
	if tm.Hold.Microseconds() != 0 {
		b = appendMS(append(b, `,"hold_ms":`...), tm.Hold)
	}
	if tm.Forward.Microseconds() != 0 {
		b = appendMS(append(b, `,"forward_ms":`...), tm.Forward)
	}
	b = appendMS(append(b, `,"total_ms":`...), tm.Total)
	b = append(b, '}')
	if len(ex.Notes) > 0 {
		b = append(b, `,"notes":[`...)
		for i, n := range ex.Notes {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendStr(b, n)
		}
		b = append(b, ']')
	}
	if r := ex.Resent; r != nil {
		if r.Of != 0 {
			b = strconv.AppendUint(append(b, `,"resent_of":`...), uint64(r.Of), 10)
		}
		if r.Edited {
			b = append(b, `,"resent_edited":true`...)
		}
	}
	return append(b, "}\n"...)
}

// appendTimeField appends a time as time.Time's MarshalJSON does.
func appendTimeField(b []byte, name string, t time.Time) []byte {
	b = append(b, name...)
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendMS appends a duration in milliseconds (to the microsecond), as
// encoding/json writes the float model.Summary holds.
func appendMS(b []byte, d time.Duration) []byte {
	return strconv.AppendFloat(b, float64(d.Microseconds())/1000, 'f', -1, 64)
}

const hexDigits = "0123456789abcdef"

// appendStr appends s as a JSON string exactly as encoding/json's Marshal
// and then sanitize.JSON do: `"` and `\` escaped, control characters as
// \b \f \n \r \t or \u00XX, <, > and & as \u003c \u003e \u0026
// (HTML-safe), each byte of invalid UTF-8 replaced by U+FFFD, and U+2028,
// U+2029 and every other sanitize.Invisible rune (C1 and bidi controls,
// invisible format characters) as a \u escape.
func appendStr(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...) // the replacement character itself, as encoding/json writes it
		case sanitize.Invisible(r): // U+2028 and U+2029 among them
			b = append(b, s[start:i]...)
			b = sanitize.AppendJSONEscape(b, r)
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
