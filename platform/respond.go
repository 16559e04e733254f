package platform

import (
	"maps"
	"net/http"
	"slices"

	"github.com/harkhq/hark/model"
)

// DefaultResponse is the pass-through default of a classified request: the
// response of its kind that changes nothing in the bot's behaviour. A
// handshake (ChatBot.com's verification GET) gets the same answer as
// Challenge gives.
func DefaultResponse(c Classification) model.Decision {
	p, ok := Lookup(c.Platform)
	if !ok {
		p = generic
	}
	if p.handshakes(c) {
		return p.handshake.answer(c)
	}
	k, ok := p.Kind(c.Kind)
	if !ok {
		k, _ = generic.Kind(kindWebhook)
	}
	return k.Default.Decision(model.SourceDefault)
}

// Decision turns the template into a response, with its own copies of the
// headers and body so that nobody writes into the shared template.
func (t *Template) Decision(source model.Source) model.Decision {
	status := t.Status
	if status == 0 {
		status = http.StatusOK
	}
	h := make(map[string][]string, len(t.Headers))
	for k, v := range t.Headers {
		h[k] = slices.Clone(v)
	}
	return model.Decision{Status: status, Headers: h, Body: []byte(t.Body), Source: source}
}

var jsonHeaders = map[string][]string{"Content-Type": {"application/json"}}

// jsonTemplate is a 200 JSON response.
func jsonTemplate(name, title, body string) Template {
	return Template{Name: name, Title: title, Status: http.StatusOK, Headers: maps.Clone(jsonHeaders), Body: body}
}

// unverified marks a template whose shape the documentation does not settle.
func unverified(t Template) Template {
	t.Unverified = true
	return t
}

// emptyTemplate is a 200 with no body, for requests whose sender expects
// nothing in particular.
func emptyTemplate(name, title string) Template {
	return Template{Name: name, Title: title, Status: http.StatusOK}
}
