package platform

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// The Microsoft Bot Framework fixtures (testdata/vendors/botframework),
// written from the Activity schema and the Bot Connector's docs.
const (
	bfConv  = "a:1Xjd9Fq3LmN7pR2sT5vW8yZ0bC4eG6hJ9kM1nP3qS5uV7xA9cE2fH4iK6lO8"
	bfAppID = "5f1e2d3c-4b5a-4c69-8d7e-6f5a4b3c2d1e" // the audience of message.http's token
)

// bfReceived is when message.http arrived: its token is valid from
// 17:55 to 18:55 (nbf, exp), the activity's timestamp is 18:00:03.977.
var bfReceived = at("2025-01-02T18:00:04Z")

func TestBotFrameworkFixtures(t *testing.T) {
	for _, tt := range []struct {
		file, kind, session string
		use                 model.ResponseUse
		deadline            time.Duration
		dflt                string
		turns               []model.Turn
	}{
		{"conversationUpdate.json", "members", bfConv, model.UseIgnored, 0, "",
			[]model.Turn{{Role: model.RoleSystem, Marker: model.MarkerCreated, Time: at("2025-01-02T18:00:00.101Z")}}},
		{"typing.json", "typing", bfConv, model.UseIgnored, 0, "", nil},
		{"message.http", "message", bfConv, model.UseIgnored, 0, "",
			[]model.Turn{{Role: model.RoleUser, Text: "My VPN keeps disconnecting every few minutes", Time: at("2025-01-02T18:00:03.977Z")}}},
		{"invoke.json", "invoke", bfConv, model.UseConsumed, 5 * time.Second, "", nil},
		{"message-expect-replies.json", "expectReplies", "Hx7Qk2LmN9pR3sT6vW8yZ1bC-a", model.UseConsumed, 15 * time.Second, `{"activities":[]}`,
			[]model.Turn{{Role: model.RoleUser, Text: "Is the VPN outage fixed yet?", Time: at("2025-01-02T18:02:10.004Z")}}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			c := Classify(vendorFixture(t, "botframework", tt.file), nil)
			if c.Platform != "botframework" || c.Kind != tt.kind || c.SessionID != tt.session || len(c.Notes) != 0 {
				t.Fatalf("%s/%s %q notes %q", c.Platform, c.Kind, c.SessionID, c.Notes)
			}
			if c.Use != tt.use || c.Deadline != tt.deadline || c.Handshake {
				t.Errorf("use %s deadline %v", c.Use, c.Deadline)
			}
			// The pass-through answer changes nothing: 200, and no replies
			// where replies are read.
			if d := DefaultResponse(c); d.Status != 200 || string(d.Body) != tt.dflt {
				t.Errorf("default %d %q", d.Status, d.Body)
			}
			turnsEqual(t, c.Turns, tt.turns)
			// The user's name and the channel show beside the long id.
			if len(c.Also) != 2 || c.Also[0].Name != "user" || c.Also[1] != (model.Alias{Name: "channel", Value: map[bool]string{true: "directline", false: "msteams"}[tt.session != bfConv]}) {
				t.Errorf("also %+v", c.Also)
			}
		})
	}
}

// TestBotFrameworkRecognition: the Activity's shape is enough, at any path;
// a Bearer token with it is stronger; Slack-like or generic bodies at
// /api/messages are not Activities.
func TestBotFrameworkRecognition(t *testing.T) {
	body := vendorFixture(t, "botframework", "typing.json").Body
	wantPlatform(t, "botframework", post("/", body), post("/bot", body, "Authorization", "Bearer x.y.z"), post("/api/messages", body))
	if c := Classify(post("/api/messages", []byte(`{"type":"message","text":"hi"}`)), nil); c.Platform != "botframework" || c.Kind != "message" {
		t.Errorf("the messaging endpoint's path alone: %s/%s", c.Platform, c.Kind)
	}
	// A Bearer token alone claims nothing.
	wantNotPlatform(t, "botframework", post("/hook", []byte(`{"type":"message","text":"hi","channel":"C1"}`), "Authorization", "Bearer x"))
	// An activity type Microsoft adds later is noted, and shown as other.
	other := strings.Replace(string(body), `"type": "typing"`, `"type": "meetingStart"`, 1)
	if c := Classify(post("/api/messages", []byte(other)), nil); c.Kind != "other" || !hasNote(c, `type "meetingStart" is not a kind of webhook Microsoft Bot Framework documents`) {
		t.Errorf("unknown type: %s %q", c.Kind, c.Notes)
	}
	// endOfConversation closes the session; an invoke sent with
	// expectReplies is still an invoke.
	end := strings.Replace(string(body), `"type": "typing"`, `"type": "endOfConversation"`, 1)
	if c := Classify(post("/api/messages", []byte(end)), nil); c.Kind != "other" || len(c.Turns) != 1 || c.Turns[0].Marker != model.MarkerClosed || len(c.Notes) != 0 {
		t.Errorf("endOfConversation: %s %+v %q", c.Kind, c.Turns, c.Notes)
	}
	inv := strings.Replace(string(vendorFixture(t, "botframework", "invoke.json").Body), `"type": "invoke",`, `"type": "invoke", "deliveryMode": "expectReplies",`, 1)
	if c := Classify(post("/api/messages", []byte(inv)), nil); c.Kind != "invoke" {
		t.Errorf("invoke with expectReplies: %s", c.Kind)
	}
}

