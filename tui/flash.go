package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// flash is the short message the header shows for a while: news, or a
// warning that something did not go as asked. Every message gets a new id,
// so the timer that clears one never clears a newer one.
type flash struct {
	text string
	warn bool
	id   int
}

type flashClearMsg struct{ id int }

// How long messages stay: most are a glance; some must be read whole.
const (
	flashShort = 2 * time.Second
	flashRead  = 4 * time.Second
)

// show puts news in the header; warning, a message that something did not
// go as asked. Both stay until cleared or replaced.
func (f *flash) show(s string) {
	f.text, f.warn = s, false
	f.id++
}

func (f *flash) warning(s string) {
	f.show(s)
	f.warn = true
}

// after clears the current message once d has passed.
func (f *flash) after(d time.Duration) tea.Cmd {
	id := f.id
	return tea.Tick(d, func(time.Time) tea.Msg { return flashClearMsg{id: id} })
}

// say shows news for d; alert a warning.
func (f *flash) say(s string, d time.Duration) tea.Cmd {
	f.show(s)
	return f.after(d)
}

func (f *flash) alert(s string, d time.Duration) tea.Cmd {
	f.warning(s)
	return f.after(d)
}

// clear takes the message away when it is still the one the timer was for.
func (f *flash) clear(msg flashClearMsg) {
	if msg.id == f.id {
		f.text = ""
	}
}
