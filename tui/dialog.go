package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Dialogs stack over the screen, each drawn over the one it was opened
// from: the top one gets every key and the help bar shows its keys. Here:
// the quit confirmation, the full help and a history's note. Elsewhere: the
// response editor and its templates (editor*.go, templates.go), keeping an
// edit as a rule (keep.go), the rules (rulesview.go) and export (export.go).
type dialog interface {
	// update handles a key; done removes the dialog from the stack.
	update(m *Model, msg tea.KeyPressMsg) (cmd tea.Cmd, done bool)
	// view draws the dialog's box for a screen of w×h cells.
	view(m *Model, w, h int) string
	help(k *keyMap) []key.Binding
}

// confirmQuit asks before quitting while exchanges are held.
type confirmQuit struct{ held int }

func (d *confirmQuit) update(m *Model, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(msg, m.keys.Confirm), msg.String() == "ctrl+c":
		m.Close()
		return tea.Quit, true
	case key.Matches(msg, m.keys.Cancel), msg.String() == "q":
		return nil, true
	}
	return nil, false
}

func (d *confirmQuit) view(m *Model, w, h int) string {
	st := m.st
	n := plural(d.held, "exchange")
	verb := " is"
	if d.held != 1 {
		verb = " are"
	}
	body := st.warn.Render(n+verb+" held.") + "\n" +
		"Quitting releases " + pronoun(d.held) + " now, with\n" + possessive(d.held) + " proposal as the response.\n\n" +
		st.accentBold.Render("y") + " quit   " + st.accentBold.Render("n") + " stay"
	return st.dialog.Width(min(w-2, 48)).Render(st.bold.Render("Quit hark?") + "\n\n" + body)
}

func (d *confirmQuit) help(k *keyMap) []key.Binding { return []key.Binding{k.Confirm, k.Cancel} }

func possessive(n int) string {
	if n == 1 {
		return "its"
	}
	return "their"
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// helpDialog lists every key.
type helpDialog struct{}

func (d *helpDialog) update(m *Model, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if msg.String() == "ctrl+c" {
		return m.quit(), true
	}
	return nil, true // any key closes it
}

func (d *helpDialog) view(m *Model, w, h int) string {
	st := m.st
	titles := helpTitles
	var cols []string
	for g, group := range m.fullHelp() {
		keyW := 0
		for _, b := range group {
			keyW = max(keyW, width(b.Help().Key))
		}
		lines := []string{st.bold.Render(titles[g])}
		for _, b := range group {
			lines = append(lines, st.accentBold.Render(fitRight(b.Help().Key, keyW))+" "+st.muted.Render(b.Help().Desc))
		}
		cols = append(cols, strings.Join(lines, "\n"))
	}
	// As many groups side by side as the screen allows.
	inner := max(w-6, 20)
	var rows []string
	for len(cols) > 0 {
		n := len(cols)
		for n > 1 && lipgloss.Width(lipgloss.JoinHorizontal(lipgloss.Top, spaced(cols[:n])...)) > inner {
			n--
		}
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, spaced(cols[:n])...))
		cols = cols[n:]
	}
	filter := "filter: words, " + strings.Join(filterFields, ":, ") + ":, -exclude"
	notes := wrap(st.muted.Render(filter), inner)
	mouse := wrap(st.muted.Render("mouse: a click selects, a second inspects; the wheel scrolls"), inner)
	closes := st.muted.Render("any key closes")
	// On a short screen the spacing goes first, then the notes.
	for _, c := range []string{
		strings.Join(rows, "\n\n") + "\n\n" + strings.Join(append(notes, mouse...), "\n") + "\n\n" + closes,
		strings.Join(rows, "\n\n") + "\n\n" + strings.Join(notes, "\n") + "\n" + closes,
		strings.Join(rows, "\n") + "\n" + strings.Join(notes, "\n"),
	} {
		if lipgloss.Height(c)+2 <= h {
			return st.dialog.Render(c)
		}
	}
	return st.dialog.Render(strings.Join(rows, "\n"))
}

// spaced puts a gap after every column but the last.
func spaced(cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		if i < len(cols)-1 {
			c = lipgloss.NewStyle().PaddingRight(3).Render(c)
		}
		out[i] = c
	}
	return out
}

func (d *helpDialog) help(k *keyMap) []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("any key", "closes"))}
}

// noteDialog shows, when a history opens, what of it could not be read.
type noteDialog struct{}

func (d *noteDialog) update(m *Model, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if msg.String() == "ctrl+c" {
		return m.quit(), true
	}
	return nil, true
}

func (d *noteDialog) view(m *Model, w, h int) string {
	st := m.st
	bw := min(w-2, 76)
	iw := bw - 4
	src := oneLine(m.opts.Source)
	if src == "" {
		src = "this history"
	}
	note := wrap(oneLine(m.opts.Note), iw)
	if room := h - 2 - 4; len(note) > room { // the header keeps it too
		note = append(note[:max(room-1, 0)], st.muted.Render("…"))
	}
	lines := []string{st.warn.Render("Not all of " + src + " could be read"), ""}
	lines = append(lines, note...)
	lines = append(lines, "", st.muted.Render("Everything else is shown. Any key closes this."))
	return st.dialog.Width(bw).Render(strings.Join(lines, "\n"))
}

func (d *noteDialog) help(k *keyMap) []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("any key", "closes"))}
}

// overlay draws box centred over the lines of a w-wide screen region.
func overlay(lines []string, box string, w int) []string {
	boxLines := strings.Split(box, "\n")
	bw := lipgloss.Width(box)
	if bw > w {
		for i := range boxLines {
			boxLines[i] = ansi.Truncate(boxLines[i], w, "")
		}
		bw = w
	}
	y0 := max(0, (len(lines)-len(boxLines))/2)
	x0 := max(0, (w-bw)/2)
	for i, bl := range boxLines {
		y := y0 + i
		if y >= len(lines) {
			break
		}
		bg := lines[y]
		left := ansi.Truncate(bg, x0, "")
		right := ansi.TruncateLeft(bg, x0+bw, "")
		lines[y] = left + ansi.ResetStyle + fitRight(bl, bw) + ansi.ResetStyle + right
	}
	return lines
}
