package tui

import (
	"strconv"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
)

// Drawing one block of the transcript: an exchange's header line, the turns
// it carried, its notes, and a session record's comparison with the live
// events.

// renderBlock draws one exchange and what it carried, w cells wide (the
// gutter excluded).
func (m *Model) renderBlock(e *sessionEntry, r *exRow, turns []model.Turn, w int) []string {
	st := m.st
	lines := []string{m.blockHeader(r, w)}
	headClock := clock(m.loc, r.received)
	const indent = 9 // "15:04:05 "
	for _, t := range turns {
		tc := clock(m.loc, t.Time)
		if t.Time.IsZero() || tc == headClock {
			tc = "        "
		}
		if t.Marker != "" && t.Text == "" {
			lines = append(lines, fit(st.muted.Render(tc+" ── session "+oneLine(t.Marker)+" ──"), w))
			continue
		}
		label := fitRight(roleLabel(string(t.Role)), 4)
		textW := max(w-indent-5, 8)
		parts := wrap(sanitize.Text(t.Text), textW)
		if len(parts) > maxTurnLines { // a flood of text stays one screen
			more := len(parts) - maxTurnLines + 1
			parts = append(parts[:maxTurnLines-1:maxTurnLines-1], st.muted.Render("… "+plural(more, "more line")+": enter inspects"))
		}
		for i, part := range parts {
			if i == 0 {
				lines = append(lines, fit(st.muted.Render(tc)+" "+st.role(string(t.Role)).Render(label)+" "+part, w))
			} else {
				lines = append(lines, fit(spaces(indent+5)+part, w))
			}
		}
		if t.AfterEdit != 0 { // what the bot did after the user's edit
			lines = append(lines, fit(spaces(indent+5)+st.accentBold.Render("↳ after your edit of "+t.AfterEdit.String()), w))
		}
	}
	if r.Source == model.SourceEdited {
		lines = append(lines, m.editedLine(r, w, indent))
	}
	d := e.sess.Record
	isRecord := r.record && d != nil && d.Exchange == r.ID
	for _, n := range r.Notes {
		if isRecord && n == d.Summary() {
			continue // the record's own lines below say it
		}
		for i, part := range wrap("ⓘ "+oneLine(n), max(w-indent, 8)) {
			if i > 0 {
				part = "  " + part
			}
			lines = append(lines, fit(spaces(indent)+st.muted.Render(part), w))
		}
	}
	if isRecord {
		lines = append(lines, m.recordLines(d, w, indent)...)
	}
	return lines
}

// blockHeader is an exchange's one-line summary: time, method, path, then
// status, latency, kind, signature and state on the right.
func (m *Model) blockHeader(r *exRow, w int) string {
	st := m.st
	pad := 0 // on wide panes the status stays near the path, easier to scan
	if w > maxHeaderW {
		pad, w = w-maxHeaderW, maxHeaderW
	}
	// The right side is laid out in columns (status, latency, kind) so they
	// line up from one exchange to the next; flags follow.
	wide := w >= 70
	var status, lat string
	switch {
	case r.Status == 0 && (r.State == model.StateRejected || r.State == model.StateFailed):
		status = st.err.Render("✗")
	case r.Status == 0:
		status = st.muted.Render("…")
	default:
		status = statusStyle(m.st, r.Status, r.Failed).Render(strconv.Itoa(r.Status))
	}
	if lat == "" {
		lat = st.muted.Render(latency(r.total))
	}
	right := fitRight(status, 4) + fitLeft(lat, 6)
	if r.State == model.StateHeld { // one cell: the pause and the time left
		right = fitRight(st.warn.Render(pick(wide, "⏸ held ", "⏸ ")+countdown(r.held.Sub(m.now()))), 10)
	}
	if wide {
		kind := st.info.Render(trunc(r.Kind, 14))
		if m.icpt.breakOnKind(r) {
			kind = st.err.Render("◆") + st.info.Render(trunc(r.Kind, 13))
		}
		right += " " + fitRight(kind, 14)
	}
	var flags []string
	switch r.State {
	case model.StateFallback:
		flags = append(flags, st.warn.Render(pick(wide, "fallback", "fb")))
	case model.StateRejected, model.StateFailed:
		flags = append(flags, st.err.Render(pick(wide, string(r.State), "✗")))
	}
	switch r.Source {
	case model.SourceEdited:
		flags = append(flags, st.accentBold.Render(pick(wide, "✎ edited", "✎")))
	case model.SourceRule:
		flags = append(flags, st.accent.Render(pick(wide, "rule #", "r")+oneLine(r.rule)))
	case model.SourceForward:
		if wide { // the usual case with --forward: noted only where there is room
			flags = append(flags, st.muted.Render("fwd"))
		}
	}
	if r.fwdErr {
		flags = append(flags, st.err.Render(pick(wide, "fwd ✗", "f✗")))
	}
	if r.resent != nil {
		flags = append(flags, st.accentBold.Render(pick(wide, r.resent.Label(), "↻"+r.resent.Of.String())))
	}
	if n := len(r.resends); n > 0 {
		flags = append(flags, st.accent.Render(pick(wide, "↻ as "+r.resends[n-1].String(), "↻")))
	}
	switch r.sig {
	case model.SigValid:
		flags = append(flags, st.ok.Render(pick(wide, "sig ✓", "✓")))
	case model.SigInvalid, model.SigMissing:
		flags = append(flags, st.err.Render(pick(wide, "sig ✗", "✗")))
	case model.SigUnchecked:
		flags = append(flags, st.muted.Render(pick(wide, "sig ?", "?")))
	}
	if len(flags) > 0 {
		right += " " + joinSp(flags, " ")
	}
	left := st.muted.Render(clock(m.loc, r.received)) + " " + st.accent.Render("→") + " " + st.bold.Render(r.Method) + " "
	room := w - width(left) - width(right) - 1
	if room < 6 {
		right = trunc(right, max(w-width(left)-7, 1))
		room = w - width(left) - width(right) - 1
	}
	line := left + trunc(r.Path, max(room, 1))
	return fit(line+spaces(w-width(line)-width(right))+right, w) + spaces(pad)
}

