package sim

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

var fixedNow = func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }

// received is a request as a test server saw it, classified the way hark's
// receiver would.
type received struct {
	req  *model.Request
	c    platform.Classification
	auth string
}

// recorder is a test server that keeps and classifies every request.
type recorder struct {
	secrets platform.Secrets
	status  func(r *http.Request) int
	now     func() time.Time // the receive time signatures' times are checked against; nil checks none

	mu   sync.Mutex
	reqs []received
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := &model.Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Headers: r.Header, Body: body}
	var at time.Time
	if rec.now != nil {
		at = rec.now()
	}
	c := platform.ClassifyAt(req, rec.secrets, at)
	user, _, _ := r.BasicAuth()
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, received{req: req, c: c, auth: user})
	rec.mu.Unlock()
	if d, _, ok := platform.Challenge(req, rec.secrets); ok {
		w.WriteHeader(d.Status)
		w.Write(d.Body)
		return
	}
	status := http.StatusOK
	if rec.status != nil {
		status = rec.status(r)
	}
	w.WriteHeader(status)
	io.WriteString(w, `{"ok":true}`)
}

func (rec *recorder) all() []received {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.reqs)
}

func serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// TestRunPlaysEachConversationOnce checks counts, order within each
// session, and that the bodies are the platform's conversations.
func TestRunPlaysEachConversationOnce(t *testing.T) {
	rec := &recorder{}
	srv := serve(t, rec)
	const seed = 11
	rep, err := Run(context.Background(), Options{To: srv.URL + "/base", Sessions: 8, Seed: seed, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	platforms := platform.Names() // "all", in registry order
	var want [][]platform.SimRequest
	total := 0
	for _, name := range platforms[:min(8, len(platforms))] { // a handshake before the platform's conversations
		if p, _ := platform.Lookup(name); p != nil {
			if _, ok := p.HandshakeRequest(rand.New(rand.NewPCG(seed, 0)), nil, fixedNow()); ok {
				total++
			}
		}
	}
	for i := range 8 {
		rng := rand.New(rand.NewPCG(seed, uint64(i)+1))
		reqs, err := platform.Conversation(platforms[i%len(platforms)], rng, "", fixedNow(), nil)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, reqs)
		total += len(reqs)
	}
	got := rec.all()
	if rep.Sent != total || len(got) != total || rep.OK != total || rep.Failed != 0 || rep.Sessions != 8 {
		t.Fatalf("report %+v, server saw %d, want %d", rep, len(got), total)
	}
	if got[0].c.Kind != "verify" {
		t.Fatalf("first request is %s, want the verification GET", got[0].c.Kind)
	}
	// Each session's requests arrive in the conversation's order: compare
	// the requests that carry the session's id (a generic conversation's
	// reachability GET carries none).
	for i, conv := range want {
		id := ""
		for _, r := range conv {
			c := platform.Classify(&model.Request{Method: r.Method, Path: r.Path, Headers: r.Headers, Body: r.Body}, nil)
			if id = c.SessionID; id != model.Unsorted {
				break
			}
			id = ""
		}
		var wantLines, gotLines []string
		for _, r := range conv {
			if line := r.Method + " /base" + r.Path + " " + string(r.Body); strings.Contains(line, id) {
				wantLines = append(wantLines, line)
			}
		}
		for _, r := range got {
			if line := r.req.Method + " " + r.req.Path + " " + string(r.req.Body); strings.Contains(line, id) {
				gotLines = append(gotLines, line)
			}
		}
		if id == "" || len(wantLines) < 3 || !slices.Equal(gotLines, wantLines) {
			t.Errorf("session %d (%s): requests out of order or missing:\n got %q\nwant %q", i, id, gotLines, wantLines)
		}
	}
	for _, r := range got {
		if !strings.HasPrefix(r.req.Path, "/base/") {
			t.Errorf("path %s lacks the base path", r.req.Path)
		}
	}
	// The sessions go round the registry: a platform played twice has its
	// kinds counted twice.
	navtalkSessions := 0
	for i := range 8 {
		if platforms[i%len(platforms)] == platforms[0] {
			navtalkSessions++
		}
	}
	if rep.Kinds["navtalk/session"] != navtalkSessions || rep.Kinds["chatbot/verify"] != 1 || rep.Status[200] != total {
		t.Errorf("kinds %v status %v", rep.Kinds, rep.Status)
	}
}

func TestRunCountStartsNewSessions(t *testing.T) {
	rec := &recorder{}
	srv := serve(t, rec)
	rep, err := Run(context.Background(), Options{Platforms: []string{"navtalk"}, To: srv.URL, Sessions: 3, Count: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	got := rec.all()
	if rep.Sent != 100 || len(got) != 100 {
		t.Fatalf("sent %d, server saw %d, want 100", rep.Sent, len(got))
	}
	ids := map[string]bool{}
	for _, r := range got {
		if r.c.Platform != "navtalk" {
			t.Fatalf("platform %s", r.c.Platform)
		}
		ids[r.c.SessionID] = true
	}
	// A NavTalk conversation is 10 requests: 100 need at least 10 sessions.
	if len(ids) < 10 || rep.Sessions < 10 {
		t.Errorf("%d session ids, %d reported, for 100 requests", len(ids), rep.Sessions)
	}
}

func TestRunSignsRequests(t *testing.T) {
	secrets := platform.Secrets{"moveo": "mv", "chatbot": "cb"}
	rec := &recorder{secrets: secrets}
	srv := serve(t, rec)
	rep, err := Run(context.Background(), Options{Platforms: []string{"moveo", "chatbot"}, To: srv.URL, Sessions: 4, Secrets: secrets, Seed: 3})
	if err != nil || rep.Failed != 0 {
		t.Fatalf("%v %+v", err, rep)
	}
	moveo := 0
	for _, r := range rec.all() {
		switch r.c.Platform {
		case "moveo":
			moveo++
			sig := r.req.Header("X-Moveo-Signature")
			if !validHMAC(r.req.Body, sig, "mv") || r.c.Signature.State != model.SigValid {
				t.Errorf("moveo %s: signature %q state %q", r.c.Kind, sig, r.c.Signature.State)
			}
		case "chatbot":
			if r.c.Kind == "verify" && r.c.Signature.State != model.SigValid {
				t.Errorf("verify token state %q", r.c.Signature.State)
			}
		default:
			t.Errorf("unexpected platform %s", r.c.Platform)
		}
	}
	if moveo == 0 {
		t.Fatal("no moveo request")
	}
	// With a wrong secret on the receiver, the verification is refused.
	rec2 := &recorder{secrets: platform.Secrets{"chatbot": "other"}}
	srv2 := serve(t, rec2)
	rep, _ = Run(context.Background(), Options{Platforms: []string{"chatbot"}, To: srv2.URL, Count: 1, Secrets: secrets})
	if rep.Status[401] != 1 || rep.Failed != 1 {
		t.Errorf("wrong token: %+v", rep)
	}
}

// TestRunSignsTheHandshakeAtItsTime: Slack signs its url_verification
// with the time it sends it, and a receiver refuses one signed long
// before; the simulator's handshake carries the run's clock.
func TestRunSignsTheHandshakeAtItsTime(t *testing.T) {
	secrets := platform.Secrets{"slack": "sl"}
	rec := &recorder{secrets: secrets, now: func() time.Time { return fixedNow().Add(2 * time.Second) }}
	srv := serve(t, rec)
	rep, err := Run(context.Background(), Options{Platforms: []string{"slack"}, To: srv.URL, Sessions: 1, Secrets: secrets, Seed: 5, Now: fixedNow})
	if err != nil || rep.Failed != 0 {
		t.Fatalf("%v %+v", err, rep)
	}
	got := rec.all()
	if len(got) == 0 || got[0].c.Kind != "url_verification" {
		t.Fatalf("first request is not the handshake: %d requests", len(got))
	}
	if sig := got[0].c.Signature; sig.State != model.SigValid {
		t.Errorf("handshake signature %s: %s", sig.State, sig.Detail)
	}
}

func TestRunGroupsStatusesAndErrors(t *testing.T) {
	rec := &recorder{status: func(r *http.Request) int {
		if strings.Contains(r.URL.Path, "session") {
			return http.StatusBadGateway
		}
		return http.StatusOK
	}}
	srv := serve(t, rec)
	rep, err := Run(context.Background(), Options{Platforms: []string{"navtalk"}, To: srv.URL, Sessions: 2, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Status[502] != 2 || rep.Failed != 2 || rep.OK != rep.Sent-2 || len(rep.Errors) != 0 {
		t.Errorf("report %+v", rep)
	}

	// A server that hangs up without answering.
	hangup := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	rep, err = Run(context.Background(), Options{Platforms: []string{"generic"}, To: hangup.URL, Count: 5})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sent != 5 || rep.Failed != 5 || rep.Errors["connection closed before the response"] != 5 {
		t.Errorf("hang-up: %+v", rep)
	}

	// Nobody listening.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	rep, err = Run(context.Background(), Options{Platforms: []string{"generic"}, To: "http://" + addr, Count: 3})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors["target down: connection refused"] != 3 || rep.Failed != 3 {
		t.Errorf("refused: %+v", rep.Errors)
	}
	if !strings.Contains(rep.String(), "target down: connection refused ×3") {
		t.Errorf("report text:\n%s", rep)
	}
}

func TestRunRateIsACap(t *testing.T) {
	rec := &recorder{}
	srv := serve(t, rec)
	start := time.Now()
	rep, err := Run(context.Background(), Options{Platforms: []string{"generic"}, To: srv.URL, Sessions: 4, Count: 21, Rate: 200})
	if err != nil {
		t.Fatal(err)
	}
	// 21 requests at 200/s cannot take less than 100 ms (a lower bound
	// only: a slow machine takes longer, never shorter).
	if elapsed := time.Since(start); elapsed < 100*time.Millisecond-paceLeeway || rep.Sent != 21 {
		t.Fatalf("21 requests at 200/s in %v (sent %d)", elapsed, rep.Sent)
	}
}

func TestRunLoopUntilCancelled(t *testing.T) {
	rec := &recorder{}
	srv := serve(t, rec)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n atomic.Int64
	var sessions sync.Map
	rep, err := Run(ctx, Options{
		To: srv.URL, Sessions: 4, Paced: true, Speed: 1000, Loop: true, Seed: 5,
		OnResult: func(r Result) {
			if r.Err != nil || (r.Session != -1 && string(r.Response) != `{"ok":true}`) {
				t.Errorf("result %+v", r)
			}
			sessions.Store(r.Session, true)
			if n.Add(1) == 120 {
				cancel()
			}
		},
	})
	if err != nil {
		t.Fatalf("a cancelled loop is its normal end, got %v", err)
	}
	if rep.Sent < 120 || rep.Sessions <= 4 {
		t.Fatalf("sent %d in %d conversations", rep.Sent, rep.Sessions)
	}
}

func TestRunStoppedEarlyReportsContextError(t *testing.T) {
	block := make(chan struct{})
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer close(block)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	rep, err := Run(ctx, Options{Platforms: []string{"generic"}, To: srv.URL, Count: 10})
	if err == nil {
		t.Fatal("a run cut short returned no error")
	}
	if rep.Failed != 0 {
		t.Errorf("requests cut by the stop counted as failures: %+v", rep)
	}
}

func TestRunBasicAuthFromURL(t *testing.T) {
	rec := &recorder{}
	srv := serve(t, rec)
	u := strings.Replace(srv.URL, "http://", "http://ada:pw@", 1)
	if _, err := Run(context.Background(), Options{Platforms: []string{"generic"}, To: u, Count: 2}); err != nil {
		t.Fatal(err)
	}
	for _, r := range rec.all() {
		if r.auth != "ada" {
			t.Fatalf("basic auth user %q", r.auth)
		}
	}
}

func TestRunOptionErrors(t *testing.T) {
	for _, opts := range []Options{
		{To: "http://127.0.0.1:1", Platforms: []string{"nope"}},
		{To: "ftp://x"},
		{To: "not a url"},
		{To: "http://"},
		{To: "http://x", Sessions: -1},
		{To: "http://x", Count: -1},
		{To: "http://x", Rate: -1},
		{To: "http://x", Speed: -1},
		{To: "http://x", Concurrency: -1},
	} {
		if _, err := Run(context.Background(), opts); err == nil {
			t.Errorf("options %+v accepted", opts)
		}
	}
}

// TestRequestsGoUnderTheBase: each request's path goes under the --to
// URL's path, its escapes kept, and its query after the --to URL's query.
func TestRequestsGoUnderTheBase(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.EscapedPath()+"?"+r.URL.RawQuery)
		mu.Unlock()
	}))
	rep, err := Run(context.Background(), Options{Platforms: []string{"generic"}, To: srv.URL + "/team%2Fa/?k=v", Count: 1, Now: fixedNow})
	if err != nil || rep.Sent != 1 {
		t.Fatalf("Run: %v, %+v", err, rep)
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "/team%2Fa/") || strings.Contains(got[0], "//") || !strings.Contains(got[0], "?k=v") {
		t.Errorf("requests went to %q, want /team%%2Fa/…?k=v…", got)
	}
}

