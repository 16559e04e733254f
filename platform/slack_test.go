package platform

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// The Slack fixtures' signing secret and the instant their README gives
// for the 5-minute window.
const slackSecret = "8f742231b10e8888abcd99yyyzzz85a5"

var slackNow = time.Unix(1735812120, 0)

func slackSign(ts string, body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%s:%s", ts, body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

func TestSlackFixtures(t *testing.T) {
	user, ai := model.RoleUser, model.RoleAI
	for file, want := range map[string]classifiedAs{
		"app_mention.json": {"app_mention", "C0L4QKX9Z2M", model.UseIgnored, []model.Turn{
			{Role: user, Text: "<@U0BOTH4RK1> can you summarize the incident channel?", Time: time.Unix(1735812061, 200_000).UTC()}}},
		"message.http": {"message", "C0L4QKX9Z2M", model.UseIgnored, []model.Turn{
			{Role: user, Text: "The deploy failed again on staging, same error as yesterday."}}},
		// A retry is the same event (same event_id): no new turn.
		"message-retry.http": {"message", "C0L4QKX9Z2M", model.UseIgnored, nil},
		"bot-message.json": {"message", "C0L4QKX9Z2M", model.UseIgnored, []model.Turn{
			{Role: ai, Text: "On it: the staging deploy failed at the migrate step (exit 1). Details in the thread."}}},
		"thread-reply.json": {"message", "C0L4QKX9Z2M/1735812120.000300", model.UseIgnored, []model.Turn{
			{Role: user, Text: "Thanks, rolling back now."}}},
		"url_verification.http": {"url_verification", model.Unsorted, model.UseIgnored, nil},
	} {
		c := ClassifyAt(vendorFixture(t, "slack", file), Secrets{"slack": slackSecret}, slackNow)
		if c.Platform != "slack" {
			t.Fatalf("%s: %s", file, c.Platform)
		}
		checkClassified(t, file, c, want)
		if c.Deadline != 0 || c.Consumed() {
			t.Errorf("%s: consumed within %v: Slack reads only the status", file, c.Deadline)
		}
		wantSig := model.SigMissing // a body alone carries no header
		if strings.HasSuffix(file, ".http") {
			wantSig = model.SigValid
		}
		if c.Signature.State != wantSig {
			t.Errorf("%s: signature %s %s", file, c.Signature.State, c.Signature.Detail)
		}
		if file != "message-retry.http" && file != "url_verification.http" && len(c.Notes) > 0 {
			t.Errorf("%s: notes %q", file, c.Notes)
		}
	}
	retry := Classify(vendorFixture(t, "slack", "message-retry.http"), nil)
	if !hasNote(retry, `retry "1" ("http_timeout") of event "Ev0A1B2C3D5F"`) {
		t.Errorf("retry notes %q", retry.Notes)
	}
}

func TestSlackURLVerification(t *testing.T) {
	req := vendorFixture(t, "slack", "url_verification.http")
	for _, tt := range []struct {
		secrets Secrets
		status  int
		state   model.SigState
	}{
		{Secrets{"slack": slackSecret}, 200, model.SigValid},
		{Secrets{"slack": "another-secret"}, 403, model.SigInvalid},
		{nil, 200, model.SigUnchecked},
	} {
		c := ClassifyAt(req, tt.secrets, slackNow)
		if !c.Handshake || c.Signature.State != tt.state {
			t.Fatalf("%v: handshake %v signature %s", tt.secrets, c.Handshake, c.Signature.State)
		}
		d := DefaultResponse(c)
		if d.Status != tt.status {
			t.Errorf("%v: answered %d %q", tt.secrets, d.Status, d.Body)
		}
		if tt.status == 403 && string(d.Body) != "signature invalid\n" {
			t.Errorf("refusal %q: it says the signature failed, not a token", d.Body)
		}
		if tt.status == 200 && (string(d.Body) != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" || !strings.HasPrefix(d.Headers["Content-Type"][0], "text/plain")) {
			t.Errorf("answer %q %v", d.Body, d.Headers)
		}
	}
	// Challenge answers it too, and the handshake is no unsorted session's news.
	d, sig, ok := Challenge(req, Secrets{"slack": slackSecret})
	if !ok || d.Status != 200 || sig.State != model.SigValid {
		t.Fatalf("Challenge: %v %d %s", ok, d.Status, sig.State)
	}
	if c := Classify(req, nil); len(c.Notes) != 0 {
		t.Errorf("handshake notes %q", c.Notes)
	}
	// An event is no handshake, for Challenge either.
	if _, _, ok := Challenge(vendorFixture(t, "slack", "message.http"), nil); ok {
		t.Error("an event taken for a handshake")
	}
}

func TestSlackSignature(t *testing.T) {
	// Slack's own worked example.
	body := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	if got := slackSign("1531420618", body, slackSecret); got != "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503" {
		t.Fatalf("Slack's vector: %s", got)
	}
	ev := vendorFixture(t, "slack", "message.http")
	ts := ev.Header("X-Slack-Request-Timestamp")
	withSig := func(sig string) *model.Request {
		r := *ev
		r.Headers = cloneHeaders(ev.Headers)
		if sig == "" {
			delete(r.Headers, "X-Slack-Signature")
		} else {
			r.Headers["X-Slack-Signature"] = []string{sig}
		}
		return &r
	}
	for _, tt := range []struct {
		name string
		req  *model.Request
		at   time.Time
		want model.SigState
		why  string
	}{
		{"valid", ev, slackNow, model.SigValid, "matches"},
		{"valid, no receive time", ev, time.Time{}, model.SigValid, "no receive time to compare it with"},
		{"another secret", withSig(slackSign(ts, ev.Body, "nope")), slackNow, model.SigInvalid, "does not match"},
		{"body changed", withSig(slackSign(ts, append([]byte(" "), ev.Body...), slackSecret)), slackNow, model.SigInvalid, "does not match"},
		{"missing", withSig(""), slackNow, model.SigMissing, "no X-Slack-Signature"},
		{"4m59s later", ev, slackNow.Add(4*time.Minute + 58*time.Second), model.SigValid, "matches"},
		{"an hour later: a replay", ev, slackNow.Add(time.Hour), model.SigInvalid, "59m59s before it arrived (at most 5m0s apart)"},
		{"signed in the future", ev, slackNow.Add(-10 * time.Minute), model.SigInvalid, "10m1s after it arrived"},
	} {
		c := ClassifyAt(tt.req, Secrets{"slack": slackSecret}, tt.at)
		if c.Signature.State != tt.want || !strings.Contains(c.Signature.Detail, tt.why) {
			t.Errorf("%s: %s %q", tt.name, c.Signature.State, c.Signature.Detail)
		}
	}
	// A timestamp that is no time is refused, even with a matching digest.
	bad := withSig(slackSign("soon", ev.Body, slackSecret))
	bad.Headers["X-Slack-Request-Timestamp"] = []string{"soon"}
	if c := ClassifyAt(bad, Secrets{"slack": slackSecret}, slackNow); c.Signature.State != model.SigInvalid || !strings.Contains(c.Signature.Detail, "not a time") {
		t.Errorf("bad timestamp: %s %q", c.Signature.State, c.Signature.Detail)
	}
	// Without a secret nothing is checked: unchecked.
	if c := ClassifyAt(ev, nil, slackNow.Add(time.Hour)); c.Signature.State != model.SigUnchecked {
		t.Errorf("no secret: %s", c.Signature.State)
	}
}

// TestSlackConversation: the simulated conversation starts with the
// handshake, every request is signed at its own time and classifies back
// in one channel, with turns of both speakers.
func TestSlackConversation(t *testing.T) {
	p, _ := Lookup("slack")
	secrets := Secrets{"slack": "sl-secret"}
	h, ok := p.HandshakeRequest(seeded(2), secrets, simStart)
	if !ok || h.Kind != "url_verification" || h.Headers["X-Slack-Request-Timestamp"][0] != strconv.FormatInt(simStart.Unix(), 10) {
		t.Fatalf("handshake %v %s %v", ok, h.Kind, h.Headers)
	}
	c := ClassifyAt(toRequest(h), secrets, simStart.Add(time.Second))
	if d := DefaultResponse(c); !c.Handshake || d.Status != 200 || c.Signature.State != model.SigValid {
		t.Fatalf("handshake answered %d %q %s %q", d.Status, d.Body, c.Signature.State, c.Signature.Detail)
	}
	reqs, err := Conversation("slack", seeded(2), "", simStart, secrets)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[model.Role]int{}
	for _, r := range reqs {
		c := ClassifyAt(toRequest(r), secrets, r.At.Add(2*time.Second))
		if c.Platform != "slack" || c.Kind != r.Kind || c.Signature.State != model.SigValid || !strings.HasPrefix(c.SessionID, "C0") {
			t.Fatalf("%s: %s/%s %q %+v", r.Kind, c.Platform, c.Kind, c.SessionID, c.Signature)
		}
		for _, turn := range c.Turns {
			roles[turn.Role]++
			if turn.Time.Before(simStart) || turn.Time.After(r.At.Add(time.Millisecond)) {
				t.Errorf("turn at %v, request at %v", turn.Time, r.At)
			}
		}
	}
	if roles[model.RoleUser] < 3 || roles[model.RoleAI] < 2 {
		t.Errorf("turns by role %v", roles)
	}
}