func pick(wide bool, long, short string) string {
	if wide {
		return long
	}
	return short
}

// editedLine shows the response the user sent, on one line, under the
// exchange it answered.
func (m *Model) editedLine(r *exRow, w, indent int) string {
	st := m.st
	body := "(reading it back from the journal…)"
	switch ex, pending, why := m.whole(r.ID); {
	case why != "":
		body = "(" + why + ")"
	case !pending && ex.Response != nil:
		body = compactBody(ex.Response.Body)
	}
	return fit(spaces(indent)+st.accent.Render("✎ you sent ")+strconv.Itoa(r.Status)+" "+st.muted.Render(trunc(body, max(w-indent-16, 8))), w)
}

// maxHeaderW is the widest an exchange's header line is laid out.
const maxHeaderW = 100

// statusStyle colours a status code by class.
func statusStyle(st *styles, status int, failed bool) lipgloss.Style {
	switch {
	case failed || status >= 500:
		return st.err
	case status >= 400:
		return st.warn
	case status >= 200 && status < 300:
		return st.ok
	}
	return st.muted
}

// recordLines describe how a delivered session record compares with the
// live events: turns missing live (−), seen only live (+), and changed (~).
func (m *Model) recordLines(d *model.RecordDiff, w, indent int) []string {
	st := m.st
	var out []string
	head := "≡ " + d.Summary() + " (" + plural(d.Matched, "turn") + " matched)"
	hs := st.ok
	if !d.Clean() {
		hs = st.warn
	}
	for i, part := range wrap(head, max(w-indent-2, 8)) {
		if i > 0 {
			part = "  " + part
		}
		out = append(out, fit(spaces(indent)+hs.Render(part), w))
	}
	item := func(mark string, ms lipgloss.Style, t model.Turn, prefix string) {
		text := mark + " " + roleLabel(string(t.Role)) + " " + prefix + oneLine(t.Text)
		for i, part := range wrap(text, max(w-indent-2, 8)) {
			if i > 0 {
				part = "    " + part
			}
			out = append(out, fit(spaces(indent+2)+ms.Render(part), w))
		}
	}
	for _, t := range d.Missing {
		item("−", st.warn, t, "")
	}
	for _, t := range d.Extra {
		item("+", st.info, t, "")
	}
	for _, p := range d.Different {
		item("~", st.warn, p.Live, "live: ")
		item(" ", st.warn, p.Record, "record: ")
	}
	return out
}

// clock formats a time of day in the monitor's zone.
func clock(loc *time.Location, t time.Time) string {
	if t.IsZero() {
		return "--:--:--"
	}
	return t.In(loc).Format("15:04:05")
}

// fitRight pads s on the right to w cells.
func fitRight(s string, w int) string { return s + spaces(w-width(s)) }
