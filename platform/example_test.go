package platform

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harkhq/hark/model"
)

// TestExampleIntercomProfile: the user profile of examples/platforms, for
// a platform hark does not ship, loads and reads Intercom's documented
// payloads: a user's reply, signed as Intercom signs.
func TestExampleIntercomProfile(t *testing.T) {
	dir := filepath.Join("..", "examples", "platforms")
	src, err := os.ReadFile(filepath.Join(dir, "intercom.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	useRegistry(t, withProfile(t, "intercom.yaml", src))
	body, err := os.ReadFile(filepath.Join(dir, "intercom-user-replied.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha1.New, []byte("client-secret"))
	m.Write(body)
	req := post("/intercom", body, "X-Hub-Signature", "sha1="+hex.EncodeToString(m.Sum(nil)))
	c := Classify(req, Secrets{"intercom": "client-secret"})
	if c.Platform != "intercom" || c.Kind != "conversation.user.replied" || c.SessionID != "5017690" || c.Use != model.UseIgnored {
		t.Fatalf("%s/%s %q %v %q", c.Platform, c.Kind, c.SessionID, c.Use, c.Notes)
	}
	if c.Signature.State != model.SigValid || len(c.Notes) != 0 {
		t.Fatalf("signature %+v notes %q", c.Signature, c.Notes)
	}
	if len(c.Turns) != 1 || c.Turns[0].Role != model.RoleUser || c.Turns[0].Text != "<p>Okay!</p>" || c.Turns[0].Time.Unix() != 1663597223 {
		t.Fatalf("turns %+v", c.Turns)
	}
	if c := Classify(req, Secrets{"intercom": "another"}); c.Signature.State != model.SigInvalid {
		t.Fatalf("wrong secret: %s", c.Signature.State)
	}
	// Its simulated conversation reads back as itself, signed.
	reqs, err := Conversation("intercom", seeded(2), "", simStart, Secrets{"intercom": "client-secret"})
	if err != nil {
		t.Fatal(err)
	}
	turns := 0
	for _, sr := range reqs {
		c := Classify(toRequest(sr), Secrets{"intercom": "client-secret"})
		if c.Platform != "intercom" || c.Kind != sr.Kind || c.SessionID != sr.SessionID || c.Signature.State != model.SigValid {
			t.Fatalf("%s: %s/%s %q %s %q", sr.Kind, c.Platform, c.Kind, c.SessionID, c.Signature.State, c.Notes)
		}
		turns += len(c.Turns)
	}
	if turns != 7 { // created, the opening message, four replies, closed
		t.Fatalf("%d turns", turns)
	}
}

// TestFormatPageExample: the whole profile of docs/platform-format.md
// compiles and does what the page says.
func TestFormatPageExample(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("..", "docs", "platform-format.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(page), "## A whole profile")
	_, rest, _ = strings.Cut(rest, "```yaml\n")
	src, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("no yaml block under A whole profile")
	}
	useRegistry(t, withProfile(t, "docs.yaml", []byte(src)))
	c := Classify(post("/acme/events", []byte(`{"event":"call.started","call":{"id":"c-77"}}`)), nil)
	if c.Platform != "acme" || c.Kind != "call.started" || !c.Consumed() || c.Deadline.Seconds() != 5 || string(DefaultResponse(c).Body) != `{"accept":true}` {
		t.Fatalf("%s/%s %v %v", c.Platform, c.Kind, c.Use, c.Deadline)
	}
	reqs, err := Conversation("acme", seeded(1), "", simStart, Secrets{"acme": "s"})
	if err != nil {
		t.Fatal(err)
	}
	last := Classify(toRequest(reqs[len(reqs)-1]), Secrets{"acme": "s"})
	if last.Kind != "call.ended" || !last.Record || len(last.Turns) != 3 || last.Signature.State != model.SigValid {
		t.Fatalf("call.ended: %+v %+v", last.Turns, last.Signature)
	}
}

// TestExampleIntercomVendorFixtures: the example profile reads the
// research's fixtures of Intercom's documented notifications, signatures
// checked with their client secret.
func TestExampleIntercomVendorFixtures(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "examples", "platforms", "intercom.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	useRegistry(t, withProfile(t, "intercom.yaml", src))
	secrets := Secrets{"intercom": "hark-intercom-client-secret"}
	dir := filepath.Join("testdata", "vendors", "intercom")
	for file, want := range map[string]struct {
		kind  string
		turns int
		sig   model.SigState
	}{
		"ping.http":                       {"ping", 0, model.SigValid},
		"conversation.user.created.http":  {"conversation.user.created", 2, model.SigValid},
		"conversation.admin.replied.json": {"conversation.admin.replied", 1, model.SigMissing}, // a body alone: no header
	} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		req, err := Sample{}.Request(data)
		if err != nil {
			t.Fatal(err)
		}
		c := Classify(req, secrets)
		if c.Platform != "intercom" || c.Kind != want.kind || len(c.Turns) != want.turns || c.Signature.State != want.sig {
			t.Errorf("%s: %s/%s %d turns %s", file, c.Platform, c.Kind, len(c.Turns), c.Signature.State)
		}
	}
}
