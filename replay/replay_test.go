package replay

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harkhq/hark/journal"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
	"github.com/harkhq/hark/receiver"
	"github.com/harkhq/hark/sim"
)

var recordSecrets = platform.Secrets{"moveo": "recorded-moveo", "chatbot": "recorded-chatbot"}

// record plays every platform's conversations at a real receiver that
// journals them, and returns the journal read back.
func record(t testing.TB) []*model.Exchange {
	t.Helper()
	path := filepath.Join(t.TempDir(), "recorded.jsonl")
	w, err := journal.Open(path, journal.Options{Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(receiver.New(receiver.Config{Store: model.NewStore(model.StoreOptions{}), Journal: w, Secrets: recordSecrets}))
	rep, err := sim.Run(context.Background(), sim.Options{To: srv.URL, Sessions: 8, Secrets: recordSecrets, Seed: 11})
	srv.Close()
	if err != nil || rep.Failed != 0 {
		t.Fatalf("sim: %v %+v", err, rep)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	loaded, err := journal.Load(path)
	if err != nil || len(loaded.Problems) != 0 {
		t.Fatalf("load: %v %v", err, loaded.Problems)
	}
	return loaded.Exchanges
}

// newHark is a fresh receiver: the handler whose answers were recorded.
func newHark(secrets platform.Secrets) http.Handler {
	return receiver.New(receiver.Config{Store: model.NewStore(model.StoreOptions{}), Secrets: secrets})
}

// TestReplayRoundTrip records conversations of every platform with the
// receiver, then replays the journal against a new receiver: every
// request is sent, and every answer is the recorded one.
func TestReplayRoundTrip(t *testing.T) {
	exs := record(t)
	srv := httptest.NewServer(newHark(recordSecrets))
	defer srv.Close()
	var lines []string
	rep, err := Run(context.Background(), Options{Exchanges: exs, To: srv.URL, OnResult: func(r Result) { lines = append(lines, r.Line()) }})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Sent != len(exs) || rep.Same != len(exs) || rep.Skipped != 0 {
		t.Fatalf("replay of an unchanged handler: %s\n%s", rep.Summary(), strings.Join(lines, "\n"))
	}
	if len(lines) != len(exs) || !strings.HasSuffix(lines[0], " same") {
		t.Errorf("lines: %q", lines)
	}
	platforms := map[string]bool{}
	for _, r := range rep.Results {
		platforms[r.Platform] = true
	}
	simulated := 0
	for _, p := range platform.Profiles() {
		if p.Simulated() {
			simulated++
		}
	}
	if len(platforms) != min(simulated, 8) {
		t.Errorf("replayed platforms %v", platforms)
	}
}

// TestReplayReportsChangedAnswers: a handler that changed one answer is
// reported, with the JSON path of the change; one that reformatted its
// JSON is not.
func TestReplayReportsChangedAnswers(t *testing.T) {
	recorded := `{"ok":true,"responses":[{"type":"text","elements":[{"text":"Hi"}]}]}`
	exs := []*model.Exchange{
		hookExchange(1, "/reformatted", recorded),
		hookExchange(2, "/changed", recorded),
		hookExchange(3, "/status", `{"ok":true}`),
		hookExchange(4, "/text", "plain answer"),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/reformatted":
			io.WriteString(w, "{\n  \"responses\": [ {\"elements\": [{\"text\": \"Hi\"}], \"type\": \"text\"} ],\n  \"ok\": true\n}\n")
		case "/changed":
			io.WriteString(w, `{"ok":true,"responses":[{"type":"text","elements":[{"text":"Hello"}]}]}`)
		case "/status":
			w.WriteHeader(500)
			io.WriteString(w, `{"ok":true}`)
		case "/text":
			io.WriteString(w, "plain answers")
		}
	}))
	defer srv.Close()
	rep, err := Run(context.Background(), Options{Exchanges: exs, To: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Same != 1 || rep.Differ != 3 || rep.Sent != 4 {
		t.Fatalf("report %s", rep.Summary())
	}
	want := []string{
		"#1 POST /reformatted 200 → 200 same",
		`#2 POST /changed 200 → 200 differs: body "responses[0].elements[0].text": "Hi" → "Hello"`,
		"#3 POST /status 200 → 500 differs: status",
		"#4 POST /text 200 → 200 differs: body: 12 bytes → 13 bytes, first difference at byte 12 (\"s\")",
	}
	for i, w := range want {
		if got := rep.Results[i].Line(); got != w {
			t.Errorf("line %d:\n got %s\nwant %s", i, got, w)
		}
	}
	if d := rep.Results[1].Diffs; len(d) != 1 || d[0].Path != "responses[0].elements[0].text" || d[0].Recorded != `"Hi"` || d[0].Got != `"Hello"` {
		t.Errorf("diffs %+v", d)
	}
}

func hookExchange(id model.ExchangeID, path, response string) *model.Exchange {
	return &model.Exchange{ID: id, Received: time.Unix(1_700_000_000, 0).Add(time.Duration(id) * time.Second),
		Platform: "generic", SessionID: "s", State: model.StateResponded,
		Request:  model.Request{Method: "POST", Path: path, Headers: map[string][]string{"Content-Type": {"application/json"}}, Body: []byte(`{"q":1}`), Size: 7},
		Response: &model.Response{Status: 200, Body: []byte(response), Source: model.SourceDefault}}
}

// TestReplaySendsTheRecordedRequest: method, path under the target's
// path, query of both, headers without those of the old connection, and
// the exact body.
func TestReplaySendsTheRecordedRequest(t *testing.T) {
	ex := hookExchange(9, "/api/hook%2Fx", "ok")
	ex.Request.Method = "PUT"
	ex.Request.RawQuery = "a=1&b=%C3%A9"
	ex.Request.Body = []byte("{\"raw\":  \"bytes\xff\"}")
	ex.Request.Headers = map[string][]string{
		"Content-Type": {"application/json"}, "Content-Length": {"999"}, "Connection": {"keep-alive, X-Hop"},
		"X-Hop": {"1"}, "Transfer-Encoding": {"chunked"}, "Accept-Encoding": {"gzip"}, "Host": {"old.example"},
		"x-custom": {"a", "b"}, "User-Agent": {"Moveo/1.0"},
	}
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, body = r, must(io.ReadAll(r.Body))
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	rep, err := Run(context.Background(), Options{Exchanges: []*model.Exchange{ex}, To: srv.URL + "/base/?token=t"})
	if err != nil || rep.Same != 1 {
		t.Fatalf("%v %s %+v", err, rep.Summary(), rep.Results)
	}
	if got.Method != "PUT" || got.URL.EscapedPath() != "/base/api/hook%2Fx" || got.URL.RawQuery != "token=t&a=1&b=%C3%A9" {
		t.Errorf("request line %s %s ? %s", got.Method, got.URL.EscapedPath(), got.URL.RawQuery)
	}
	if string(body) != string(ex.Request.Body) || got.ContentLength != int64(len(ex.Request.Body)) {
		t.Errorf("body %q (length %d)", body, got.ContentLength)
	}
	for _, h := range []string{"X-Hop", "Transfer-Encoding", "Accept-Encoding"} {
		if v := got.Header.Get(h); v != "" {
			t.Errorf("%s sent again: %q", h, v)
		}
	}
	if got.Host == "old.example" || got.Header.Values("X-Custom")[1] != "b" || got.UserAgent() != "Moveo/1.0" {
		t.Errorf("headers %v host %s", got.Header, got.Host)
	}
	if len(got.TransferEncoding) != 0 {
		t.Errorf("sent chunked")
	}
}

// TestReplayResigns: requests recorded with one Moveo token and one
// ChatBot.com token verify against a handler that knows other ones only
// when they are signed again.
func TestReplayResigns(t *testing.T) {
	exs := record(t)
	newSecrets := platform.Secrets{"moveo": "new-moveo", "chatbot": "new-chatbot"}
	var mu sync.Mutex
	checked := map[string]int{}
	handler := newHark(newSecrets)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := must(io.ReadAll(r.Body))
		if sig := r.Header.Get("X-Moveo-Signature"); sig != "" {
			mu.Lock()
			checked["moveo"]++
			mu.Unlock()
			if !platform.VerifyMoveo(body, sig, newSecrets["moveo"]) {
				http.Error(w, "bad signature", http.StatusUnauthorized)
				return
			}
		}
		if r.URL.Query().Has("challenge") {
			mu.Lock()
			checked["chatbot"]++
			mu.Unlock()
		}
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		handler.ServeHTTP(w, r)
	}))
	defer srv.Close()

	// Without the new secrets, the recorded signatures do not verify and
	// the verification GET's token is refused.
	rep, err := Run(context.Background(), Options{Exchanges: exs, To: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Resigned != 0 {
		t.Fatalf("old signatures passed: %s", rep.Summary())
	}
	for _, r := range rep.Results {
		if r.Platform == "moveo" && (r.Outcome != Differs || r.Status != 401) {
			t.Errorf("moveo %s", r.Line())
		}
	}

	checked = map[string]int{}
	rep, err = Run(context.Background(), Options{Exchanges: exs, To: srv.URL, Secrets: newSecrets})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		var bad []string
		for _, r := range rep.Results {
			if r.Outcome != Same {
				bad = append(bad, r.Line())
			}
		}
		t.Fatalf("re-signed replay: %s\n%s", rep.Summary(), strings.Join(bad, "\n"))
	}
	if checked["moveo"] == 0 || checked["chatbot"] != 1 || rep.Resigned != checked["moveo"]+checked["chatbot"] {
		t.Errorf("checked %v, re-signed %d", checked, rep.Resigned)
	}
}

