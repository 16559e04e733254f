package tui

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
)

// The rules dialog (R): every rule with what it answers, how often it was
// used, whether it is on, and the start of its body; space toggles one, d
// deletes one (after asking), s saves them. With --rules FILE they are
// saved there after every change anyway; without, s asks where and says how
// to load them next time.

// defaultRulesPath is where s offers to save when no --rules file was given.
const defaultRulesPath = "./hark-rules.json"

type rulesSavedMsg struct {
	path string
	n    int
	err  error
}

func (m *Model) openRules() tea.Cmd {
	switch {
	case m.opts.ReadOnly:
		return m.flash.alert(readOnlyNote, flashRead)
	case m.opts.Rules == nil:
		return m.flash.alert("rules are not available in this run", flashShort)
	}
	m.dialogs.push(&rulesDialog{}, nil)
	return nil
}

type rulesDialog struct {
	sel      int
	top      int
	deleting string // the rule asked about
	saving   bool   // the path is being typed
	path     textinput.Model
	list     []model.Rule
	ver      uint64
	loaded   bool
}

var (
	toggleRuleKey = key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "on/off"))
	deleteRuleKey = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "delete"))
	saveRulesKey  = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save"))
)

// rules returns the rules, listed again when they changed (a use counts).
func (d *rulesDialog) rules(c *dialogContext) []model.Rule {
	if v := c.rules.Version(); !d.loaded || v != d.ver {
		d.list, d.ver, d.loaded = c.rules.List(), v, true
		d.sel = min(max(d.sel, 0), max(len(d.list)-1, 0))
	}
	return d.list
}

func (d *rulesDialog) handle(c *dialogContext, msg tea.Msg) action {
	k, isKey := msg.(tea.KeyPressMsg)
	if !isKey { // a paste goes into the path being typed
		if !d.saving {
			return nil
		}
		var cmd tea.Cmd
		d.path, cmd = d.path.Update(msg)
		return actCmd{cmd}
	}
	list := d.rules(c)
	if k.String() == "ctrl+c" {
		return actQuit{}
	}
	if d.saving {
		switch k.String() {
		case "esc":
			d.saving = false
			return nil
		case "enter":
			path := strings.TrimSpace(d.path.Value())
			if path == "" {
				return nil
			}
			d.saving = false
			return actSaveRules{path: path, rules: list}
		}
		var cmd tea.Cmd
		d.path, cmd = d.path.Update(k)
		return actCmd{cmd}
	}
	if d.deleting != "" {
		id := d.deleting
		d.deleting = ""
		if key.Matches(k, c.keys.Confirm) {
			return actDeleteRule{id: id}
		}
		return nil
	}
	switch {
	case k.String() == "esc", k.String() == "q", k.String() == "R":
		return actClose{}
	case key.Matches(k, c.keys.Up):
		d.sel = max(d.sel-1, 0)
	case key.Matches(k, c.keys.Down):
		d.sel = min(d.sel+1, max(len(list)-1, 0))
	case len(list) > 0 && key.Matches(k, toggleRuleKey):
		r := list[d.sel]
		return actToggleRule{id: r.ID, on: !r.Enabled}
	case len(list) > 0 && key.Matches(k, deleteRuleKey):
		d.deleting = list[d.sel].ID
	case key.Matches(k, saveRulesKey):
		switch {
		case c.rulesFile != "":
			return actTell{text: "rules are saved to " + oneLine(c.rulesFile) + " after every change", d: flashRead}
		case !c.canSaveRules:
			return actTell{text: "rules cannot be saved in this run", warn: true, d: flashShort}
		}
		d.saving = true
		d.path = textinput.New()
		d.path.Prompt = "save to "
		d.path.CharLimit = 1024
		d.path.SetWidth(48)
		d.path.SetStyles(filterInputStyles(c.st))
		d.path.SetValue(defaultRulesPath)
		d.path.CursorEnd()
		return actCmd{d.path.Focus()}
	}
	return nil
}

// saveRules writes the rules in a command.
func (m *Model) saveRules(path string, list []model.Rule) tea.Cmd {
	save := m.opts.SaveRules
	m.flash.show("saving " + plural(len(list), "rule") + "…")
	return func() tea.Msg {
		return rulesSavedMsg{path: path, n: len(list), err: save(path, list)}
	}
}

