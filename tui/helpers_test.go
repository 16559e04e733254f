package tui

import (
	"image/color"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// newTestModel builds a monitor over the builder's store with the fixed
// clock, UTC times and the test endpoint.
func newTestModel(tb testing.TB, b *builder, opts ...func(*Options)) *Model {
	tb.Helper()
	o := Options{Store: b.store, Endpoint: testEndpoint(), Now: fixedNow, Location: time.UTC, Title: "demo"}
	for _, f := range opts {
		f(&o)
	}
	m := New(o)
	tb.Cleanup(m.Close)
	return m
}

var (
	darkBG  = tea.BackgroundColorMsg{Color: color.RGBA{0x1e, 0x1e, 0x2e, 0xff}}
	lightBG = tea.BackgroundColorMsg{Color: color.RGBA{0xfa, 0xfa, 0xfa, 0xff}}
)

// do feeds messages to the model as the program would, one by one.
func do(m *Model, msgs ...tea.Msg) {
	for _, msg := range msgs {
		m.Update(msg)
	}
}

// keyMsg turns a key name into a key press: special names, or one character.
func keyMsg(name string) tea.KeyPressMsg {
	switch name {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	}
	if c, ok := strings.CutPrefix(name, "ctrl+"); ok && len(c) == 1 {
		return tea.KeyPressMsg{Code: rune(c[0]), Mod: tea.ModCtrl} // no Text with a modifier
	}
	r := []rune(name)
	return tea.KeyPressMsg{Code: r[0], Text: name}
}

func keys(names ...string) []tea.Msg {
	out := make([]tea.Msg, len(names))
	for i, n := range names {
		out[i] = keyMsg(n)
	}
	return out
}

// typed is a string typed key by key.
func typed(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

func sizeMsg(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

func screen(m *Model) string { return m.View().Content }

func plain(m *Model) string { return ansi.Strip(screen(m)) }

// sgr matches the style sequences the monitor itself writes.
var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// checkFrame asserts the frame is exactly w×h cells and that nothing but
// style sequences reaches the terminal: no other escape, no control
// character, no bidi control.
func checkFrame(tb testing.TB, content string, w, h int) {
	tb.Helper()
	lines := strings.Split(content, "\n")
	if len(lines) != h {
		tb.Errorf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			tb.Errorf("line %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(l))
		}
		// Terminals (and Bubble Tea's renderer unless the terminal says
		// otherwise) give each code point its width: the line must be as
		// wide to them, or the borders after a joined emoji move.
		if got := ansi.StringWidthWc(l); got != w {
			tb.Errorf("line %d is %d cells wide to a terminal, want %d: %q", i, got, w, ansi.Strip(l))
		}
	}
	rest := sgr.ReplaceAllString(content, "")
	for i, r := range rest {
		switch {
		case r == '\n':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			tb.Fatalf("raw control %U at byte %d: %q", r, i, around(rest, i))
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			tb.Fatalf("raw bidi control %U at byte %d: %q", r, i, around(rest, i))
		case r == 0xfffd:
			tb.Fatalf("invalid UTF-8 reached the frame at byte %d: %q", i, around(rest, i))
		}
	}
}

func around(s string, i int) string {
	return s[max(0, i-30):min(len(s), i+30)]
}

func stripped(s string) string { return ansi.Strip(s) }