// fakeClock advances only when the replay sleeps.
type fakeClock struct {
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func TestReplayTiming(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	var exs []*model.Exchange
	for i, off := range []time.Duration{0, time.Second, 3 * time.Second, time.Hour, time.Hour} {
		ex := hookExchange(model.ExchangeID(i+1), "/x", "ok")
		ex.Received = t0.Add(off)
		exs = append(exs, ex)
	}
	unanswered := hookExchange(9, "/x", "")
	unanswered.Received, unanswered.Response, unanswered.State = t0.Add(2*time.Second), nil, model.StateReceived
	exs = append(exs[:2], append([]*model.Exchange{unanswered}, exs[2:]...)...)

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer srv.Close()
	cases := []struct {
		speed  float64
		maxGap time.Duration
		want   []time.Duration
	}{
		{0, 0, nil},
		{1, 0, []time.Duration{time.Second, 2 * time.Second, time.Hour - 3*time.Second}},
		{2, 10 * time.Second, []time.Duration{500 * time.Millisecond, time.Second, 5 * time.Second}},
		{0.5, 10 * time.Second, []time.Duration{2 * time.Second, 4 * time.Second, 20 * time.Second}},
	}
	for _, c := range cases {
		clock := &fakeClock{now: time.Unix(2_000_000_000, 0)}
		rep, err := Run(context.Background(), Options{Exchanges: exs, To: srv.URL, Speed: c.speed, MaxGap: c.maxGap, Now: clock.Now, Sleep: clock.Sleep})
		if err != nil || rep.Same != 5 || rep.Skipped != 1 {
			t.Fatalf("speed %v: %v %s", c.speed, err, rep.Summary())
		}
		if !slices.Equal(clock.sleeps, c.want) {
			t.Errorf("speed %v max gap %v: slept %v, want %v", c.speed, c.maxGap, clock.sleeps, c.want)
		}
	}
}

// TestReplayStopsWithContext: a replay interrupted while waiting returns
// what it did so far and the context's error.
func TestReplayStopsWithContext(t *testing.T) {
	exs := []*model.Exchange{hookExchange(1, "/x", "ok"), hookExchange(2, "/x", "ok"), hookExchange(3, "/x", "ok")}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	sleep := func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	rep, err := Run(ctx, Options{Exchanges: exs, To: srv.URL, Speed: 1, Sleep: sleep})
	if !errors.Is(err, context.Canceled) || len(rep.Results) != 1 || rep.Same != 1 {
		t.Fatalf("err %v, report %s", err, rep.Summary())
	}
}

func TestReplaySkipsAndFails(t *testing.T) {
	rejected := hookExchange(1, "/big", "too big")
	rejected.State, rejected.Response.Status = model.StateRejected, 413
	unanswered := hookExchange(2, "/x", "")
	unanswered.Response = nil
	truncated := hookExchange(3, "/x", "ok")
	truncated.Request.Truncated = true
	exs := []*model.Exchange{rejected, unanswered, truncated, hookExchange(4, "/x", "ok")}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	url := srv.URL
	srv.Close() // nobody listens there any more

	rep, err := Run(context.Background(), Options{Exchanges: exs, To: url})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Skipped != 3 || rep.Failed != 1 || rep.Sent != 1 || rep.OK() {
		t.Fatalf("report %s", rep.Summary())
	}
	for i, want := range []string{
		"#1 POST /big skipped: rejected by hark",
		"#2 POST /x skipped: no recorded response",
		"#3 POST /x skipped: the request body was cut",
		"#4 POST /x 200 → failed: target down: ",
	} {
		if got := rep.Results[i].Line(); !strings.HasPrefix(got, want) {
			t.Errorf("line %d: %q, want %q…", i, got, want)
		}
	}

	rep, err = Run(context.Background(), Options{Exchanges: exs[:1], To: url, Rejected: true})
	if err != nil || rep.Failed != 1 || rep.Skipped != 0 {
		t.Errorf("with rejected ones: %v %s", err, rep.Summary())
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{{To: "ftp://x"}, {To: "localhost:80"}, {To: "http://x", Speed: -1}, {To: "http://x", MaxGap: -1}} {
		if _, err := Run(context.Background(), o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
