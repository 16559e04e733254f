package platform

import (
	"regexp"
	"slices"
	"testing"

	"github.com/harkhq/hark/model"
)

// TestProfileFacts holds every profile to the facts the rest of hark reads
// from it, so that a new profile cannot leave one out.
func TestProfileFacts(t *testing.T) {
	name := regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	badge := regexp.MustCompile(`^[A-Z]{3}$`)
	seen := map[string]string{}
	unique := func(what, v, owner string) {
		if prev, dup := seen[what+v]; dup {
			t.Errorf("%s %q of %s is also %s's", what, v, owner, prev)
		}
		seen[what+v] = owner
	}
	for _, p := range Profiles() {
		if !name.MatchString(p.Name) {
			t.Errorf("name %q: want lower-case letters, digits and -", p.Name)
		}
		if p.Title == "" || !badge.MatchString(p.Badge) {
			t.Errorf("%s: title %q badge %q", p.Name, p.Title, p.Badge)
		}
		unique("name", p.Name, p.Name)
		unique("title", p.Title, p.Name)
		unique("badge", p.Badge, p.Name)
		if s := p.Secret; s != nil && (s.Value == "" || s.Checks == "" || s.Demo == "") {
			t.Errorf("%s: secret %+v lacks a value name, what it checks or a demo secret", p.Name, *s)
		}
		if p.Secret == nil && (p.sign != nil || p.Resigns()) {
			t.Errorf("%s signs without saying what its secret is", p.Name)
		}
		if h := p.handshake; h != nil {
			if _, ok := p.Kind(h.kind); !ok {
				t.Errorf("%s: handshake kind %q is not one of its kinds", p.Name, h.kind)
			}
		}
	}
	if Fallback() != Profiles()[len(Profiles())-1] {
		t.Error("the fallback profile is not last in the registry")
	}
}

func TestFind(t *testing.T) {
	for in, want := range map[string]string{"moveo": "moveo", "MOVEO.AI": "moveo", "ChatBot.com": "chatbot", "generic json": "generic"} {
		if p, ok := Find(in); !ok || p.Name != want {
			t.Errorf("Find(%q) = %v %v", in, p, ok)
		}
	}
	if _, ok := Find("moveo.a"); ok {
		t.Error("Find takes a prefix")
	}
	for in, want := range map[string]string{"navtalk": "NavTalk", "Moveo.ai": "Moveo.ai", "dialogflow": "dialogflow", "": ""} {
		if got := TitleOf(in); got != want {
			t.Errorf("TitleOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestColorIndex: every profile but the fallback has its place, in registry
// order, so a UI gives neighbours different colours.
func TestColorIndex(t *testing.T) {
	want := 0
	for _, p := range Profiles() {
		i, ok := p.ColorIndex()
		if p == Fallback() {
			if ok {
				t.Errorf("the fallback has colour %d", i)
			}
			continue
		}
		if !ok || i != want {
			t.Errorf("%s: colour %d %v, want %d", p.Name, i, ok, want)
		}
		want++
	}
	if _, ok := (&Profile{Name: "unregistered"}).ColorIndex(); ok {
		t.Error("a profile outside the registry has a colour")
	}
}

// TestDemoSecrets: the demo's secrets are those of the profiles that take
// one, and what the simulator signs with them checks as valid.
func TestDemoSecrets(t *testing.T) {
	secrets := DemoSecrets()
	var names, want []string
	for name := range secrets {
		names = append(names, name)
	}
	for _, p := range Profiles() {
		if p.Secret != nil {
			want = append(want, p.Name)
			for _, part := range p.Secret.Parts {
				want = append(want, p.Name+"."+part.Name)
			}
		}
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) || len(want) == 0 {
		t.Fatalf("demo secrets for %v, want %v", names, want)
	}
	for _, p := range Profiles() {
		if p.Secret == nil {
			continue
		}
		reqs, err := Conversation(p.Name, seeded(1), "", simStart, nil)
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.HandshakeRequest(seeded(1), nil, simStart); ok {
			reqs = append(reqs, h)
		}
		signed := 0
		for _, r := range reqs {
			c := Classify(sent(p, r, secrets), secrets)
			switch c.Signature.State {
			case model.SigValid:
				signed++
			case "":
			default:
				t.Errorf("%s %s: %s %s", p.Name, r.Kind, c.Signature.State, c.Signature.Detail)
			}
		}
		if signed == 0 {
			t.Errorf("%s: no request checks as signed with the demo secret", p.Name)
		}
	}
}

// TestMayHandshake: Challenge classifies only requests that can be a
// handshake, not every webhook.
func TestMayHandshake(t *testing.T) {
	for _, tt := range []struct {
		req  model.Request
		want bool
	}{
		{model.Request{Method: "GET", Path: "/x", RawQuery: "challenge=a&token=b"}, true},
		{model.Request{Method: "GET", Path: "/x", RawQuery: "challenge=a"}, false},
		{model.Request{Method: "GET", Path: "/x"}, false},
		{model.Request{Method: "POST", Path: "/x", RawQuery: "challenge=a&token=b", Body: []byte(`{}`)}, false},
	} {
		if got := Active().mayHandshake(&tt.req); got != tt.want {
			t.Errorf("%s ?%s: %v, want %v", tt.req.Method, tt.req.RawQuery, got, tt.want)
		}
	}
}

// BenchmarkChallengeWebhook is what every webhook pays to learn it is no
// handshake: nothing to allocate.
func BenchmarkChallengeWebhook(b *testing.B) {
	req := post("/moveo/pre-message", []byte(`{"session_id":"s"}`))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, ok := Challenge(req, nil); ok {
			b.Fatal("a webhook taken for a handshake")
		}
	}
}
