// Package model is hark's domain: the exchanges a receiver captures, the
// sessions they group into, the store that indexes both, and the decisions a
// user makes about held exchanges. It does no I/O and imports no other
// package of hark, so every other part can depend on it.
package model

import (
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ExchangeID numbers exchanges in the order they are received. It is unique
// within a journal file.
type ExchangeID uint64

func (id ExchangeID) String() string { return "#" + strconv.FormatUint(uint64(id), 10) }

// State is where an exchange is in its life:
// received → (held) → responded | fallback | rejected | failed.
type State string

const (
	StateReceived  State = "received"
	StateHeld      State = "held"
	StateResponded State = "responded"
	StateFallback  State = "fallback"
	StateRejected  State = "rejected"
	StateFailed    State = "failed"
)

// Final reports whether the exchange's response has been decided and sent.
func (s State) Final() bool {
	switch s {
	case StateResponded, StateFallback, StateRejected, StateFailed:
		return true
	}
	return false
}

// Source says where the response that went back came from.
type Source string

const (
	SourceDefault  Source = "default"  // the profile's pass-through default
	SourceRule     Source = "rule"     // a saved rule matched
	SourceForward  Source = "forward"  // the --forward target answered
	SourceEdited   Source = "edited"   // the user edited and sent it
	SourceFallback Source = "fallback" // a hold ran out of time
)

// Role is who spoke a turn.
type Role string

const (
	RoleUser   Role = "user"
	RoleAI     Role = "ai"
	RoleSystem Role = "system"
)

// Turn is one normalized line of a conversation. Lifecycle events (a session
// created or closed) are turns with a Marker and usually no text.
type Turn struct {
	Role     Role       `json:"role"`
	Text     string     `json:"text,omitempty"`
	Time     time.Time  `json:"time"`
	Marker   string     `json:"marker,omitempty"`
	Exchange ExchangeID `json:"exchange,omitempty"`
	// AfterEdit is set on the first bot turn that followed a response the
	// user edited: the exchange whose edited response came before it, so
	// the transcript can show what the edit changed.
	AfterEdit ExchangeID `json:"after_edit,omitempty"`
	// Resent is set by the store on a turn that came with a resent
	// exchange: hark sent it again, so it is not part of what the
	// conversation said (a session record, timing figures leave it out).
	Resent bool `json:"-"`
}

// Lifecycle markers a profile may put on a turn.
const (
	MarkerCreated = "created"
	MarkerClosed  = "closed"
)

// Request is the raw HTTP request exactly as it arrived. Body holds the bytes
// received, unmodified; when the body limit cut it short, Truncated is set
// and Size says how many bytes the client announced or sent.
type Request struct {
	Method     string              `json:"method"`
	Path       string              `json:"path"`
	RawQuery   string              `json:"query,omitempty"`
	Proto      string              `json:"proto,omitempty"`
	Host       string              `json:"host,omitempty"`
	RemoteAddr string              `json:"remote,omitempty"`
	Headers    map[string][]string `json:"headers,omitempty"`
	Body       []byte              `json:"-"`
	Size       int64               `json:"size"`
	Truncated  bool                `json:"truncated,omitempty"`
}

// Header returns the first value of a header, matching the name the way
// net/http canonicalizes it (net/textproto's form, which model may use:
// it is not net/http), or else ignoring case.
func (r *Request) Header(name string) string {
	return headerValue(r.Headers, name)
}

// Response is what went back to the platform.
type Response struct {
	Status  int                 `json:"status"`
	Headers map[string][]string `json:"headers,omitempty"`
	Body    []byte              `json:"-"`
	Source  Source              `json:"source"`
	Rule    string              `json:"rule,omitempty"`
}

// Forward is what the user's own handler (--forward) answered.
type Forward struct {
	URL     string              `json:"url"`
	Status  int                 `json:"status,omitempty"`
	Headers map[string][]string `json:"headers,omitempty"`
	Body    []byte              `json:"-"`
	Latency time.Duration       `json:"latency"`
	Error   string              `json:"error,omitempty"`
}

// SigState is the result of checking a request's signature or token.
type SigState string

const (
	SigNone      SigState = ""          // the platform signs nothing
	SigValid     SigState = "valid"     // checked and matching
	SigInvalid   SigState = "invalid"   // checked and not matching
	SigMissing   SigState = "missing"   // a secret is configured but the request carries none
	SigUnchecked SigState = "unchecked" // the request is signed but no secret is configured
)

// Signature describes the verification of one request.
type Signature struct {
	Scheme string   `json:"scheme,omitempty"` // e.g. "X-Moveo-Signature HMAC-SHA256"
	State  SigState `json:"state,omitempty"`
	Detail string   `json:"detail,omitempty"`
}

// Timings measure the parts of an exchange's life.
type Timings struct {
	Read    time.Duration `json:"read"`              // reading the request body
	Journal time.Duration `json:"journal"`           // until the request record was durable
	Hold    time.Duration `json:"hold,omitempty"`    // waiting for the user's decision
	Forward time.Duration `json:"forward,omitempty"` // waiting for the --forward target
	Total   time.Duration `json:"total"`             // received → response written
}

// Exchange is one webhook and its response.
//
// Once an exchange is in a Store, its fields are replaced, never modified in
// place (no append into Turns or Notes, no writes into Headers or Body), so
// the snapshots handed to subscribers can share slices and maps safely.
type Exchange struct {
	ID       ExchangeID
	Received time.Time
	Request  Request

	Platform  string // profile name: navtalk, chatbot, moveo, generic
	Kind      string // what the profile recognized: message, session, dialog, ...
	SessionID string
	Turns     []Turn
	// Record is set when Turns are a complete record of the session (a
	// NavTalk session delivery) rather than new turns.
	Record bool
	// Use says whether the platform acts on the response body; Deadline is
	// how long it waits, known only when it does.
	Use      ResponseUse
	Deadline time.Duration
	// Also are the conversation's other ids, shown beside SessionID.
	Also      []Alias
	Signature Signature
	Notes     []string // what was odd about the request, in plain words

	// State is the one record of whether the exchange is held: the
	// session's and the store's held counts are derived from it.
	State     State
	HeldUntil time.Time // when a held exchange falls back
	// Proposal is, while the exchange is held, the response it gets if
	// nobody edits it: a rule, the forward target's answer or the
	// profile's default. The receiver replaces it through Store.Update
	// whenever it changes, so the monitor learns of it from the store's
	// change notifications; nil before and after the hold.
	Proposal *Decision
	Response *Response
	Forward  *Forward
	Timings  Timings

	// Resent is set on an exchange whose request hark itself sent again
	// from an earlier exchange (a resend from the monitor), and journaled
	// with it; nil for a webhook as the platform sent it.
	Resent *Resent
	// Resends are the later exchanges that resent this one, oldest first:
	// the store sets them as those arrive (also from a journal), so the
	// link is seen from both ends. The store keeps both links of an
	// exchange it evicted.
	Resends []ExchangeID

	// Journal is where the exchange's records are in the journal, once
	// they are written: the store reads an exchange it no longer holds
	// whole back from there.
	Journal JournalRef

	// Evicted is set on what the store returns for an exchange it keeps
	// only in its compact index (to bound memory): identity, session,
	// time, kind, state, status and resend links, without headers,
	// bodies, turns or notes. Store.Load reads the whole exchange back
	// from the journal.
	Evicted bool
}

// Consumed reports whether the platform acts on the response body.
func (e *Exchange) Consumed() bool { return e.Use == UseConsumed }

// JournalRef is where an exchange's request and response records start in
// its journal file, in bytes. Zero means no record: a journal's first line
// is its header, so no exchange record starts at offset 0.
type JournalRef struct {
	Request, Response int64
}

// Resent links a resent exchange to the one it was sent again from.
type Resent struct {
	Of     ExchangeID // the exchange whose request was sent again
	Edited bool       // the user changed the request before sending it
}

// Label is how the monitor marks a resent exchange: "↻ resent #12", or
// "↻ edited and resent #12".
func (r *Resent) Label() string {
	if r.Edited {
		return "↻ edited and resent " + r.Of.String()
	}
	return "↻ resent " + r.Of.String()
}

// Session returns the key of the session the exchange belongs to.
func (e *Exchange) Session() SessionKey {
	return SessionKey{Platform: e.Platform, ID: e.SessionID}
}

// WithNote returns Notes plus one more, without writing into a slice that
// snapshots may share.
func (e *Exchange) WithNote(note string) []string {
	return append(slices.Clip(e.Notes), note)
}

// Held reports whether the exchange waits for a decision.
func (e *Exchange) Held() bool { return e.State == StateHeld }

// Failed reports whether the exchange counts as an error: rejected, failed,
// or answered with a status of 400 or more.
func (e *Exchange) Failed() bool {
	if e.State == StateRejected || e.State == StateFailed {
		return true
	}
	return e.Response != nil && e.Response.Status >= 400
}

func headerValue(h map[string][]string, name string) string {
	if v := h[textproto.CanonicalMIMEHeaderKey(name)]; len(v) > 0 {
		return v[0]
	}
	for k, v := range h { // keys stored without canonicalization
		if len(v) > 0 && strings.EqualFold(k, name) {
			return v[0]
		}
	}
	return ""
}