func TestReportText(t *testing.T) {
	rep := Report{
		Sent: 1000, OK: 990, Failed: 10, Sessions: 84,
		Status: map[int]int{200: 990, 502: 7},
		Errors: map[string]int{"timeout": 1, "connection reset": 2},
		Kinds:  map[string]int{"moveo/dialog": 40, "chatbot/verify": 1},
		P50:    1234567, P90: 2345678, P99: 9876543, Max: 31234567,
		Elapsed: 2345678901, Throughput: 426.3,
	}
	want := `sent       1000 requests in 2.35s (426.3 req/s), 84 conversations
ok         990
failed     10
status     200 ×990  502 ×7
errors     connection reset ×2
           timeout ×1
latency    p50 1.23ms  p90 2.35ms  p99 9.88ms  max 31.2ms
by kind    chatbot/verify               1
           moveo/dialog                 40
`
	if got := rep.String(); got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
	one := Report{Sent: 1, OK: 1, Sessions: 1, Elapsed: 1e9, Throughput: 1}
	if got := strings.SplitN(one.String(), "\n", 2)[0]; got != "sent       1 request in 1s (1.0 req/s), 1 conversation" {
		t.Errorf("one of each: %q", got)
	}
}

// validHMAC checks a hex HMAC-SHA256 signature of a body, as Moveo signs
// (its documentation's scheme, computed here apart from hark's engine).
func validHMAC(body []byte, signature, secret string) bool {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	got, err := hex.DecodeString(signature)
	return err == nil && hmac.Equal(got, m.Sum(nil))
}
