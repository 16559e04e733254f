package receiver

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// FuzzReceiver sends arbitrary methods, paths, headers and bodies through
// the handler: every request must be recorded, completed and answered with
// a sensible status, never a crash.
func FuzzReceiver(f *testing.F) {
	f.Add("POST", "/api/webhook/message", "Content-Type", "application/json", []byte(`{"event":"conversation.output","sessionId":"s","role":"ai","message":"hi"}`))
	f.Add("POST", "/moveo/post-message", "X-Moveo-Signature", "00ff", []byte(`{"event_type":"post_message","session_id":"x","brain_id":"b","output":{"responses":[{"type":"text","text":"\u202e"}]}}`))
	f.Add("GET", "/chatbot?challenge=abc&token=t", "", "", []byte(nil))
	f.Add("PATCH", "/%zz", "X-Moveo-Session-Id", "\x1b[2J", []byte("\xff\xfe\x00binary"))
	f.Add("DELETE", "/", "Content-Type", "text/plain", []byte(`{"sessionId":`))
	f.Add("POST", "/hook", "Content-Type", "application/x-www-form-urlencoded", bytes.Repeat([]byte("a=1&"), 300))
	f.Fuzz(func(t *testing.T, method, target, hname, hvalue string, body []byte) {
		if !validMethod(method) {
			method = "POST"
		}
		u, err := url.ParseRequestURI(target)
		if err != nil || !strings.HasPrefix(target, "/") {
			u = &url.URL{Path: "/"}
		}
		store := model.NewStore(model.StoreOptions{})
		rc := New(Config{Store: store, MaxBody: 1024, Secrets: platform.Secrets{"moveo": "tok", "chatbot": "tok"}})
		req := httptest.NewRequest(method, "http://hark.test/", bytes.NewReader(body))
		req.URL = u
		req.RequestURI = u.RequestURI()
		if hname != "" && validHeaderName(hname) {
			req.Header.Set(hname, hvalue)
		}
		rec := httptest.NewRecorder()
		rc.ServeHTTP(rec, req)
		if rec.Code < 200 || rec.Code > 599 {
			t.Fatalf("status %d", rec.Code)
		}
		var got []model.Exchange
		store.Exchanges(func(ex model.Exchange) bool { got = append(got, ex); return true })
		if len(got) != 1 {
			t.Fatalf("%d exchanges recorded", len(got))
		}
		ex := got[0]
		if !ex.State.Final() || ex.Response == nil || ex.Response.Status != rec.Code || ex.Platform == "" || ex.Kind == "" {
			t.Fatalf("exchange %+v for status %d", ex, rec.Code)
		}
		if want := min(len(body), 1024); !bytes.Equal(ex.Request.Body, body[:want]) {
			t.Fatalf("raw body not kept")
		}
		if (len(body) > 1024) != (rec.Code == http.StatusRequestEntityTooLarge) {
			t.Fatalf("body of %d bytes answered %d", len(body), rec.Code)
		}
	})
}

func validMethod(m string) bool {
	if m == "" || len(m) > 16 {
		return false
	}
	for _, c := range m {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

func validHeaderName(h string) bool {
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return len(h) < 64
}
