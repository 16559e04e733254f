package receiver

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

const chatbotWebhook = `{"conversationId":"5cc6d3c0b4001336f89de71a","result":{"source":"app","resolvedQuery":"hi","fulfillment":[{"type":"text","message":"Hi John"}]},"sessionId":"125338496333449767","timestamp":"2019-04-29T10:36:54.656Z","status":{"code":200,"type":"success"}}`

// manualTimers is an injected clock for holds: the test fires deadlines.
type manualTimers struct {
	mu        sync.Mutex
	requested []time.Duration
	fire      []chan time.Time
}

func (m *manualTimers) After(d time.Duration) <-chan time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	ch := make(chan time.Time, 1)
	m.requested = append(m.requested, d)
	m.fire = append(m.fire, ch)
	return ch
}

func (m *manualTimers) fireAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, ch := range m.fire {
		ch <- time.Time{}
	}
	m.fire = nil
}

type policyHarness struct {
	store  *model.Store
	holds  *model.Holds
	rules  *model.Rules
	policy *Policy
	srv    *httptest.Server
	client *http.Client
}

func newPolicyHarness(t *testing.T, mode model.InterceptMode, configure func(*Policy)) *policyHarness {
	t.Helper()
	h := &policyHarness{store: model.NewStore(model.StoreOptions{}), holds: model.NewHolds(), rules: model.NewRules(nil)}
	h.policy = &Policy{Store: h.store, Intercept: model.NewIntercept(mode), Holds: h.holds, Rules: h.rules}
	if configure != nil {
		configure(h.policy)
	}
	h.srv = httptest.NewServer(settled(New(Config{Store: h.store, Responder: h.policy})))
	t.Cleanup(func() { h.holds.ReleaseAll(); h.srv.Close() })
	// A platform's client: it gives up after 10 s, as ChatBot.com does.
	h.client = &http.Client{Timeout: 10 * time.Second}
	return h
}

type reply struct {
	status int
	body   string
	err    error
}

