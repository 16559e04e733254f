package tui

import (
	"log/slog"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/sanitize"
)

// The log view (key L) shows the tunnel's status and ngrok's own log lines
// from the LogSink, newest at the bottom. Records are copied out of the sink
// when it signals (batched like store changes) and sanitized when drawn.

type logView struct {
	sink    *LogSink
	next    uint64
	recs    []LogRecord
	limit   int
	dropped uint64
	back    int // records scrolled back from the newest
	warns   int // warnings and errors not yet seen in the view
	open    bool
}

func newLogView(sink *LogSink) logView {
	lv := logView{sink: sink, limit: 1}
	if sink != nil {
		lv.limit = len(sink.ring)
		lv.pull()
	}
	return lv
}

// pull copies the sink's new records.
func (l *logView) pull() {
	if l.sink == nil {
		return
	}
	recs, next, dropped := l.sink.since(l.next)
	l.next = next
	l.dropped += dropped
	for _, r := range recs {
		if r.Level >= slog.LevelWarn && !l.open {
			l.warns++
		}
	}
	l.recs = append(l.recs, recs...)
	if len(l.recs) > 2*l.limit {
		l.recs = append([]LogRecord(nil), l.recs[len(l.recs)-l.limit:]...)
	}
}

// setOpen records whether the view is on screen; opening it marks every
// warning seen.
func (l *logView) setOpen(open bool) {
	l.open = open
	l.warns = 0
}

func (l *logView) unseenWarnings() int { return l.warns }

// shown returns the records the view keeps (the newest limit).
func (l *logView) shown() []LogRecord {
	if len(l.recs) > l.limit {
		return l.recs[len(l.recs)-l.limit:]
	}
	return l.recs
}

// key scrolls the view for a pane of h lines; leave reports the key that
// goes back to the sessions.
func (l *logView) key(k *keyMap, msg tea.KeyPressMsg, h int) (leave bool) {
	n := len(l.shown())
	back := func(d int) { l.back = min(max(l.back+d, 0), max(0, n-1)) }
	switch {
	case key.Matches(msg, k.Up):
		back(1)
	case key.Matches(msg, k.Down):
		back(-1)
	case key.Matches(msg, k.PageUp):
		back(h)
	case key.Matches(msg, k.PageDown):
		back(-h)
	case key.Matches(msg, k.Top):
		back(n)
	case key.Matches(msg, k.Bottom):
		l.back = 0
	case key.Matches(msg, k.Close), key.Matches(msg, k.Left):
		return true
	}
	return false
}

// renderLogs draws the newest records that fit, from the bottom up.
func (l *logView) render(st *styles, loc *time.Location, w, h int, focused bool) []string {
	recs := l.shown()
	note := plural(len(recs), "line")
	if l.back > 0 {
		note += " · " + plural(l.back, "line") + " below"
	}
	if l.dropped > 0 {
		note += " · " + plural(int(l.dropped), "older line") + " dropped"
	}
	out := []string{paneTitle(st, "Log", note, w, focused)}
	if l.sink == nil {
		out = append(out, fit(st.muted.Render(" no log is connected"), w))
	} else if len(recs) == 0 {
		out = append(out, fit(st.muted.Render(" nothing logged yet"), w))
	}
	// From the newest record shown, back until the pane is full; when the
	// oldest is reached first, the newer ones fill the rest below.
	room := h - len(out)
	end := len(recs) - 1 - l.back
	var rev []string
	for i := end; i >= 0 && len(rev) < room; i-- {
		lines := l.lines(st, loc, recs[i], w)
		for j := len(lines) - 1; j >= 0; j-- {
			rev = append(rev, lines[j])
		}
	}
	if len(rev) > room {
		rev = rev[:room]
	}
	for i := len(rev) - 1; i >= 0; i-- {
		out = append(out, rev[i])
	}
	for i := end + 1; i < len(recs) && len(out) < h; i++ {
		for _, l := range l.lines(st, loc, recs[i], w) {
			if len(out) < h {
				out = append(out, l)
			}
		}
	}
	for len(out) < h {
		out = append(out, spaces(w))
	}
	return out
}

// logLines draws one record, wrapped under its message.
func (l *logView) lines(st *styles, loc *time.Location, r LogRecord, w int) []string {
	lvl := st.muted
	switch {
	case r.Level >= slog.LevelError:
		lvl = st.err
	case r.Level >= slog.LevelWarn:
		lvl = st.warn
	case r.Level >= slog.LevelInfo:
		lvl = st.info
	}
	head := " " + st.muted.Render(clock(loc, r.Time)) + " " + lvl.Render(fitRight(r.Level.String(), 5)) + " "
	const indent = 16
	text := sanitize.Line(r.Message)
	if r.Attrs != "" {
		text += " " + st.muted.Render(sanitize.Line(r.Attrs))
	}
	var out []string
	for i, part := range wrap(text, max(w-indent, 10)) {
		if i == 0 {
			out = append(out, fit(head+part, w))
		} else {
			out = append(out, fit(spaces(indent)+part, w))
		}
	}
	return out
}
