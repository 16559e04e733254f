package platform

import (
	"strings"

	"github.com/harkhq/hark/model"
)

// A profile is mostly data. Besides the exported facts that `hark platforms`
// and the editor show, each Profile and Kind carries unexported tables that
// say how to recognize its requests and read them:
//
//   - detect: conditions that make a request this platform's, each with a
//     strength, so that a strong sign (a vendor header) beats a weak one (a
//     path) when two profiles claim the same request;
//   - kinds: ordered conditions choosing the kind, first match wins, else
//     the profile's fallback kind;
//   - session: where the session id is (body paths, headers), first found wins;
//   - each Kind's turns: which paths hold the speaker, text, time and
//     lifecycle markers.
//
// Code hooks (sign, resign, check, simulate, the handshake's answer and
// request) cover what a table cannot say. A profile is one file: its data,
// its tables and its hooks; adding a platform is that file plus its line in
// the registry below.

// Detection strengths: a request goes to the profile with the strongest
// matching rule; ties go to the earlier profile in the registry.
const (
	byPath   = 1 // a URL path the platform's console is told to use
	byShape  = 2 // body fields only this platform sends together
	byHeader = 3 // a header only this platform sends
)

// detector is one way to recognize a platform's request.
type detector struct {
	strength int
	when     cond
}

// kindRule picks a kind when its condition holds.
type kindRule struct {
	when cond
	kind string
}

// profileRules are the unexported tables and hooks of a Profile.
type profileRules struct {
	detect    []detector
	kinds     []kindRule
	fallback  string     // kind when no kind rule matches
	session   []field    // where the session id is, first non-empty wins
	time      []string   // body paths of the request's timestamp, for turns that carry none
	guessed   bool       // the paths are heuristics: a value that does not fit is not odd
	sign      signer     // verifies the request's signature or token (with in.secret); nil = none
	resign    resigner   // signs a recorded request again with another secret; nil = nothing to re-sign
	handshake *handshake // a request that checks the endpoint, answered by hark itself; nil = none
	check     checker    // extra notes a table cannot express; nil = none
	simulate  simulator  // builds a realistic conversation
}

type (
	signer    func(in *input, kind string) model.Signature
	resigner  func(req model.Request, secret string) (model.Request, string)
	checker   func(in *input, c *Classification)
	simulator func(g *gen) []SimRequest
)

// kindRules are the unexported parts of a Kind.
type kindRules struct {
	turns  []turnRule
	record bool // the turns are a complete session record
}

// registry lists the profiles in the order `hark platforms` shows them and
// ties are broken; generic is last and takes whatever no other recognizes.
var registry = []*Profile{navtalk, chatbot, moveo, generic}

// Profiles returns every profile, generic last. The profiles are shared:
// callers must not modify them.
func Profiles() []*Profile { return registry }

// Lookup returns the profile with the given short name.
func Lookup(name string) (*Profile, bool) {
	for _, p := range registry {
		if p.Name == name {
			return p, true
		}
	}
	return nil, false
}

// Find returns the profile whose short name or title is s, ignoring case:
// what a person types (platform:moveo.ai) or what a list shows (a title).
func Find(s string) (*Profile, bool) {
	for _, p := range registry {
		if strings.EqualFold(p.Name, s) || strings.EqualFold(p.Title, s) {
			return p, true
		}
	}
	return nil, false
}

// TitleOf names a platform for people: the title of the profile whose name
// or title is s, or s itself when no profile has it (a journal may hold
// platforms that this hark does not know).
func TitleOf(s string) string {
	if p, ok := Find(s); ok {
		return p.Title
	}
	return s
}

// Fallback is the profile of requests no other profile recognizes.
func Fallback() *Profile { return generic }

// ColorIndex is the profile's place among the profiles that have a colour
// of their own, in registry order: a UI draws it in palette[i % len], so
// that a new profile gets a colour without anyone choosing one. The
// fallback profile has none (ok is false): it stands for every platform
// hark does not know, and is drawn like them.
func (p *Profile) ColorIndex() (i int, ok bool) {
	for _, q := range registry {
		if q == generic {
			continue
		}
		if q == p {
			return i, true
		}
		i++
	}
	return 0, false
}

// DemoSecrets are the secrets `hark demo` runs with: each profile that takes
// a secret gets its demo secret, which its simulated requests are signed
// with, so the demo's monitor shows verified signatures.
func DemoSecrets() Secrets {
	s := Secrets{}
	for _, p := range registry {
		if p.Secret != nil && p.Secret.Demo != "" {
			s[p.Name] = p.Secret.Demo
		}
	}
	return s
}

// Resigns reports whether Resign can sign the profile's recorded requests
// again with another secret.
func (p *Profile) Resigns() bool { return p.resign != nil }

// Names returns the profiles' short names in registry order.
func Names() []string {
	names := make([]string, len(registry))
	for i, p := range registry {
		names[i] = p.Name
	}
	return names
}

// Kind returns the profile's kind with the given name.
func (p *Profile) Kind(name string) (*Kind, bool) {
	for i := range p.Kinds {
		if p.Kinds[i].Name == name {
			return &p.Kinds[i], true
		}
	}
	return nil, false
}

// Consumed reports whether any of the profile's kinds has its response
// acted on by the platform.
func (p *Profile) Consumed() bool {
	for i := range p.Kinds {
		if p.Kinds[i].Consumed {
			return true
		}
	}
	return false
}

// Simulated reports whether the profile can produce simulated conversations.
func (p *Profile) Simulated() bool { return p.simulate != nil }