func (h *policyHarness) post(path, body string) <-chan reply {
	ch := make(chan reply, 1)
	go func() {
		resp, err := h.client.Post(h.srv.URL+path, "application/json", strings.NewReader(body))
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

// waitHeld waits until n exchanges are held, as the store records them.
func (h *policyHarness) waitHeld(t *testing.T, n int) []model.ExchangeID {
	t.Helper()
	sub := h.store.Subscribe()
	defer sub.Close()
	for {
		if ids := h.held(); len(ids) >= n {
			return ids
		}
		select {
		case <-sub.Ready():
			sub.Drain()
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d of %d exchanges held", len(h.held()), n)
		}
	}
}

// held lists the exchanges the store records as held, oldest first.
func (h *policyHarness) held() []model.ExchangeID {
	var ids []model.ExchangeID
	h.store.Exchanges(func(ex model.Exchange) bool {
		if ex.Held() {
			ids = append(ids, ex.ID)
		}
		return true
	})
	return ids
}

// proposal is what a held exchange gets if nobody decides.
func (h *policyHarness) proposal(t *testing.T, id model.ExchangeID) model.Decision {
	t.Helper()
	ex := h.exchange(t, id)
	if ex.Proposal == nil {
		t.Fatalf("%v (%s) has no proposal", id, ex.State)
	}
	return *ex.Proposal
}

func (h *policyHarness) exchange(t *testing.T, id model.ExchangeID) model.Exchange {
	t.Helper()
	ex, ok := h.store.Exchange(id)
	if !ok {
		t.Fatalf("no exchange %v", id)
	}
	return ex
}

func TestHeldWebhookGetsTheEditedBody(t *testing.T) {
	h := newPolicyHarness(t, model.InterceptConsumed, nil)
	got := h.post("/chatbot", chatbotWebhook)
	id := h.waitHeld(t, 1)[0]
	if ex := h.exchange(t, id); ex.State != model.StateHeld || ex.HeldUntil.IsZero() {
		t.Fatalf("held exchange state %s until %v", ex.State, ex.HeldUntil)
	}
	if c := h.store.Counts(); c.Held != 1 {
		t.Fatalf("header count held = %d", c.Held)
	}
	proposal := h.proposal(t, id)
	if string(proposal.Body) != `{"responses":[]}` {
		t.Fatalf("proposal = %q, want the pass-through default", proposal.Body)
	}
	edited := `{"responses":[{"type":"text","elements":["Edited by hand"]}]}`
	if err := h.holds.Decide(id, model.Decision{Status: 200, Body: []byte(edited), Source: model.SourceEdited}); err != nil {
		t.Fatal(err)
	}
	r := <-got
	if r.err != nil || r.status != 200 || r.body != edited {
		t.Fatalf("platform got %+v", r)
	}
	ex := h.exchange(t, id)
	if ex.State != model.StateResponded || ex.Response.Source != model.SourceEdited || ex.Timings.Hold <= 0 || ex.Proposal != nil {
		t.Fatalf("exchange after edit: %s %+v %v proposal %v", ex.State, ex.Response, ex.Timings, ex.Proposal)
	}
}

func TestNobodyActingSendsTheFallbackBeforeTheDeadline(t *testing.T) {
	timers := &manualTimers{}
	h := newPolicyHarness(t, model.InterceptConsumed, func(p *Policy) { p.After = timers.After })
	got := h.post("/chatbot", chatbotWebhook)
	id := h.waitHeld(t, 1)[0]
	timers.mu.Lock()
	requested := timers.requested
	timers.mu.Unlock()
	// ChatBot.com waits 10 s: hark falls back 1 s before, leaving the
	// margin for the trip back.
	if len(requested) != 1 || requested[0] > 9*time.Second || requested[0] < 8*time.Second {
		t.Fatalf("fallback timer set for %v, want about 9s after receipt", requested)
	}
	timers.fireAll()
	r := <-got
	if r.err != nil || r.status != 200 || r.body != `{"responses":[]}` {
		t.Fatalf("platform got %+v", r)
	}
	ex := h.exchange(t, id)
	if ex.State != model.StateFallback || ex.Response.Source != model.SourceFallback || !strings.Contains(strings.Join(ex.Notes, " "), "deadline") {
		t.Fatalf("exchange: %s %+v %q", ex.State, ex.Response, ex.Notes)
	}
}

func TestBudget(t *testing.T) {
	p := &Policy{Deadlines: map[string]time.Duration{"moveo": 3 * time.Second}}
	cases := []struct {
		ex   model.Exchange
		want time.Duration
	}{
		{model.Exchange{Platform: "chatbot", Deadline: 10 * time.Second}, 9 * time.Second},
		{model.Exchange{Platform: "moveo", Deadline: 10 * time.Second}, 2700 * time.Millisecond},
		{model.Exchange{Platform: "navtalk"}, 9 * time.Second},
		{model.Exchange{Platform: "x", Deadline: 30 * time.Second}, 28500 * time.Millisecond},
		{model.Exchange{Platform: "x", Deadline: 400 * time.Millisecond}, 200 * time.Millisecond},
	}
	for _, c := range cases {
		if got := p.Budget(&c.ex); got != c.want {
			t.Errorf("%s deadline %v: budget %v, want %v", c.ex.Platform, c.ex.Deadline, got, c.want)
		}
	}
}

func TestManyHeldExchangesEachGetTheirOwnAnswer(t *testing.T) {
	h := newPolicyHarness(t, model.InterceptConsumed, nil)
	const n = 20
	replies := make([]<-chan reply, n)
	for i := range n {
		body := strings.Replace(chatbotWebhook, `"resolvedQuery":"hi"`, fmt.Sprintf(`"resolvedQuery":"q%d"`, i), 1)
		replies[i] = h.post("/chatbot", body)
	}
	ids := h.waitHeld(t, n)
	answer := map[string]string{} // the question → the answer decided for it
	for _, id := range ids {
		q := h.exchange(t, id).Turns[0].Text
		answer[q] = `{"responses":[{"type":"text","elements":["answer to ` + q + `"]}]}`
		if err := h.holds.Decide(id, model.Decision{Status: 200, Body: []byte(answer[q]), Source: model.SourceEdited}); err != nil {
			t.Fatal(err)
		}
	}
	for i, ch := range replies {
		r := <-ch
		if want := answer[fmt.Sprintf("q%d", i)]; r.err != nil || r.body != want {
			t.Errorf("request %d got %+v, want %s", i, r, want)
		}
	}
}

func TestExitReleasesEveryHeldExchange(t *testing.T) {
	h := newPolicyHarness(t, model.InterceptAll, nil)
	replies := []<-chan reply{
		h.post("/chatbot", chatbotWebhook),
		h.post("/api/webhook/message", `{"event":"conversation.output","sessionId":"s","role":"ai","message":"x"}`),
		h.post("/moveo/post-message", `{"event_type":"post_message","session_id":"m","brain_id":"b","output":{"responses":[]}}`),
	}
	ids := h.waitHeld(t, len(replies))
	h.holds.ReleaseAll()
	for i, ch := range replies {
		if r := <-ch; r.err != nil || r.status != 200 {
			t.Errorf("request %d after release: %+v", i, r)
		}
	}
	for _, id := range ids {
		ex := h.exchange(t, id)
		if ex.State != model.StateFallback || !strings.Contains(strings.Join(ex.Notes, " "), "released on exit") {
			t.Errorf("%v: %s %q", id, ex.State, ex.Notes)
		}
	}
	// Once released, nothing is held any more.
	if r := <-h.post("/chatbot", chatbotWebhook); r.status != 200 || len(h.held()) != 0 {
		t.Fatalf("after release: %+v, held %v", r, h.held())
	}
}

func TestForwardTarget(t *testing.T) {
	var seen struct {
		sync.Mutex
		path, query, body, fwdFor, conn string
	}
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen.Lock()
		seen.path, seen.query, seen.body, seen.fwdFor, seen.conn = r.URL.Path, r.URL.RawQuery, string(b), r.Header.Get("X-Forwarded-For"), r.Header.Get("X-Hop")
		seen.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Connection", "X-Hop")
		w.Header().Set("X-Hop", "no")
		w.Write([]byte(`{"responses":[{"type":"text","elements":["from the handler"]}]}`))
	}))
	defer target.Close()

	t.Run("up", func(t *testing.T) {
		h := newPolicyHarness(t, model.InterceptOff, func(p *Policy) { p.Forward, _ = NewForwarder(target.URL+"/base/", nil) })
		req, _ := http.NewRequest("POST", h.srv.URL+"/chatbot?token=t", strings.NewReader(chatbotWebhook))
		req.Header.Set("Connection", "X-Hop")
		req.Header.Set("X-Hop", "drop me")
		resp, err := h.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), "from the handler") || resp.Header.Get("X-Hop") != "" {
			t.Fatalf("platform got %q %v", b, resp.Header)
		}
		seen.Lock()
		defer seen.Unlock()
		if seen.path != "/base/chatbot" || seen.query != "token=t" || seen.body != chatbotWebhook || seen.fwdFor != "127.0.0.1" || seen.conn != "" {
			t.Fatalf("target saw path %q query %q fwd %q hop %q body ok=%v", seen.path, seen.query, seen.fwdFor, seen.conn, seen.body == chatbotWebhook)
		}
		var ex model.Exchange
		h.store.Exchanges(func(e model.Exchange) bool { ex = e; return false })
		if ex.Response.Source != model.SourceForward || ex.Forward == nil || ex.Forward.Status != 200 || ex.Timings.Forward <= 0 {
			t.Fatalf("exchange: %+v forward %+v", ex.Response, ex.Forward)
		}
	})

	t.Run("down", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		deadURL := dead.URL
		dead.Close()
		h := newPolicyHarness(t, model.InterceptOff, func(p *Policy) { p.Forward, _ = NewForwarder(deadURL, nil) })
		r := <-h.post("/chatbot", chatbotWebhook)
		if r.status != 200 || r.body != `{"responses":[]}` {
			t.Fatalf("platform got %+v, want the default", r)
		}
		var ex model.Exchange
		h.store.Exchanges(func(e model.Exchange) bool { ex = e; return false })
		if ex.Forward == nil || !strings.Contains(ex.Forward.Error, "target down") || !strings.Contains(strings.Join(ex.Notes, " "), "forward target failed") {
			t.Fatalf("forward %+v notes %q", ex.Forward, ex.Notes)
		}
	})

	t.Run("slow", func(t *testing.T) {
		release := make(chan struct{})
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		defer slow.Close()
		defer close(release)
		h := newPolicyHarness(t, model.InterceptOff, func(p *Policy) {
			p.Forward, _ = NewForwarder(slow.URL, nil)
			p.Deadlines = map[string]time.Duration{"chatbot": 600 * time.Millisecond}
		})
		r := <-h.post("/chatbot", chatbotWebhook)
		if r.status != 200 || r.body != `{"responses":[]}` {
			t.Fatalf("platform got %+v, want the default", r)
		}
		var ex model.Exchange
		h.store.Exchanges(func(e model.Exchange) bool { ex = e; return false })
		if ex.Forward == nil || !strings.Contains(ex.Forward.Error, "no answer within") {
			t.Fatalf("forward %+v", ex.Forward)
		}
	})

	t.Run("answer becomes the proposal of a held exchange", func(t *testing.T) {
		h := newPolicyHarness(t, model.InterceptConsumed, func(p *Policy) { p.Forward, _ = NewForwarder(target.URL, nil) })
		got := h.post("/chatbot", chatbotWebhook)
		id := h.waitHeld(t, 1)[0]
		// The forward answer replaces the proposal on the exchange, and the
		// store's notifications carry it: nothing has to ask the policy.
		sub := h.store.Subscribe()
		proposal := h.proposal(t, id)
		for proposal.Source != model.SourceForward {
			select {
			case <-sub.Ready():
				for _, c := range sub.Drain() {
					if c.Exchange.ID == id && c.Exchange.Proposal != nil {
						proposal = *c.Exchange.Proposal
					}
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("the forward answer never became the proposal: %+v", proposal)
			}
		}
		sub.Close()
		if ex := h.exchange(t, id); ex.Forward == nil || !strings.Contains(string(proposal.Body), "from the handler") {
			t.Fatalf("proposal %+v, forward %+v", proposal, ex.Forward)
		}
		h.holds.Decide(id, proposal) // esc: release with the proposal
		if r := <-got; !strings.Contains(r.body, "from the handler") {
			t.Fatalf("platform got %+v", r)
		}
	})
}

