package tui

import (
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
// asks for the hold to be decided: ctrl+s sends the edit, esc the proposal
// unchanged. A new proposal reaches it from the store's changes (refresh).

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

	status textinput.Model
	messageFields
	focus int

	// The texts as loaded from the proposal or a template: the response is
	// edited once they differ.
	loaded   [fieldCount]string
	modified bool
	check    verdict

	problem string // why the last ctrl+s did not send
	note    string // news about the proposal

	reqCache struct {
		w, gen int
		lines  []string
	}
}

// newResponseEditor opens an editor on a held exchange, with its proposal.
func newResponseEditor(ex model.Exchange, st *styles) *responseEditor {
	ed := &responseEditor{id: ex.ID, ex: ex, proposal: *ex.Proposal, until: ex.HeldUntil, focus: fieldBody}
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
	ed.headers, ed.body = headersArea(), bodyArea("the response body")
	ed.setStyles(st)
	ed.load(ed.proposal)
	return ed
}

// headersArea is an editor's field for headers, one `Name: value` a line.
func headersArea() textarea.Model {
	a := textarea.New()
	a.ShowLineNumbers = false
	a.Prompt = ""
	a.Placeholder = "Name: value"
	a.KeyMap.Paste.SetEnabled(false) // pastes come as bracketed paste
	return a
}

// bodyArea is an editor's field for a body, with line numbers.
func bodyArea(placeholder string) textarea.Model {
	a := textarea.New()
	a.Prompt = " "
	a.ShowLineNumbers = true
	a.Placeholder = placeholder
	a.CharLimit = 0
	a.MaxHeight = 999 // also sets the width of the line numbers
	a.KeyMap.Paste.SetEnabled(false)
	return a
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
func (ed *responseEditor) insert(d model.Decision) {
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
	ed.changed()
}

func (ed *responseEditor) rules() bodyRules {
	r := bodyRules{platform: platformTitle(ed.ex.Platform)}
	if ed.profile != nil {
		r.limit = ed.profile.Limit(ed.kind)
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
func (ed *responseEditor) changed() {
	ed.problem = ""
	if !ed.modified && (ed.status.Value() != ed.loaded[fieldStatus] || ed.headers.Value() != ed.loaded[fieldHeaders] ||
		ed.body.Value() != ed.loaded[fieldBody]) {
		ed.modified = true
		ed.note = ""
	}
	ed.recheck() // once modified, the fields' own size counts
}

// refresh takes the exchange as a batch brought it: a new proposal (the
// forward target answered) replaces the fields while they are untouched,
// and is set aside for ctrl+t once the user has edited them.
func (ed *responseEditor) refresh(c *dialogContext, ex model.Exchange) {
	ed.ex = ex
	if !ex.Held() || ex.Proposal == nil {
		return // answered: the batch that says so closes the editor
	}
	ed.until = ex.HeldUntil
	prop := *ex.Proposal
	if sameDecision(prop, ed.proposal) {
		return
	}
	ed.proposal = prop
	if ed.modified {
		ed.note = "new proposal (" + ed.proposalSource(c) + ") kept aside: ctrl+t inserts it"
		return
	}
	ed.load(prop)
	ed.note = "proposal updated: " + ed.proposalSource(c)
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

func (ed *responseEditor) handle(c *dialogContext, msg tea.Msg) action {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return actCmd{ed.edit(msg)} // a paste goes into the focused field
	}
	switch {
	case key.Matches(k, sendKey):
		return ed.send(false)
	case key.Matches(k, sendKeepKey):
		switch {
		case c.rules == nil:
			ed.problem = "rules are not available in this run: ctrl+s sends"
			return nil
		case !ed.modified:
			ed.problem = "nothing to keep: edit the response first (ctrl+s sends the proposal as it is)"
			return nil
		}
		return ed.send(true)
	case key.Matches(k, releaseKey):
		return actClose{then: actRelease{edit: ed.sent(ed.proposal)}}
	case key.Matches(k, laterKey):
		// Out of the way: the exchange stays held (its fallback goes out
		// at the deadline) and no editor opens by itself until E.
		return actClose{then: actSnooze{id: ed.id}}
	case key.Matches(k, fieldKey):
		ed.focus = (ed.focus + 1) % fieldCount
		return actCmd{ed.focusField()}
	case key.Matches(k, fieldBackKey):
		ed.focus = (ed.focus + fieldCount - 1) % fieldCount
		return actCmd{ed.focusField()}
	case key.Matches(k, templatesKey):
		return actOpen{d: newTemplatesDialog(ed)}
	case key.Matches(k, externalKey):
		return actCmd{ed.openExternal()}
	case k.String() == "ctrl+c":
		return actQuit{}
	case ed.focus == fieldStatus && k.String() == "enter":
		ed.focus = fieldBody
		return actCmd{ed.focusField()}
	}
	return actCmd{ed.edit(msg)}
}

// edit passes a key or a paste to the focused field.
func (ed *responseEditor) edit(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch ed.focus {
	case fieldStatus:
		ed.status, cmd = ed.status.Update(msg)
	case fieldHeaders:
		ed.headers, cmd = ed.headers.Update(msg)
	default:
		ed.body, cmd = ed.body.Update(msg)
	}
	ed.changed()
	return cmd
}

// send asks for the edit to be sent (and kept as a rule), when it passes
// the checks. Untouched, the proposal goes as it is.
func (ed *responseEditor) send(keep bool) action {
	if !ed.modified {
		return actClose{then: actSend{edit: ed.sent(ed.proposal), keep: keep}}
	}
	if why := ed.check.refusal(); why != "" {
		ed.problem = "not sent: " + ed.check.short() + " · esc sends the proposal instead"
		return nil
	}
	return actClose{then: actSend{edit: ed.sent(ed.check.decision()), keep: keep}}
}

// sent is a response for this exchange, as the root records what was sent.
func (ed *responseEditor) sent(d model.Decision) sentEdit {
	return sentEdit{id: ed.id, platform: ed.ex.Platform, kind: ed.ex.Kind, session: ed.ex.SessionID, decision: d}
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
func (ed *responseEditor) proposalSource(c *dialogContext) string {
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
		if c.rules != nil {
			for _, r := range c.rules.List() {
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
	case c.forward != "":
		s += " · waiting for the forward target…"
	}
	return s
}
