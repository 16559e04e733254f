package export

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/harkhq/hark/journal"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
	"github.com/harkhq/hark/receiver"
	"github.com/harkhq/hark/sim"
)

// testSecrets sign the recorded conversations.
var testSecrets = platform.Secrets{"moveo": "moveo-token", "chatbot": "chatbot-token"}

// editing answers the requests marked X-Test-Answer as a user or a rule
// would have, and every other one with the profile's default: the
// exchanges an export must show differently.
type editing struct{}

func (editing) Respond(_ context.Context, ex model.Exchange, proposal model.Decision) model.Decision {
	switch ex.Request.Header("X-Test-Answer") {
	case "edited":
		return model.Decision{Status: 200, Headers: map[string][]string{"Content-Type": {"application/json"}},
			Body: []byte(`{"responses":[{"type":"text","texts":["Edited <b>reply</b> | with a pipe"]}]}`), Source: model.SourceEdited}
	case "binary":
		return model.Decision{Status: 200, Headers: map[string][]string{"Content-Type": {"application/octet-stream"}, "Set-Cookie": {"sid=abc; Path=/; HttpOnly"}},
			Body: []byte{0xff, 0x00, 0xfe, 'h', 'a', 'r', 0x80}, Source: model.SourceRule, Rule: "binary"}
	}
	return proposal
}

// extraRequests are hand-made requests that simulated conversations do not
// send: a binary body, a form with a cookie, a rejected method, an edited
// answer, a query with escapes.
func extraRequests(base string) []*http.Request {
	mk := func(method, path, ctype string, body []byte, headers ...string) *http.Request {
		req, err := http.NewRequest(method, base+path, bytes.NewReader(body))
		if err != nil {
			panic(err)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Add(headers[i], headers[i+1])
		}
		return req
	}
	return []*http.Request{
		mk("POST", "/upload", "application/octet-stream", []byte{0x00, 0xff, 0x10, 0x80, 'x'}, "X-Test-Answer", "binary"),
		mk("POST", "/form?x=%C3%A9t%C3%A9&empty=&flag", "application/x-www-form-urlencoded", []byte("name=Zo%C3%AB&msg=a+b%26c"), "Cookie", "sid=s1; theme=dark"),
		mk("DELETE", "/webhook", "", nil),
		mk("POST", "/bot/dialog", "application/json", []byte(`{"session_id":"edit-1","text":"hi there"}`), "X-Test-Answer", "edited", "X-Forwarded-Proto", "https"),
	}
}

// record plays every platform's conversations and extraRequests through a
// real receiver that journals them, and returns the journal read back.
func record(t testing.TB) *journal.Loaded {
	t.Helper()
	path := filepath.Join(t.TempDir(), "recorded.jsonl")
	w, err := journal.Open(path, journal.Options{Fast: true, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore(model.StoreOptions{})
	srv := httptest.NewServer(receiver.New(receiver.Config{Store: store, Journal: w, Secrets: testSecrets, Responder: editing{}}))
	rep, err := sim.Run(context.Background(), sim.Options{To: srv.URL, Secrets: testSecrets, Seed: 3})
	if err != nil || rep.Failed != 0 {
		srv.Close()
		t.Fatalf("sim: %v, %+v", err, rep)
	}
	for _, req := range extraRequests(srv.URL) {
		resp, err := srv.Client().Do(req)
		if err != nil {
			srv.Close()
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	srv.Close()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	loaded, err := journal.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Problems) != 0 || loaded.Unanswered != 0 {
		t.Fatalf("journal problems %v, unanswered %d", loaded.Problems, loaded.Unanswered)
	}
	return loaded
}
