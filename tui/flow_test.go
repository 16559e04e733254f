package tui

import (
	"bytes"
	"context"
	"encoding/base64"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/harkhq/hark/model"
)

// Whole flows through a running program (teatest). The screen is read
// through the program's own loop: probe answers a snapMsg with the current
// view, so reads are ordered after the keys sent before them.

type snapMsg struct{ ch chan string }

type probe struct{ *Model }

func (p probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s, ok := msg.(snapMsg); ok {
		s.ch <- ansi.Strip(p.Model.View().Content)
		return p, nil
	}
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

// waitLimit bounds how long a flow waits for something to appear; it is a
// failure bound, not a speed assertion.
const waitLimit = 30 * time.Second // generous: CI runs every package at once on 2 cores, with -race

type flow struct {
	t  *testing.T
	tm *teatest.TestModel
	m  *Model
}

func startFlow(t *testing.T, b *builder, w, h int, opts ...func(*Options)) *flow {
	t.Helper()
	m := newTestModel(t, b, opts...)
	tm := teatest.NewTestModel(t, probe{m},
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.TrueColor)))
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
	})
	return &flow{t: t, tm: tm, m: m}
}

func (f *flow) screen() string {
	f.t.Helper()
	ch := make(chan string, 1)
	f.tm.Send(snapMsg{ch: ch})
	select {
	case s := <-ch:
		return s
	case <-time.After(waitLimit):
		f.t.Fatal("the program did not answer")
		return ""
	}
}

