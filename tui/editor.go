package tui

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// The response editor: a dialog over the whole body of the screen for one
// held exchange. It opens with the proposal (the forward target's answer,
// a rule, or the platform's pass-through default), shows the time left
// before the fallback goes out, checks the response as it is typed, and
// decides the hold: ctrl+s sends the edit, esc the proposal unchanged.

const (
	fieldStatus = iota
	fieldHeaders
	fieldBody
	fieldCount
)

var (
	sendKey      = key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "send"))
	sendKeepKey  = key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "send & keep as rule"))
	releaseKey   = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "send proposal"))
	laterKey     = key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "later"))
	fieldKey     = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "field"))
	fieldBackKey = key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field"))
	templatesKey = key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "templates"))
	externalKey  = key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "$EDITOR"))
)

// sentEdit is an edited response the user sent, for keeping as a rule.
type sentEdit struct {
	id       model.ExchangeID
	platform string
	kind     string
	session  string
	decision model.Decision
}

type responseEditor struct {
	id       model.ExchangeID
	ex       model.Exchange // the exchange as last seen
	profile  *platform.Profile
	kind     *platform.Kind
	proposal model.Decision // as the hold proposes it now
	until    time.Time      // when the fallback goes out

	status  textinput.Model
	headers textarea.Model
	body    textarea.Model
	focus   int

	// The texts as loaded from the proposal or a template: the response is
	// edited once they differ.
	loaded   [fieldCount]string
	modified bool
	check    verdict

	problem string // why the last ctrl+s did not send
	note    string // news about the proposal
	width   int    // the fields' width, as last laid out

	reqCache struct {
		w, gen int
		lines  []string
	}
}

// openEditor opens the editor on a held exchange; ok is false when the
// exchange is no longer held.
func (m *Model) openEditor(id model.ExchangeID) (tea.Cmd, bool) {
	if m.editor != nil {
		if m.editor.id == id {
			return nil, true
		}
		return nil, false // one at a time: the open one is decided first
	}
	ex, found := m.store.Exchange(id)
	if !found || !ex.Held() || ex.Proposal == nil {
		return nil, false
	}
	prop := *ex.Proposal
	ed := &responseEditor{id: id, ex: ex, proposal: prop, until: ex.HeldUntil, focus: fieldBody}
	if p, ok := platform.Lookup(ex.Platform); ok {
		ed.profile = p
		if k, ok := p.Kind(ex.Kind); ok {
			ed.kind = k
		}
	}
	ed.status = textinput.New()
	ed.status.Prompt = ""
	ed.status.CharLimit = 3
	ed.status.SetWidth(4)
	ed.headers = textarea.New()
	ed.headers.ShowLineNumbers = false
	ed.headers.Prompt = ""
	ed.headers.Placeholder = "Name: value"
	ed.headers.KeyMap.Paste.SetEnabled(false) // pastes come as bracketed paste
	ed.body = textarea.New()
	ed.body.Prompt = " "
	ed.body.ShowLineNumbers = true
	ed.body.Placeholder = "the response body"
	ed.body.CharLimit = 0
	ed.body.MaxHeight = 999 // also sets the width of the line numbers
	ed.body.KeyMap.Paste.SetEnabled(false)
	ed.setStyles(m.st)
	ed.load(prop)
	m.editor = ed
	m.dialogs = append(m.dialogs, ed)
	// Opening an editor is looking at this exchange: show it behind, and
	// stay there to see what the decision does.
	m.follow = false
	if i := m.ix.position(ex.Session()); i >= 0 && (m.selected() == nil || m.selected().key != ex.Session()) {
		m.setSel(i)
	}
	if e := m.selected(); e != nil && e.key == ex.Session() {
		e.selEx, e.stick = id, false
	}
	return tea.Batch(ed.focusField(), m.startHeldTick()), true
}

// load fills the fields from a response, which becomes the unedited state.
func (ed *responseEditor) load(d model.Decision) {
	status := d.Status
	if status == 0 {
		status = http.StatusOK
	}
	body, escaped := editableBody(d.Body)
	ed.loaded = [fieldCount]string{strconv.Itoa(status), headerText(d.Headers), body}
	ed.status.SetValue(ed.loaded[fieldStatus])
	ed.headers.SetValue(ed.loaded[fieldHeaders])
	ed.body.SetValue(ed.loaded[fieldBody])
	// The fields hold what they show: what the user sends is compared
	// with that, not with the raw proposal.
	ed.loaded = [fieldCount]string{ed.status.Value(), ed.headers.Value(), ed.body.Value()}
	ed.body.MoveToBegin()
	ed.headers.MoveToBegin()
	ed.recheck()
	if escaped {
		ed.note = "characters a terminal must not draw are shown escaped"
	}
}

