// Package platform knows each conversational-AI platform's webhooks: how to
// recognize a request, find its session, kind and turns; what response the
// platform expects and how fast; how it signs requests; and what realistic
// conversations of it look like, for the simulator. It does no I/O.
package platform

import (
	"math/rand/v2"
	"time"

	"github.com/harkhq/hark/model"
)

// Secrets maps a profile name to the secret given with --secret NAME=SECRET;
// each profile's Secret says what that secret is.
type Secrets map[string]string

// Classification is what a profile recognized in a request.
type Classification struct {
	Platform  string // profile name
	Kind      string // one of the profile's Kinds
	SessionID string // "" when the request carries none
	Also      []model.Alias
	Turns     []model.Turn
	Record    bool              // Turns are a complete session record (NavTalk session delivery)
	Use       model.ResponseUse // what the platform does with the response body
	Deadline  time.Duration     // how long it waits, when it consumes the response
	Handshake bool              // the request checks the endpoint: hark answers it itself (DefaultResponse)
	Signature model.Signature
	Notes     []string // what was odd: malformed JSON, not JSON, missing fields...

	// echo is what a handshake request asks to have echoed, so that
	// DefaultResponse can answer it.
	echo string
}

// Consumed reports whether the platform acts on the response body.
func (c *Classification) Consumed() bool { return c.Use == model.UseConsumed }

// Profile describes one platform. It is the only place a fact about a
// platform is written: the rest of hark reaches every platform through the
// registry (Profiles, Lookup, Find) and never names one.
type Profile struct {
	Name         string  // short name used in flags and records: navtalk, chatbot, moveo, generic
	Title        string  // NavTalk, ChatBot.com, Moveo.ai, Generic JSON
	Badge        string  // three capital letters where a title does not fit: NAV
	Secret       *Secret // what --secret NAME=SECRET is for this platform; nil = it takes none
	Docs         string  // URL of the platform's webhook documentation
	Paths        []PathHint
	Kinds        []Kind
	MaxResponse  int    // response size limit in bytes; 0 = none known
	Verification string // how requests are verified, in one sentence
	Unverified   []string
	// Common profiles are listed in the start-up "paste these URLs" list;
	// the others are folded behind `hark platforms`.
	Common bool

	// Credentials says where the platform's requests carry secrets, which
	// exports redact (see Redact).
	Credentials Credentials

	profileRules // how to recognize and read requests (profile.go)
}

// Secret says what the secret of a platform that takes one is; help text
// and `hark demo` are written from it.
type Secret struct {
	Value  string // how help text names the value: TOKEN
	Checks string // what hark checks with it, in a few words: "Moveo's X-Moveo-Signature"
	Signs  bool   // the platform signs every request with it, not only a handshake
	Demo   string // what `hark demo` checks and the simulator signs with when no secret is given
	// Parts are the platform's other secrets, given as --secret NAME.PART=VALUE
	// (WhatsApp's verify token beside its app secret).
	Parts []SecretPart
}

// SecretPart is a platform's second secret.
type SecretPart struct {
	Name   string // verify: --secret NAME.verify=VALUE
	Value  string // TOKEN
	Checks string // what hark checks with it
}

// PathHint is a URL path to paste into the platform's console.
type PathHint struct {
	Path string // e.g. /api/webhook/message
	What string // what the platform sends there
}

// Kind is one kind of webhook a platform sends.
type Kind struct {
	Name        string
	Title       string
	Use         model.ResponseUse
	Deadline    time.Duration // how long the platform waits for the response, when consumed
	MaxResponse int           // the kind's own response size limit; 0 = the profile's
	Default     Template      // the pass-through default response
	Templates   []Template    // responses the user can insert in the editor

	kindRules // how to read the kind's turns (profile.go)
}

// Template is a response body a platform accepts.
type Template struct {
	Name       string
	Title      string
	Status     int
	Headers    map[string][]string
	Body       string
	Unverified bool // the platform's documentation does not settle this shape
}

// SimRequest is one request of a simulated conversation.
type SimRequest struct {
	Kind      string        // the kind of the profile this request is an example of
	SessionID string        // the conversation's session id, as the platform sends it ("" for a request sent before it has one)
	After     time.Duration // wait since the previous request of the conversation
	At        time.Time     // when the conversation's clock sends it (its bodies' timestamps)
	Method    string
	Path      string
	RawQuery  string
	Headers   map[string][]string
	Body      []byte
}

// The functions below are the package's contract with the rest of hark.
var (
	_ func() []*Profile                                                          = Profiles
	_ func(string) (*Profile, bool)                                              = Lookup
	_ func(string) (*Profile, bool)                                              = Find
	_ func(string) string                                                        = TitleOf
	_ func() *Profile                                                            = Fallback
	_ func() Secrets                                                             = DemoSecrets
	_ func(*model.Request, Secrets) Classification                               = Classify
	_ func(*model.Request, Secrets, time.Time) Classification                    = ClassifyAt
	_ func(*model.Request, Secrets) (model.Decision, model.Signature, bool)      = Challenge
	_ func(Classification) model.Decision                                        = DefaultResponse
	_ func(string, *rand.Rand, string, time.Time, Secrets) ([]SimRequest, error) = Conversation
	_ func(string, model.Request, Secrets) (model.Request, string)               = Resign
)
