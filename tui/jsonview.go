package tui

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/tidwall/pretty"

	"github.com/harkhq/hark/sanitize"
)

// maxBodyView bounds how much of a body the inspector formats: beyond it the
// view says how much is left and the copy keys still give all of it.
const maxBodyView = 256 << 10

// bodyView formats a body for the inspector, w cells wide: pretty coloured
// JSON when it parses, else the text with every control character made
// visible. The work is done once per exchange and width, never per frame.
func bodyView(st *styles, body []byte, w int) []string {
	if len(body) == 0 {
		return []string{st.muted.Render("(empty)")}
	}
	cut := 0
	if len(body) > maxBodyView {
		cut = len(body) - maxBodyView
		body = body[:maxBodyView]
	}
	var lines []string
	if cut == 0 && json.Valid(body) {
		formatted := pretty.PrettyOptions(body, &pretty.Options{Width: max(w, 20), Indent: "  "})
		safe := sanitize.Text(strings.TrimRight(string(formatted), "\n"))
		coloured := string(pretty.Color([]byte(safe), st.json))
		lines = hardwrapStyled(strings.Split(coloured, "\n"), w)
	} else {
		lines = hardwrapStyled(strings.Split(sanitize.Text(string(body)), "\n"), w)
	}
	if cut > 0 {
		lines = append(lines, st.muted.Render("… "+byteSize(int64(cut))+" more (b copies the whole body)"))
	}
	return lines
}

// bodyKind says what a body is, for its section title.
func bodyKind(body []byte) string {
	switch {
	case len(body) == 0:
		return ""
	case json.Valid(body):
		return "JSON"
	case utf8.Valid(body):
		return "text"
	}
	return "binary"
}

// hardwrapStyled breaks styled lines at w cells. A style open where a line
// breaks is closed at its end and opened again on the next line, so every
// line stands alone, whatever is drawn beside it.
func hardwrapStyled(lines []string, w int) []string {
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if ansi.StringWidth(l) <= w {
			out = append(out, l)
			continue
		}
		out = append(out, closeStyles(strings.Split(ansi.Hardwrap(l, w, true), "\n"))...)
	}
	return out
}

// closeStyles makes each of a styled text's lines stand alone: a style
// still open at the end of a line is reset there and opened again at the
// start of the next.
func closeStyles(lines []string) []string {
	active := ""
	for i, l := range lines {
		open := lastSGR(l, active)
		l = active + l
		if open != "" {
			l += ansi.ResetStyle
		}
		lines[i] = l
		active = open
	}
	return lines
}

// lastSGR returns the SGR sequences in effect at the end of s, given the one
// in effect at its start ("" when none).
func lastSGR(s, active string) string {
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			return active
		}
		j := i + 2
		for j < len(s) && (s[j] == ';' || s[j] == ':' || (s[j] >= '0' && s[j] <= '9')) {
			j++
		}
		if j >= len(s) {
			return active
		}
		if s[j] == 'm' {
			seq := s[i : j+1]
			if seq == ansi.ResetStyle || seq == "\x1b[0m" {
				active = ""
			} else {
				active += seq // SGR sequences add up
			}
		}
		s = s[j+1:]
	}
}
