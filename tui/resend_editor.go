package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/hop"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// The request editor (S): an exchange's request, its headers and body in
// fields, checked as they are typed (each header line is `Name: value`,
// the body is JSON when the request says it is), sent again on ctrl+s.
// Left untouched, a field goes as it was recorded, byte for byte.

var (
	resendSendKey   = key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "send"))
	resendCancelKey = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
)

const (
	reqFieldHeaders = iota
	reqFieldBody
	reqFieldCount
)

type requestEditor struct {
	ex      model.Exchange
	target  string // where it goes, in words
	resigns bool   // the platform signs its requests, and hark can sign again

	messageFields
	focus   int
	loaded  [reqFieldCount]string // the fields as first shown
	problem string                // why the last ctrl+s did not send
}

func newRequestEditor(ex model.Exchange, st *styles, target string) *requestEditor {
	d := &requestEditor{ex: ex, target: target, focus: reqFieldBody}
	if p, ok := platform.Lookup(ex.Platform); ok {
		d.resigns = p.Resigns()
	}
	d.headers, d.body = headersArea(), bodyArea("the request body")
	ts := textareaStyles(st)
	d.headers.SetStyles(ts)
	d.body.SetStyles(ts)
	body, _ := editableBody(ex.Request.Body)
	d.headers.SetValue(requestHeaderText(ex.Request.Headers))
	d.body.SetValue(body)
	d.loaded = [reqFieldCount]string{d.headers.Value(), d.body.Value()}
	d.headers.MoveToBegin()
	d.body.MoveToBegin()
	return d
}

// requestHeaderText is the headers a resend carries, one a line: those of
// the recording less hop-by-hop headers and those the connection sets.
func requestHeaderText(h map[string][]string) string {
	again := hop.SendAgain(h)
	if ua := again["User-Agent"]; len(ua) == 1 && ua[0] == "" {
		delete(again, "User-Agent")
	}
	return headerText(again)
}

func (d *requestEditor) focusField() tea.Cmd {
	d.headers.Blur()
	d.body.Blur()
	if d.focus == reqFieldHeaders {
		return d.headers.Focus()
	}
	return d.body.Focus()
}

func (d *requestEditor) modified() (headers, body bool) {
	return d.headers.Value() != d.loaded[reqFieldHeaders], d.body.Value() != d.loaded[reqFieldBody]
}

// check says what is wrong with the fields, "" when the request can go,
// and what it sends.
func (d *requestEditor) check() (req model.Request, problem, summary string) {
	req = d.ex.Request
	editedHeaders, editedBody := d.modified()
	if editedHeaders {
		h, why := parseHeaders(d.headers.Value())
		if why == "" {
			if _, ok := h["Host"]; ok {
				why = "hark sets Host for the connection; remove the line"
			}
		}
		if why != "" {
			return req, why, ""
		}
		req.Headers = h
	}
	if editedBody {
		req.Body = []byte(d.body.Value())
	}
	wantJSON := isJSONType(req.Headers)
	switch problem := jsonProblem(req.Body); {
	case problem == "":
		summary = "valid JSON · " + byteCount(len(req.Body))
	case wantJSON && len(req.Body) > 0:
		return req, problem, ""
	case len(req.Body) == 0:
		summary = "empty body"
	default:
		summary = "text · " + byteCount(len(req.Body))
	}
	if !editedBody && string(req.Body) != d.body.Value() {
		summary += " as recorded (shown indented)"
	}
	return req, "", summary
}

func (d *requestEditor) handle(c *dialogContext, msg tea.Msg) action {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return actCmd{d.edit(msg)}
	}
	switch {
	case key.Matches(k, resendSendKey):
		req, problem, _ := d.check()
		if problem != "" {
			d.problem = "not sent: " + problem
			return nil
		}
		h, b := d.modified()
		return actClose{then: actResend{req: ResendRequest{Of: d.ex, Request: req, Edited: h || b}}}
	case key.Matches(k, resendCancelKey):
		return actClose{then: actTell{text: "resend of " + d.ex.ID.String() + " cancelled", d: flashShort}}
	case key.Matches(k, fieldKey), key.Matches(k, fieldBackKey):
		d.focus = (d.focus + 1) % reqFieldCount
		return actCmd{d.focusField()}
	case k.String() == "ctrl+c":
		return actQuit{}
	}
	return actCmd{d.edit(msg)}
}

func (d *requestEditor) edit(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	if d.focus == reqFieldHeaders {
		d.headers, cmd = d.headers.Update(msg)
	} else {
		d.body, cmd = d.body.Update(msg)
	}
	d.problem = ""
	return cmd
}

func (d *requestEditor) help(k *keyMap) []key.Binding {
	return []key.Binding{resendSendKey, resendCancelKey, fieldKey}
}

// view draws the editor over the whole body.
func (d *requestEditor) view(c *dialogContext, w, h int) string {
	st := c.st
	iw, ih := max(w-4, 10), max(h-2, 3)
	ex := &d.ex
	title := st.accentBold.Render("Edit and resend") + " " + ex.ID.String() + " " + st.badge(ex.Platform).Render(platformBadge(ex.Platform)) + " " +
		st.info.Render(oneLine(ex.Kind)) + st.muted.Render(" · "+d.target)
	target := oneLine(ex.Request.Method) + " " + oneLine(ex.Request.Path)
	if ex.Request.RawQuery != "" {
		target += "?" + oneLine(ex.Request.RawQuery)
	}
	where := st.bold.Render(target) + st.muted.Render(" · session "+middle(oneLine(ex.SessionID), max(iw/4, 8)))
	_, problem, summary := d.check()
	check := st.ok.Render("✓ ") + st.muted.Render(summary)
	if problem != "" {
		check = st.err.Render("✗ " + problem)
	}
	if d.resigns {
		check += st.muted.Render(" · signed again as " + platformTitle(ex.Platform) + " signs, when --secret gives its secret")
	}
	label := func(name string, f int) string {
		if d.focus == f {
			return st.accentBold.Render(name)
		}
		return st.muted.Render(name)
	}
	checkLines := wrap(check, iw)
	if len(checkLines) > 2 {
		checkLines = checkLines[:2]
	}
	headerH := min(max(d.headers.LineCount(), 1), max(3, (ih-8)/3))
	fixed := 4 + len(checkLines) + headerH // title, target, two labels
	if d.problem != "" {
		fixed++
	}
	bodyH := max(ih-fixed, 1)
	d.layout(iw, headerH, bodyH)
	var out []string
	add := func(s string) { out = append(out, fit(s, iw)) }
	add(title)
	add(where)
	add(label("Headers", reqFieldHeaders))
	for _, l := range strings.Split(d.headers.View(), "\n") {
		add("  " + l)
	}
	add(label("Body", reqFieldBody))
	for _, l := range strings.Split(d.body.View(), "\n") {
		add(l)
	}
	if d.problem != "" {
		add(st.err.Render("✗ " + d.problem))
	}
	for _, l := range checkLines {
		add(l)
	}
	for len(out) < ih {
		out = append(out, spaces(iw))
	}
	return st.dialog.Width(w).Render(strings.Join(out[:ih], "\n"))
}