func (m *Model) rulesSaved(msg rulesSavedMsg) tea.Cmd {
	if msg.err != nil {
		return m.flash.alert("rules not saved: "+oneLine(msg.err.Error()), 8*time.Second)
	}
	p := oneLine(msg.path)
	m.rulesSavedTo = msg.path
	return m.flash.say("saved "+plural(msg.n, "rule")+" to "+p+" · next time: hark --rules "+p, 10*time.Second)
}

func (d *rulesDialog) view(c *dialogContext, w, h int) string {
	st := c.st
	list := d.rules(c)
	bw := min(w-2, 110)
	if w < 90 {
		bw = w // a table wants every column there is
	}
	iw := bw - 4
	title := st.bold.Render("Rules") + st.muted.Render(" "+strconv.Itoa(len(list)))
	where := st.muted.Render("not saved: s saves them to a file")
	if c.rulesSavedTo != "" {
		where = st.muted.Render("saved to " + oneLine(c.rulesSavedTo) + " (later changes: s again)")
	}
	if c.rulesFile != "" {
		where = st.muted.Render("saved to " + oneLine(c.rulesFile) + " after every change")
	}
	lines := []string{spread(title, where, iw), ""}
	if len(list) == 0 {
		lines = append(lines, st.muted.Render("No rules yet. After you send an edited response, r keeps it as a rule"),
			st.muted.Render("that answers the next webhooks of that session or kind."))
	} else {
		descW := min(max(iw/2-10, 20), 46)
		head := "   " + fitRight("#", 4) + fitRight("on", 5) + fitRight("answers", descW+1) + fitRight("used", 7) + "body"
		lines = append(lines, st.muted.Render(fit(head, iw)))
		rows := max(h-2-len(lines)-3, 1)
		if d.sel < d.top {
			d.top = d.sel
		}
		if d.sel >= d.top+rows {
			d.top = d.sel - rows + 1
		}
		for i := d.top; i < len(list) && i < d.top+rows; i++ {
			lines = append(lines, d.ruleRow(st, &list[i], i == d.sel, descW, iw))
		}
	}
	lines = append(lines, "")
	switch {
	case d.deleting != "":
		lines = append(lines, st.warn.Render("Delete rule #"+oneLine(d.deleting)+"? ")+st.accentBold.Render("y")+" delete  "+st.accentBold.Render("n")+" keep")
	case d.saving:
		lines = append(lines, d.path.View())
	}
	for i := range lines {
		lines[i] = fit(lines[i], iw)
	}
	return st.dialog.Width(bw).Render(strings.Join(lines, "\n"))
}

func (d *rulesDialog) ruleRow(st *styles, r *model.Rule, sel bool, descW, w int) string {
	mark := "   "
	if sel {
		mark = st.marker.Render(" ▸ ")
	}
	on := st.ok.Render("on ")
	if !r.Enabled {
		on = st.muted.Render("off")
	}
	if r.Exhausted() {
		on = st.muted.Render("done")
	}
	what := r.Platform + " " + r.Kind
	if r.Scope == model.ScopeSession {
		what = r.Platform + " session " + r.Session
	}
	used := strconv.Itoa(r.Used) + "/"
	if r.Limit == 0 {
		used += "∞"
	} else {
		used += strconv.Itoa(r.Limit)
	}
	line := mark + fitRight("#"+oneLine(r.ID), 4) + fitRight(on, 5) + fitRight(middle(oneLine(what), descW), descW+1) +
		fitRight(used, 7) + st.muted.Render(strconv.Itoa(r.Status)+" "+compactBody([]byte(r.Body)))
	return fit(line, w)
}

func (d *rulesDialog) help(k *keyMap) []key.Binding {
	switch {
	case d.deleting != "":
		return []key.Binding{k.Confirm, k.Cancel}
	case d.saving:
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")), closeDlgKey}
	}
	return []key.Binding{m2(k.Up, k.Down), toggleRuleKey, deleteRuleKey, saveRulesKey, closeDlgKey}
}

// m2 is one help entry for a pair of moves.
func m2(a, b key.Binding) key.Binding {
	return key.NewBinding(key.WithKeys(append(a.Keys(), b.Keys()...)...), key.WithHelp("↑↓", "move"))
}

// compactBody is a body on one safe line: JSON without its spaces.
func compactBody(b []byte) string {
	var buf bytes.Buffer
	if json.Compact(&buf, b) == nil {
		return sanitize.Line(buf.String())
	}
	if len(b) == 0 {
		return "(empty)"
	}
	return sanitize.Line(string(b))
}
