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

// TestSignatureTimeIsTheReceiveTime: a signature that carries the time it
// was made (Retell's) is checked against when the request arrived, by the
// receiver's clock: a request held on the way, or played again, is
// refused though its digest matches.
func TestSignatureTimeIsTheReceiveTime(t *testing.T) {
	body := `{"event":"call_started","call":{"call_id":"call_1","start_timestamp":1735812019000}}`
	signed := time.UnixMilli(1735812019000)
	ms := strconv.FormatInt(signed.UnixMilli(), 10)
	m := hmac.New(sha256.New, []byte("retell-key"))
	m.Write([]byte(body + ms))
	header := "v=" + ms + ",d=" + hex.EncodeToString(m.Sum(nil))
	for _, tc := range []struct {
		after time.Duration
		want  model.SigState
	}{{2 * time.Second, model.SigValid}, {6 * time.Minute, model.SigInvalid}} {
		now := signed.Add(tc.after)
		h := newHarness(t, Config{Now: func() time.Time { return now }, Secrets: platform.Secrets{"retell": "retell-key"}})
		req, err := http.NewRequest("POST", h.srv.URL+"/retell", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Retell-Signature", header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ex := h.only(t); ex.Platform != "retell" || ex.Signature.State != tc.want {
			t.Errorf("received %v after signing: %s %s — %s", tc.after, ex.Platform, ex.Signature.State, ex.Signature.Detail)
		}
	}
}
