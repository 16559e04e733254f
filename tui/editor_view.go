package tui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/harkhq/hark/model"
)

// Drawing the response editor: a title with the countdown, the proposal's
// origin and what the request said, the fields and the check; at large
// sizes the request beside them. Every line is exactly the box's width.

// timeLeft is the countdown: tenths of a second under a minute.
func timeLeft(d time.Duration) string {
	if d <= 0 {
		return "0.0s left"
	}
	if d < time.Minute {
		return strconv.FormatFloat(float64(d.Truncate(100*time.Millisecond))/float64(time.Second), 'f', 1, 64) + "s left"
	}
	return countdown(d) + " left"
}

// countdownStyle turns from calm to warning to danger as the deadline
// nears: warning past half the time, danger in the last fifth or two
// seconds.
func countdownStyle(st *styles, left, total time.Duration) lipgloss.Style {
	total = max(total, time.Millisecond)
	switch {
	case left <= 2*time.Second || left*5 <= total:
		return st.err
	case left*2 <= total:
		return st.warn
	}
	return st.ok
}

func (ed *responseEditor) setStyles(st *styles) {
	ed.status.SetStyles(filterInputStyles(st))
	ts := textareaStyles(st)
	ed.headers.SetStyles(ts)
	ed.body.SetStyles(ts)
}

// textareaStyles are the editor's fields in the monitor's palette, with a
// still cursor (no timer, steady views to test).
func textareaStyles(st *styles) textarea.Styles {
	f := textarea.StyleState{
		Base:             lipgloss.NewStyle(),
		Text:             st.text,
		LineNumber:       st.subtle,
		CursorLineNumber: st.accent,
		CursorLine:       lipgloss.NewStyle(),
		EndOfBuffer:      st.subtle,
		Placeholder:      st.muted,
		Prompt:           st.subtle,
		Selection:        st.selectedFocused,
	}
	b := f
	b.CursorLineNumber = st.subtle
	s := textarea.Styles{Focused: f, Blurred: b}
	s.Cursor.Blink = false
	s.Cursor.Shape = tea.CursorBlock
	if !st.noColor {
		s.Cursor.Color = st.accent.GetForeground()
	}
	return s
}

// view draws the editor over the whole body: at large sizes the request
// it answers is shown beside the fields.
func (ed *responseEditor) view(c *dialogContext, w, h int) string {
	st := c.st
	iw, ih := max(w-4, 10), max(h-2, 3)
	lines := []string{ed.titleLine(c, iw)}
	if iw >= 136 {
		lw := (iw - 3) * 2 / 5
		rw := iw - 3 - lw
		left := ed.requestColumn(c, lw, ih-1)
		right := ed.fields(c, rw, ih-1)
		sep := st.subtle.Render(" │ ")
		for i := range right {
			lines = append(lines, fit(left[i], lw)+sep+right[i])
		}
	} else {
		lines = append(lines, ed.fields(c, iw, ih-1)...)
	}
	return st.dialog.Width(w).Render(strings.Join(lines, "\n"))
}

// titleLine names the exchange and counts down.
func (ed *responseEditor) titleLine(c *dialogContext, w int) string {
	st := c.st
	ex := &ed.ex
	left := st.accentBold.Render("Edit response") + " " + ed.id.String() + " " + st.badge(ex.Platform).Render(platformBadge(ex.Platform)) + " " +
		st.info.Render(oneLine(ex.Kind)) + st.muted.Render(" · session ") + middle(oneLine(ex.SessionID), max(w/4, 8))
	left0 := ed.until.Sub(c.now)
	right := countdownStyle(st, left0, ed.until.Sub(ex.Received)).Render(timeLeft(left0))
	if left0 <= 0 {
		right = st.err.Render("sending the fallback…")
	}
	if n := c.held - 1; n > 0 {
		right = st.warn.Render("+"+strconv.Itoa(n)+" held") + "  " + right
	}
	// The countdown always shows; the names give way.
	return spread(trunc(left, w-width(right)-2), right, w)
}

