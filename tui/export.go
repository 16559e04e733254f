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
		return m.flash.alert("export is not available here", flashShort)
	}
	e := m.sel.selected()
	if e == nil {
		return nil
	}
	m.dialogs.push(&exportDialog{key: e.key, idText: e.idText}, nil)
	return nil
}

type exportDialog struct {
	key    model.SessionKey
	idText string
	sel    int
}

func (d *exportDialog) handle(c *dialogContext, msg tea.Msg) action {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
	case k.String() == "esc", k.String() == "q":
		return actClose{}
	case k.String() == "ctrl+c":
		return actQuit{}
	case key.Matches(k, c.keys.Up):
		d.sel = max(d.sel-1, 0)
	case key.Matches(k, c.keys.Down):
		d.sel = min(d.sel+1, len(exportFormats)-1)
	case k.String() == "enter":
		return actClose{then: actExport{session: d.key, format: exportFormats[d.sel].Name}}
	default:
		for _, f := range exportFormats {
			if k.String() == exportKey(f) {
				return actClose{then: actExport{session: d.key, format: f.Name}}
			}
		}
	}
	return nil
}

// export runs the injected Export in a command.
func (m *Model) export(session model.SessionKey, format string) tea.Cmd {
	fn := m.opts.Export
	m.flash.show("exporting " + platformBadge(session.Platform) + " " + middle(oneLine(session.ID), 20) + " as " + format + "…")
	return func() tea.Msg {
		path, err := fn(session, format)
		return exportDoneMsg{session: session, format: format, path: path, err: err}
	}
}

func (m *Model) exportDone(msg exportDoneMsg) tea.Cmd {
	if msg.err != nil {
		return m.flash.alert("export failed: "+oneLine(msg.err.Error()), 8*time.Second)
	}
	return m.flash.say("exported to "+oneLine(msg.path), 8*time.Second)
}

func (d *exportDialog) view(c *dialogContext, w, h int) string {
	st := c.st
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