// waitFor polls the screen until it contains every want.
func (f *flow) waitFor(want ...string) string {
	f.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		s := f.screen()
		missing := ""
		for _, w := range want {
			if !strings.Contains(s, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return s
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("screen never showed %q:\n%s", missing, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (f *flow) press(names ...string) {
	for _, n := range names {
		f.tm.Send(keyMsg(n))
	}
}

func (f *flow) typeText(s string) { f.tm.Type(s) }

// waitOutput waits for bytes in the program's raw output stream.
func (f *flow) waitOutput(want string) {
	f.t.Helper()
	teatest.WaitFor(f.t, f.tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
		teatest.WithDuration(waitLimit), teatest.WithCheckInterval(10*time.Millisecond))
}

func TestFlowStreaming(t *testing.T) {
	b := newBuilder()
	f := startFlow(t, b, 100, 30)
	f.waitFor("Waiting for the first webhook", testURL+"/api/webhook/session", "hark send navtalk --to "+testURL)

	// A NavTalk conversation arrives while the monitor runs.
	start := t0
	b.add(start, "navtalk", "message", navtalkSID, "POST", "/api/webhook/message", "",
		navtalkMessage("session.created", "system", "", start), []model.Turn{marker(model.MarkerCreated, start)})
	f.waitFor("1 session", "session created")
	for _, l := range navtalkLines[:3] {
		at := start.Add(l.at)
		b.add(at, "navtalk", "message", navtalkSID, "POST", "/api/webhook/message", "",
			navtalkMessage("conversation.output", string(l.role), l.text, at), []model.Turn{turn(l.role, l.text, at)})
	}
	s := f.waitFor("4 exchanges", "Of course. What time would suit you?", "● follow")
	if !strings.Contains(s, "Hello! This is Ava") {
		t.Errorf("the first turn is missing:\n%s", s)
	}

	// A second session starts: following, the monitor moves to it.
	b.moveo(t0.Add(time.Minute))
	f.waitFor("2 sessions", "MOV 8563dcdf", "Great, can I bring my dog?", "⏸ 1 held")

	// The response to the held exchange arrives: the held mark goes away.
	var heldID model.ExchangeID
	b.store.Exchanges(func(ex model.Exchange) bool {
		if ex.State == model.StateHeld {
			heldID = ex.ID
		}
		return true
	})
	b.store.Update(heldID, func(ex *model.Exchange) {
		ex.State = model.StateResponded
		ex.Response = &model.Response{Status: 200, Source: model.SourceEdited, Body: []byte(`{"context":{}}`)}
		ex.Timings.Hold, ex.Timings.Total = 3*time.Second, 3*time.Second
	})
	f.waitFor("0 held")
}

func TestFlowNavigation(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	b.chatbot(t0.Add(60 * time.Second))
	b.moveo(t0.Add(120 * time.Second))
	f := startFlow(t, b, 100, 30)
	f.waitFor("MOV 8563dcdf", "● follow")

	f.press("down")
	f.waitFor("CBT 125338496333449767", "○ follow")
	f.press("down")
	f.waitFor("NAV c7f3a1e2", "closed")
	f.press("up", "up")
	f.waitFor("MOV 8563dcdf")

	// The transcript: move up from the newest exchange, then back.
	f.press("tab", "g")
	f.waitFor("c copy curl", "▌10:32:00 → POST /moveo")

	// Mouse: a click on the second session selects it.
	f.tm.Send(tea.MouseClickMsg{X: 4, Y: 5, Button: tea.MouseLeft})
	f.waitFor("CBT 125338496333449767")

	// f follows the newest session again.
	f.press("f")
	f.waitFor("MOV 8563dcdf", "● follow")

	// ? lists every key; any key closes it.
	f.press("?")
	f.waitFor("Move", "Resend, copy and more", "copy curl", "any key closes")
	f.press("x")
	s := f.screen()
	if strings.Contains(s, "any key closes") {
		t.Errorf("help stayed open:\n%s", s)
	}
}

func TestFlowInspector(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	b.chatbot(t0.Add(60 * time.Second))
	f := startFlow(t, b, 100, 30)
	f.waitFor("CBT 125338496333449767")

	f.press("tab", "enter")
	f.waitFor("Inspect", "POST /chatbot?token=verify-me HTTP/1.1", `"resolvedQuery": "What are your opening hours?"`,
		"verification token ✓ valid")
	f.press("right")
	f.waitFor("Sent to the platform", "200 OK", "source forward", "Forward target", "http://localhost:3000/webhooks/chatbot", "200 OK  in 14ms", "We're open every day")
	f.press("right")
	f.waitFor("── request ──", "── response ──", "HTTP/1.1 200 OK")
	f.press("4")
	f.waitFor("forward", "15ms", "the platform waits 10.0s")
	// p inspects the previous exchange: the verification GET.
	f.press("1", "p")
	f.waitFor("GET /chatbot?challenge=8d1f0c2a9b&token=verify-me HTTP/1.1")
	f.press("esc")
	s := f.screen()
	if strings.Contains(s, "Inspect ") {
		t.Errorf("esc did not close the inspector:\n%s", s)
	}
}

func TestFlowFilter(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	b.chatbot(t0.Add(60 * time.Second))
	b.moveo(t0.Add(120 * time.Second))
	f := startFlow(t, b, 100, 30)
	f.waitFor("Sessions 3")

	f.press("/")
	f.typeText("platform:chat")
	f.waitFor("Sessions 1/3", "CBT 125338496333449767", "/ platform:chat")
	f.press("enter")
	f.waitFor("/ platform:chat  ○ follow")

	// status:4xx finds the Moveo exchange answered 401, and only it.
	f.press("/", "ctrl+c")
	f.waitFor("Quit") // ctrl+c while typing quits… after asking: one exchange is held
	f.press("n")      // still typing the filter
	for range "platform:chat" {
		f.press("backspace")
	}
	f.typeText("status:4xx")
	s := f.waitFor("Sessions 1/3", "MOV 8563dcdf", "1/6 match")
	if strings.Contains(s, "first_message") {
		t.Errorf("an exchange that does not match is shown:\n%s", s)
	}
	f.press("esc")
	f.waitFor("Sessions 3")

	f.press("/")
	f.typeText("nothing-says-this")
	f.waitFor("no session matches", "0 sessions")
}

func TestFlowCopy(t *testing.T) {
	b := newBuilder()
	b.chatbot(t0)
	f := startFlow(t, b, 100, 30)
	f.waitFor("CBT 125338496333449767")

	f.press("y")
	f.waitOutput(ansi.SetSystemClipboard(testURL))
	f.waitFor("copied " + testURL)

	var ex model.Exchange
	b.store.Exchanges(func(e model.Exchange) bool { ex = e; return true }) // the newest: the webhook
	f.press("tab", "c")
	curl := curlCommand(&ex, testURL)
	f.waitOutput("\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(curl)) + "\a")
	f.waitFor("copied curl for " + ex.ID.String())
	if !strings.Contains(curl, "--data-binary '{\"conversationId\"") || !strings.Contains(curl, testURL+"/chatbot?token=REDACTED") {
		t.Errorf("unexpected curl command: %s", curl)
	}

	f.press("b")
	f.waitOutput(ansi.SetSystemClipboard(string(ex.Request.Body)))

	// In the inspector's response tab, b copies the response body.
	f.press("enter", "right", "b")
	f.waitOutput(ansi.SetSystemClipboard(string(ex.Response.Body)))
	f.waitFor("copied response body of " + ex.ID.String())
}

func TestFlowQuitConfirm(t *testing.T) {
	b := newBuilder()
	b.moveo(t0)
	f := startFlow(t, b, 100, 30)
	f.waitFor("⏸ 1 held")

	f.press("q")
	f.waitFor("Quit hark?", "1 exchange is held", "y quit")
	f.press("n")
	s := f.screen()
	if strings.Contains(s, "Quit hark?") {
		t.Fatalf("n did not close the dialog:\n%s", s)
	}
	f.press("q", "y")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
}

func TestFlowQuitWithoutHeld(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	f := startFlow(t, b, 100, 30)
	f.waitFor("NAV c7f3a1e2")
	f.press("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(waitLimit))
}

func TestFlowEndpointAndLog(t *testing.T) {
	b := newBuilder()
	eps := make(chan Endpoint, 1)
	sink := NewLogSink(100)
	log := slog.New(sink.Handler())
	f := startFlow(t, b, 100, 30, func(o *Options) {
		o.Endpoint = Endpoint{State: EndpointConnecting}
		o.Endpoints = eps
		o.Logs = sink
	})
	f.waitFor("● connecting", "Connecting to ngrok")

	eps <- Endpoint{State: EndpointReconnecting, Reason: "edge went away: \x1b[31mEOF"}
	f.waitFor("● reconnecting", `edge went away: \x1b[31mEOF`)
	eps <- testEndpoint()
	f.waitFor("● online", testURL)

	log.Warn("tunnel: session \x1b]52;c;ZXZpbA==\x07 lost", "err", "read tcp: \u202ereset")
	f.waitFor("L log: 1 warning")
	f.press("L")
	f.waitFor(`tunnel: session \x1b]52;c;ZXZpbA==\x07 lost`, `err="read tcp: \u202ereset"`, "WARN")
}

// Run draws on the given output and returns without error when its
// context is cancelled.
func TestRunStopsWithContext(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Store: b.store, Endpoint: testEndpoint(), Now: fixedNow},
			tea.WithInput(&bytes.Buffer{}), tea.WithOutput(out), tea.WithWindowSize(100, 30),
			tea.WithoutSignals(), tea.WithColorProfile(colorprofile.TrueColor))
	}()
	deadline := time.Now().Add(waitLimit)
	for !strings.Contains(ansi.Strip(out.String()), "c7f3a1e2") {
		if time.Now().After(deadline) {
			t.Fatalf("nothing drawn: %q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Run did not return after its context was cancelled")
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
