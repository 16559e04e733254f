package tui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/receiver"
)

// Intercept flows through a running program and a real receiver: a
// platform's client posts a webhook, the receiver holds it, the user
// answers it in the editor, and the client gets exactly that answer. The
// clock is injected (the countdown moves when the test moves it) and so
// are the receiver's deadline timers (the test fires them).

// fakeClock is a settable clock shared by the receiver and the monitor.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// deadlineTimers are the receiver's fallback timers, fired by the test.
type deadlineTimers struct {
	mu   sync.Mutex
	fire []chan time.Time
}

func (d *deadlineTimers) After(time.Duration) <-chan time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	ch := make(chan time.Time, 1)
	d.fire = append(d.fire, ch)
	return ch
}

func (d *deadlineTimers) fireAll() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, ch := range d.fire {
		ch <- time.Time{}
	}
	d.fire = nil
}

type interceptRig struct {
	*flow
	store     *model.Store
	intercept *model.Intercept
	holds     *model.Holds
	rules     *model.Rules
	clock     *fakeClock
	timers    *deadlineTimers
	srv       *httptest.Server
	client    *http.Client
}

func newInterceptRig(t *testing.T, mode model.InterceptMode, w, h int, opts ...func(*Options)) *interceptRig {
	t.Helper()
	r := &interceptRig{
		store: model.NewStore(model.StoreOptions{}), intercept: model.NewIntercept(mode),
		holds: model.NewHolds(), rules: model.NewRules(nil),
		clock: &fakeClock{t: fixedAt}, timers: &deadlineTimers{},
		// No client timeout: the platform's deadline runs on the injected
		// clock, and reply bounds the real wait; a real-time timeout here
		// only made the flow fail on a loaded machine.
		client: &http.Client{},
	}
	policy := &receiver.Policy{Store: r.store, Intercept: r.intercept, Holds: r.holds, Rules: r.rules,
		Now: r.clock.Now, After: r.timers.After}
	r.srv = httptest.NewServer(receiver.New(receiver.Config{Store: r.store, Responder: policy, Now: r.clock.Now}))
	t.Cleanup(func() { r.holds.ReleaseAll(); r.srv.Close() })
	b := &builder{store: r.store}
	all := append([]func(*Options){func(o *Options) {
		o.Intercept, o.Holds, o.Rules, o.Now = r.intercept, r.holds, r.rules, r.clock.Now
		o.Endpoint = Endpoint{State: EndpointLocal, URL: r.srv.URL}
	}}, opts...)
	r.flow = startFlow(t, b, w, h, all...)
	return r
}

type reply struct {
	status int
	body   string
	err    error
}

