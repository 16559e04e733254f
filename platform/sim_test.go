package platform

import (
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

var simStart = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

func seeded(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

// toRequest is what a receiver would capture of a simulated request.
func toRequest(r SimRequest) *model.Request {
	return &model.Request{Method: r.Method, Path: r.Path, RawQuery: r.RawQuery, Headers: r.Headers, Body: r.Body, Size: int64(len(r.Body))}
}

// sent is what a receiver at http://hark.test would capture of a simulated
// request sent there, signed for that URL as hark send signs it (for the
// platforms that sign the URL with the body, such as Twilio).
func sent(p *Profile, r SimRequest, secrets Secrets) *model.Request {
	req := toRequest(p.SignFor(r, "http://hark.test"+r.Path+query(r.RawQuery), secrets))
	req.Host = "hark.test"
	return req
}

// simulatedKinds are the kinds a conversation must use: all but "other"
// (requests hark cannot place) and the handshake, which HandshakeRequest
// makes.
func simulatedKinds(p *Profile) []string {
	var kinds []string
	for _, k := range p.Kinds {
		if k.Name != "other" && (p.handshake == nil || k.Name != p.handshake.kind) {
			kinds = append(kinds, k.Name)
		}
	}
	slices.Sort(kinds)
	return kinds
}

var sessionStyle = map[string]*regexp.Regexp{
	"navtalk": regexp.MustCompile(`^session_[0-9]{12}$`),
	"chatbot": regexp.MustCompile(`^[0-9a-f]{24}$`),
	"moveo":   regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`),
	"generic": regexp.MustCompile(`^conv_[0-9a-f]{20}$`),
}

// TestConversationsClassifyBack plays many conversations of every platform
// through Classify: each request must come back as its own platform and
// kind, in the conversation's session, signed when a secret is set.
func TestConversationsClassifyBack(t *testing.T) {
	for _, p := range Profiles() {
		for _, secrets := range []Secrets{nil, {"moveo": "mv-token", "chatbot": "cb-token", "botframework": "bf-app", "rasa": "rs-token", "sunshine": "sc-secret"}} {
			for seed := uint64(1); seed <= 25; seed++ {
				reqs, err := Conversation(p.Name, seeded(seed), "", simStart, secrets)
				if err != nil {
					t.Fatal(err)
				}
				session := ""
				var kinds []string
				var last time.Time
				for i, r := range reqs {
					if i == 0 && r.After != 0 {
						t.Errorf("%s: first request waits %v", p.Name, r.After)
					}
					if r.After < 0 || r.After > 10*time.Second {
						t.Errorf("%s: request %d waits %v", p.Name, i, r.After)
					}
					c := Classify(sent(p, r, secrets), secrets)
					if c.Platform != p.Name || c.Kind != r.Kind {
						t.Fatalf("%s seed %d request %d (%s): classified %s/%s, notes %q\n%s", p.Name, seed, i, r.Kind, c.Platform, c.Kind, c.Notes, r.Body)
					}
					if len(c.Notes) > 0 && c.Kind != kindNonJSON { // non-JSON bodies are always noted
						t.Errorf("%s request %d: notes %q", p.Name, i, c.Notes)
					}
					if c.SessionID != model.Unsorted {
						if session == "" {
							session = c.SessionID
						} else if c.SessionID != session {
							t.Errorf("%s: session %q after %q", p.Name, c.SessionID, session)
						}
					}
					for _, turn := range c.Turns {
						if !turn.Time.IsZero() && !c.Record { // a record replays earlier turns
							if turn.Time.Before(last) {
								t.Errorf("%s: turn at %v before %v", p.Name, turn.Time, last)
							}
							last = turn.Time
						}
					}
					checkSimSignature(t, p, c, secrets, toRequest(r))
					kinds = append(kinds, r.Kind)
				}
				if style := sessionStyle[p.Name]; style != nil && !style.MatchString(session) {
					t.Errorf("%s: session id %q is not in the platform's style", p.Name, session)
				}
				slices.Sort(kinds)
				if got, want := slices.Compact(kinds), simulatedKinds(p); !slices.Equal(got, want) {
					t.Errorf("%s seed %d: kinds %v, want %v", p.Name, seed, got, want)
				}
			}
		}
	}
}

// checkSimSignature: a platform that signs every request signs every
// simulated one (checked when its secret is set); the others' conversations
// carry nothing to check, but the optional token a simulated request
// carries (Rasa's on action server calls).
func checkSimSignature(t *testing.T, p *Profile, c Classification, secrets Secrets, req *model.Request) {
	t.Helper()
	want := model.SigNone
	carries := p.sign != nil && p.sign.optional && p.sign.algo == "" && newInput(req, nil).has(&p.sign.token)
	if p.Secret != nil && (p.Secret.Signs || carries) {
		want = model.SigUnchecked
		if secrets[p.Name] != "" {
			want = model.SigValid
		}
	}
	if c.Signature.State != want {
		t.Errorf("%s/%s: signature %q, want %q", p.Name, c.Kind, c.Signature.State, want)
	}
}

func TestConversationIsDeterministic(t *testing.T) {
	for _, name := range Names() {
		a, err := Conversation(name, seeded(42), "", simStart, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Conversation(name, seeded(42), "", simStart, nil)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: same seed, different conversations", name)
		}
		c, _ := Conversation(name, seeded(43), "", simStart, nil)
		if reflect.DeepEqual(a, c) {
			t.Errorf("%s: different seeds, same conversation", name)
		}
	}
}

func TestConversationUsesGivenSession(t *testing.T) {
	for _, name := range Names() {
		reqs, err := Conversation(name, seeded(1), "my-session", simStart, nil)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range reqs {
			if c := Classify(toRequest(r), nil); c.SessionID != model.Unsorted {
				found = true
				if c.SessionID != "my-session" {
					t.Errorf("%s: session %q", name, c.SessionID)
				}
			}
		}
		if !found {
			t.Errorf("%s: no request carries the session", name)
		}
	}
}

func TestConversationErrors(t *testing.T) {
	if _, err := Conversation("nope", seeded(1), "", simStart, nil); err == nil {
		t.Error("unknown platform accepted")
	}
	if _, err := Conversation("navtalk", nil, "", simStart, nil); err == nil {
		t.Error("nil rng accepted")
	}
}

// TestNavTalkRecordMatchesLive feeds a simulated NavTalk session into a
// store: its record must agree with the live events.
func TestNavTalkRecordMatchesLive(t *testing.T) {
	store := model.NewStore(model.StoreOptions{})
	reqs, _ := Conversation("navtalk", seeded(5), "", simStart, nil)
	var key model.SessionKey
	for _, r := range reqs {
		c := Classify(toRequest(r), nil)
		ex := &model.Exchange{ID: store.NextID(), Received: simStart, Platform: c.Platform, Kind: c.Kind,
			SessionID: c.SessionID, Turns: c.Turns, Record: c.Record}
		store.Add(ex)
		key = ex.Session()
	}
	s, _ := store.Session(key)
	if s.Record == nil || !s.Record.Clean() || s.Record.Matched == 0 || !s.Closed {
		t.Fatalf("record %+v closed %v", s.Record, s.Closed)
	}
	if s.Turns[0].Marker != model.MarkerCreated {
		t.Errorf("first turn %+v", s.Turns[0])
	}
}

func TestHandshakeRequest(t *testing.T) {
	chatbot, _ := Lookup("chatbot")
	for _, secrets := range []Secrets{nil, {"chatbot": "cb"}} {
		r, ok := chatbot.HandshakeRequest(seeded(3), secrets, simStart)
		if !ok {
			t.Fatal("no handshake")
		}
		req := toRequest(r)
		d, sig, ok := Challenge(req, secrets)
		if !ok || d.Status != 200 || len(d.Body) != 32 {
			t.Fatalf("challenge: %v %d %q", ok, d.Status, d.Body)
		}
		want := model.SigUnchecked
		if secrets != nil {
			want = model.SigValid
		}
		if sig.State != want || r.Kind != "verify" {
			t.Errorf("state %q kind %q", sig.State, r.Kind)
		}
	}
	// A receiver with a secret rejects the demo token.
	demo, _ := chatbot.HandshakeRequest(seeded(3), nil, simStart)
	if d, _, _ := Challenge(toRequest(demo), Secrets{"chatbot": "cb"}); d.Status != 401 {
		t.Errorf("demo token accepted: %d", d.Status)
	}
	for _, name := range []string{"navtalk", "moveo", "generic"} {
		p, _ := Lookup(name)
		if _, ok := p.HandshakeRequest(seeded(3), nil, simStart); ok {
			t.Errorf("%s has a handshake request", p.Name)
		}
	}
}
