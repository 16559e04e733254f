package platform

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/harkhq/hark/model"
)

// DefaultResponse is the pass-through default of a classified request: the
// response of its kind that changes nothing in the bot's behaviour. A
// handshake (ChatBot.com's verification GET) gets the same answer as
// Challenge gives.
func DefaultResponse(c Classification) model.Decision { return active().Answer(c) }

// Answer is DefaultResponse with this registry's profiles.
func (r *Registry) Answer(c Classification) model.Decision {
	p, ok := r.Lookup(c.Platform)
	if !ok {
		p = r.Fallback()
	}
	if c.Handshake && p.handshake != nil && c.Kind == p.handshake.kind {
		return p.handshake.answerFor(c)
	}
	k, ok := p.Kind(c.Kind)
	if !ok {
		fb := r.Fallback()
		k = &fb.Kinds[0]
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

// jsonStringContent is s escaped as the inside of a JSON string.
func jsonStringContent(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b[1 : len(b)-1])
}
