package tui

import (
	"strconv"

	"github.com/harkhq/hark/stats"
)

// A session's heading, over its transcript and its timeline: the session
// on the first line with as many of its figures as fit (the filter's
// matches and a breakpoint first, then turns, webhooks, errors, hark's
// answer times and the forward target's, p50 and p95, from package stats,
// then whether it is open); what does not fit goes on a second line when
// the pane is tall enough to spare it.

// headSecondLineMinH is the pane height from which a heading may take two
// lines.
const headSecondLineMinH = 10

func (m *Model) sessionHead(e *sessionEntry, title string, w, h int, focused bool) []string {
	var parts []string
	if !m.ix.filter.Empty() {
		parts = append(parts, strconv.Itoa(m.ix.matches(e))+"/"+strconv.Itoa(len(e.sess.Exchanges))+" match")
	}
	if m.icpt.breakOnSession(e.key) {
		parts = append(parts, "◆ breakpoint")
	}
	parts = append(parts, figureParts(e)...)
	state := pick(!e.sess.Closed, "open", "closed") // the least needed: the list shows it too
	room := w - width(title) - 4
	n := 0
	for n < len(parts) && width(joinSp(parts[:n+1], " · ")) <= room {
		n++
	}
	if n == len(parts) && width(joinSp(append(parts[:n:n], state), " · ")) <= room {
		parts, n = append(parts, state), n+1
	}
	out := []string{paneTitle(m.st, title, joinSp(parts[:n], " · "), w, focused)}
	if rest := parts[n:]; len(rest) > 0 && h >= headSecondLineMinH {
		out = append(out, fit(" "+m.st.muted.Render(joinSp(rest, " · ")), w))
	}
	return out
}

// figureParts are a session's figures, each a few words.
func figureParts(e *sessionEntry) []string {
	sum := e.summary()
	parts := []string{plural(sum.Turns, "turn"), plural(len(e.sess.Exchanges), "hook")}
	if e.sess.Errors > 0 {
		parts = append(parts, plural(e.sess.Errors, "error"))
	}
	if d := sum.Answer; d.N > 0 {
		parts = append(parts, "answer p50 "+stats.Duration(d.P50)+" p95 "+stats.Duration(d.P95))
	}
	if d := sum.Forward; d.N > 0 {
		parts = append(parts, "fwd p50 "+stats.Duration(d.P50)+" p95 "+stats.Duration(d.P95))
	}
	return parts
}