// insert puts a template or another answer into the fields, as an edit.
func (ed *responseEditor) insert(m *Model, d model.Decision) {
	body, _ := editableBody(d.Body)
	status := d.Status
	if status == 0 {
		status = http.StatusOK
	}
	ed.status.SetValue(strconv.Itoa(status))
	ed.headers.SetValue(headerText(d.Headers))
	ed.body.SetValue(body)
	ed.body.MoveToBegin()
	ed.focus = fieldBody
	ed.changed(m)
}

func (ed *responseEditor) rules() bodyRules {
	r := bodyRules{platform: platformTitle(ed.ex.Platform)}
	if ed.profile != nil {
		r.limit = ed.profile.MaxResponse
		r.platform = ed.profile.Title
	}
	if ed.kind != nil {
		r.json = isJSONType(ed.kind.Default.Headers)
	}
	return r
}

func (ed *responseEditor) recheck() {
	ed.check = checkResponse(ed.status.Value(), ed.headers.Value(), ed.body.Value(), ed.rules())
	if ed.modified || ed.check.refusal() != "" {
		return
	}
	// Untouched, the proposal goes as it is: its own size counts, not
	// that of the indented text shown.
	if raw := string(ed.proposal.Body); raw != ed.body.Value() {
		if v := checkResponse(ed.status.Value(), ed.headers.Value(), raw, ed.rules()); v.refusal() == "" {
			ed.check.summary = v.summary + " as sent (shown indented)"
		}
	}
}

// changed follows an edit: the check is redone, and the first change
// makes the fields the user's: from then on a new proposal is set aside
// rather than loaded over them.
func (ed *responseEditor) changed(m *Model) {
	ed.recheck()
	ed.problem = ""
	if ed.modified {
		return
	}
	if ed.status.Value() != ed.loaded[fieldStatus] || ed.headers.Value() != ed.loaded[fieldHeaders] ||
		ed.body.Value() != ed.loaded[fieldBody] {
		ed.modified = true
		ed.note = ""
	}
}

// refresh takes what a batch says about the exchange: a new proposal
// (the forward target answered) replaces the fields while they are
// untouched, and is set aside for ctrl+t once the user has edited them.
func (ed *responseEditor) refresh(m *Model, changes []model.Change) {
	for i := range changes {
		if ex := changes[i].Exchange; ex.ID == ed.id {
			ed.ex = ex
			break
		}
	}
	if !ed.ex.Held() || ed.ex.Proposal == nil {
		return // answered: the batch that says so closes the editor
	}
	ed.until = ed.ex.HeldUntil
	prop := *ed.ex.Proposal
	if sameDecision(prop, ed.proposal) {
		return
	}
	ed.proposal = prop
	if ed.modified {
		ed.note = "new proposal (" + m.proposalSource(ed) + ") kept aside: ctrl+t inserts it"
		return
	}
	ed.load(prop)
	ed.note = "proposal updated: " + m.proposalSource(ed)
}

func sameDecision(a, b model.Decision) bool {
	return a.Source == b.Source && a.Status == b.Status && a.Rule == b.Rule && string(a.Body) == string(b.Body)
}

func (ed *responseEditor) focusField() tea.Cmd {
	ed.status.Blur()
	ed.headers.Blur()
	ed.body.Blur()
	switch ed.focus {
	case fieldStatus:
		return ed.status.Focus()
	case fieldHeaders:
		return ed.headers.Focus()
	}
	return ed.body.Focus()
}

func (ed *responseEditor) update(m *Model, msg tea.KeyPressMsg) (tea.Cmd, bool) {
	switch {
	case key.Matches(msg, sendKey):
		return ed.send(m)
	case key.Matches(msg, sendKeepKey):
		switch {
		case m.opts.Rules == nil:
			ed.problem = "rules are not available in this run: ctrl+s sends"
			return nil, false
		case !ed.modified:
			ed.problem = "nothing to keep: edit the response first (ctrl+s sends the proposal as it is)"
			return nil, false
		}
		cmd, done := ed.send(m)
		if done && m.lastEdit != nil && m.lastEdit.id == ed.id {
			m.notify("sent your edit to " + ed.id.String())
			m.dialogs = append(m.dialogs, newKeepDialog(*m.lastEdit))
		}
		return cmd, done
	case key.Matches(msg, releaseKey):
		return ed.release(m)
	case key.Matches(msg, laterKey):
		// Out of the way: the exchange stays held (its fallback goes out
		// at the deadline) and no editor opens by itself until E.
		m.snoozed = true
		m.notify(ed.id.String() + " stays held: E edits it, i changes the intercept mode")
		return m.flashFor(4 * time.Second), true
	case key.Matches(msg, fieldKey):
		ed.focus = (ed.focus + 1) % fieldCount
		return ed.focusField(), false
	case key.Matches(msg, fieldBackKey):
		ed.focus = (ed.focus + fieldCount - 1) % fieldCount
		return ed.focusField(), false
	case key.Matches(msg, templatesKey):
		m.dialogs = append(m.dialogs, newTemplatesDialog(m, ed))
		return nil, false
	case key.Matches(msg, externalKey):
		return ed.openExternal(), false
	case msg.String() == "ctrl+c":
		return m.quit(), false
	case ed.focus == fieldStatus && msg.String() == "enter":
		ed.focus = fieldBody
		return ed.focusField(), false
	}
	return ed.edit(m, msg), false
}