// post sends a webhook from a goroutine, as the platform would.
func (r *interceptRig) post(path, body string) <-chan reply {
	ch := make(chan reply, 1)
	go func() {
		resp, err := r.client.Post(r.srv.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			ch <- reply{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		ch <- reply{status: resp.StatusCode, body: string(b)}
	}()
	return ch
}

func (r *interceptRig) reply(ch <-chan reply) reply {
	r.t.Helper()
	select {
	case rp := <-ch:
		if rp.err != nil {
			r.t.Fatalf("the platform's request failed: %v", rp.err)
		}
		return rp
	case <-time.After(waitLimit):
		r.t.Fatal("the platform never got an answer")
		return reply{}
	}
}

// moveoPostSeed is Moveo's post message example from its documentation.
func moveoPostSeed(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../platform/testdata/moveo_post.json")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The whole intercept story: intercept on, a Moveo post message held, the
// editor opens with the pass-through default, the countdown runs with the
// clock, an invalid edit is refused with a clear message, a valid one goes
// to the platform byte for byte, the transcript marks it, and the edit kept
// as a rule answers the next webhook by itself.
func TestFlowInterceptEditSendKeep(t *testing.T) {
	r := newInterceptRig(t, model.InterceptOff, 120, 30)
	r.waitFor("intercept off", "Waiting for the first webhook")
	r.press("i")
	r.waitFor("intercept consumed", "webhooks whose response the platform acts on are held")
	if r.intercept.Mode() != model.InterceptConsumed {
		t.Fatalf("mode %s after i", r.intercept.Mode())
	}

	seed := moveoPostSeed(t)
	got := r.post("/moveo/post-message", seed)
	r.waitFor("Edit response", "MOV post_message", "#1", "9.0s left", "proposal: pass-through default",
		"I'd be happy to help you with your order", "Status 200", "Content-Type: application/json", "1 {}",
		"valid JSON · 2 B")

	// The countdown follows the clock.
	r.clock.advance(2500 * time.Millisecond)
	r.waitFor("6.5s left")
	r.clock.advance(5 * time.Second)
	r.waitFor("1.5s left")

	// An invalid edit: the check says where, ctrl+s refuses, the editor
	// stays open and nothing reaches the platform.
	r.press("ctrl+k")
	r.typeText(`{"output":{"responses":[{"type":"text","text":"Your order ships today.`)
	r.waitFor("invalid JSON: it ends too early")
	r.press("ctrl+s")
	r.waitFor("not sent: the body is not valid JSON", "Edit response")
	select {
	case rp := <-got:
		t.Fatalf("an invalid edit reached the platform: %+v", rp)
	default:
	}
	r.typeText(`"}]}}`)
	r.waitFor("valid JSON · 75 B")
	r.press("ctrl+s")
	want := `{"output":{"responses":[{"type":"text","text":"Your order ships today."}]}}`
	rp := r.reply(got)
	if rp.status != 200 || rp.body != want {
		t.Fatalf("the platform got %d %q, want 200 %q", rp.status, rp.body, want)
	}
	r.waitFor("sent your edit to #1 · r keeps it as a rule")
	s := r.waitFor("✎ edited", "✎ you sent 200")
	if strings.Contains(s, "Edit response") {
		t.Fatalf("the editor stayed open:\n%s", s)
	}
	if ex, _ := r.store.Exchange(1); ex.Response == nil || ex.Response.Source != model.SourceEdited {
		t.Fatalf("exchange #1 answered by %+v", ex.Response)
	}

	// Keep it as a rule for every Moveo post message.
	r.press("r")
	r.waitFor("Keep #1's response as a rule", "this session", "every Moveo.ai post_message", "every match")
	r.press("right", "enter")
	r.waitFor("rule #1: answers moveo post_message, every match")
	rules := r.rules.List()
	if len(rules) != 1 || rules[0].Scope != model.ScopeKind || rules[0].Body != want || rules[0].Limit != 0 || !rules[0].Enabled {
		t.Fatalf("rules: %+v", rules)
	}

	// Intercept off: the next post message is answered by the rule, with
	// no key pressed.
	r.press("i", "i")
	r.waitFor("intercept off")
	rp = r.reply(r.post("/moveo/post-message", strings.Replace(seed, "order_inquiry", "shipping", 1)))
	if rp.body != want {
		t.Fatalf("the rule did not answer: %q", rp.body)
	}
	r.waitFor("rule #1", "↳ after your edit of #1")
	if got := r.rules.List()[0].Used; got != 1 {
		t.Errorf("rule used %d times", got)
	}
}

// esc sends the proposal unchanged.
func TestFlowInterceptEscSendsProposal(t *testing.T) {
	r := newInterceptRig(t, model.InterceptConsumed, 80, 24)
	got := r.post("/moveo/post-message", moveoPostSeed(t))
	r.waitFor("Edit response", "proposal: pass-through default")
	r.typeText(`"typed but not sent"`) // an edit, then esc: the proposal still goes
	r.press("esc")
	rp := r.reply(got)
	if rp.status != 200 || rp.body != "{}" {
		t.Fatalf("the platform got %d %q, want the pass-through default", rp.status, rp.body)
	}
	r.waitFor("sent #1 the proposal unchanged (pass-through default)")
}

// Nobody decides: at the deadline the proposal goes out as fallback, the
// editor closes and the user is told; the transcript marks the exchange.
func TestFlowInterceptFallback(t *testing.T) {
	r := newInterceptRig(t, model.InterceptConsumed, 100, 30)
	got := r.post("/moveo/post-message", moveoPostSeed(t))
	r.waitFor("Edit response", "9.0s left")
	r.clock.advance(9 * time.Second)
	r.waitFor("sending the fallback…")
	r.timers.fireAll()
	rp := r.reply(got)
	if rp.body != "{}" {
		t.Fatalf("fallback body %q", rp.body)
	}
	s := r.waitFor("#1 fell back: nobody decided before the deadline", "fallback")
	if strings.Contains(s, "Edit response") {
		t.Fatalf("the editor stayed open after the fallback:\n%s", s)
	}
	if ex, _ := r.store.Exchange(1); ex.State != model.StateFallback {
		t.Fatalf("state %s", ex.State)
	}
}

// A forward answer that arrives while the editor is untouched becomes
// what it shows.
func TestFlowInterceptForwardProposal(t *testing.T) {
	release := make(chan struct{})
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		<-release
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"context":{"from_handler":true}}`))
	}))
	defer target.Close()
	defer close(release)
	fw, err := receiver.NewForwarder(target.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore(model.StoreOptions{})
	in, holds, clock, timers := model.NewIntercept(model.InterceptConsumed), model.NewHolds(), &fakeClock{t: fixedAt}, &deadlineTimers{}
	policy := &receiver.Policy{Store: store, Intercept: in, Holds: holds, Forward: fw, Now: clock.Now, After: timers.After}
	srv := httptest.NewServer(receiver.New(receiver.Config{Store: store, Responder: policy, Now: clock.Now}))
	defer srv.Close()
	defer holds.ReleaseAll()
	f := startFlow(t, &builder{store: store}, 100, 30, func(o *Options) {
		o.Intercept, o.Holds, o.Now, o.Forward = in, holds, clock.Now, target.URL
	})
	done := make(chan string, 1)
	go func() {
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Post(srv.URL+"/moveo/post-message", "application/json", strings.NewReader(moveoPostSeed(t)))
		if err != nil {
			done <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- string(b)
	}()
	f.waitFor("Edit response", "waiting for the forward target…")
	release <- struct{}{}
	f.waitFor("proposal updated: forward target answered 200", `"from_handler": true`)
	f.press("ctrl+s") // untouched: the proposal goes as it is
	select {
	case body := <-done:
		if body != `{"context":{"from_handler":true}}` {
			t.Fatalf("platform got %q", body)
		}
	case <-time.After(waitLimit):
		t.Fatal("no answer")
	}
	f.waitFor("sent #1 the proposal unchanged (forward target's answer)")
}

// Templates are listed with the unverified ones labelled; the one chosen
// replaces the body.
func TestFlowInterceptTemplates(t *testing.T) {
	r := newInterceptRig(t, model.InterceptConsumed, 100, 30)
	got := r.post("/moveo/post-message", moveoPostSeed(t))
	r.waitFor("Edit response")
	r.press("ctrl+t")
	r.waitFor("Insert a response", "Set context variables (live instructions)", "Change the agent's reply", "(unverified)")
	r.press("down", "down", "enter")
	r.waitFor(`"output": {`, "Sorry for the wait", "inserted change the agent's reply")
	r.press("ctrl+s")
	rp := r.reply(got)
	if !strings.Contains(rp.body, "Sorry for the wait. Here is what I found.") {
		t.Fatalf("the platform got %q", rp.body)
	}
}

// ctrl+e hands the body to $VISUAL and reads it back. $VISUAL is shell
// syntax, as for git: the quotes keep the sed script whole.
func TestFlowInterceptExternalEditor(t *testing.T) {
	t.Setenv("VISUAL", `sed -i -e 's/{}/{"edited":"outside"}/'`)
	r := newInterceptRig(t, model.InterceptConsumed, 100, 30)
	got := r.post("/moveo/post-message", moveoPostSeed(t))
	r.waitFor("Edit response", "1 {}")
	r.press("ctrl+e")
	r.waitFor(`1 {"edited":"outside"}`, "body read back from the editor")
	r.press("ctrl+s")
	if rp := r.reply(got); rp.body != `{"edited":"outside"}` {
		t.Fatalf("the platform got %q", rp.body)
	}
}

// Breakpoints hold what the mode would not: a session, or a kind.
func TestFlowBreakpoints(t *testing.T) {
	r := newInterceptRig(t, model.InterceptOff, 100, 30)
	seed := moveoPostSeed(t)
	r.reply(r.post("/moveo/post-message", seed)) // not held: intercept is off
	r.waitFor("MOV 00d2ff33")
	r.press("B")
	r.waitFor("◆ breakpoint on session MOV", "◆ 1 breakpoint")
	if ss, _ := r.intercept.Breakpoints(); len(ss) != 1 || ss[0].ID != "00d2ff33-706e-4a2c-8544-df6c9d0c1ecf" {
		t.Fatalf("session breakpoints %v", ss)
	}
	got := r.post("/moveo/post-message", seed)
	r.waitFor("Edit response", "#2")
	r.press("esc")
	r.reply(got)
	r.press("B")
	r.waitFor("breakpoint on session MOV", "removed")
	r.press("tab", "K")
	r.waitFor("◆ breakpoint on every Moveo.ai post_message")
	if _, ks := r.intercept.Breakpoints(); len(ks) != 1 || ks[0] != (model.KindKey{Platform: "moveo", Kind: "post_message"}) {
		t.Fatalf("kind breakpoints %v", ks)
	}
	got = r.post("/moveo/post-message", seed)
	r.waitFor("Edit response", "#3")
	r.press("esc")
	r.reply(got)
}
