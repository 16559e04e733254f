package receiver

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// fakeJournal records what the receiver journals, in order.
type fakeJournal struct {
	mu      sync.Mutex
	events  []string
	failReq error
	// gate, when set, blocks WriteRequest until closed: the request record
	// is "not yet on disk".
	gate chan struct{}
}

func (j *fakeJournal) WriteRequest(ex *model.Exchange) (int64, error) {
	if j.gate != nil {
		<-j.gate
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.events = append(j.events, "req "+ex.ID.String())
	return int64(len(j.events)), j.failReq
}

func (j *fakeJournal) WriteResponse(ex *model.Exchange) (int64, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.events = append(j.events, "resp "+ex.ID.String()+" "+string(ex.State))
	return int64(len(j.events)), nil
}

func (j *fakeJournal) log() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.events...)
}

type harness struct {
	store   *model.Store
	journal *fakeJournal
	srv     *httptest.Server
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	h := &harness{store: model.NewStore(model.StoreOptions{}), journal: &fakeJournal{}}
	cfg.Store = h.store
	if cfg.Journal == nil {
		cfg.Journal = h.journal
	}
	h.srv = httptest.NewServer(settled(New(cfg)))
	t.Cleanup(h.srv.Close)
	return h
}

// settled serves h without letting it flush: the answer leaves when the
// handler returns, once the exchange is recorded, so that a test reads the
// store and the journal as they are after the exchange. (A receiver flushes
// its answer before recording it; TestAnswerLeavesBeforeItIsRecorded.)
func settled(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(struct{ http.ResponseWriter }{w}, r)
	})
}

// blockingJournal holds every response record until release is closed.
type blockingJournal struct {
	fakeJournal
	release chan struct{}
}

func (j *blockingJournal) WriteResponse(ex *model.Exchange) (int64, error) {
	<-j.release
	return j.fakeJournal.WriteResponse(ex)
}

// The platform has its answer before the exchange is recorded: recording
// it (a response record that may lead a group commit's fsync) never holds
// the answer back.
func TestAnswerLeavesBeforeItIsRecorded(t *testing.T) {
	j := &blockingJournal{release: make(chan struct{})}
	store := model.NewStore(model.StoreOptions{})
	srv := httptest.NewServer(New(Config{Store: store, Journal: j}))
	defer srv.Close()
	defer close(j.release)
	resp, err := http.Post(srv.URL+"/api/webhook/message", "application/json", strings.NewReader(navtalkOutput))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if log := j.log(); len(log) != 1 || !strings.HasPrefix(log[0], "req ") {
		t.Fatalf("journal before the answer was recorded: %q", log)
	}
}

