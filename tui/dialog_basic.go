package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/harkhq/hark/filter"
)

// The small dialogs: the quit confirmation, the full help, and the note
// that says what of a history could not be read.

// confirmQuit asks before quitting while exchanges are held.
type confirmQuit struct{ held int }

func (d *confirmQuit) handle(c *dialogContext, msg tea.Msg) action {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
	case key.Matches(k, c.keys.Confirm), k.String() == "ctrl+c":
		return actQuit{confirmed: true}
	case key.Matches(k, c.keys.Cancel), k.String() == "q":
		return actClose{}
	}
	return nil
}

func (d *confirmQuit) view(c *dialogContext, w, h int) string {
	st := c.st
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

// anyKeyCloses is how the help and the note answer keys: ctrl+c quits
// (asking first when exchanges are held), any other key closes them.
func anyKeyCloses(msg tea.Msg) action {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
		return nil
	case k.String() == "ctrl+c":
		return actClose{then: actQuit{}}
	}
	return actClose{}
}

var anyKeyHelp = key.NewBinding(key.WithKeys("esc"), key.WithHelp("any key", "closes"))

// helpDialog lists every key.
type helpDialog struct{}

func (d *helpDialog) handle(c *dialogContext, msg tea.Msg) action { return anyKeyCloses(msg) }

func (d *helpDialog) view(c *dialogContext, w, h int) string {
	st := c.st
	var cols []string
	for g, group := range fullHelp(c.keys) {
		keyW := 0
		for _, b := range group {
			keyW = max(keyW, width(b.Help().Key))
		}
		lines := []string{st.bold.Render(helpTitles[g])}
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
	filter := "filter: words, " + strings.Join(filter.Fields, ":, ") + ":, -exclude"
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

func (d *helpDialog) help(k *keyMap) []key.Binding { return []key.Binding{anyKeyHelp} }

// noteDialog shows, when a history opens, what of it could not be read.
type noteDialog struct {
	source string // what was loaded
	note   string // what could not be read of it
}

func (d *noteDialog) handle(c *dialogContext, msg tea.Msg) action { return anyKeyCloses(msg) }

func (d *noteDialog) view(c *dialogContext, w, h int) string {
	st := c.st
	bw := min(w-2, 76)
	iw := bw - 4
	src := oneLine(d.source)
	if src == "" {
		src = "this history"
	}
	note := wrap(oneLine(d.note), iw)
	if room := h - 2 - 4; len(note) > room { // the header keeps it too
		note = append(note[:max(room-1, 0)], st.muted.Render("…"))
	}
	lines := []string{st.warn.Render("Not all of " + src + " could be read"), ""}
	lines = append(lines, note...)
	lines = append(lines, "", st.muted.Render("Everything else is shown. Any key closes this."))
	return st.dialog.Width(bw).Render(strings.Join(lines, "\n"))
}

func (d *noteDialog) help(k *keyMap) []key.Binding { return []key.Binding{anyKeyHelp} }
