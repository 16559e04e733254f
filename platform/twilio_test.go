package platform

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

const twilioAuthToken = "hark-twilio-auth-token-0123456789"

func TestTwilioFixtures(t *testing.T) {
	user, ai, system := model.RoleUser, model.RoleAI, model.RoleSystem
	conv := "CH2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e"
	for file, want := range map[string]classifiedAs{
		"onConversationAdded.form": {"onConversationAdded", conv, model.UseIgnored, []model.Turn{
			{Role: system, Marker: model.MarkerCreated, Time: time.Date(2025, 1, 2, 10, 10, 0, 0, time.UTC)}}},
		"onParticipantAdded.form": {"onParticipantAdded", conv, model.UseIgnored, nil},
		"onMessageAdd.form": {"onMessageAdd", conv, model.UseConsumed, []model.Turn{
			{Role: user, Text: "Hi, can I move my appointment to Friday?"}}},
		"onMessageAdded.http": {"onMessageAdded", conv, model.UseIgnored, []model.Turn{
			{Role: user, Text: "Hi, can I move my appointment to Friday?", Time: time.Date(2025, 1, 2, 10, 10, 0, 350e6, time.UTC)}}},
		"onMessageAdded-api.form": {"onMessageAdded", conv, model.UseIgnored, []model.Turn{
			{Role: ai, Text: "Sure! Friday Jan 3rd at 10:30 or 15:00 are free. Which one?"}}},
		"onDeliveryUpdated.form": {"onDeliveryUpdated", conv, model.UseIgnored, nil},
		// Studio sends what the flow's author chose: no conversation, its execution.
		"studio-http-request.form": {"studio", "FN2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f", model.UseConsumed, []model.Turn{
			{Role: user, Text: "I want to cancel my order"}}},
	} {
		c := Classify(vendorFixture(t, "twilio", file), nil)
		if c.Platform != "twilio" {
			t.Fatalf("%s: %s", file, c.Platform)
		}
		checkClassified(t, file, c, want)
		if len(c.Notes) > 0 {
			t.Errorf("%s: notes %q (a form is what Twilio sends)", file, c.Notes)
		}
		wantDeadline := map[string]time.Duration{"onMessageAdd": 5 * time.Second, "studio": 10 * time.Second}[c.Kind]
		if c.Deadline != wantDeadline {
			t.Errorf("%s: deadline %v", file, c.Deadline)
		}
	}
	c := Classify(vendorFixture(t, "twilio", "onParticipantAdded.form"), nil)
	if !slices.Contains(c.Also, model.Alias{Name: "customer", Value: "+14155550123"}) {
		t.Errorf("customer: %+v", c.Also)
	}
}

func TestTwilioKinds(t *testing.T) {
	form := func(kv ...string) *model.Request {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		body := []byte(v.Encode())
		return &model.Request{Method: "POST", Path: "/twilio/conversations", Body: body, Size: int64(len(body)),
			Headers: map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}}}
	}
	for _, tt := range []struct {
		req    *model.Request
		kind   string
		use    model.ResponseUse
		marker string
	}{
		{form("EventType", "onConversationAdd", "ChatServiceSid", "IS1", "MessagingBinding.Address", "+14155550123"), "pre_action", model.UseConsumed, ""},
		{form("EventType", "onParticipantUpdate", "ConversationSid", "CH1"), "pre_action", model.UseConsumed, ""},
		{form("EventType", "onMessageUpdated", "ConversationSid", "CH1"), "post_action", model.UseIgnored, ""},
		{form("EventType", "onConversationStateUpdated", "ConversationSid", "CH1", "StateFrom", "active", "StateTo", "closed"), "post_action", model.UseIgnored, model.MarkerClosed},
		{form("EventType", "onConversationRemoved", "ConversationSid", "CH1"), "post_action", model.UseIgnored, model.MarkerClosed},
	} {
		c := Classify(tt.req, nil)
		if c.Platform != "twilio" || c.Kind != tt.kind || c.Use != tt.use {
			t.Errorf("%s: %s/%s %s", tt.req.Body, c.Platform, c.Kind, c.Use)
		}
		if tt.marker != "" && (len(c.Turns) != 1 || c.Turns[0].Marker != tt.marker) {
			t.Errorf("%s: turns %+v", tt.req.Body, c.Turns)
		}
	}
	// A signed Twilio request hark cannot place (an SMS webhook, which
	// wants TwiML) claims nothing.
	sms := form("MessageSid", "SM1", "From", "+14155550123", "Body", "hi")
	sms.Headers["X-Twilio-Signature"] = []string{"x"}
	if c := Classify(sms, nil); c.Platform != "twilio" || c.Kind != "other" || c.Use != model.UseUnknown {
		t.Errorf("SMS webhook: %s/%s %s", c.Platform, c.Kind, c.Use)
	}
	// A pre-action answer: pass, or reject with any non-2xx.
	p, _ := Lookup("twilio")
	k, _ := p.Kind("onMessageAdd")
	if k.Default.Status != 200 || k.Default.Body != "" || !slices.ContainsFunc(k.Templates, func(tpl Template) bool { return tpl.Name == "reject" && tpl.Status == 403 }) {
		t.Errorf("onMessageAdd answers %+v %+v", k.Default, k.Templates)
	}
}

