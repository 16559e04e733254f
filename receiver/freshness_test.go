package receiver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// TestSignedTimestampAgainstTheReceiveTime: a Slack event signed five
// minutes or more before hark received it is a replay, however well it is
// signed: the receiver classifies with its clock's receive time.
func TestSignedTimestampAgainstTheReceiveTime(t *testing.T) {
	body := `{"token":"x","team_id":"T1","api_app_id":"A1","event":{"type":"message","user":"U1","text":"hi","ts":"1735812120.000300","channel":"C1"},"type":"event_callback","event_id":"Ev1"}`
	signed := time.Unix(1735812120, 0)
	for _, tt := range []struct {
		received time.Time
		want     model.SigState
	}{
		{signed.Add(3 * time.Second), model.SigValid},
		{signed.Add(10 * time.Minute), model.SigInvalid},
	} {
		h := newHarness(t, Config{Now: func() time.Time { return tt.received }, Secrets: platform.Secrets{"slack": "sl"}})
		req, _ := http.NewRequest("POST", h.srv.URL+"/slack/events", strings.NewReader(body))
		ts := strconv.FormatInt(signed.Unix(), 10)
		m := hmac.New(sha256.New, []byte("sl"))
		m.Write([]byte("v0:" + ts + ":" + body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(m.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ex := h.only(t); ex.Platform != "slack" || ex.Signature.State != tt.want {
			t.Errorf("received %v after signing: %s %s %q", tt.received.Sub(signed), ex.Platform, ex.Signature.State, ex.Signature.Detail)
		}
	}
}