func TestRulesMatchAndExpire(t *testing.T) {
	h := newPolicyHarness(t, model.InterceptOff, nil)
	h.rules.Add(model.Rule{Scope: model.ScopeKind, Platform: "chatbot", Kind: "webhook", Limit: 2, Enabled: true, Status: 200, Body: `{"responses":[{"type":"text","elements":["ruled"]}]}`})
	for i, want := range []string{"ruled", "ruled", `{"responses":[]}`} {
		r := <-h.post("/chatbot", chatbotWebhook)
		if !strings.Contains(r.body, want) {
			t.Fatalf("request %d got %q, want %q", i, r.body, want)
		}
	}
	if rs := h.rules.List(); rs[0].Used != 2 || !rs[0].Exhausted() {
		t.Fatalf("rule after use: %+v", rs[0])
	}
	var sources []model.Source
	h.store.Exchanges(func(e model.Exchange) bool { sources = append(sources, e.Response.Source); return true })
	if fmt.Sprint(sources) != "[rule rule default]" {
		t.Fatalf("sources %v", sources)
	}
}

func TestRuleIsTheProposalOfAHeldExchange(t *testing.T) {
	h := newPolicyHarness(t, model.InterceptConsumed, nil)
	h.rules.Add(model.Rule{Scope: model.ScopeSession, Platform: "chatbot", Session: "125338496333449767", Enabled: true, Status: 200, Body: `{"kept":true}`})
	got := h.post("/chatbot", chatbotWebhook)
	id := h.waitHeld(t, 1)[0]
	proposal := h.proposal(t, id)
	if proposal.Source != model.SourceRule || string(proposal.Body) != `{"kept":true}` {
		t.Fatalf("proposal %+v", proposal)
	}
	h.holds.Decide(id, proposal)
	if r := <-got; r.body != `{"kept":true}` {
		t.Fatalf("platform got %+v", r)
	}
	if rs := h.rules.List(); rs[0].Used != 1 {
		t.Fatalf("rule use not counted: %+v", rs[0])
	}
}

