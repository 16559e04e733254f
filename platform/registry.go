package platform

import (
	"slices"
	"strings"
	"sync/atomic"
)

// Registry is the set of profiles hark knows: the built-in ones, then the
// user's, then the fallback. It is built once at start (Load) and never
// changed afterwards, so any number of goroutines may read it.
type Registry struct {
	profiles    []*Profile // in the order `hark platforms` shows them and ties are broken; the fallback last
	byName      map[string]*Profile
	fallback    *Profile
	handshakers []*Profile   // the profiles with a handshake, for Challenge
	index       *detectIndex // the profiles' detectors, by what they need of a request (detect.go)
	notices     []string     // what loading decided that the user should know
}

// current is the registry the package's functions read: the built-in
// profiles until Use installs another.
var current atomic.Pointer[Registry]

func active() *Registry {
	if r := current.Load(); r != nil {
		return r
	}
	r := Builtin()
	current.CompareAndSwap(nil, r)
	return current.Load()
}

// Use makes r the registry that Classify, Lookup, Profiles and the other
// functions of the package read. hark calls it once at start, after Load;
// a nil r restores the built-in profiles.
func Use(r *Registry) {
	if r == nil {
		r = Builtin()
	}
	current.Store(r)
}

// Active returns the registry in use.
func Active() *Registry { return active() }

// newRegistry orders profiles: those given, in order, the fallback last.
func newRegistry(profiles []*Profile, fallback *Profile) *Registry {
	r := &Registry{byName: map[string]*Profile{}, fallback: fallback}
	for _, p := range append(slices.Clip(profiles), fallback) {
		r.profiles = append(r.profiles, p)
		r.byName[p.Name] = p
		if p.handshake != nil {
			r.handshakers = append(r.handshakers, p)
		}
	}
	r.index = newDetectIndex(r.profiles)
	return r
}

// Profiles returns every profile, the fallback last. The profiles are
// shared: callers must not modify them.
func Profiles() []*Profile { return active().profiles }

// Profiles returns the registry's profiles, the fallback last.
func (r *Registry) Profiles() []*Profile { return r.profiles }

// Notices are what loading the registry decided that the user should
// know, such as a user's profile replacing a built-in one.
func (r *Registry) Notices() []string { return r.notices }

// Lookup returns the profile with the given short name.
func Lookup(name string) (*Profile, bool) { return active().Lookup(name) }

func (r *Registry) Lookup(name string) (*Profile, bool) {
	p, ok := r.byName[name]
	return p, ok
}

// Find returns the profile whose short name or title is s, ignoring case:
// what a person types (platform:moveo.ai) or what a list shows (a title).
func Find(s string) (*Profile, bool) {
	for _, p := range active().profiles {
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
func Fallback() *Profile { return active().fallback }

// Fallback is the registry's profile of requests no other recognizes.
func (r *Registry) Fallback() *Profile { return r.fallback }

// Names returns the profiles' short names in registry order.
func Names() []string { return active().Names() }

func (r *Registry) Names() []string {
	names := make([]string, len(r.profiles))
	for i, p := range r.profiles {
		names[i] = p.Name
	}
	return names
}

// ColorIndex is the profile's place among the profiles that have a colour
// of their own, in registry order: a UI draws it in palette[i % len], so
// that a new profile gets a colour without anyone choosing one. The
// fallback profile has none (ok is false): it stands for every platform
// hark does not know, and is drawn like them.
func (p *Profile) ColorIndex() (i int, ok bool) {
	r := active()
	for _, q := range r.profiles {
		if q == r.fallback {
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
	for _, p := range active().profiles {
		if p.Secret != nil && p.Secret.Demo != "" {
			s[p.Name] = p.Secret.Demo
			for _, part := range p.Secret.Parts {
				s[p.Name+"."+part.Name] = p.Secret.Demo
			}
		}
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
