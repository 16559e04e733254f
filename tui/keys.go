package tui

import "charm.land/bubbles/v2/key"

// keyMap holds every binding once; the help bar picks those that apply to
// the focused part and the current state, so what it shows always works.
type keyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Left, Right                             key.Binding
	Focus, FocusBack                        key.Binding
	Open, Close                             key.Binding
	NextEx, PrevEx                          key.Binding
	Filter, Follow, Held                    key.Binding
	Grid, Logs, Zoom                        key.Binding
	CopyURL, CopyBody, CopyCurl             key.Binding
	Intercept, BreakSession, BreakKind      key.Binding
	Edit, Keep, Rules, Export               key.Binding
	Resend, ResendEdit, Timeline            key.Binding
	Help, Quit                              key.Binding
	FilterApply, FilterClear                key.Binding
	Confirm, Cancel                         key.Binding
}

func newKeyMap() keyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return keyMap{
		Up:           b([]string{"up", "k"}, "↑/k", "up"),
		Down:         b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:       b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown:     b([]string{"pgdown", "ctrl+d", "space"}, "pgdn", "page down"),
		Top:          b([]string{"home", "g"}, "g", "first"),
		Bottom:       b([]string{"end", "G"}, "G", "last"),
		Left:         b([]string{"left", "h"}, "←/h", "previous tab"),
		Right:        b([]string{"right", "l"}, "→/l", "next tab"),
		Focus:        b([]string{"tab"}, "tab", "next pane"),
		FocusBack:    b([]string{"shift+tab"}, "shift+tab", "previous pane"),
		Open:         b([]string{"enter"}, "enter", "inspect"),
		Close:        b([]string{"esc"}, "esc", "close"),
		NextEx:       b([]string{"n"}, "n", "next exchange"),
		PrevEx:       b([]string{"p"}, "p", "previous exchange"),
		Filter:       b([]string{"/"}, "/", "filter"),
		Follow:       b([]string{"f"}, "f", "follow newest"),
		Held:         b([]string{"H"}, "H", "next held"),
		Grid:         b([]string{"v"}, "v", "grid"),
		Logs:         b([]string{"L"}, "L", "log"),
		Zoom:         b([]string{"z"}, "z", "zoom pane"),
		CopyURL:      b([]string{"y"}, "y", "copy URL"),
		CopyBody:     b([]string{"b"}, "b", "copy body"),
		CopyCurl:     b([]string{"c"}, "c", "copy curl"),
		Intercept:    b([]string{"i"}, "i", "intercept mode"),
		BreakSession: b([]string{"B"}, "B", "break on session"),
		BreakKind:    b([]string{"K"}, "K", "break on kind"),
		Edit:         b([]string{"E"}, "E", "edit held"),
		Keep:         b([]string{"r"}, "r", "keep edit as rule"),
		Rules:        b([]string{"R"}, "R", "rules"),
		Export:       b([]string{"e"}, "e", "export session"),
		Resend:       b([]string{"s"}, "s", "resend"),
		ResendEdit:   b([]string{"S"}, "S", "edit & resend"),
		Timeline:     b([]string{"t"}, "t", "timeline"),
		Help:         b([]string{"?"}, "?", "all keys"),
		Quit:         b([]string{"q", "ctrl+c"}, "q", "quit"),

		FilterApply: b([]string{"enter"}, "enter", "keep filter"),
		FilterClear: b([]string{"esc"}, "esc", "clear"),
		Confirm:     b([]string{"y", "enter"}, "y", "yes"),
		Cancel:      b([]string{"n", "esc"}, "n/esc", "no"),
	}
}

// shortHelp is the help bar for the current state.
func (m *Model) shortHelp() []key.Binding {
	k := &m.keys
	if d := m.dialogs.top(); d != nil {
		return d.help(k)
	}
	if m.filter.typing {
		return []key.Binding{k.FilterApply, k.FilterClear}
	}
	if m.ix.empty() {
		return []key.Binding{k.CopyURL, k.Logs, k.Help, k.Quit}
	}
	if m.gridMode {
		return []key.Binding{arrowsKey, k.Open, k.Close, k.Timeline, k.Filter, k.Follow, k.Help, k.Quit}
	}
	if m.timeline.on && m.focus != focusInspector {
		out := []key.Binding{arrowsKey, k.Open, timelineCloseKey}
		if m.canResend() {
			out = append(out, k.Resend, k.ResendEdit)
		}
		return append(out, k.Filter, k.Help, k.Quit)
	}
	switch m.focus {
	case focusSessions:
		out := []key.Binding{arrowsKey, k.Focus, openSessionKey, k.Filter}
		if !m.opts.ReadOnly && m.icpt.setting != nil {
			out = append(out, k.Intercept)
		}
		if m.counts.Held > 0 && m.icpt.holds != nil {
			out = append(out, k.Edit)
		} else if m.counts.Held > 0 {
			out = append(out, k.Held)
		}
		out = append(out, k.Follow, k.Grid, k.Timeline)
		if !m.ix.filter.Empty() {
			out = append(out, clearFilterKey)
		}
		if m.endpoint.URL != "" {
			out = append(out, k.CopyURL)
		}
		return append(out, k.Help, k.Quit)
	case focusMain:
		if m.mainMode == modeLogs {
			return []key.Binding{arrowsKey, k.Bottom, k.Logs, k.Focus, k.Help, k.Quit}
		}
		out := []key.Binding{arrowsKey, k.Open, k.Focus}
		if m.counts.Held > 0 && m.icpt.holds != nil {
			out = append(out, k.Edit)
		}
		if m.editedSelected() {
			out = append(out, k.Keep)
		}
		if m.canResend() {
			out = append(out, k.Resend, k.ResendEdit)
		}
		out = append(out, k.Timeline, k.CopyBody, k.CopyCurl, k.Filter, k.Follow)
		if m.counts.Held > 0 {
			out = append(out, k.Held)
		}
		return append(out, k.Help, k.Quit)
	case focusInspector:
		out := []key.Binding{tabsKey, arrowsKey, k.NextEx, k.Close}
		if m.editedSelected() {
			out = append(out, k.Keep)
		}
		if m.canResend() {
			out = append(out, k.Resend, k.ResendEdit)
		}
		return append(out, k.CopyBody, k.CopyCurl, k.Help, k.Quit)
	}
	return []key.Binding{k.Help, k.Quit}
}

// fullHelp lists every key, grouped, for the `?` overlay.
func fullHelp(k *keyMap) [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Focus, k.FocusBack, k.Open, k.Close, k.Left, k.Right, k.NextEx, k.PrevEx},
		{k.Filter, k.Follow, k.Held, k.Grid, k.Timeline, k.Logs, k.Zoom},
		{k.Intercept, k.BreakSession, k.BreakKind, k.Edit, k.Keep, k.Rules},
		{k.Resend, k.ResendEdit, k.CopyURL, k.CopyBody, k.CopyCurl, k.Export, k.Help, k.Quit},
	}
}

// helpTitles name fullHelp's groups.
var helpTitles = []string{"Move", "Panes", "Find", "Intercept", "Resend, copy and more"}

var (
	arrowsKey        = key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "move")) // the compact move hint
	tabsKey          = key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←→", "tabs"))
	clearFilterKey   = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter"))
	openSessionKey   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open"))
	timelineCloseKey = key.NewBinding(key.WithKeys("esc", "t"), key.WithHelp("esc/t", "transcript"))
)
