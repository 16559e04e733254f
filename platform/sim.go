package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/harkhq/hark/model"
)

// Conversation returns a realistic conversation of a platform: every kind of
// request the platform sends, with bodies, headers and signatures as the
// platform makes them, and the delays between requests that a real session
// has (hundreds of milliseconds to a few seconds). Bodies' timestamps start
// at start and follow the delays. sessionID "" makes an id in the
// platform's style. The same rng state gives the same conversation.
//
// A conversation does not include the platform's handshake (ChatBot.com's
// verification GET), which the platform sends once, when a webhook is
// saved: see HandshakeRequest. Requests are signed with the platform's
// secret from secrets, or with its demo secret when none is given.
func Conversation(platform string, rng *rand.Rand, sessionID string, start time.Time, secrets Secrets) ([]SimRequest, error) {
	r := active()
	p, ok := r.Lookup(platform)
	if !ok {
		return nil, fmt.Errorf("unknown platform %q (known: %s)", platform, strings.Join(r.Names(), ", "))
	}
	if !p.Simulated() {
		return nil, fmt.Errorf("platform %s has no simulated conversations", platform)
	}
	if rng == nil {
		return nil, errors.New("Conversation needs a random source")
	}
	g := &gen{rng: rng, session: sessionID, t: start, secret: p.secretOrDemo(secrets)}
	g.values = g.makeValues()
	var reqs []SimRequest
	if p.sim != nil {
		reqs = p.simulateDeclared(g)
	} else {
		reqs = p.code.simulate(g)
	}
	if g.err != nil {
		return nil, g.err
	}
	for i := range reqs {
		reqs[i].SessionID = g.session
		if k, ok := p.Kind(reqs[i].Kind); ok && k.ownSession && len(k.session) == 0 {
			reqs[i].SessionID = "" // sent before the conversation has an id (Retell's call_inbound)
		}
		if reqs[i].Headers == nil {
			reqs[i].Headers = map[string][]string{}
		}
		if p.sign != nil {
			g.t = reqs[i].At
			p.sign.signSim(&reqs[i], g, "")
		}
		if p.code != nil && p.code.signSim != nil {
			g.t = reqs[i].At
			p.code.signSim(g, &reqs[i])
		}
	}
	return reqs, nil
}

// demoToken is the demo secret of the profiles that take one: what `hark
// demo` checks with, and what the simulator signs with when no secret is
// given (so that a receiver without one shows requests as signed but
// unchecked).
const demoToken = "hark-demo-token"

// gen builds one simulated conversation.
type gen struct {
	rng     *rand.Rand
	session string
	t       time.Time         // the conversation's clock: start plus the delays so far
	pending time.Duration     // delay before the next request
	secret  string            // the platform's secret, or its demo secret
	values  *strings.Replacer // fills a script's {placeholders}
	reqs    []SimRequest
	err     error
}

// wait moves the conversation's clock by a random delay in [lo, hi). The
// first request goes at the start, without waiting.
func (g *gen) wait(lo, hi time.Duration) {
	if len(g.reqs) == 0 {
		return
	}
	d := lo
	if hi > lo {
		d += time.Duration(g.rng.Int64N(int64(hi - lo)))
	}
	d = d.Round(time.Millisecond)
	g.pending += d
	g.t = g.t.Add(d)
}

func (g *gen) now() time.Time { return g.t }

// add appends a request sent after the delays waited since the last one.
func (g *gen) add(r SimRequest) {
	r.After, r.At = g.pending, g.t
	g.pending = 0
	g.reqs = append(g.reqs, r)
}

// json marshals a body; the bodies are plain structs, so a failure is a
// bug that Conversation reports.
func (g *gen) json(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil && g.err == nil {
		g.err = fmt.Errorf("marshal simulated body: %w", err)
	}
	return b
}

func (g *gen) sessionID(newID func() string) string {
	if g.session == "" {
		g.session = newID()
	}
	return g.session
}

func (g *gen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

const hexDigits = "0123456789abcdef"

func (g *gen) hex(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = hexDigits[g.rng.IntN(16)]
	}
	return string(b)
}

func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rng.IntN(10))
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}

// uuid returns a random (version 4) UUID.
func (g *gen) uuid() string {
	h := g.hex(32)
	variant := "89ab"[g.rng.IntN(4)]
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + string(variant) + h[17:20] + "-" + h[20:32]
}

// mongoID returns a MongoDB-style ObjectId: the creation second in hex,
// then random bytes.
func (g *gen) mongoID() string {
	return fmt.Sprintf("%08x", uint32(g.t.Unix())) + g.hex(16)
}

// line is one utterance of a script.
type line struct {
	role model.Role
	text string
}

// script is a conversation's utterances, with {placeholders} that each
// conversation fills with its own name, times and numbers.
type script []line

// script picks one of the scripts and fills its placeholders.
func (g *gen) script(scripts []script) script {
	s := scripts[g.rng.IntN(len(scripts))]
	out := make(script, len(s))
	for i, l := range s {
		out[i] = line{role: l.role, text: g.values.Replace(l.text)}
	}
	return out
}

func (g *gen) makeValues() *strings.Replacer {
	return strings.NewReplacer(
		"{name}", g.pick([]string{"Ana Souza", "Mr. Martin", "Yuki Tanaka", "Chloé Bernard", "Omar Haddad", "Priya Nair", "Lars Eriksen"}),
		"{hotel}", g.pick([]string{"Grand Meridian", "Hotel Alba", "Seaside Inn"}),
		"{hour}", g.pick([]string{"9 am", "10 am", "11:30", "2 pm"}),
		"{day}", g.pick([]string{"Monday", "Tuesday", "Wednesday", "Thursday"}),
		"{order}", fmt.Sprintf("#%d", 100000+g.rng.IntN(900000)),
		"{last4}", fmt.Sprintf("%04d", g.rng.IntN(10000)),
		"{people}", fmt.Sprint(2+g.rng.IntN(5)),
	)
}

// scriptValues are the placeholders makeValues fills, which scripts and
// simulated bodies may use.
var scriptValues = map[string]bool{"name": true, "hotel": true, "hour": true, "day": true, "order": true, "last4": true, "people": true}

func jsonRequestHeaders() map[string][]string {
	return map[string][]string{"Content-Type": {"application/json"}}
}
