package platform

import (
	"math/rand/v2"
	"strings"
	"time"
	"unsafe"

	"github.com/tidwall/gjson"

	"github.com/harkhq/hark/model"
)

// handshake is a request a platform sends to check an endpoint before it
// delivers webhooks there (ChatBot.com's and WhatsApp's verification GET,
// Slack's url_verification POST). hark answers it itself: the platform
// saves no webhook whose handshake fails, so there is nothing to hold, edit
// or forward.
type handshake struct {
	kind    string   // the kind Classify gives the request
	when    cond     // what makes a request the handshake
	echo    source   // the value the answer must echo
	token   *source  // a token to compare with the secret; nil = the profile's signature checks it
	secret  string   // the key of that secret in Secrets: the profile's name, or NAME.PART
	answer  Template // the answer when the check passes; {echo} in its body is the echoed value
	reject  int      // the status of the answer when it fails (403 unless the platform documents another)
	jsonAns bool     // the answer is JSON: the echoed value is escaped as a JSON string's content
	request *simStep // what the platform sends, for the simulator
}

// checkToken compares the handshake's token with its secret.
func (h *handshake) checkToken(in *input, p *Profile) model.Signature {
	got := in.rootValue(h.token)
	state, detail := compareToken(got, in.secrets[h.secret], h.secret)
	return model.Signature{Scheme: p.Title + " verification token", State: state, Detail: detail}
}

// answerFor answers a classified handshake: the echo when the check passed
// or could not be made, else the platform's rejection (403 unless its
// profile says reject: 401, as ChatBot.com's documentation does), saying
// which check failed (a token, or the profile's signature, as for Slack's
// url_verification).
func (h *handshake) answerFor(c Classification) model.Decision {
	if c.Signature.State == model.SigInvalid || c.Signature.State == model.SigMissing {
		why := "verification token does not match\n"
		if h.token == nil {
			why = "signature " + string(c.Signature.State) + "\n"
		}
		return model.Decision{
			Status:  h.reject,
			Headers: map[string][]string{"Content-Type": {"text/plain; charset=utf-8"}},
			Body:    []byte(why),
			Source:  model.SourceDefault,
		}
	}
	d := h.answer.Decision(model.SourceDefault)
	echo := c.echo
	if h.jsonAns {
		echo = jsonStringContent(echo)
	}
	d.Body = []byte(strings.ReplaceAll(string(d.Body), "{echo}", echo))
	return d
}

// Challenge answers a platform's handshake: the request a platform sends to
// check an endpoint before it saves a webhook (ChatBot.com's verification
// GET). The answer is the echoed challenge as the profile's handshake
// answer says, when the token matches the secret or when no secret is set
// (the signature is then "unchecked", so the user sees the token was not
// checked), and the profile's rejection status (403, or ChatBot.com's 401)
// when a secret is set and the token is wrong or missing.
// For any other request ok is false. A receiver that has classified the
// request already reads Classification.Handshake instead.
func Challenge(req *model.Request, secrets Secrets) (d model.Decision, sig model.Signature, ok bool) {
	r := active()
	if req == nil || !r.mayHandshake(req) {
		return model.Decision{}, model.Signature{}, false
	}
	c := r.Classify(req, secrets)
	if !c.Handshake {
		return model.Decision{}, model.Signature{}, false
	}
	p, _ := r.Lookup(c.Platform)
	return p.handshake.answerFor(c), c.Signature, true
}

// mayHandshake is the cheap test before Challenge classifies a request:
// does any profile's handshake condition hold, as far as it can be read
// without the body?
func (r *Registry) mayHandshake(req *model.Request) bool {
	var bodiless *input // made only when a method matches: webhooks pay nothing
	for _, p := range r.handshakers {
		w := &p.handshake.when
		if len(w.method) > 0 && !equalFoldAny(req.Method, w.method) {
			continue
		}
		if bodiless == nil {
			bodiless = &input{req: req}
		}
		c := *w
		c.body, c.json, c.form = bodyAny, nil, nil
		if c.match(bodiless) && bodyMayMatch(req.Body, w.json) {
			return true
		}
	}
	return false
}

// bodyMayMatch tests a handshake's JSON fields on a raw body (Slack's
// url_verification POST) without preparing it: every POST is tested, and a
// webhook should pay nothing. A path through arrays is left to Classify.
func bodyMayMatch(body []byte, fields []keyMatch) bool {
	if len(fields) == 0 {
		return true
	}
	// The text aliases the body only while the fields are tested.
	text := unsafe.String(unsafe.SliceData(body), len(body))
	for i := range fields {
		k := &fields[i]
		if k.hash {
			continue
		}
		r := gjson.Get(text, k.key)
		if !k.m.test(valueText(r), r.Exists()) {
			return false
		}
	}
	return true
}

// HandshakeRequest is the request the platform sends when a webhook is
// saved (ChatBot.com's verification GET), at a given time, with a random
// challenge and the platform's secret from secrets, or its demo secret
// when none is given (which a receiver without a secret answers
// unchecked). The time is what its {now} placeholders and a signature's
// timestamp carry: Slack signs its url_verification with the time it
// sends it, and a receiver refuses one signed long before. ok is false
// when the platform has no handshake.
func (p *Profile) HandshakeRequest(rng *rand.Rand, secrets Secrets, at time.Time) (r SimRequest, ok bool) {
	h := p.handshake
	if h == nil || h.request == nil {
		return SimRequest{}, false
	}
	g := &gen{rng: rng, secret: p.secretFor(h.secret, secrets), t: at}
	g.values = g.makeValues()
	g.session = "handshake"
	sc := &simRun{g: g, p: p}
	r = sc.request(h.request, h.kind)
	if p.sign != nil && !p.sign.optional && h.token == nil {
		g.secret = p.secretOrDemo(secrets)
		p.sign.signSim(&r, g, "")
	}
	r.Kind = h.kind
	r.SessionID = ""
	r.At = at
	return r, g.err == nil
}

// secretOrDemo is the secret the simulator signs the profile's requests
// with: the one given, else the profile's demo secret.
func (p *Profile) secretOrDemo(secrets Secrets) string { return p.secretFor(p.Name, secrets) }

// secretFor is the secret of a key (NAME or NAME.PART), else the demo one.
func (p *Profile) secretFor(key string, secrets Secrets) string {
	if s := secrets[key]; s != "" {
		return s
	}
	if p.Secret != nil {
		return p.Secret.Demo
	}
	return ""
}