// bfToken makes a Bearer JWT of the given header and claims, with a
// signature segment that is not one (hark cannot check it anyway).
func bfToken(t *testing.T, head, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return "Bearer " + enc(head) + "." + enc(claims) + ".c2lnbmF0dXJl"
}

// bfClaimsOK are claims that check out for message.http's activity.
func bfClaimsOK() map[string]any {
	return map[string]any{"iss": "https://api.botframework.com", "aud": bfAppID, "serviceurl": "https://smba.trafficmanager.net/amer/",
		"nbf": 1735840500, "exp": 1735844100}
}

// TestBotFrameworkToken: the Bearer token's claims are checked offline
// against the app id and the receive time; every result says that its
// RS256 signature was not verified.
func TestBotFrameworkToken(t *testing.T) {
	fixture := vendorFixture(t, "botframework", "message.http")
	withAuth := func(auth string) *model.Request {
		r := *fixture
		r.Headers = http.Header(fixture.Headers).Clone()
		if auth == "" {
			delete(r.Headers, "Authorization")
		} else {
			r.Headers["Authorization"] = []string{auth}
		}
		return &r
	}
	rs256 := map[string]any{"alg": "RS256", "typ": "JWT"}
	with := func(k string, v any) string {
		c := bfClaimsOK()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return bfToken(t, rs256, c)
	}
	secret := Secrets{"botframework": bfAppID}
	for _, tt := range []struct {
		name     string
		req      *model.Request
		secrets  Secrets
		received time.Time
		want     model.SigState
		detail   string
	}{
		{"the fixture", fixture, secret, bfReceived, model.SigValid, "issuer the Bot Connector, audience the app id, serviceurl the activity's, valid until 2025-01-02T18:55:00Z"},
		{"no receive time", fixture, secret, time.Time{}, model.SigValid, "expiry not checked: no receive time"},
		{"within the skew", fixture, secret, at("2025-01-02T18:59:00Z"), model.SigValid, "valid until"},
		{"expired", fixture, secret, at("2025-01-02T19:00:01Z"), model.SigInvalid, "expired at 2025-01-02T18:55:00Z, received 2025-01-02T19:00:01Z"},
		{"not yet valid", fixture, secret, at("2025-01-02T17:49:59Z"), model.SigInvalid, "not valid before 2025-01-02T17:55:00Z"},
		{"another app", fixture, Secrets{"botframework": "another-app"}, bfReceived, model.SigInvalid, `audience "5f1e2d3c-4b5a-4c69-8d7e-6f5a4b3c2d1e" is not the app id`},
		{"another issuer", withAuth(with("iss", "https://evil.example")), secret, bfReceived, model.SigInvalid, `issuer "https://evil.example" is neither`},
		{"US Government cloud", withAuth(with("iss", "https://api.botframework.us")), secret, bfReceived, model.SigValid, "issuer the Bot Connector"},
		{"another channel's token", withAuth(with("serviceurl", "https://webchat.botframework.com/")), secret, bfReceived, model.SigInvalid, `serviceurl "https://webchat.botframework.com/" is not the activity's serviceUrl`},
		{"no serviceurl claim", withAuth(with("serviceurl", nil)), secret, bfReceived, model.SigInvalid, "no serviceurl claim"},
		{"no exp", withAuth(with("exp", nil)), secret, bfReceived, model.SigInvalid, "no exp claim"},
		{"HS256", withAuth(bfToken(t, map[string]any{"alg": "HS256"}, bfClaimsOK())), secret, bfReceived, model.SigInvalid, `alg "HS256", not RS256`},
		{"not a JWT", withAuth("Bearer abc.def"), secret, bfReceived, model.SigInvalid, "not a JWT (2 parts, not 3)"},
		{"claims not base64", withAuth("Bearer e30.***.x"), secret, bfReceived, model.SigInvalid, "claims do not read: not base64url"},
		{"claims not JSON", withAuth("Bearer e30.bm9wZQ.x"), secret, bfReceived, model.SigInvalid, "claims do not read: not a JSON object"},
		{"Basic credentials", withAuth("Basic dTpw"), secret, bfReceived, model.SigInvalid, "not a Bearer token"},
		{"Emulator v1", withAuth(bfToken(t, rs256, map[string]any{"iss": "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/", "appid": bfAppID, "exp": 1735844100})), secret, bfReceived, model.SigValid, "issuer the Emulator's, app id the bot's"},
		{"Emulator v2, other app", withAuth(bfToken(t, rs256, map[string]any{"iss": "https://login.microsoftonline.com/f8cdef31-a31e-4b4a-93e4-5f571e91255a/v2.0", "ver": "2.0", "azp": "x", "appid": bfAppID, "exp": 1735844100})), secret, bfReceived, model.SigInvalid, `app id "x" is not`},
		{"missing", withAuth(""), secret, bfReceived, model.SigMissing, "no Authorization: Bearer token"},
		{"unchecked", fixture, nil, bfReceived, model.SigUnchecked, "no --secret botframework=APP_ID"},
		{"nothing", withAuth(""), nil, bfReceived, model.SigNone, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := ClassifyAt(tt.req, tt.secrets, tt.received)
			if c.Platform != "botframework" || c.Signature.State != tt.want || !strings.Contains(c.Signature.Detail, tt.detail) {
				t.Fatalf("%s: %q %q", c.Platform, c.Signature.State, c.Signature.Detail)
			}
			checked := tt.want == model.SigValid || tt.want == model.SigInvalid
			if checked && !strings.Contains(c.Signature.Detail, "the RS256 signature itself was NOT verified") {
				t.Errorf("the detail does not say the signature was not verified: %q", c.Signature.Detail)
			}
			if tt.want != model.SigNone && !strings.Contains(c.Signature.Scheme, "signature not verified") {
				t.Errorf("scheme %q", c.Signature.Scheme)
			}
		})
	}
	// A cut body still checks the claims, but not serviceurl.
	cut := *fixture
	cut.Body, cut.Truncated = cut.Body[:200], true
	if c := ClassifyAt(&cut, secret, bfReceived); c.Signature.State != model.SigValid || !strings.Contains(c.Signature.Detail, "serviceurl not compared: the body was cut") {
		t.Errorf("cut body: %q %q", c.Signature.State, c.Signature.Detail)
	}
	// The token never reaches an export.
	if got := Redact(&model.Exchange{Platform: "botframework", Request: *fixture}).Request.Header("Authorization"); got != Redacted {
		t.Errorf("Authorization exported as %q", got)
	}
}