// requestColumn shows what the platform sent, for the wide layout.
func (ed *responseEditor) requestColumn(c *dialogContext, w, h int) []string {
	rc := &ed.reqCache
	if rc.lines == nil || rc.w != w || rc.gen != int(c.styleGen) {
		ex := &ed.ex
		head := c.st.accentBold.Render("Request") + c.st.muted.Render("  "+oneLine(ex.Request.Method)+" "+oneLine(ex.Request.Path)+"  "+byteSize(int64(len(ex.Request.Body))))
		rc.lines = append([]string{head}, bodyView(c.st, ex.Request.Body, w)...)
		rc.w, rc.gen = w, int(c.styleGen)
	}
	out := make([]string, h)
	for i := range out {
		if i < len(rc.lines) {
			out[i] = fit(rc.lines[i], w)
		} else {
			out[i] = spaces(w)
		}
	}
	return out
}

// fields lays out the proposal's origin, what the request said, then the
// status, headers and body fields and the check, in exactly h lines.
func (ed *responseEditor) fields(c *dialogContext, w, h int) []string {
	st := c.st
	label := func(name string, f int) string {
		if ed.focus == f {
			return st.accentBold.Render(name)
		}
		return st.muted.Render(name)
	}
	proposal := st.muted.Render("proposal: ") + ed.proposalSource(c)
	switch ed.ex.Use {
	case model.UseIgnored:
		proposal = st.warn.Render(platformTitle(ed.ex.Platform)+" ignores this response's body") + st.muted.Render(" · ") + proposal
	case model.UseUnknown:
		proposal = st.warn.Render("whether the sender reads this response is unknown") + st.muted.Render(" · ") + proposal
	}
	said := ed.requestSummary(st)
	var msg string
	switch {
	case ed.problem != "":
		msg = st.err.Render("✗ " + ed.problem)
	case ed.note != "":
		msg = st.info.Render("ⓘ " + ed.note)
	}
	check := wrap(ed.checkLine(st), w)
	if len(check) > 2 {
		check = check[:2]
	}

	headerH := min(max(ed.headers.LineCount(), 1), 3)
	// Always: the status, the headers' and the body's labels, the check,
	// the header lines and the message if any. The request and the
	// proposal go when the body would get fewer than 3 lines.
	fixed := 3 + len(check) + headerH
	if msg != "" {
		fixed++
	}
	opt := 2
	if h-fixed-opt < 3 {
		said, opt = "", opt-1
	}
	if h-fixed-opt < 3 {
		proposal, opt = "", opt-1
	}
	bodyH := max(h-fixed-opt, 1)
	ed.layout(w, headerH, bodyH)

	var out []string
	add := func(s string) { out = append(out, fit(s, w)) }
	if proposal != "" {
		add(trunc(proposal, w))
	}
	if said != "" {
		add(said)
	}
	statusText := http.StatusText(ed.check.status)
	add(label("Status ", fieldStatus) + ed.status.View() + st.muted.Render(statusText))
	add(label("Headers", fieldHeaders))
	for _, l := range strings.Split(ed.headers.View(), "\n") {
		add("  " + l)
	}
	hint := st.muted.Render("ctrl+t templates · ctrl+e $EDITOR")
	add(spread(label("Body", fieldBody), hint, w))
	for _, l := range strings.Split(ed.body.View(), "\n") {
		add(l)
	}
	if msg != "" {
		add(msg)
	}
	for _, l := range check {
		add(l)
	}
	for len(out) < h {
		out = append(out, spaces(w))
	}
	return out[:h]
}

// checkLine says whether the response can be sent as it is.
func (ed *responseEditor) checkLine(st *styles) string {
	v := &ed.check
	if why := v.refusal(); why != "" {
		return st.err.Render("✗ " + why)
	}
	return st.ok.Render("✓ ") + st.muted.Render(v.summary)
}

// requestSummary is the last thing the request said (for a post message,
// the reply the agent is about to give), or its method and path.
func (ed *responseEditor) requestSummary(st *styles) string {
	ex := &ed.ex
	for i := len(ex.Turns) - 1; i >= 0; i-- {
		if t := ex.Turns[i]; t.Text != "" {
			return st.role(string(t.Role)).Render(roleLabel(string(t.Role))) + " " + oneLine(t.Text)
		}
	}
	return st.muted.Render("→ " + oneLine(ex.Request.Method) + " " + oneLine(ex.Request.Path) + " · " + byteSize(int64(len(ex.Request.Body))))
}
