package platform

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/harkhq/hark/model"
)

// BenchmarkClassify measures classification of typical requests of each
// profile, as the receiver does for every webhook.
//
//	go test -run '^$' -bench Classify -benchmem ./platform/
func BenchmarkClassify(b *testing.B) {
	moveoBody := testdata(b, "moveo_post.json")
	signed := post("/moveo/post-message", moveoBody, "X-Moveo-Signature", MoveoSignature(moveoBody, "k"), "X-Moveo-Session-Id", "00d2ff33-706e-4a2c-8544-df6c9d0c1ecf")
	big := bytes.Repeat([]byte(`{"k":"0123456789abcdef0123456789abcdef"},`), 25_000)
	cases := []struct {
		name    string
		req     *model.Request
		secrets Secrets
	}{
		{"navtalk/message", post("/api/webhook/message", testdata(b, "navtalk_message.json")), nil},
		{"navtalk/session", post("/api/webhook/session", testdata(b, "navtalk_session.json")), nil},
		{"chatbot/webhook", post("/chatbot", testdata(b, "chatbot_old.json")), nil},
		{"chatbot/verify", verifyGET("challenge=abc&token=t"), Secrets{"chatbot": "t"}},
		{"moveo/post-signed", signed, Secrets{"moveo": "k"}},
		{"moveo/pre", post("/moveo/pre-message", testdata(b, "moveo_pre.json")), nil},
		{"generic/json", post("/hook", testdata(b, "generic_voiceflow.json")), nil}, // generic_vapi.json is Vapi's now
		{"generic/no-id", post("/hook", []byte(`{"hello":"world","n":[1,2,3]}`)), nil},
		{"generic/form", post("/hook", []byte("CallSid=CA1&Body=hi"), "Content-Type", "application/x-www-form-urlencoded"), nil},
		{"generic/1MiB", post("/hook", append(append([]byte(`{"items":[`), big...), `{}]}`...)), nil},
		{"moveo/delivery-batch", post("/moveo/integration", []byte(`[{"event_type":"message:received","session_id":"s","brain_id":"b","message":{"text":"bye"}},{"event_type":"message:brain_send","session_id":"s","brain_id":"b","message":{"responses":[{"type":"text","text":"Goodbye!"}]}}]`)), nil},
		{"vapi/transcript", vendorFixture(b, "vapi", "transcript.json"), nil},
		{"vapi/tool-calls-secret", vendorFixture(b, "vapi", "tool-calls.http"), Secrets{"vapi": "hark-vapi-secret"}},
		{"vapi/end-of-call-report-hmac", vendorFixture(b, "vapi", "end-of-call-report.http"), Secrets{"vapi": "hark-vapi-hmac-key"}},
		{"retell/transcript_updated", vendorFixture(b, "retell", "transcript_updated.json"), nil},
		{"retell/call_ended-signed", vendorFixture(b, "retell", "call_ended.http"), Secrets{"retell": "key_hark_retell_demo_7d1c2a"}},
		{"dialogflow-es/intent-basic-auth", vendorFixture(b, "dialogflow-es", "intent.http"), Secrets{"dialogflow-es": "hark:hark-df-pass"}},
		{"dialogflow-cx/fulfillment", vendorFixture(b, "dialogflow-cx", "tag-text.json"), nil},
		{"botframework/message-token", vendorFixture(b, "botframework", "message.http"), Secrets{"botframework": "5f1e2d3c-4b5a-4c69-8d7e-6f5a4b3c2d1e"}},
		{"botframework/invoke", vendorFixture(b, "botframework", "invoke.json"), nil},
		{"rasa/rest-message", vendorFixture(b, "rasa", "rest-message.json"), nil},
		{"rasa/action-server", vendorFixture(b, "rasa", "action-server.json"), nil},
		{"sunshine/message-secret", vendorFixture(b, "sunshine", "conversation-message.http"), Secrets{"sunshine": "hark-sunco-webhook-secret"}},
		{"sunshine/batch-2-conversations", vendorFixture(b, "sunshine", "batch.json"), nil},
		{"navtalk/snake-case", post("/webhook", []byte(`{"event":"conversation.output","session_id":"s","role":"ai","timestamp":"2024-01-15T10:30:00Z","message":"Hello"}`)), nil},
		{"slack/message-signed", vendorFixture(b, "slack", "message.http"), Secrets{"slack": slackSecret}},
		{"slack/url_verification", vendorFixture(b, "slack", "url_verification.http"), Secrets{"slack": slackSecret}},
		{"whatsapp/text-signed", vendorFixture(b, "whatsapp", "text-message.http"), Secrets{"whatsapp": whatsappAppSecret}},
		{"whatsapp/batch", vendorFixture(b, "whatsapp", "batch.json"), nil},
		{"whatsapp/verify", vendorFixture(b, "whatsapp", "verify.http"), Secrets{"whatsapp.verify": whatsappVerifyToken}},
		{"telegram/message-token", vendorFixture(b, "telegram", "message-start.http"), Secrets{"telegram": "hark_tg_secret-42"}},
		{"telegram/callback_query", vendorFixture(b, "telegram", "callback_query.json"), nil},
		{"twilio/onMessageAdded-signed", vendorFixture(b, "twilio", "onMessageAdded.http"), Secrets{"twilio": twilioAuthToken}},
		{"twilio/studio", vendorFixture(b, "twilio", "studio-http-request.form"), nil},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.req.Body)))
			for b.Loop() {
				Classify(bc.req, bc.secrets)
			}
		})
	}
}

// BenchmarkClassifyUserProfile measures a user's profile (the Intercom
// example) among the built-in ones.
func BenchmarkClassifyUserProfile(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "examples", "platforms", "intercom.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	r := withProfile(b, "intercom.yaml", src)
	body, err := os.ReadFile(filepath.Join("..", "examples", "platforms", "intercom-user-replied.json"))
	if err != nil {
		b.Fatal(err)
	}
	req := post("/intercom", body)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		r.Classify(req, nil)
	}
}
