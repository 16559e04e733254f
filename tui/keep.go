package tui

import (
	"strconv"
	"strings"
	"time"

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
		return m.readOnlyRefusal()
	case m.opts.Rules == nil:
		m.warn("rules are not available in this run")
		return m.flashCmd()
	}
	src, ok := m.editedInView()
	if !ok && m.lastEdit != nil {
		src, ok = *m.lastEdit, true
	}
	if !ok {
		m.notify("nothing to keep: send an edited response first (the editor opens on held webhooks)")
		return m.flashFor(4 * time.Second)
	}
	m.dialogs = append(m.dialogs, newKeepDialog(src))
	return nil
}

// editedInView is the exchange in view (inspected, or selected in the
// transcript) when the response that went back was the user's edit.
func (m *Model) editedInView() (sentEdit, bool) {
	id := m.currentExchange()
	if r := m.ix.rows[id]; r == nil || r.source != model.SourceEdited {
		return sentEdit{}, false
	}
	ex, ok := m.store.Exchange(id)
	if !ok || ex.Response == nil || ex.Evicted {
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
	if r := m.ix.rows[id]; r != nil && r.source == model.SourceEdited {
		return true
	}
	return m.lastEdit != nil && m.lastEdit.id == id
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

func (d *keepDialog) update(m *Model, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := &m.keys
	d.problem = ""
	switch {
	case msg.String() == "esc":
		return nil, true
	case msg.String() == "ctrl+c":
		return m.quit(), false
	case key.Matches(msg, keepKey):
		return d.keep(m)
	case msg.String() == "tab", key.Matches(msg, k.Down):
		d.row = keepCount
	case msg.String() == "shift+tab", key.Matches(msg, k.Up):
		d.row = keepScope
	case msg.String() == "left", msg.String() == "right":
		step := 1
		if msg.String() == "left" {
			step = -1
		}
		if d.row == keepScope {
			d.scope = pickScope(d.scope == model.ScopeSession)
		} else {
			d.count = min(max(d.count+step, countOne), countAll)
		}
	case d.row == keepCount && d.count == countN:
		var cmd tea.Cmd
		d.n, cmd = d.n.Update(msg)
		return cmd, false
	}
	if d.row == keepCount && d.count == countN {
		return d.n.Focus(), false
	}
	d.n.Blur()
	return nil, false
}

func pickScope(session bool) model.RuleScope {
	if session {
		return model.ScopeKind
	}
	return model.ScopeSession
}

// keep adds the rule.
func (d *keepDialog) keep(m *Model) (tea.Cmd, bool) {
	limit := 0
	switch d.count {
	case countOne:
		limit = 1
	case countN:
		n, err := strconv.Atoi(strings.TrimSpace(d.n.Value()))
		if err != nil || n < 1 {
			d.problem = "how many: give a number from 1"
			return nil, false
		}
		limit = n
	}
	s := d.src
	r := model.Rule{
		Scope: d.scope, Platform: s.platform, Limit: limit, Enabled: true,
		Status: s.decision.Status, Headers: s.decision.Headers, Body: string(s.decision.Body),
		Note: "kept from " + s.id.String(), Created: m.opts.Now(),
	}
	if d.scope == model.ScopeSession {
		r.Session = s.session
	} else {
		r.Kind = s.kind
	}
	r = m.opts.Rules.Add(r)
	msg := "rule #" + r.ID + ": answers " + oneLine(r.Describe())
	if m.opts.RulesFile != "" {
		msg += " · saved to " + oneLine(m.opts.RulesFile)
	} else {
		msg += " · R lists rules"
	}
	m.notify(msg)
	return m.flashFor(6 * time.Second), true
}

func (d *keepDialog) view(m *Model, w, h int) string {
	st := m.st
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