// The fallback is the proposal as it stands at the deadline: here the
// forward target's answer, which replaced the default while nobody acted.
func TestFallbackSendsTheLatestProposal(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"responses":[{"type":"text","elements":["from the handler"]}]}`))
	}))
	defer target.Close()
	timers := &manualTimers{}
	h := newPolicyHarness(t, model.InterceptConsumed, func(p *Policy) {
		p.After = timers.After
		p.Forward, _ = NewForwarder(target.URL, nil)
	})
	got := h.post("/chatbot", chatbotWebhook)
	id := h.waitHeld(t, 1)[0]
	sub := h.store.Subscribe()
	for h.proposal(t, id).Source != model.SourceForward {
		select {
		case <-sub.Ready():
			sub.Drain()
		case <-time.After(10 * time.Second):
			t.Fatal("the forward answer never became the proposal")
		}
	}
	sub.Close()
	timers.fireAll()
	if r := <-got; !strings.Contains(r.body, "from the handler") {
		t.Fatalf("platform got %+v", r)
	}
	ex := h.exchange(t, id)
	if ex.State != model.StateFallback || ex.Response.Source != model.SourceFallback || ex.Proposal != nil {
		t.Fatalf("exchange: %s %+v proposal %v", ex.State, ex.Response, ex.Proposal)
	}
}
