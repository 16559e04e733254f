package platform

import (
	"slices"

	"github.com/harkhq/hark/model"
)

// A profile is data. Each one is a YAML file in the declarative format
// (docs/platform-format.md): the built-in ones are embedded from
// profiles/*.yaml, users' ones are read from their configuration directory.
// Compiling a file (compile.go) fills the exported facts that `hark
// platforms` and the editor show, and the unexported tables below, which
// say how to recognize the platform's requests and read them:
//
//   - detect: conditions that make a request this platform's, each with a
//     strength, so that a strong sign (a vendor header) beats a weak one (a
//     path) when two profiles claim the same request;
//   - kinds: the kind named by a body value, else ordered conditions, first
//     match wins, else the profile's fallback kind;
//   - session: where the session id is (body paths, form fields, headers),
//     first found wins;
//   - each Kind's turns: which paths hold the speaker, text, time and
//     lifecycle markers;
//   - the handshake, the signature scheme and the simulated conversation.
//
// What the format cannot say is Go code attached to a built-in profile by
// name (code.go): a simulator that builds bodies a template cannot, or a
// check that compares two fields. Adding a platform is one YAML file, and
// a line in codeParts when it needs such code.

// Detection strengths: a request goes to the profile with the strongest
// matching rule; ties go to the earlier profile in the registry.
const (
	byPath   = 1 // a URL path the platform's console is told to use
	byShape  = 2 // body fields (or query parameters) only this platform sends together
	byHeader = 3 // a header only this platform sends
)

// detector is one way to recognize a platform's request.
type detector struct {
	strength int
	when     cond
}

// kindStep is one step of deciding a request's kind: a body value that
// names the kind (when src is set), or a condition that picks one.
type kindStep struct {
	src  *source
	when cond
	kind string
}

// profileRules are the unexported tables and hooks of a Profile.
type profileRules struct {
	detect   []detector
	batch    bool              // a batch of requests, each read on its own: a JSON array body, or the array at batchAt
	batchAt  string            // the body path of the batch's array; "" = the body itself
	choose   []kindStep        // in order, the first step that names a kind decides
	byValue  map[string]string // a body value → the kind it names
	fallback string            // kind when no step decides
	session  []source          // where the session id is, first non-empty wins
	also     []source          // the conversation's other ids, shown beside the session
	groups   map[string][]source
	time     []source // the request's timestamp, for turns that carry none
	guessed  bool     // the paths are heuristics: a value that does not fit is not odd

	sign      *signature // how requests are signed; nil = not at all
	handshake *handshake // a request that checks the endpoint, answered by hark itself; nil = none
	sim       *simSpec   // the declarative simulated conversation; nil = none (or code's)
	code      *code      // what the format cannot say, for a built-in profile; nil = none

	source    []byte // the YAML the profile was compiled from, for `hark platforms show`
	file      string // where it was read: "built-in" or a user's file
	builtin   bool
	override  bool   // a user's profile meant to replace the built-in one of its name
	groupedBy string // the --group key the registry groups this profile's sessions by
	nameLine  int    // the line of its name, for errors about it
	// commonSet is set when the file says common: a built-in profile is
	// folded behind `hark platforms` unless its file says otherwise, a
	// user's profile is listed unless its file says otherwise.
	commonSet bool
}

// kindRules are the unexported parts of a Kind.
type kindRules struct {
	turns  []turnRule
	record bool       // the turns are a complete session record
	notes  []kindNote // what to say about a request of this kind
	expect []source   // fields a request of this kind should carry

	session    []source // where its session id is, when ownSession: in place of the profile's
	ownSession bool

	whens []cond // the conditions that choose the kind (any), for its file's readers
}

// kindNote is a note added to requests of a kind when its condition holds.
type kindNote struct {
	when cond
	text tmpl // may read the request: {json:event}
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

// Consumed reports whether the platform acts on the response body of a
// request of this kind.
func (k *Kind) Consumed() bool { return k.Use == model.UseConsumed }

// Consumed reports whether any of the profile's kinds has its response
// acted on by the platform.
func (p *Profile) Consumed() bool {
	for i := range p.Kinds {
		if p.Kinds[i].Consumed() {
			return true
		}
	}
	return false
}

// Limit is the response size limit of a kind: its own, else its profile's;
// 0 when none is known.
func (p *Profile) Limit(k *Kind) int {
	if k != nil && k.MaxResponse > 0 {
		return k.MaxResponse
	}
	return p.MaxResponse
}

// Simulated reports whether the profile can produce simulated conversations.
func (p *Profile) Simulated() bool {
	return p.sim != nil || (p.code != nil && p.code.simulate != nil)
}

// Resigns reports whether Resign can sign the profile's recorded requests
// again with another secret.
func (p *Profile) Resigns() bool {
	return p.sign != nil || p.handshake != nil && p.handshake.token != nil
}

// Builtin reports whether the profile ships with hark (false for a user's
// profile, also one that replaces a built-in).
func (p *Profile) Builtin() bool { return p.builtin }

// File is where the profile was read: "built-in", or the path of a user's
// file.
func (p *Profile) File() string { return p.file }

// Groups are the names of the other ways the profile can group requests
// into sessions (--group NAME=KEY), sorted; "default" is the profile's own.
func (p *Profile) Groups() []string {
	out := make([]string, 0, len(p.groups))
	for g := range p.groups {
		out = append(out, g)
	}
	slices.Sort(out)
	return out
}