// TestTwilioSignature: the digest covers the public URL Twilio called.
// The fixture has the tunnel's Host and no X-Forwarded-Proto (a request
// saved to a file): hark tries https, as Twilio calls.
func TestTwilioSignature(t *testing.T) {
	req := vendorFixture(t, "twilio", "onMessageAdded.http")
	with := func(host string, headers ...string) *model.Request {
		r := *req
		r.Host = host
		r.Headers = cloneHeaders(req.Headers)
		for i := 0; i+1 < len(headers); i += 2 {
			if headers[i+1] == "" {
				delete(r.Headers, headers[i])
				continue
			}
			r.Headers[headers[i]] = []string{headers[i+1]}
		}
		return &r
	}
	for _, tt := range []struct {
		name  string
		req   *model.Request
		token string
		want  model.SigState
	}{
		{"fixture as saved", req, twilioAuthToken, model.SigValid},
		{"through the tunnel", with("hark-demo.ngrok-free.app", "X-Forwarded-Proto", "https"), twilioAuthToken, model.SigValid},
		{"a proxy that says http", with("hark-demo.ngrok-free.app", "X-Forwarded-Proto", "http"), twilioAuthToken, model.SigInvalid},
		{"the local address", with("127.0.0.1:8787"), twilioAuthToken, model.SigInvalid},
		{"another token", req, "another-token", model.SigInvalid},
		{"missing", with("hark-demo.ngrok-free.app", "X-Twilio-Signature", ""), twilioAuthToken, model.SigMissing},
		{"no token", req, "", model.SigUnchecked},
	} {
		c := Classify(tt.req, Secrets{"twilio": tt.token})
		if c.Platform != "twilio" || c.Signature.State != tt.want {
			t.Errorf("%s: %s %s %q", tt.name, c.Platform, c.Signature.State, c.Signature.Detail)
		}
	}
	// Twilio's published example: the URL's query is signed, the form sorted.
	body := []byte("CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212")
	pub := &model.Request{Method: "POST", Path: "/myapp.php", RawQuery: "foo=1&bar=2", Host: "mycompany.com", Body: body,
		Headers: map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Forwarded-Proto": {"https"},
			"X-Twilio-Signature": {"0/KCTR6DLpKmkAf8muzZqo1nDgQ="}}}
	if c := Classify(pub, Secrets{"twilio": "12345"}); c.Platform != "twilio" || c.Signature.State != model.SigValid {
		t.Errorf("Twilio's example: %s %s %q", c.Platform, c.Signature.State, c.Signature.Detail)
	}
}

// TestTwilioConversation: signed for the public URL it is sent to, every
// request classifies back in one conversation, from its created marker to
// its closed one, the customer's words and the bot's.
func TestTwilioConversation(t *testing.T) {
	p, _ := Lookup("twilio")
	secrets := Secrets{"twilio": "tw-token"}
	reqs, err := Conversation("twilio", seeded(8), "", simStart, secrets)
	if err != nil {
		t.Fatal(err)
	}
	var markers []string
	roles := map[model.Role]int{}
	for _, r := range reqs {
		r = p.SignFor(r, "https://brave-otter.ngrok-free.app"+r.Path, secrets)
		req := toRequest(r)
		req.Host = "brave-otter.ngrok-free.app"
		req.Headers["X-Forwarded-Proto"] = []string{"https"}
		c := Classify(req, secrets)
		if c.Platform != "twilio" || c.Kind != r.Kind || c.Signature.State != model.SigValid || c.SessionID != r.SessionID {
			t.Fatalf("%s: %s/%s %q %+v %q", r.Kind, c.Platform, c.Kind, c.SessionID, c.Signature, c.Notes)
		}
		for _, turn := range c.Turns {
			roles[turn.Role]++
			if turn.Marker != "" {
				markers = append(markers, turn.Marker)
			}
		}
	}
	if strings.Join(markers, ",") != "created,closed" || roles[model.RoleUser] < 3 || roles[model.RoleAI] < 2 {
		t.Errorf("markers %v roles %v", markers, roles)
	}
}
