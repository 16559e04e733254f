package export

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// secrets are credentials a webhook may carry, each where it would be.
var t0 = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

var secrets = []string{"Bearer sk-live-1", "sid=cookie-2", "key-3", "moveo-sig-4", "sha256=hub-5", "chatbot-token-6", "set-cookie-7"}

func credentialExchange() *model.Exchange {
	return &model.Exchange{
		ID: 1, Received: t0, Platform: "chatbot", Kind: "message", SessionID: "s1", State: model.StateResponded,
		Request: model.Request{
			Method: "POST", Path: "/chatbot", RawQuery: "a=1&token=chatbot-token-6", Host: "x.ngrok.app",
			Headers: map[string][]string{
				"Authorization": {"Bearer sk-live-1"}, "Cookie": {"sid=cookie-2"}, "X-Api-Key": {"key-3"},
				"X-Moveo-Signature": {"moveo-sig-4"}, "X-Hub-Signature-256": {"sha256=hub-5"},
				"Content-Type": {"application/json"},
			},
			Body: []byte(`{"conversationId":"s1"}`),
		},
		Turns:    []model.Turn{{Role: model.RoleUser, Text: "hi", Time: t0}},
		Response: &model.Response{Status: 200, Headers: map[string][]string{"Set-Cookie": {"set-cookie-7"}}, Body: []byte(`{}`), Source: model.SourceDefault},
	}
}

// HAR and Markdown exports redact credentials unless Raw; the exchange
// itself (what the journal keeps) is untouched.
func TestExportsRedactCredentials(t *testing.T) {
	ex := credentialExchange()
	sess := model.Session{Key: ex.Session(), Exchanges: []model.ExchangeID{1}, Turns: ex.Turns, FirstSeen: t0, LastSeen: t0}
	for _, f := range Formats {
		if f.Name == "ndjson" {
			continue
		}
		for _, raw := range []bool{false, true} {
			var buf bytes.Buffer
			if err := f.Write(&buf, Set{Exchanges: []*model.Exchange{ex}, Sessions: []model.Session{sess}, Raw: raw}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, s := range secrets {
				if f.Name == "md" && s != "chatbot-token-6" {
					continue // a transcript shows no headers
				}
				if strings.Contains(out, s) == !raw {
					t.Errorf("%s (raw=%v): secret %q present=%v", f.Name, raw, s, !raw)
				}
			}
			if !raw && !strings.Contains(out, "REDACTED") {
				t.Errorf("%s: no REDACTED marker", f.Name)
			}
		}
	}
	if ex.Request.Headers["Authorization"][0] != "Bearer sk-live-1" || ex.Request.RawQuery != "a=1&token=chatbot-token-6" {
		t.Error("redacting changed the exchange")
	}
}