func (h *harness) do(t *testing.T, method, path, contentType, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// only returns the single exchange in the store.
func (h *harness) only(t *testing.T) model.Exchange {
	t.Helper()
	var all []model.Exchange
	h.store.Exchanges(func(ex model.Exchange) bool { all = append(all, ex); return true })
	if len(all) != 1 {
		t.Fatalf("store holds %d exchanges, want 1", len(all))
	}
	return all[0]
}

const navtalkOutput = `{"event":"conversation.output","sessionId":"session_123456","role":"ai","timestamp":"2024-01-15T10:30:00Z","message":"Hello, how can I help you?"}`

func TestNavTalkMessageIsRecordedAndAcknowledged(t *testing.T) {
	h := newHarness(t, Config{})
	resp, _ := h.do(t, "POST", "/api/webhook/message?x=1", "application/json", navtalkOutput)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	ex := h.only(t)
	if ex.Platform != "navtalk" || ex.SessionID != "session_123456" || ex.State != model.StateResponded {
		t.Fatalf("exchange = %s %s %s", ex.Platform, ex.SessionID, ex.State)
	}
	if string(ex.Request.Body) != navtalkOutput || ex.Request.Path != "/api/webhook/message" || ex.Request.RawQuery != "x=1" {
		t.Fatalf("raw request not kept exactly: %q %q %q", ex.Request.Path, ex.Request.RawQuery, ex.Request.Body)
	}
	if ex.Request.Header("content-type") != "application/json" {
		t.Errorf("headers not kept: %v", ex.Request.Headers)
	}
	if ex.Response == nil || ex.Response.Source != model.SourceDefault || ex.Timings.Total <= 0 {
		t.Fatalf("response = %+v timings = %+v", ex.Response, ex.Timings)
	}
	if len(ex.Turns) != 1 || ex.Turns[0].Text != "Hello, how can I help you?" {
		t.Errorf("turns = %+v", ex.Turns)
	}
	if got := h.journal.log(); len(got) != 2 || got[0] != "req #1" || got[1] != "resp #1 responded" {
		t.Errorf("journal = %v", got)
	}
}

func TestResponseWaitsForTheRequestRecord(t *testing.T) {
	j := &fakeJournal{gate: make(chan struct{})}
	h := newHarness(t, Config{Journal: j})
	got := make(chan int, 1)
	go func() {
		resp, err := http.Post(h.srv.URL+"/hook", "application/json", strings.NewReader(`{}`))
		if err != nil {
			got <- -1
			return
		}
		resp.Body.Close()
		got <- resp.StatusCode
	}()
	select {
	case s := <-got:
		t.Fatalf("answered (%d) before the request record was durable", s)
	case <-time.After(50 * time.Millisecond):
	}
	close(j.gate)
	if s := <-got; s != 200 {
		t.Fatalf("status %d", s)
	}
}

func TestChatBotChallenge(t *testing.T) {
	cases := []struct {
		name, secret, query string
		status              int
		body                string
		sig                 model.SigState
	}{
		{"right token", "tok", "challenge=abc123&token=tok", 200, "abc123", model.SigValid},
		{"wrong token", "tok", "challenge=abc123&token=nope", 401, "", model.SigInvalid},
		{"no secret configured", "", "challenge=abc123&token=any", 200, "abc123", model.SigUnchecked},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			secrets := platform.Secrets{}
			if c.secret != "" {
				secrets["chatbot"] = c.secret
			}
			h := newHarness(t, Config{Secrets: secrets})
			resp, body := h.do(t, "GET", "/chatbot?"+c.query, "", "")
			if resp.StatusCode != c.status || (c.body != "" && body != c.body) {
				t.Fatalf("got %d %q, want %d %q", resp.StatusCode, body, c.status, c.body)
			}
			ex := h.only(t)
			if ex.Platform != "chatbot" || ex.Signature.State != c.sig {
				t.Fatalf("exchange platform %s signature %+v", ex.Platform, ex.Signature)
			}
		})
	}
}

func TestOversizedBodyIsRejectedAndRecorded(t *testing.T) {
	for _, chunked := range []bool{false, true} {
		h := newHarness(t, Config{MaxBody: 64})
		big := strings.Repeat("x", 200)
		req, _ := http.NewRequest("POST", h.srv.URL+"/hook", io.NopCloser(strings.NewReader(big)))
		if !chunked {
			req.ContentLength = int64(len(big))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("chunked=%v: status %d, want 413", chunked, resp.StatusCode)
		}
		ex := h.only(t)
		if ex.State != model.StateRejected || !ex.Request.Truncated || len(ex.Request.Body) != 64 {
			t.Fatalf("chunked=%v: state %s truncated %v body %d bytes", chunked, ex.State, ex.Request.Truncated, len(ex.Request.Body))
		}
		if !strings.Contains(strings.Join(ex.Notes, " "), "413") {
			t.Errorf("no note says why: %q", ex.Notes)
		}
	}
}

func TestMethods(t *testing.T) {
	cases := []struct {
		method string
		status int
		state  model.State
	}{
		{"DELETE", 405, model.StateRejected},
		{"GET", 200, model.StateResponded},
		{"OPTIONS", 204, model.StateResponded},
		{"PUT", 200, model.StateResponded},
	}
	for _, c := range cases {
		h := newHarness(t, Config{})
		resp, _ := h.do(t, c.method, "/anything", "", "")
		ex := h.only(t)
		if resp.StatusCode != c.status || ex.State != c.state {
			t.Errorf("%s: status %d state %s, want %d %s", c.method, resp.StatusCode, ex.State, c.status, c.state)
		}
		if c.status == 405 && resp.Header.Get("Allow") == "" {
			t.Errorf("405 without Allow header")
		}
	}
}

func TestBadInputIsRecordedNotLost(t *testing.T) {
	bodies := map[string]string{
		"malformed json": `{"sessionId": "abc", "event":`,
		"binary":         "\x00\x01\x02\xff\xfe",
		"invalid utf8":   `{"text":"` + "\xc3\x28" + `"}`,
		"empty":          "",
		"form":           "a=1&b=2",
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, Config{})
			resp, _ := h.do(t, "POST", "/hook", "application/octet-stream", body)
			if resp.StatusCode >= 500 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			ex := h.only(t)
			if string(ex.Request.Body) != body || !ex.State.Final() || ex.Platform == "" || ex.Kind == "" {
				t.Fatalf("exchange = %+v", ex)
			}
		})
	}
}

