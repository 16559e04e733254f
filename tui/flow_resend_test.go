package tui

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
	"github.com/harkhq/hark/receiver"
)

// Resend flows through a running program and a real receiver: a webhook
// arrives, the user resends it (s) or edits it first (S), and the request
// goes back into hark, or to the --forward target, as the user asked.

type resendRig struct {
	*flow
	store *model.Store
	srv   *httptest.Server
}

func newResendRig(t *testing.T, forward string, w, h int) *resendRig {
	t.Helper()
	r := &resendRig{store: model.NewStore(model.StoreOptions{})}
	rc := receiver.New(receiver.Config{Store: r.store, Now: fixedNow})
	r.srv = httptest.NewServer(rc)
	t.Cleanup(r.srv.Close)
	var fw *receiver.Forwarder
	if forward != "" {
		var err error
		if fw, err = receiver.NewForwarder(forward, nil); err != nil {
			t.Fatal(err)
		}
	}
	resender := receiver.NewResender(rc, fw)
	t.Cleanup(resender.Close)
	if err := resender.SetSelf(r.srv.URL); err != nil {
		t.Fatal(err)
	}
	r.flow = startFlow(t, &builder{store: r.store}, w, h, func(o *Options) {
		o.Endpoint, o.Forward = Endpoint{State: EndpointLocal, URL: r.srv.URL}, forward
		o.Resend = func(ctx context.Context, q ResendRequest) (ResendResult, error) {
			res, err := resender.Resend(ctx, &q.Of, q.Request, q.Edited)
			return ResendResult{ID: res.ID, To: res.To, Status: res.Status, Latency: res.Latency, Resigned: res.Resigned, Failure: res.Failure}, err
		}
	})
	return r
}

func (r *resendRig) post(path, body string) {
	r.t.Helper()
	resp, err := http.Post(r.srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
}

func seed(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../platform/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// s resends a NavTalk exchange into hark: a new exchange appears, marked
// as a resend of the first, which is marked as resent; the store and the
// inspector link them both ways.
func TestFlowResendIntoHark(t *testing.T) {
	r := newResendRig(t, "", 120, 30)
	r.post("/api/webhook/message", seed(t, "navtalk_message.json"))
	r.waitFor("NAV session_123456", "Hello, how can I help you?")
	r.press("tab") // the transcript, its last exchange selected
	r.waitFor("s resend", "S edit & resend")
	r.press("s")
	s := r.waitFor("↻ resent #1 as #2: 200 in", "↻ resent #1", "↻ as #2")
	if strings.Count(s, "ai   Hello, how can I help you?") != 2 {
		t.Errorf("the resent turn is not shown again:\n%s", s)
	}
	ex, _ := r.store.Exchange(2)
	if ex.Resent == nil || ex.Resent.Of != 1 || ex.Resent.Edited || ex.SessionID != "session_123456" {
		t.Fatalf("#2: resent %+v, session %q", ex.Resent, ex.SessionID)
	}
	if orig, _ := r.store.Exchange(1); len(orig.Resends) != 1 || orig.Resends[0] != 2 {
		t.Fatalf("#1 resends %v", orig.Resends)
	}
	r.press("enter") // inspect #2, the one selected at the bottom
	r.waitFor("↻ resent #1: hark sent it again")
	r.press("p")
	r.waitFor("↻ resent as #2")
}

// S opens the request in the editor; the body is checked as it is typed,
// and the edit goes to the --forward target, which gets it byte for byte.
func TestFlowEditedResendToForward(t *testing.T) {
	var mu sync.Mutex
	var got []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		mu.Lock()
		got = append(got, req.URL.Path+" "+string(b))
		mu.Unlock()
		io.WriteString(w, "Webhook received successfully")
	}))
	defer target.Close()
	r := newResendRig(t, target.URL, 120, 30)
	body := seed(t, "navtalk_message.json")
	r.post("/api/webhook/message", body) // with no forward policy in the receiver, the target sees only the resend
	r.waitFor("NAV session_123456")
	r.press("tab", "S")
	r.waitFor("Edit and resend #1", "to "+target.URL, "POST /api/webhook/message", "Content-Type: application/json",
		`"event": "conversation.output"`, "✓ valid JSON · ")
	r.press("end") // after the opening brace
	r.typeText(`"note": "edited by hand",`)
	r.waitFor(`{"note": "edited by hand",`, "✓ valid JSON")
	r.typeText(`,`)
	r.waitFor("✗ invalid JSON at line 1")
	r.press("ctrl+s")
	r.waitFor("not sent: invalid JSON", "Edit and resend #1")
	r.press("backspace")
	r.waitFor("✓ valid JSON")
	r.press("ctrl+s")
	s := r.waitFor("↻ resent your edit of #1 as #2: 200 in", "↻ edited and resent")
	if strings.Contains(s, "Edit and resend") {
		t.Fatalf("the editor stayed open:\n%s", s)
	}
	want := "/api/webhook/message " + strings.Replace(body, "{", `{"note": "edited by hand",`, 1)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0] != want {
		t.Fatalf("the target got %q\nwant %q", got, want)
	}
	ex, _ := r.store.Exchange(2)
	if ex.Resent == nil || !ex.Resent.Edited || ex.Response == nil || string(ex.Response.Body) != "Webhook received successfully" {
		t.Fatalf("#2: %+v", ex)
	}
}

// esc leaves the editor without sending; in a history, resending is
// refused with what to do instead.
func TestFlowResendCancelAndReadOnly(t *testing.T) {
	r := newResendRig(t, "", 100, 30)
	r.post("/api/webhook/message", seed(t, "navtalk_message.json"))
	r.waitFor("NAV session_123456")
	r.press("tab", "S")
	r.waitFor("Edit and resend #1")
	r.press("esc")
	r.waitFor("resend of #1 cancelled")
	if c := r.store.Counts(); c.Exchanges != 1 {
		t.Fatalf("%d exchanges after a cancelled resend", c.Exchanges)
	}

	b := newBuilder()
	b.navtalk(t0)
	m := newTestModel(t, b, func(o *Options) { o.ReadOnly = true })
	do(m, sizeMsg(100, 30), keyMsg("tab"), keyMsg("s"))
	if s := plain(m); !strings.Contains(s, "read-only history: resend works in the live monitor") {
		t.Errorf("no refusal:\n%s", s)
	}
}
