package tui

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LogRecord is one log line as the sink keeps it, unsanitized: the log view
// sanitizes it when it is drawn.
type LogRecord struct {
	Time    time.Time
	Level   slog.Level
	Message string
	Attrs   string // key=value pairs
}

// LogSink keeps the newest log records in a ring buffer and tells the
// monitor when there are new ones, so the tunnel's status and ngrok's own
// log reach the screen through the log view (key L), batched, and never as
// raw writes to the terminal.
type LogSink struct {
	mu    sync.Mutex
	ring  []LogRecord
	next  uint64 // sequence number of the next record
	level slog.Level
	ready chan struct{}
}

// NewLogSink returns a sink that keeps the newest capacity records (at least
// one), at level Info and above.
func NewLogSink(capacity int) *LogSink {
	if capacity < 1 {
		capacity = 1
	}
	return &LogSink{ring: make([]LogRecord, capacity), level: slog.LevelInfo, ready: make(chan struct{}, 1)}
}

// SetLevel sets the lowest level kept.
func (s *LogSink) SetLevel(l slog.Level) {
	s.mu.Lock()
	s.level = l
	s.mu.Unlock()
}

// Handler returns a slog.Handler that writes into the sink.
func (s *LogSink) Handler() slog.Handler { return &logHandler{sink: s} }

// Add appends a record.
func (s *LogSink) Add(rec LogRecord) {
	s.mu.Lock()
	s.ring[s.next%uint64(len(s.ring))] = rec
	s.next++
	s.mu.Unlock()
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// since returns the records from sequence number seq on (the oldest may have
// been overwritten: dropped says how many), and the next sequence number.
func (s *LogSink) since(seq uint64) (recs []LogRecord, next, dropped uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := uint64(len(s.ring))
	if s.next > n && seq < s.next-n {
		dropped = s.next - n - seq
		seq = s.next - n
	}
	for ; seq < s.next; seq++ {
		recs = append(recs, s.ring[seq%n])
	}
	return recs, s.next, dropped
}

func (s *LogSink) enabled(l slog.Level) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return l >= s.level
}

// logHandler formats records as text attributes; groups and WithAttrs
// prefixes are kept as dotted keys.
type logHandler struct {
	sink   *LogSink
	prefix string // preformatted attributes from WithAttrs
	group  string // dotted group prefix for keys
}

func (h *logHandler) Enabled(_ context.Context, l slog.Level) bool { return h.sink.enabled(l) }

func (h *logHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(h.prefix)
	r.Attrs(func(a slog.Attr) bool {
		appendAttr(&b, h.group, a)
		return true
	})
	h.sink.Add(LogRecord{Time: r.Time, Level: r.Level, Message: r.Message, Attrs: strings.TrimSpace(b.String())})
	return nil
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	var b strings.Builder
	b.WriteString(h.prefix)
	for _, a := range attrs {
		appendAttr(&b, h.group, a)
	}
	return &logHandler{sink: h.sink, prefix: b.String(), group: h.group}
}

func (h *logHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &logHandler{sink: h.sink, prefix: h.prefix, group: h.group + name + "."}
}

func appendAttr(b *strings.Builder, group string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		g := group
		if a.Key != "" {
			g += a.Key + "."
		}
		for _, ga := range a.Value.Group() {
			appendAttr(b, g, ga)
		}
		return
	}
	b.WriteByte(' ')
	b.WriteString(group)
	b.WriteString(a.Key)
	b.WriteByte('=')
	v := a.Value.String()
	if v == "" || strings.ContainsAny(v, " \t\n\"=") {
		v = strconv.Quote(v)
	}
	b.WriteString(v)
}
