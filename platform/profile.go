package platform

import "github.com/harkhq/hark/model"

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
// Code hooks (sign, check, simulate) cover what a table cannot say.

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
	detect   []detector
	kinds    []kindRule
	fallback string    // kind when no kind rule matches
	session  []field   // where the session id is, first non-empty wins
	time     []string  // body paths of the request's timestamp, for turns that carry none
	guessed  bool      // the paths are heuristics: a value that does not fit is not odd
	sign     signer    // verifies the request's signature or token; nil = none
	check    checker   // extra notes a table cannot express; nil = none
	simulate simulator // builds a realistic conversation
}

type (
	signer    func(in *input, kind string) model.Signature
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
