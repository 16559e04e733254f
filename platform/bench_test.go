package platform

import (
	"bytes"
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
		{"generic/json", post("/hook", testdata(b, "generic_vapi.json")), nil},
		{"generic/no-id", post("/hook", []byte(`{"hello":"world","n":[1,2,3]}`)), nil},
		{"generic/form", post("/hook", []byte("CallSid=CA1&Body=hi"), "Content-Type", "application/x-www-form-urlencoded"), nil},
		{"generic/1MiB", post("/hook", append(append([]byte(`{"items":[`), big...), `{}]}`...)), nil},
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
