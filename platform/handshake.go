package platform

import (
	"math/rand/v2"
	"strings"

	"github.com/harkhq/hark/model"
)

// handshake is a request a platform sends to check an endpoint before it
// delivers webhooks there, such as ChatBot.com's verification GET. hark
// answers it itself: the platform saves no webhook whose handshake fails,
// so there is nothing to hold, edit or forward.
type handshake struct {
	kind string // the kind Classify gives the request
	// when holds for every handshake request, and reads no body (method,
	// path, query, headers), so that Challenge does not classify every
	// webhook twice to find the rare handshake.
	when    cond
	answer  func(c Classification) model.Decision // the answer to a classified handshake
	request func(g *gen) SimRequest               // what the platform sends, for the simulator
}

// handshakes reports whether a classification of the profile's is its
// handshake.
func (p *Profile) handshakes(c Classification) bool {
	return p.handshake != nil && c.Platform == p.Name && c.Kind == p.handshake.kind
}

// Challenge answers a platform's handshake: the request a platform sends to
// check an endpoint before it saves a webhook (ChatBot.com's verification
// GET). The answer depends on the platform: ChatBot.com's is 200 with the
// raw challenge as a text/plain body when the token matches its secret, or
// when no secret is set (the signature is then "unchecked", so the user sees
// the token was not checked), and 403 when a secret is set and the token is
// wrong or missing. For any other request ok is false.
func Challenge(req *model.Request, secrets Secrets) (d model.Decision, sig model.Signature, ok bool) {
	if req == nil || !mayHandshake(req) {
		return model.Decision{}, model.Signature{}, false
	}
	c := Classify(req, secrets)
	p, found := Lookup(c.Platform)
	if !found || !p.handshakes(c) {
		return model.Decision{}, model.Signature{}, false
	}
	return p.handshake.answer(c), c.Signature, true
}

// mayHandshake is the cheap test before Challenge classifies a request: does
// any profile's handshake condition hold, read without the body?
func mayHandshake(req *model.Request) bool {
	var bodiless *input // made only when a method matches: webhooks pay nothing
	for _, p := range registry {
		h := p.handshake
		if h == nil || (h.when.method != "" && !strings.EqualFold(req.Method, h.when.method)) {
			continue
		}
		if bodiless == nil {
			bodiless = &input{req: req}
		}
		if h.when.match(bodiless) {
			return true
		}
	}
	return false
}

// HandshakeRequest is the request the platform sends when a webhook is
// saved (ChatBot.com's verification GET), with a random challenge and the
// platform's secret from secrets, or its demo secret when none is given
// (which a receiver without a secret answers unchecked). ok is false when
// the platform has no handshake.
func (p *Profile) HandshakeRequest(rng *rand.Rand, secrets Secrets) (r SimRequest, ok bool) {
	if p.handshake == nil {
		return SimRequest{}, false
	}
	g := &gen{rng: rng, secret: p.secretOrDemo(secrets)}
	r = p.handshake.request(g)
	r.Kind = p.handshake.kind
	return r, true
}

// secretOrDemo is the secret the simulator signs the profile's requests
// with: the one given, else the profile's demo secret.
func (p *Profile) secretOrDemo(secrets Secrets) string {
	if s := secrets[p.Name]; s != "" {
		return s
	}
	if p.Secret != nil {
		return p.Secret.Demo
	}
	return ""
}
