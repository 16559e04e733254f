package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

// "Keep this edit" (r): an edited response that went back becomes a rule,
// which answers the next webhooks of the same session, or of the same kind
// on the platform, for the next N matches or all of them.

// keepEdit opens the dialog for the exchange in view when its response was
// edited, else for the edit sent last.
func (m *Model) keepEdit() tea.Cmd {
	switch {
	case m.opts.ReadOnly:
		return m.flash.alert(readOnlyNote, flashRead)
	case m.opts.Rules == nil:
		return m.flash.alert("rules are not available in this run", flashShort)
	}
	src, ok := m.editedInView()
	if id := m.currentExchange(); !ok && m.rb.asked[id] {
		return m.flash.say("reading "+id.String()+" back from the journal: press r again in a moment", flashShort)
	}
	if !ok && m.icpt.lastEdit != nil {
		src, ok = *m.icpt.lastEdit, true
	}
	if !ok {
		return m.flash.say("nothing to keep: send an edited response first (the editor opens on held webhooks)", flashRead)
	}
	m.dialogs.push(newKeepDialog(src), nil)
	return nil
}

// editedInView is the exchange in view (inspected, or selected in the
// transcript) when the response that went back was the user's edit.
func (m *Model) editedInView() (sentEdit, bool) {
	id := m.currentExchange()
	if r := m.ix.rows[id]; r == nil || r.Source != model.SourceEdited {
		return sentEdit{}, false
	}
	ex, pending, why := m.whole(id) // asks for it to be read back when evicted
	if pending || why != "" || ex.Response == nil {
		return sentEdit{}, false
	}
	r := ex.Response
	return sentEdit{id: id, platform: ex.Platform, kind: ex.Kind, session: ex.SessionID,
		decision: model.Decision{Status: r.Status, Headers: r.Headers, Body: r.Body, Source: r.Source}}, true
}

// editedSelected tells the help bar when r applies.
func (m *Model) editedSelected() bool {
	if m.opts.ReadOnly || m.opts.Rules == nil {
		return false
	}
	id := m.currentExchange()
	if r := m.ix.rows[id]; r != nil && r.Source == model.SourceEdited {
		return true
	}
	return m.icpt.lastEdit != nil && m.icpt.lastEdit.id == id
}

const (
	keepScope = iota
	keepCount
)

const (
	countOne = iota
	countN
	countAll
)

type keepDialog struct {
	src     sentEdit
	row     int
	scope   model.RuleScope
	count   int
	n       textinput.Model
	problem string
}

func newKeepDialog(src sentEdit) *keepDialog {
	n := textinput.New()
	n.Prompt = ""
	n.CharLimit = 4
	n.SetWidth(4)
	n.SetValue("3")
	return &keepDialog{src: src, scope: model.ScopeSession, count: countAll, n: n}
}

var keepKey = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep"))

func (d *keepDialog) handle(c *dialogContext, msg tea.Msg) action {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	d.problem = ""
	switch {
	case k.String() == "esc":
		return actClose{}
	case k.String() == "ctrl+c":
		return actQuit{}
	case key.Matches(k, keepKey):
		return d.keep()
	case k.String() == "tab", key.Matches(k, c.keys.Down):
		d.row = keepCount
	case k.String() == "shift+tab", key.Matches(k, c.keys.Up):
		d.row = keepScope
	case k.String() == "left", k.String() == "right":
		step := 1
		if k.String() == "left" {
			step = -1
		}
		if d.row == keepScope {
			d.scope = pickScope(d.scope == model.ScopeSession)
		} else {
			d.count = min(max(d.count+step, countOne), countAll)
		}
	case d.row == keepCount && d.count == countN:
		var cmd tea.Cmd
		d.n, cmd = d.n.Update(k)
		return actCmd{cmd}
	}
	if d.row == keepCount && d.count == countN {
		return actCmd{d.n.Focus()}
	}
	d.n.Blur()
	return nil
}

func pickScope(session bool) model.RuleScope {
	if session {
		return model.ScopeKind
	}
	return model.ScopeSession
}

// keep asks for the rule to be added, when the count makes sense.
func (d *keepDialog) keep() action {
	limit := 0
	switch d.count {
	case countOne:
		limit = 1
	case countN:
		n, err := strconv.Atoi(strings.TrimSpace(d.n.Value()))
		if err != nil || n < 1 {
			d.problem = "how many: give a number from 1"
			return nil
		}
		limit = n
	}
	s := d.src
	r := model.Rule{
		Scope: d.scope, Platform: s.platform, Limit: limit, Enabled: true,
		Status: s.decision.Status, Headers: s.decision.Headers, Body: string(s.decision.Body),
		Note: "kept from " + s.id.String(),
	}
	if d.scope == model.ScopeSession {
		r.Session = s.session
	} else {
		r.Kind = s.kind
	}
	return actClose{then: actKeepRule{rule: r}}
}

func (d *keepDialog) view(c *dialogContext, w, h int) string {
	st := c.st
	bw := min(w-2, 72)
	iw := bw - 4
	s := d.src
	radio := func(on bool, text string) string {
		if on {
			return st.accentBold.Render("● " + text)
		}
		return st.muted.Render("○ ") + text
	}
	label := func(row int, text string) string {
		if d.row == row {
			return st.marker.Render("▸ ") + st.bold.Render(text)
		}
		return "  " + st.muted.Render(text)
	}
	sess := platformBadge(s.platform) + " " + middle(oneLine(s.session), max(iw-30, 8))
	lines := []string{
		st.bold.Render("Keep " + s.id.String() + "'s response as a rule"),
		"",
		label(keepScope, "Answer   ") + radio(d.scope == model.ScopeSession, "this session ") + st.muted.Render(sess),
		"           " + radio(d.scope == model.ScopeKind, "every "+platformTitle(s.platform)+" "+oneLine(s.kind)),
	}
	nField := d.n.View()
	if d.count != countN {
		nField = d.n.Value()
	}
	lines = append(lines, label(keepCount, "For      ")+radio(d.count == countOne, "the next one")+"  "+
		radio(d.count == countN, "the next ")+nField+"  "+radio(d.count == countAll, "every match"))
	lines = append(lines, "")
	status := strconv.Itoa(s.decision.Status)
	preview := compactBody(s.decision.Body)
	lines = append(lines, st.muted.Render("answers with ")+status+" "+st.muted.Render(trunc(preview, max(iw-18, 8))))
	if d.problem != "" {
		lines = append(lines, "", st.err.Render("✗ "+d.problem))
	}
	for i := range lines {
		lines[i] = fit(lines[i], iw)
	}
	return st.dialog.Width(bw).Render(strings.Join(lines, "\n"))
}

func (d *keepDialog) help(k *keyMap) []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "row")),
		key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←→", "choose")),
		keepKey, closeDlgKey,
	}
}
