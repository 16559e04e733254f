package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/export"
	"github.com/harkhq/hark/model"
)

// Exporting the selected session (e): a choice of format, then the
// injected Export runs in a command and the header says where the file is.

type exportDoneMsg struct {
	session model.SessionKey
	format  string
	path    string
	err     error
}

// exportFormats are the formats Export takes, in the order offered; each
// is chosen with the first letter of its name.
var exportFormats = export.Formats

// exportKey is the key that picks a format in the export dialog.
func exportKey(f export.Format) string { return f.Name[:1] }

func (m *Model) openExport() tea.Cmd {
	if m.opts.Export == nil {
		m.warn("export is not available here")
		return m.flashCmd()
	}
	e := m.selected()
	if e == nil {
		return nil
	}
	m.dialogs = append(m.dialogs, &exportDialog{key: e.key, idText: e.idText})
	return nil
}

type exportDialog struct {
	key    model.SessionKey
	idText string
	sel    int
}

func (d *exportDialog) update(m *Model, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := &m.keys
	switch {
	case msg.String() == "esc", msg.String() == "q":
		return nil, true
	case msg.String() == "ctrl+c":
		return m.quit(), false
	case key.Matches(msg, k.Up):
		d.sel = max(d.sel-1, 0)
	case key.Matches(msg, k.Down):
		d.sel = min(d.sel+1, len(exportFormats)-1)
	case msg.String() == "enter":
		return m.export(d.key, exportFormats[d.sel].Name), true
	default:
		for _, f := range exportFormats {
			if msg.String() == exportKey(f) {
				return m.export(d.key, f.Name), true
			}
		}
	}
	return nil, false
}

// export runs the injected Export in a command.
func (m *Model) export(session model.SessionKey, format string) tea.Cmd {
	fn := m.opts.Export
	m.notify("exporting " + platformBadge(session.Platform) + " " + middle(oneLine(session.ID), 20) + " as " + format + "…")
	return func() tea.Msg {
		path, err := fn(session, format)
		return exportDoneMsg{session: session, format: format, path: path, err: err}
	}
}

func (m *Model) exportDone(msg exportDoneMsg) tea.Cmd {
	if msg.err != nil {
		m.warn("export failed: " + oneLine(msg.err.Error()))
		return m.flashFor(8 * time.Second)
	}
	m.notify("exported to " + oneLine(msg.path))
	return m.flashFor(8 * time.Second)
}

func (d *exportDialog) view(m *Model, w, h int) string {
	st := m.st
	bw := min(w-2, 72)
	iw := bw - 4
	lines := []string{
		st.bold.Render("Export session ") + st.badge(d.key.Platform).Render(platformBadge(d.key.Platform)) + " " + middle(d.idText, max(iw-22, 8)),
		"",
	}
	for i, f := range exportFormats {
		mark := "  "
		name := f.Title
		if i == d.sel {
			mark = st.marker.Render("▸ ")
			name = st.accentBold.Render(name)
		}
		lines = append(lines, mark+st.accentBold.Render(exportKey(f))+" "+fitRight(name, 9)+st.muted.Render(f.What))
	}
	for i := range lines {
		lines[i] = fit(lines[i], iw)
	}
	return st.dialog.Width(bw).Render(strings.Join(lines, "\n"))
}

func (d *exportDialog) help(k *keyMap) []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("h", "m", "n"), key.WithHelp("h/m/n", "format")),
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "export")),
		closeDlgKey,
	}
}
