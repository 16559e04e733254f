package tui

import (
	"strconv"

	"charm.land/lipgloss/v2"
)

// The header: what hark is connected to and how it is going (line 1), and
// the counts, follow mode and anything that wants attention (line 2).

const headerHeight = 2

func (m *Model) renderHeader(w int) []string {
	st := m.st
	// Line 1: name, title, tunnel state and URL; intercept mode on the right.
	left := " " + st.accentBold.Render("hark")
	if m.opts.Title != "" {
		left += st.muted.Render(" · " + oneLine(m.opts.Title))
	}
	ep := m.endpoint
	if m.opts.ReadOnly {
		src := oneLine(m.opts.Source)
		if src == "" {
			src = "history"
		}
		left += "  " + st.info.Render("▤ "+src) + st.muted.Render(" read-only")
	} else {
		state := ep.State
		if state == "" {
			state = EndpointConnecting
		}
		left += "  " + stateStyle(st, state).Render("● "+state)
		if ep.URL != "" {
			left += "  " + st.bold.Render(oneLine(ep.URL))
		}
	}
	var right string
	if !m.opts.ReadOnly {
		right = m.icpt.status(st, w < 100) + " "
	}
	line1 := spread(left, right, w)

	// Line 2: counts; then a flash message, the tunnel's reason, or the
	// follow mode and unread log warnings.
	c := m.counts
	compact := w < 100
	count := func(n int, long, short string) string {
		if compact {
			return strconv.Itoa(n) + " " + short
		}
		return plural(n, long)
	}
	parts := " " + count(c.Sessions, "session", "sess") + st.muted.Render(" · ") + count(c.Exchanges, "exchange", "ex")
	held := count(c.Held, "held", "held")
	if !compact {
		held = strconv.Itoa(c.Held) + " held"
	}
	if c.Held > 0 {
		parts += st.muted.Render(" · ") + st.warn.Render("⏸ "+held)
	} else {
		parts += st.muted.Render(" · " + held)
	}
	errs := count(c.Errors, "error", "err")
	if c.Errors > 0 {
		parts += st.muted.Render(" · ") + st.err.Render("✗ "+errs)
	} else {
		parts += st.muted.Render(" · " + errs)
	}
	if n := m.dropped(); n > 0 { // said plainly: they cannot be opened again
		parts += st.muted.Render(" · ") + st.warn.Render(pick(!compact, strconv.Itoa(n)+" dropped (no journal)", strconv.Itoa(n)+" drop"))
	}
	var note string
	switch journal := m.journalWarning(compact); {
	case journal != "":
		note = st.err.Render(journal) // standing: records are being lost
	case m.flash.text != "" && m.flash.warn:
		note = st.warn.Render(m.flash.text)
	case m.flash.text != "":
		note = st.info.Render(m.flash.text)
	case c.Held > 0 && m.icpt.editor == nil && m.icpt.canDecide():
		// The editor waits for the dialog in front of it to close.
		note = st.warn.Render(strconv.Itoa(c.Held) + " held — E to edit")
	case m.opts.Note != "":
		note = st.warn.Render("⚠ " + oneLine(m.opts.Note))
	case ep.Reason != "" && ep.State != EndpointOnline && !m.opts.ReadOnly:
		note = stateStyle(st, ep.State).Render(oneLine(ep.Reason))
	default:
		if n := m.logs.unseenWarnings(); n > 0 {
			note = st.warn.Render(pick(!compact, "L log: "+plural(n, "warning"), "L "+strconv.Itoa(n)+" warn")) + "  "
		}
		if !m.ix.filter.Empty() && !m.filter.typing { // while typing, the bar shows it
			note += st.info.Render("/ ") + trunc(oneLine(m.ix.filter.Raw), 24) + "  "
		}
		if m.follow {
			note += st.accent.Render("● follow")
		} else if !m.opts.ReadOnly {
			note += st.muted.Render(pick(!compact, "○ follow (f)", "○ follow"))
		}
	}
	line2 := parts
	if m.flash.text != "" && width(parts)+3+width(note) > w {
		line2, note = " "+note, "" // news is read whole; the counts come back after it
	}
	if note != "" {
		room := w - width(parts) - 3
		if room >= 8 {
			line2 = parts + spaces(w-width(parts)-min(width(note), room)-1) + trunc(note, room) + " "
		}
	}
	return []string{line1, fit(line2, w)}
}

// stateStyle colours a tunnel state.
func stateStyle(st *styles, state string) lipgloss.Style {
	switch state {
	case EndpointOnline:
		return st.ok
	case EndpointConnecting, EndpointReconnecting:
		return st.warn
	case EndpointFailed:
		return st.err
	case EndpointLocal:
		return st.info
	}
	return st.muted
}

// dropped is how many exchanges memory let go of without a journal to read
// them back from.
func (m *Model) dropped() int {
	keep := m.store.Keep()
	if m.opts.ReadOnly || keep < 0 || m.store.CanReadBack() {
		return 0
	}
	return max(m.counts.Exchanges-keep, 0)
}