// TestBotFrameworkConversation: the simulated helpdesk chat reads back as
// one conversation, each activity with a token whose claims check out for
// the app id given, at the time it is sent; the replies are not seen.
func TestBotFrameworkConversation(t *testing.T) {
	secrets := Secrets{"botframework": "my-app-id"}
	reqs, err := Conversation("botframework", seeded(11), "", simStart, secrets)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	var turns []model.Turn
	for _, r := range reqs {
		if r.Path != "/api/messages" {
			t.Errorf("path %s", r.Path)
		}
		c := ClassifyAt(toRequest(r), secrets, r.At)
		if c.Signature.State != model.SigValid || !strings.Contains(c.Signature.Detail, "valid until") {
			t.Errorf("%s: %q %q", c.Kind, c.Signature.State, c.Signature.Detail)
		}
		// An hour later the token has expired.
		if c := ClassifyAt(toRequest(r), secrets, r.At.Add(2*time.Hour)); c.Signature.State != model.SigInvalid {
			t.Errorf("%s two hours later: %q", c.Kind, c.Signature.State)
		}
		kinds[c.Kind]++
		turns = append(turns, c.Turns...)
	}
	if kinds["members"] != 1 || kinds["invoke"] != 1 || kinds["expectReplies"] != 1 || kinds["typing"] != kinds["message"] || kinds["message"] < 2 {
		t.Errorf("kinds %v", kinds)
	}
	if turns[0].Marker != model.MarkerCreated {
		t.Errorf("first turn %+v", turns[0])
	}
	for _, turn := range turns[1:] {
		if turn.Role != model.RoleUser || turn.Text == "" {
			t.Errorf("turn %+v: only the user's messages reach hark", turn)
		}
	}
	// Another app id's receiver finds the audience wrong.
	if c := ClassifyAt(toRequest(reqs[0]), Secrets{"botframework": "other"}, reqs[0].At); c.Signature.State != model.SigInvalid {
		t.Errorf("other app: %q", c.Signature.State)
	}
}
