package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// The templates menu (ctrl+t in the editor): the responses the platform's
// kind accepts, the unverified ones labelled, and the answers already at
// hand (the current proposal, the forward target's answer). The chosen one
// replaces the editor's fields.

type tplItem struct {
	title, name string
	unverified  bool
	d           model.Decision
}

// templatesDialog offers the responses an editor can take; the one chosen
// is inserted into the editor by the root (actInsert).
type templatesDialog struct {
	platform, kind string // of the exchange being edited
	items          []tplItem
	sel            int
}

func newTemplatesDialog(ed *responseEditor) *templatesDialog {
	d := &templatesDialog{platform: ed.ex.Platform, kind: ed.ex.Kind}
	if ed.proposal.Source != model.SourceDefault { // the default is among the templates
		d.items = append(d.items, tplItem{title: "The proposal", name: sourceName(ed.proposal), d: ed.proposal})
	}
	if fw := ed.ex.Forward; fw != nil && fw.Error == "" && fw.Status != 0 && ed.proposal.Source != model.SourceForward {
		d.items = append(d.items, tplItem{title: "The forward target's answer", name: "forward",
			d: model.Decision{Status: fw.Status, Headers: fw.Headers, Body: fw.Body, Source: model.SourceForward}})
	}
	if k := ed.kind; k != nil {
		seen := map[string]bool{}
		for _, t := range append([]platform.Template{k.Default}, k.Templates...) {
			if seen[t.Name] {
				continue
			}
			seen[t.Name] = true
			d.items = append(d.items, tplItem{title: t.Title, name: t.Name, unverified: t.Unverified, d: t.Decision(model.SourceEdited)})
		}
	}
	// Start on the first one that would change something.
	for i, it := range d.items {
		if string(it.d.Body) != string(ed.proposal.Body) {
			d.sel = i
			break
		}
	}
	return d
}

var (
	insertKey   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "insert"))
	closeDlgKey = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close"))
)

func (d *templatesDialog) handle(c *dialogContext, msg tea.Msg) action {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
	case key.Matches(k, c.keys.Up):
		d.sel = max(d.sel-1, 0)
	case key.Matches(k, c.keys.Down):
		d.sel = min(d.sel+1, len(d.items)-1)
	case key.Matches(k, insertKey):
		it := d.items[d.sel]
		return actClose{then: actInsert{d: it.d, title: it.title}}
	case k.String() == "esc", k.String() == "ctrl+t":
		return actClose{}
	case k.String() == "ctrl+c":
		return actQuit{}
	}
	return nil
}

func (d *templatesDialog) view(c *dialogContext, w, h int) string {
	st := c.st
	bw := min(w-2, 76)
	iw := bw - 4
	lines := []string{st.bold.Render("Insert a response") + st.muted.Render("  "+platformTitle(d.platform)+" "+oneLine(d.kind)), ""}
	for i, it := range d.items {
		mark := "  "
		title := it.title
		if i == d.sel {
			mark = st.marker.Render("▸ ")
			title = st.accentBold.Render(title)
		}
		line := mark + title + st.muted.Render("  "+oneLine(it.name))
		if it.unverified {
			line += " " + st.warn.Render("(unverified)")
		}
		lines = append(lines, fit(line, iw))
	}
	// A preview of the chosen one, as many lines as are left.
	room := h - 2 - len(lines) - 3
	if room >= 2 && len(d.items) > 0 {
		lines = append(lines, "", st.muted.Render("preview"))
		body, _ := editableBody(d.items[d.sel].d.Body)
		pv := strings.Split(body, "\n")
		if body == "" {
			pv = []string{st.muted.Render("(empty body)")}
		}
		for i, l := range pv {
			if i == room-1 && len(pv) > room {
				lines = append(lines, st.muted.Render("…"))
				break
			}
			lines = append(lines, fit(st.muted.Render(l), iw))
		}
	}
	if d.items[d.sel].unverified {
		lines = append(lines, "", fit(st.warn.Render("The platform's documentation does not settle this shape: check what the bot does."), iw))
	}
	return st.dialog.Width(bw).Render(strings.Join(lines, "\n"))
}

func (d *templatesDialog) help(k *keyMap) []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "choose")), insertKey, closeDlgKey}
}
