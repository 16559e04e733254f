package platform

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harkhq/hark/model"
)

// The profiles of testdata/format are tests of the format, written from
// the platforms' documented schemes (platforms.md): each exercises what a
// real platform needs of the engine.

// formatRegistry loads the test profiles and makes them the registry in
// use for the test: they and the fallback alone, since the built-in
// profiles of the platforms they imitate would win their requests.
func formatRegistry(t testing.TB) *Registry {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "format", "*.yaml"))
	r := newRegistry(compileFiles(t, files...), Builtin().Fallback())
	useRegistry(t, r)
	return r
}

// withProfile compiles a profile and loads it after the built-in ones,
// returning the registry (not in use: useRegistry installs it).
func withProfile(tb testing.TB, file string, src []byte) *Registry {
	tb.Helper()
	p, err := Compile(file, src)
	if err != nil {
		tb.Fatal(err)
	}
	r, err := Load([]*Profile{p}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func useRegistry(t testing.TB, r *Registry) {
	saved := Active()
	Use(r)
	t.Cleanup(func() { Use(saved) })
}

func TestSlackishHandshakeAndSignature(t *testing.T) {
	formatRegistry(t)
	body := []byte(`{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	sign := func(ts string, b []byte, secret string) string {
		m := hmac.New(sha256.New, []byte(secret))
		fmt.Fprintf(m, "v0:%s:%s", ts, b)
		return "v0=" + hex.EncodeToString(m.Sum(nil))
	}
	req := post("/slack/events", body, "X-Slack-Request-Timestamp", "1531420618", "X-Slack-Signature", sign("1531420618", body, "8f742231b10e8888abcd99yyyzzz85a5"))
	c := Classify(req, Secrets{"slackish": "8f742231b10e8888abcd99yyyzzz85a5"})
	if c.Platform != "slackish" || c.Kind != "url_verification" || !c.Handshake || c.Signature.State != model.SigValid {
		t.Fatalf("%s/%s handshake %v signature %+v", c.Platform, c.Kind, c.Handshake, c.Signature)
	}
	d := DefaultResponse(c)
	if d.Status != 200 || string(d.Body) != `{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}` || d.Headers["Content-Type"][0] != "application/json" {
		t.Fatalf("answer %d %q %v", d.Status, d.Body, d.Headers)
	}
	// A handshake signed with another secret is refused.
	if c := Classify(req, Secrets{"slackish": "other"}); c.Signature.State != model.SigInvalid || DefaultResponse(c).Status != 403 {
		t.Fatalf("wrong secret: %+v", c.Signature)
	}
	// An event in a thread: the session is channel/thread; a bot's message is the AI's.
	ev := []byte(`{"type":"event_callback","api_app_id":"A1","event":{"type":"message","channel":"C024BE91L","thread_ts":"1355517523.000005","bot_id":"B9","text":"Done.","ts":"1355517524.000006"}}`)
	c = Classify(post("/slack/events", ev), nil)
	if c.Kind != "event_callback" || c.SessionID != "C024BE91L/1355517523.000005" || len(c.Turns) != 1 || c.Turns[0].Role != model.RoleAI || c.Turns[0].Time.Unix() != 1355517524 {
		t.Fatalf("%s %q %+v", c.Kind, c.SessionID, c.Turns)
	}
}

func TestWhatsAppishVerifyTokenAndNestedArrays(t *testing.T) {
	formatRegistry(t)
	verify := &model.Request{Method: "GET", Path: "/whatsapp", RawQuery: "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock"}
	for _, tt := range []struct {
		secrets Secrets
		status  int
		state   model.SigState
	}{
		{Secrets{"whatsappish.verify": "meatyhamhock", "whatsappish": "app-secret"}, 200, model.SigValid},
		{Secrets{"whatsappish.verify": "other"}, 403, model.SigInvalid},
		{nil, 200, model.SigUnchecked},
	} {
		d, sig, ok := Challenge(verify, tt.secrets)
		if !ok || d.Status != tt.status || sig.State != tt.state || (tt.status == 200 && string(d.Body) != "1158201444") {
			t.Errorf("%v: %v %d %q %s", tt.secrets, ok, d.Status, d.Body, sig.State)
		}
	}
	p, _ := Lookup("whatsappish")
	if len(p.Secret.Parts) != 1 || p.Secret.Parts[0].Name != "verify" {
		t.Fatalf("secret parts %+v", p.Secret.Parts)
	}
	body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",
	"contacts":[{"profile":{"name":"Kerry Fisher"},"wa_id":"16315551234"}],
	"messages":[{"from":"16315551234","id":"wamid.1","timestamp":"1683229471","text":{"body":"Hello this is an answer"},"type":"text"},
	            {"from":"16315551234","id":"wamid.2","timestamp":"1683229472","type":"image","image":{"id":"9"}}]},"field":"messages"}]}]}`)
	m := hmac.New(sha256.New, []byte("app-secret"))
	m.Write(body)
	c := Classify(post("/whatsapp", body, "X-Hub-Signature-256", "sha256="+hex.EncodeToString(m.Sum(nil))), Secrets{"whatsappish": "app-secret"})
	if c.Platform != "whatsappish" || c.SessionID != "16315551234" || c.Signature.State != model.SigValid {
		t.Fatalf("%s %q %+v %q", c.Platform, c.SessionID, c.Signature, c.Notes)
	}
	if len(c.Turns) != 1 || c.Turns[0].Text != "Hello this is an answer" || c.Turns[0].Time.Unix() != 1683229471 {
		t.Fatalf("turns %+v", c.Turns)
	}
	// Statuses are receipts: the contact's id still groups them, no turn.
	status := []byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"contacts":[{"wa_id":"16315551234"}],"statuses":[{"id":"wamid.1","status":"read"}]}}]}]}`)
	if c := Classify(post("/whatsapp", status), nil); c.SessionID != "16315551234" || len(c.Turns) != 0 {
		t.Fatalf("status: %q %+v", c.SessionID, c.Turns)
	}
}

func TestTwilioishFormSignedOverPublicURL(t *testing.T) {
	formatRegistry(t)
	form := url.Values{"EventType": {"onMessageAdded"}, "ConversationSid": {"CH6a9e"}, "Author": {"+15551234567"}, "Body": {"Where is my parcel?"}, "Source": {"SMS"}}
	body := []byte(form.Encode())
	public := "https://brave-otter.ngrok-free.app/twilio?x=1"
	m := hmac.New(sha1.New, []byte("auth-token"))
	m.Write([]byte(public + "Author+15551234567BodyWhere is my parcel?ConversationSidCH6a9eEventTypeonMessageAddedSourceSMS"))
	sig := base64.StdEncoding.EncodeToString(m.Sum(nil))
	req := &model.Request{Method: "POST", Path: "/twilio", RawQuery: "x=1", Host: "brave-otter.ngrok-free.app", Body: body,
		Headers: map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Twilio-Signature": {sig}, "X-Forwarded-Proto": {"https"}}}
	c := Classify(req, Secrets{"twilioish": "auth-token"})
	if c.Platform != "twilioish" || c.Kind != "onMessageAdded" || c.SessionID != "CH6a9e" || c.Signature.State != model.SigValid {
		t.Fatalf("%s/%s %q %+v %q", c.Platform, c.Kind, c.SessionID, c.Signature, c.Notes)
	}
	if len(c.Turns) != 1 || c.Turns[0].Role != model.RoleUser || c.Turns[0].Text != "Where is my parcel?" {
		t.Fatalf("turns %+v", c.Turns)
	}
	// The local URL is not what Twilio signed.
	local := *req
	local.Host, local.Headers = "127.0.0.1:8787", map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Twilio-Signature": {sig}}
	if c := Classify(&local, Secrets{"twilioish": "auth-token"}); c.Signature.State != model.SigInvalid {
		t.Fatalf("local URL: %+v", c.Signature)
	}
	// A pre-event is consumed.
	pre := *req
	pre.Body = []byte("EventType=onMessageAdd&ConversationSid=CH6a9e&Body=hi")
	if c := Classify(&pre, nil); c.Kind != "onMessageAdd" || !c.Consumed() || c.Deadline.Seconds() != 10 {
		t.Fatalf("pre-event %s %v %v", c.Kind, c.Use, c.Deadline)
	}
}

func TestRetellishFormatSignature(t *testing.T) {
	formatRegistry(t)
	body := []byte(`{"event":"call_ended","call":{"call_id":"Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6","transcript_object":[{"role":"agent","content":"Hi, how can I help?"},{"role":"user","content":"Book a table."}]}}`)
	m := hmac.New(sha256.New, []byte("key_123"))
	m.Write(append(append([]byte(nil), body...), "1714000000000"...))
	header := "v=1714000000000,d=" + hex.EncodeToString(m.Sum(nil))
	c := Classify(post("/retell", body, "X-Retell-Signature", header), Secrets{"retellish": "key_123"})
	if c.Signature.State != model.SigValid || !c.Record || c.Use != model.UseIgnored || len(c.Turns) != 2 || c.Turns[0].Role != model.RoleAI {
		t.Fatalf("%+v record %v use %v turns %+v", c.Signature, c.Record, c.Use, c.Turns)
	}
	for _, bad := range []string{"v=1714000000001," + header[len("v=1714000000000,"):], "d=" + header[18:], "garbage"} {
		if c := Classify(post("/retell", body, "X-Retell-Signature", bad), Secrets{"retellish": "key_123"}); c.Signature.State != model.SigInvalid {
			t.Errorf("%q: %s", bad, c.Signature.State)
		}
	}
}

func TestVapiishTokenAndBatch(t *testing.T) {
	formatRegistry(t)
	body := []byte(`[{"message":{"type":"transcript","role":"assistant","transcriptType":"final","transcript":"Hello!","call":{"id":"call_1"}}},
	{"message":{"type":"transcript","role":"user","transcriptType":"partial","transcript":"Hel","call":{"id":"call_1"}}},
	{"message":{"type":"transcript","role":"user","transcriptType":"final","transcript":"Hello, I need help.","call":{"id":"call_1"}}}]`)
	for _, tt := range []struct {
		header, secret string
		want           model.SigState
	}{
		{"s3cret", "s3cret", model.SigValid},
		{"nope", "s3cret", model.SigInvalid},
		{"", "s3cret", model.SigMissing},
		{"s3cret", "", model.SigUnchecked},
		{"", "", model.SigNone},
	} {
		req := post("/vapi", body)
		if tt.header != "" {
			req.Headers["X-Vapi-Secret"] = []string{tt.header}
		}
		c := Classify(req, Secrets{"vapiish": tt.secret})
		if c.Platform != "vapiish" || c.Signature.State != tt.want {
			t.Errorf("%q/%q: %s %s", tt.header, tt.secret, c.Platform, c.Signature.State)
		}
		if len(c.Turns) != 2 || c.Turns[0].Role != model.RoleAI || c.Turns[1].Text != "Hello, I need help." || c.SessionID != "call_1" || len(c.Notes) != 0 {
			t.Fatalf("batch: %q %+v %q", c.SessionID, c.Turns, c.Notes)
		}
	}
	p, _ := Lookup("vapiish")
	k, _ := p.Kind("assistant-request")
	if p.Limit(k) != 64<<10 || k.Deadline.Milliseconds() != 7500 {
		t.Fatalf("assistant-request %v %d", k.Deadline, p.Limit(k))
	}
	mixed := []byte(`[{"message":{"type":"status-update","call":{"id":"call_1"}}},{"message":{"type":"transcript","call":{"id":"call_2"},"role":"user","transcriptType":"final","transcript":"x"}}]`)
	c := Classify(post("/vapi", mixed), nil)
	if c.Kind != "status-update" || !hasNote(c, "2 kinds") || !hasNote(c, "2 sessions") {
		t.Fatalf("mixed batch: %s %q", c.Kind, c.Notes)
	}
}

// TestFormatConversations plays the test profiles' simulations: every
// request classifies back as its kind and session, signed valid, including
// Twilio's URL signature once SignFor knows the URL.
func TestFormatConversations(t *testing.T) {
	formatRegistry(t)
	secrets := Secrets{"slackish": "sl", "twilioish": "tw", "retellish": "rt", "whatsappish": "wa", "whatsappish.verify": "vt"}
	for _, name := range []string{"slackish", "twilioish", "retellish"} {
		p, _ := Lookup(name)
		reqs, err := Conversation(name, seeded(3), "", simStart, secrets)
		if err != nil {
			t.Fatal(err)
		}
		if len(reqs) < 2 {
			t.Fatalf("%s: %d requests", name, len(reqs))
		}
		for _, r := range reqs {
			r = p.SignFor(r, "https://hark.example"+r.Path+query(r.RawQuery), secrets)
			req := toRequest(r)
			req.Host = "hark.example"
			req.Headers = cloneHeaders(req.Headers)
			req.Headers["X-Forwarded-Proto"] = []string{"https"}
			c := Classify(req, secrets)
			if c.Platform != name || c.Kind != r.Kind || c.SessionID != r.SessionID || c.Signature.State != model.SigValid {
				t.Fatalf("%s %s: %s/%s %q %+v %q\n%s", name, r.Kind, c.Platform, c.Kind, c.SessionID, c.Signature, c.Notes, r.Body)
			}
		}
	}
	// The last Retell request carries every line as a record, in order.
	reqs, _ := Conversation("retellish", seeded(3), "", simStart, nil)
	last := Classify(toRequest(reqs[len(reqs)-2]), nil)
	if len(last.Turns) != 3 || last.Turns[0].Role != model.RoleAI || !strings.HasPrefix(last.Turns[0].Text, "Hello, this is") {
		t.Fatalf("record %+v", last.Turns)
	}
	if n := Classify(toRequest(reqs[len(reqs)-1]), nil); !strings.Contains(string(reqs[len(reqs)-1].Body), `"n":0`) || n.Kind != "call_analyzed" {
		t.Fatalf("numbers stay numbers: %s", reqs[len(reqs)-1].Body)
	}
	for _, name := range []string{"slackish", "whatsappish"} {
		p, _ := Lookup(name)
		h, ok := p.HandshakeRequest(seeded(1), secrets, simStart)
		if !ok {
			t.Fatalf("%s: no handshake request", name)
		}
		d, sig, ok := Challenge(toRequest(h), secrets)
		if !ok || d.Status != 200 || sig.State != model.SigValid {
			t.Fatalf("%s handshake: %v %d %q %s", name, ok, d.Status, d.Body, sig.State)
		}
	}
}

func query(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}
