package receiver

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// resendRig is a receiver serving on a test server, which resends go back
// into, and the exchange the platform sent first.
type resendRig struct {
	*harness
	resender *Resender
	orig     model.Exchange
}

var resendSecrets = platform.Secrets{"moveo": "moveo-secret"}

func newResendRig(t *testing.T, forward *Forwarder) *resendRig {
	t.Helper()
	h := &harness{store: model.NewStore(model.StoreOptions{}), journal: &fakeJournal{}}
	rc := New(Config{Store: h.store, Journal: h.journal, Secrets: resendSecrets})
	h.srv = httptest.NewServer(settled(rc)) // the store and journal are read right after each answer
	t.Cleanup(h.srv.Close)
	r := &resendRig{harness: h, resender: NewResender(rc, forward)}
	t.Cleanup(r.resender.Close)
	if err := r.resender.SetSelf(h.srv.URL); err != nil {
		t.Fatal(err)
	}
	// The platform's webhook, signed as the platform signs it.
	body, err := os.ReadFile("../platform/testdata/moveo_post.json")
	if err != nil {
		t.Fatal(err)
	}
	signed, _ := platform.Resign("moveo", model.Request{Method: "POST", Path: "/moveo/post-message", Body: body,
		Headers: map[string][]string{"Content-Type": {"application/json"}}}, resendSecrets)
	req, _ := http.NewRequest("POST", h.srv.URL+"/moveo/post-message", strings.NewReader(string(body)))
	for k, v := range signed.Headers {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r.orig, _ = h.store.Exchange(1)
	if r.orig.Signature.State != model.SigValid {
		t.Fatalf("the original's signature: %+v", r.orig.Signature)
	}
	return r
}

// A resend without a forward target goes back into hark: a new exchange,
// linked both ways, journaled, with no trace of hark's own header.
func TestResendIntoHark(t *testing.T) {
	r := newResendRig(t, nil)
	res, err := r.resender.Resend(context.Background(), &r.orig, r.orig.Request, false)
	if err != nil || res.ID != 2 || res.Status != 200 || res.Failure != "" || !strings.HasPrefix(res.To, r.srv.URL+"/moveo/post-message") {
		t.Fatalf("resend: %+v, %v", res, err)
	}
	ex, _ := r.store.Exchange(2)
	if ex.Resent == nil || ex.Resent.Of != 1 || ex.Resent.Edited {
		t.Fatalf("the new exchange's link: %+v", ex.Resent)
	}
	if ex.Request.Header(ResendHeader) != "" {
		t.Errorf("hark's token reached the exchange: %v", ex.Request.Headers)
	}
	if string(ex.Request.Body) != string(r.orig.Request.Body) || ex.Signature.State != model.SigValid || ex.SessionID != r.orig.SessionID {
		t.Errorf("the resent request: body same %v, signature %s, session %q", string(ex.Request.Body) == string(r.orig.Request.Body), ex.Signature.State, ex.SessionID)
	}
	if orig, _ := r.store.Exchange(1); len(orig.Resends) != 1 || orig.Resends[0] != 2 {
		t.Errorf("the original's resends: %v", orig.Resends)
	}
	if log := strings.Join(r.journal.log(), ", "); !strings.Contains(log, "req #2") || !strings.Contains(log, "resp #2 responded") {
		t.Errorf("journal: %s", log)
	}
}

// A token hark did not hand out links nothing and is left as sent: no one
// outside can make an exchange pass for a resend. A token is good once.
func TestResendTokenCannotBeForged(t *testing.T) {
	r := newResendRig(t, nil)
	tok, _ := r.resender.rc.resends.expect(model.Resent{Of: 1})
	for i, value := range []string{"0123456789abcdef0123456789abcdef", tok, tok} {
		req, _ := http.NewRequest("POST", r.srv.URL+"/hook", strings.NewReader(`{"session_id":"x"}`))
		req.Header.Set(ResendHeader, value)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		ex, _ := r.store.Exchange(model.ExchangeID(i + 2))
		linked := ex.Resent != nil
		if want := i == 1; linked != want {
			t.Errorf("request %d (token %.8s…): linked %v, want %v", i, value, linked, want)
		}
		if kept := ex.Request.Header(ResendHeader) != ""; kept == linked {
			t.Errorf("request %d: header kept %v though linked %v", i, kept, linked)
		}
	}
}

// An edited resend with a forward target goes to the target, re-signed
// over the new body, with none of hark's own headers; hark records it.
func TestResendEditedToForward(t *testing.T) {
	var mu sync.Mutex
	var got *http.Request
	var gotBody string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, gotBody = r, string(b)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"output":"from the target"}`)
	}))
	defer target.Close()
	fw, err := NewForwarder(target.URL+"/base", nil)
	if err != nil {
		t.Fatal(err)
	}
	r := newResendRig(t, fw)
	edited := r.orig.Request
	edited.Body = []byte(strings.Replace(string(edited.Body), "order_inquiry", "refund_request", 1))
	res, err := r.resender.Resend(context.Background(), &r.orig, edited, true)
	if err != nil || res.ID != 2 || res.Status != 200 || res.Resigned == "" || !strings.HasPrefix(res.To, target.URL+"/base/moveo/post-message") {
		t.Fatalf("resend: %+v, %v", res, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if gotBody != string(edited.Body) {
		t.Fatalf("the target got %q", gotBody)
	}
	for k := range got.Header {
		if strings.HasPrefix(strings.ToLower(k), "x-hark") {
			t.Errorf("the target got hark's header %s", k)
		}
	}
	c := platform.Classify(&model.Request{Method: "POST", Path: "/moveo/post-message", Headers: got.Header, Body: []byte(gotBody)}, resendSecrets)
	if c.Signature.State != model.SigValid {
		t.Errorf("the edited body's signature at the target: %+v", c.Signature)
	}
	ex, _ := r.store.Exchange(2)
	if ex.Resent == nil || !ex.Resent.Edited || ex.Resent.Of != 1 || ex.State != model.StateResponded ||
		ex.Response == nil || ex.Response.Source != model.SourceForward || string(ex.Response.Body) != `{"output":"from the target"}` ||
		ex.Forward == nil || ex.Timings.Forward <= 0 || ex.SessionID != r.orig.SessionID {
		t.Errorf("recorded: %+v", ex)
	}
	if orig, _ := r.store.Exchange(1); len(orig.Resends) != 1 || orig.Resends[0] != 2 {
		t.Errorf("the original's resends: %v", orig.Resends)
	}
	if log := strings.Join(r.journal.log(), ", "); !strings.Contains(log, "req #2, resp #2 responded") {
		t.Errorf("journal: %s", log)
	}
}

// A forward target that is down: the resend is recorded as failed, and
// says why.
func TestResendToForwardDown(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	fw, _ := NewForwarder(down.URL, nil)
	r := newResendRig(t, fw)
	res, err := r.resender.Resend(context.Background(), &r.orig, r.orig.Request, false)
	if err != nil || res.ID != 2 || !strings.Contains(res.Failure, "connection refused") {
		t.Fatalf("resend: %+v, %v", res, err)
	}
	if ex, _ := r.store.Exchange(2); ex.State != model.StateFailed || ex.Response != nil || len(ex.Notes) == 0 {
		t.Errorf("recorded: state %s, response %+v, notes %q", ex.State, ex.Response, ex.Notes)
	}
}

// Before hark listens, a resend into it fails with nothing sent.
func TestResendBeforeListening(t *testing.T) {
	rc := New(Config{Store: model.NewStore(model.StoreOptions{})})
	s := NewResender(rc, nil)
	ex := model.Exchange{ID: 1, Request: model.Request{Method: "POST", Path: "/"}}
	if _, err := s.Resend(context.Background(), &ex, ex.Request, false); err != ErrNotListening {
		t.Errorf("err %v", err)
	}
	if err := s.SetSelf("ftp://x"); err == nil {
		t.Error("a self URL that is not http accepted")
	}
}