func TestJournalFailureStillAnswers(t *testing.T) {
	h := newHarness(t, Config{Journal: &fakeJournal{failReq: errors.New("disk full")}})
	resp, _ := h.do(t, "POST", "/api/webhook/message", "application/json", navtalkOutput)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if ex := h.only(t); !strings.Contains(strings.Join(ex.Notes, " "), "not journaled: disk full") {
		t.Fatalf("notes = %q", ex.Notes)
	}
}

type fixedResponder struct{ d model.Decision }

func (f fixedResponder) Respond(_ context.Context, _ model.Exchange, _ model.Decision) model.Decision {
	return f.d
}

func TestResponderDecides(t *testing.T) {
	d := model.Decision{Status: 202, Body: []byte(`{"responses":[]}`), Source: model.SourceFallback, Headers: map[string][]string{"X-Test": {"1"}}}
	h := newHarness(t, Config{Responder: fixedResponder{d}})
	resp, body := h.do(t, "POST", "/hook", "application/json", `{"chatId":"c1","node":{"type":"WEBHOOK"}}`)
	if resp.StatusCode != 202 || body != `{"responses":[]}` || resp.Header.Get("X-Test") != "1" {
		t.Fatalf("got %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if ex := h.only(t); ex.State != model.StateFallback || ex.Response.Source != model.SourceFallback {
		t.Fatalf("state %s source %s", ex.State, ex.Response.Source)
	}
}

func TestTurnsWithoutTimeTakeTheReceiveTime(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	h := newHarness(t, Config{Now: func() time.Time { return at }})
	h.do(t, "POST", "/hook", "application/json", `{"channel":"web","session_id":"s1","brain_id":"b1","input":{"text":"hi"}}`)
	ex := h.only(t)
	if len(ex.Turns) == 0 || !ex.Turns[0].Time.Equal(at) {
		t.Fatalf("turns = %+v", ex.Turns)
	}
}

// TestUnknownUseAndDeadlineOverride: hark claims no deadline for a
// platform it has no profile for; --deadline says the platform consumes
// the response within it. A known ignored kind stays ignored.
func TestUnknownUseAndDeadlineOverride(t *testing.T) {
	h := newHarness(t, Config{})
	h.do(t, "POST", "/hook", "application/json", `{"session_id":"s1","text":"hi"}`)
	if ex := h.only(t); ex.Use != model.UseUnknown || ex.Deadline != 0 || ex.Consumed() {
		t.Fatalf("unknown platform: use %v deadline %v", ex.Use, ex.Deadline)
	}
	h = newHarness(t, Config{Deadlines: map[string]time.Duration{"generic": 4 * time.Second, "navtalk": time.Second}})
	h.do(t, "POST", "/hook", "application/json", `{"session_id":"s1","text":"hi"}`)
	if ex := h.only(t); ex.Use != model.UseConsumed || ex.Deadline != 4*time.Second {
		t.Fatalf("--deadline generic=4s: use %v deadline %v", ex.Use, ex.Deadline)
	}
	h = newHarness(t, Config{Deadlines: map[string]time.Duration{"navtalk": time.Second}})
	h.do(t, "POST", "/api/webhook/message", "application/json", navtalkOutput)
	if ex := h.only(t); ex.Use != model.UseIgnored || ex.Deadline != 0 {
		t.Fatalf("--deadline on an ignored kind: use %v deadline %v", ex.Use, ex.Deadline)
	}
}

// TestPOSTHandshakeIsAnswered: a handshake in a POST body (Slack's
// url_verification) is answered by hark with its challenge, whatever the
// Responder would say.
func TestPOSTHandshakeIsAnswered(t *testing.T) {
	p, err := platform.Compile("slackish.yaml", []byte(`name: slackish
title: Slackish
match: {json: {type: url_verification}, strength: header}
handshake:
  kind: url_verification
  match: {method: POST, json: {type: url_verification}}
  echo: challenge
  answer: {json: {challenge: "{echo}"}}
`))
	if err != nil {
		t.Fatal(err)
	}
	r, err := platform.Load([]*platform.Profile{p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	platform.Use(r)
	t.Cleanup(func() { platform.Use(nil) })
	h := newHarness(t, Config{Responder: fixedResponder{model.Decision{Status: 500}}})
	resp, body := h.do(t, "POST", "/slack/events", "application/json", `{"token":"x","challenge":"3eZbrw1a","type":"url_verification"}`)
	if resp.StatusCode != 200 || body != `{"challenge":"3eZbrw1a"}` || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if ex := h.only(t); ex.Platform != "slackish" || ex.Kind != "url_verification" || ex.State != model.StateResponded {
		t.Fatalf("%s/%s %s", ex.Platform, ex.Kind, ex.State)
	}
}
