package journal

import (
	"encoding/base64"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/harkhq/hark/model"
)

// The encoder appends records by hand rather than through encoding/json:
// there is no reflection, no []byte→string copy of bodies, no second pass
// over a json.Marshaler's output, and strings that are not UTF-8 keep their
// bytes (see the package comment). BenchmarkEncode measures the difference.

// encoder is a reusable buffer for one record.
type encoder struct {
	buf  []byte
	keys []string // header names being sorted
}

// maxPooled is the largest buffer kept for reuse; a record with a body of
// several MiB gets a buffer of its own that is then dropped.
const maxPooled = 256 << 10

var encoders = sync.Pool{New: func() any { return &encoder{buf: make([]byte, 0, 4096)} }}

func getEncoder() *encoder { return encoders.Get().(*encoder) }

func putEncoder(e *encoder) {
	if cap(e.buf) > maxPooled {
		return
	}
	e.buf = e.buf[:0]
	clear(e.keys)
	e.keys = e.keys[:0]
	encoders.Put(e)
}

// header appends a header record.
func (e *encoder) header(started time.Time, version string) {
	b := append(e.buf, `{"t":"hark","v":`...)
	b = strconv.AppendInt(b, FormatVersion, 10)
	b = appendTimeField(b, "started", started)
	b = appendStringField(b, "version", version)
	e.buf = append(b, "}\n"...)
}

// request appends the request record of an exchange.
func (e *encoder) request(ex *model.Exchange) {
	r := &ex.Request
	b := append(e.buf, `{"t":"req","id":`...)
	b = strconv.AppendUint(b, uint64(ex.ID), 10)
	b = appendTimeField(b, "at", ex.Received)
	b = appendStringField(b, "method", r.Method)
	b = appendStringField(b, "path", r.Path)
	b = appendStringField(b, "query", r.RawQuery)
	b = appendStringField(b, "proto", r.Proto)
	b = appendStringField(b, "host", r.Host)
	b = appendStringField(b, "remote", r.RemoteAddr)
	e.buf = b
	e.headers("headers", r.Headers)
	b = appendBody(e.buf, "body", r.Body)
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, r.Size, 10)
	b = appendBoolField(b, "truncated", r.Truncated)
	b = appendStringField(b, "platform", ex.Platform)
	b = appendStringField(b, "kind", ex.Kind)
	b = appendStringField(b, "session", ex.SessionID)
	b = appendTurns(b, ex.Turns)
	b = appendBoolField(b, "record", ex.Record)
	b = appendBoolField(b, "consumed", ex.Consumed)
	b = appendIntField(b, "deadline_ns", int64(ex.Deadline))
	b = appendSignature(b, ex.Signature)
	b = appendStrings(b, "notes", ex.Notes)
	if r := ex.Resent; r != nil {
		b = appendIntField(b, "resent_of", int64(r.Of))
		b = appendBoolField(b, "resent_edited", r.Edited)
	}
	e.buf = append(b, "}\n"...)
}

// response appends the response record of an exchange, written at at.
func (e *encoder) response(ex *model.Exchange, at time.Time) {
	b := append(e.buf, `{"t":"resp","id":`...)
	b = strconv.AppendUint(b, uint64(ex.ID), 10)
	b = appendTimeField(b, "at", at)
	b = appendStringField(b, "state", string(ex.State))
	if r := ex.Response; r != nil {
		b = append(b, `,"status":`...)
		b = strconv.AppendInt(b, int64(r.Status), 10)
		e.buf = b
		e.headers("headers", r.Headers)
		b = appendBody(e.buf, "body", r.Body)
		b = appendStringField(b, "source", string(r.Source))
		b = appendStringField(b, "rule", r.Rule)
	}
	if f := ex.Forward; f != nil {
		b = append(b, `,"forward":{"url":`...)
		b = appendString(b, f.URL)
		b = appendIntField(b, "status", int64(f.Status))
		e.buf = b
		e.headers("headers", f.Headers)
		b = appendBody(e.buf, "body", f.Body)
		b = appendIntField(b, "latency_ns", int64(f.Latency))
		b = appendStringField(b, "error", f.Error)
		b = append(b, '}')
	}
	b = appendTimings(b, ex.Timings)
	b = appendTimeField(b, "held_until", ex.HeldUntil)
	b = appendStrings(b, "notes", ex.Notes)
	e.buf = append(b, "}\n"...)
}

// headers appends a header map with its names sorted, so that equal
// exchanges give equal lines.
func (e *encoder) headers(name string, h map[string][]string) {
	if len(h) == 0 {
		return
	}
	keys := e.keys[:0]
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := append(e.buf, ',', '"')
	b = append(b, name...)
	b = append(b, `":{`...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':', '[')
		for j, v := range h[k] {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendString(b, v)
		}
		b = append(b, ']')
	}
	e.buf = append(b, '}')
	e.keys = keys
}

func appendTurns(b []byte, turns []model.Turn) []byte {
	if len(turns) == 0 {
		return b
	}
	b = append(b, `,"turns":[`...)
	for i := range turns {
		t := &turns[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"role":`...)
		b = appendString(b, string(t.Role))
		b = appendStringField(b, "text", t.Text)
		b = appendTimeField(b, "time", t.Time)
		b = appendStringField(b, "marker", t.Marker)
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendSignature(b []byte, s model.Signature) []byte {
	if s == (model.Signature{}) {
		return b
	}
	b = append(b, `,"sig":{`...)
	n := len(b)
	b = appendStringField(b, "scheme", s.Scheme)
	b = appendStringField(b, "state", string(s.State))
	b = appendStringField(b, "detail", s.Detail)
	b = slices.Delete(b, n, n+1) // the first field's comma
	return append(b, '}')
}

func appendTimings(b []byte, t model.Timings) []byte {
	if t == (model.Timings{}) {
		return b
	}
	b = append(b, `,"timings":{`...)
	n := len(b)
	b = appendIntField(b, "read_ns", int64(t.Read))
	b = appendIntField(b, "journal_ns", int64(t.Journal))
	b = appendIntField(b, "hold_ns", int64(t.Hold))
	b = appendIntField(b, "forward_ns", int64(t.Forward))
	b = appendIntField(b, "total_ns", int64(t.Total))
	b = slices.Delete(b, n, n+1) // the first field's comma
	return append(b, '}')
}

// appendBody stores a body as text when it is valid UTF-8, else as base64.
func appendBody(b []byte, name string, body []byte) []byte {
	if len(body) == 0 {
		return b
	}
	if utf8.Valid(body) {
		b = append(b, ',', '"')
		b = append(b, name...)
		b = append(b, '"', ':')
		return appendString(b, body)
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, `_b64":"`...)
	b = base64.StdEncoding.AppendEncode(b, body)
	return append(b, '"')
}

func appendStrings(b []byte, name string, list []string) []byte {
	if len(list) == 0 {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':', '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

func appendStringField(b []byte, name, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, s)
}

func appendIntField(b []byte, name string, n int64) []byte {
	if n == 0 {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return strconv.AppendInt(b, n, 10)
}

func appendBoolField(b []byte, name string, v bool) []byte {
	if !v {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	return append(b, `":true`...)
}

func appendTimeField(b []byte, name string, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':', '"')
	b = appendTime(b, t)
	return append(b, '"')
}
