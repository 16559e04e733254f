package model

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
)

// RuleScope says which exchanges a rule answers.
type RuleScope string

const (
	ScopeSession RuleScope = "session" // one conversation: platform and session id
	ScopeKind    RuleScope = "kind"    // one kind of webhook of a platform
)

// Rule answers matching exchanges with a saved response: an edit the user
// chose to keep.
type Rule struct {
	ID       string    `json:"id"`
	Scope    RuleScope `json:"scope"`
	Platform string    `json:"platform"`
	Kind     string    `json:"kind,omitempty"`    // the kind, for ScopeKind
	Session  string    `json:"session,omitempty"` // the session id, for ScopeSession
	// Limit is how many matches the rule answers; 0 answers them all.
	Limit   int  `json:"limit,omitempty"`
	Used    int  `json:"used,omitempty"`
	Enabled bool `json:"enabled"`

	Status  int                 `json:"status"`
	Headers map[string][]string `json:"headers,omitempty"`
	Body    string              `json:"body"`

	Note    string    `json:"note,omitempty"` // where it came from, e.g. "kept from #12"
	Created time.Time `json:"created"`
}

// Matches reports whether the rule's scope covers the exchange (whether or
// not it is enabled or used up).
func (r *Rule) Matches(ex *Exchange) bool {
	if r.Platform != ex.Platform {
		return false
	}
	switch r.Scope {
	case ScopeSession:
		return r.Session == ex.SessionID
	case ScopeKind:
		return r.Kind == ex.Kind
	}
	return false
}

// Exhausted reports a rule that answered its Limit of matches.
func (r *Rule) Exhausted() bool { return r.Limit > 0 && r.Used >= r.Limit }

// Active reports a rule that can still answer.
func (r *Rule) Active() bool { return r.Enabled && !r.Exhausted() }

// Describe says in a few words what the rule answers.
func (r *Rule) Describe() string {
	what := r.Platform + " " + r.Kind
	if r.Scope == ScopeSession {
		what = r.Platform + " session " + r.Session
	}
	switch {
	case r.Limit == 0:
		return what + ", every match"
	case r.Limit == 1:
		return what + ", next match (" + strconv.Itoa(r.Used) + "/1 used)"
	}
	return fmt.Sprintf("%s, next %d matches (%d used)", what, r.Limit, r.Used)
}

// Decision is the response the rule gives.
func (r *Rule) Decision() Decision {
	return Decision{Status: r.Status, Headers: r.Headers, Body: []byte(r.Body), Source: SourceRule, Rule: r.ID}
}

// Check says what is wrong with a rule loaded from a file, if anything.
func (r *Rule) Check() error {
	switch {
	case r.Platform == "":
		return fmt.Errorf("rule %q: no platform", r.ID)
	case r.Scope == ScopeSession && r.Session == "":
		return fmt.Errorf("rule %q: a session rule needs a session id", r.ID)
	case r.Scope == ScopeKind && r.Kind == "":
		return fmt.Errorf("rule %q: a kind rule needs a kind", r.ID)
	case r.Scope != ScopeSession && r.Scope != ScopeKind:
		return fmt.Errorf("rule %q: scope %q is neither session nor kind", r.ID, r.Scope)
	case r.Status < 100 || r.Status > 599:
		return fmt.Errorf("rule %q: status %d is not an HTTP status", r.ID, r.Status)
	case r.Limit < 0 || r.Used < 0:
		return fmt.Errorf("rule %q: limit and used cannot be negative", r.ID)
	}
	return nil
}

// Rules is the set of rules of a run, shared by the monitor (which adds,
// toggles and deletes them) and the receiver (which applies them). Safe for
// concurrent use.
type Rules struct {
	mu       sync.Mutex
	list     []*Rule
	next     int
	version  uint64
	onChange func([]Rule)
}

// NewRules starts with rules loaded from a file, if any.
func NewRules(initial []Rule) *Rules {
	rs := &Rules{}
	for _, r := range initial {
		r := r
		if n, err := strconv.Atoi(r.ID); err == nil && n > rs.next {
			rs.next = n
		}
		rs.list = append(rs.list, &r)
	}
	for _, r := range rs.list {
		if r.ID == "" {
			rs.next++
			r.ID = strconv.Itoa(rs.next)
		}
	}
	return rs
}

// OnChange sets a function called with every rule after each change (to
// save them); it runs with the rules locked, so it must not call back.
func (rs *Rules) OnChange(fn func([]Rule)) {
	rs.mu.Lock()
	rs.onChange = fn
	rs.mu.Unlock()
}

// Take finds the rule that answers ex, session rules before kind rules,
// counts the use and returns the rule as it is after it.
func (rs *Rules) Take(ex *Exchange) (Rule, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, scope := range []RuleScope{ScopeSession, ScopeKind} {
		for _, r := range rs.list {
			if r.Scope == scope && r.Active() && r.Matches(ex) {
				r.Used++
				rs.changed()
				return *r, true
			}
		}
	}
	return Rule{}, false
}

// Use counts one use of a rule that answered a held exchange; it reports
// whether the rule exists.
func (rs *Rules) Use(id string) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, r := range rs.list {
		if r.ID == id {
			r.Used++
			rs.changed()
			return true
		}
	}
	return false
}

// Find returns the rule that would answer ex, without using it.
func (rs *Rules) Find(ex *Exchange) (Rule, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, scope := range []RuleScope{ScopeSession, ScopeKind} {
		for _, r := range rs.list {
			if r.Scope == scope && r.Active() && r.Matches(ex) {
				return *r, true
			}
		}
	}
	return Rule{}, false
}

// Add appends a rule, giving it an id, and returns it.
func (rs *Rules) Add(r Rule) Rule {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.next++
	r.ID = strconv.Itoa(rs.next)
	rs.list = append(rs.list, &r)
	rs.changed()
	return r
}

// Toggle enables or disables a rule; it reports whether it exists.
func (rs *Rules) Toggle(id string) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, r := range rs.list {
		if r.ID == id {
			r.Enabled = !r.Enabled
			rs.changed()
			return true
		}
	}
	return false
}

// Delete removes a rule; it reports whether it existed.
func (rs *Rules) Delete(id string) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	i := slices.IndexFunc(rs.list, func(r *Rule) bool { return r.ID == id })
	if i < 0 {
		return false
	}
	rs.list = slices.Delete(rs.list, i, i+1)
	rs.changed()
	return true
}

// List returns copies of the rules in the order they were added.
func (rs *Rules) List() []Rule {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.snapshot()
}

// Version increases with every change, for views.
func (rs *Rules) Version() uint64 {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.version
}

func (rs *Rules) snapshot() []Rule {
	out := make([]Rule, len(rs.list))
	for i, r := range rs.list {
		out[i] = *r
	}
	return out
}

func (rs *Rules) changed() {
	rs.version++
	if rs.onChange != nil {
		rs.onChange(rs.snapshot())
	}
}