// edit passes a key or a paste to the focused field.
func (ed *responseEditor) edit(m *Model, msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch ed.focus {
	case fieldStatus:
		ed.status, cmd = ed.status.Update(msg)
	case fieldHeaders:
		ed.headers, cmd = ed.headers.Update(msg)
	default:
		ed.body, cmd = ed.body.Update(msg)
	}
	ed.changed(m)
	return cmd
}

func (ed *responseEditor) paste(m *Model, msg tea.PasteMsg) tea.Cmd { return ed.edit(m, msg) }

// send answers the exchange with the edit, when it passes the checks.
// Untouched, it sends the proposal as it is.
func (ed *responseEditor) send(m *Model) (tea.Cmd, bool) {
	if !ed.modified {
		return ed.decide(m, ed.proposal)
	}
	if why := ed.check.refusal(); why != "" {
		ed.problem = "not sent: " + ed.check.short() + " · esc sends the proposal instead"
		return nil, false
	}
	return ed.decide(m, ed.check.decision())
}

// release answers the exchange with the proposal unchanged.
func (ed *responseEditor) release(m *Model) (tea.Cmd, bool) {
	// The proposal as it stands now, which a batch on its way may not
	// have brought yet.
	if ex, ok := m.store.Exchange(ed.id); ok && ex.Held() && ex.Proposal != nil {
		ed.proposal = *ex.Proposal
	}
	return ed.decide(m, ed.proposal)
}

func (ed *responseEditor) decide(m *Model, d model.Decision) (tea.Cmd, bool) {
	err := m.opts.Holds.Decide(ed.id, d)
	if err == nil || errors.Is(err, model.ErrNotHeld) { // answered, by us or by the fallback
		if m.answered == nil {
			m.answered = make(map[model.ExchangeID]bool)
		}
		m.answered[ed.id] = true
	}
	switch {
	case errors.Is(err, model.ErrNotHeld):
		m.warn("too late: the fallback was sent at the deadline")
	case err != nil:
		m.warn("not sent: " + oneLine(err.Error()))
	case d.Source == model.SourceEdited:
		m.lastEdit = &sentEdit{id: ed.id, platform: ed.ex.Platform, kind: ed.ex.Kind, session: ed.ex.SessionID, decision: d}
		if m.counts.Held > 1 && !m.snoozed && m.opts.Rules != nil {
			// The next held exchange's editor opens at once and takes keys.
			m.notify("sent your edit to " + ed.id.String() + " · to keep it as a rule: ctrl+l, then r")
		} else {
			m.notify("sent your edit to " + ed.id.String() + " · r keeps it as a rule")
		}
	default:
		m.notify("sent " + ed.id.String() + " the proposal unchanged (" + sourceName(d) + ")")
	}
	return m.flashFor(5 * time.Second), true
}

func (ed *responseEditor) help(k *keyMap) []key.Binding {
	out := []key.Binding{sendKey, releaseKey, laterKey}
	if ed.modified {
		out = append(out, sendKeepKey)
	}
	return append(out, fieldKey, templatesKey, externalKey)
}

// sourceName says where a response comes from, in a few words.
func sourceName(d model.Decision) string {
	switch d.Source {
	case model.SourceDefault:
		return "pass-through default"
	case model.SourceForward:
		return "forward target's answer"
	case model.SourceRule:
		return "rule #" + oneLine(d.Rule)
	case model.SourceEdited:
		return "your edit"
	}
	return oneLine(string(d.Source))
}

// proposalSource says where the proposal comes from, with what is known
// of the forward target.
func (m *Model) proposalSource(ed *responseEditor) string {
	p := ed.proposal
	fw := ed.ex.Forward
	switch p.Source {
	case model.SourceForward:
		if fw != nil && fw.Error == "" {
			return "forward target answered " + strconv.Itoa(fw.Status) + " in " + latency(fw.Latency)
		}
		return "forward target's answer"
	case model.SourceRule:
		s := "rule #" + oneLine(p.Rule)
		if m.opts.Rules != nil {
			for _, r := range m.opts.Rules.List() {
				if r.ID == p.Rule {
					s += ": " + oneLine(r.Describe())
				}
			}
		}
		return s
	}
	s := sourceName(p)
	switch {
	case fw != nil && fw.Error != "":
		s += " · forward target failed: " + oneLine(fw.Error)
	case fw != nil && fw.Status != 0:
		s += " · forward target answered " + strconv.Itoa(fw.Status) + " in " + latency(fw.Latency)
	case m.opts.Forward != "":
		s += " · waiting for the forward target…"
	}
	return s
}
