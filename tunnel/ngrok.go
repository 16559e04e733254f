package tunnel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.ngrok.com/ngrok/v2"

	"github.com/harkhq/hark/sanitize"
)

// defaultConnectAddr is where ngrok-go connects when no connect_url is set.
const defaultConnectAddr = "connect.ngrok-agent.com:443"

const networkHint = "check the internet connection, proxy or firewall (the agent needs outbound TLS to %s), or run with --local"

// startNgrok connects the agent and binds the endpoint.
//
// ngrok-go retries a failed connect forever, and the ctx given to Connect
// governs the whole session, so neither is bounded by ctx: the session gets
// its own context, cancelled (with the reason as its cause) when an auth
// failure is seen, when the first-connect watchdog fires, when Start's ctx
// ends, or by Close.
func (t *Tunnel) startNgrok(ctx context.Context) error {
	sessCtx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	t.mu.Lock()
	if t.phase != phaseStarting {
		t.mu.Unlock()
		cancel(ErrClosed)
		return ErrClosed
	}
	t.cancelSession = cancel
	t.mu.Unlock()

	stopInterrupt := context.AfterFunc(ctx, func() {
		cancel(fmt.Errorf("interrupted while connecting to ngrok: %w", context.Cause(ctx)))
	})
	defer stopInterrupt()
	watchdog := time.AfterFunc(t.sec.firstConnect, t.watchdogFired)
	defer watchdog.Stop()

	agentOpts := []ngrok.AgentOption{
		ngrok.WithAuthtoken(t.sec.token),
		ngrok.WithClientInfo("hark", t.sec.clientVer),
		ngrok.WithLogger(t.log),
		ngrok.WithEventHandler(t.onEvent),
	}
	if t.plan.ConnectURL != "" {
		agentOpts = append(agentOpts, ngrok.WithAgentConnectURL(t.plan.ConnectURL))
	}
	if t.sec.heartbeat > 0 {
		agentOpts = append(agentOpts, ngrok.WithHeartbeatInterval(t.sec.heartbeat))
	}
	if t.sec.caPool != nil {
		agentOpts = append(agentOpts, ngrok.WithAgentConnectCAs(t.sec.caPool))
	}
	agent, err := ngrok.NewAgent(agentOpts...)
	if err != nil {
		cancel(err)
		return newError(err, "", t.red)
	}
	t.mu.Lock()
	t.agent = agent
	t.mu.Unlock()

	fail := func(err error) error {
		// Disconnect is a no-op when Connect failed: the session closed itself.
		_ = agent.Disconnect()
		if sessCtx.Err() != nil {
			err = context.Cause(sessCtx)
		} else {
			cancel(err)
		}
		if e, ok := errors.AsType[*Error](err); ok {
			return e
		}
		if errors.Is(err, ErrClosed) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return newError(err, "", t.red)
	}

	if err := agent.Connect(sessCtx); err != nil {
		return fail(err)
	}
	endpointOpts := []ngrok.EndpointOption{ngrok.WithDescription(t.plan.Description)}
	if t.plan.URL != "" {
		endpointOpts = append(endpointOpts, ngrok.WithURL(t.plan.URL))
	}
	if t.plan.TrafficPolicy != "" {
		endpointOpts = append(endpointOpts, ngrok.WithTrafficPolicy(t.plan.TrafficPolicy))
	}
	if t.plan.Metadata != "" {
		endpointOpts = append(endpointOpts, ngrok.WithMetadata(t.plan.Metadata))
	}
	ln, err := agent.Listen(sessCtx, endpointOpts...)
	if err != nil {
		return fail(err)
	}

	t.mu.Lock()
	if t.phase != phaseStarting || sessCtx.Err() != nil {
		// The watchdog, ctx or Close won the race against the bind.
		t.mu.Unlock()
		err := fail(ErrClosed)
		closed := make(chan struct{})
		go func() { // quick: the session is gone, so there is no unbind to wait for
			defer close(closed)
			ln.Close()
		}()
		t.waitBounded(context.Background(), closed)
		return err
	}
	t.raw = ln
	t.front = newFrontListener(ln, t.onListenerFail)
	t.url = sanitize.Line(ln.URL().String())
	t.phase = phaseOnline
	t.publishLocked(Status{State: Online, URL: t.url})
	if !t.connected { // dropped between the bind and now
		t.publishLocked(t.reconnectingLocked())
	}
	t.mu.Unlock()
	return nil
}

// onEvent receives ngrok-go's agent events. It runs synchronously inside
// ngrok-go, so it only updates state and publishes, never blocking.
func (t *Tunnel) onEvent(ev ngrok.Event) {
	switch e := ev.(type) {
	case *ngrok.EventAgentConnectSucceeded:
		t.mu.Lock()
		defer t.mu.Unlock()
		t.connected = true
		if t.phase == phaseOnline {
			t.publishLocked(Status{State: Online})
		}
	case *ngrok.EventAgentDisconnected:
		if e.Error == nil { // stopped for good: only after our own cancel
			return
		}
		t.sessionDown(e.Error)
	}
}

// sessionDown handles a failed or dropped session: before the first
// success, an auth failure ends the connect at once and anything else is
// retried (and reported as Connecting); once online it is Reconnecting.
func (t *Tunnel) sessionDown(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.phase != phaseStarting && t.phase != phaseOnline {
		return
	}
	if errors.Is(err, context.Canceled) {
		return // the session context was cancelled: Start reports why
	}
	t.connected = false
	t.lastErr = err
	e := newError(err, "", t.red)
	if t.phase == phaseOnline {
		t.publishLocked(t.reconnectingLocked())
		return
	}
	if authCodes[e.Code] && t.failure == nil {
		t.failure = e
		t.cancelSession(e)
		return
	}
	t.publishLocked(Status{State: Connecting, Reason: "retrying: " + e.Summary()})
}

func (t *Tunnel) reconnectingLocked() Status {
	st := Status{State: Reconnecting, Reason: "connection to ngrok lost"}
	if t.lastErr != nil {
		e := newError(t.lastErr, "", t.red)
		st.Reason = e.Summary()
		if e.Code != "" {
			st.Err = e
		}
	}
	return st
}

// watchdogFired ends a first connect that has taken too long, reporting
// the last failure seen (ngrok-go alone would retry forever).
func (t *Tunnel) watchdogFired() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.phase != phaseStarting || t.failure != nil {
		return
	}
	addr := t.plan.ConnectURL
	if addr == "" {
		addr = defaultConnectAddr
	}
	prefix := fmt.Sprintf("could not connect to ngrok within %s: ", t.sec.firstConnect)
	var e *Error
	if t.lastErr != nil {
		e = newError(t.lastErr, prefix, t.red)
		if e.Code == "" {
			e.Hint = fmt.Sprintf(networkHint, addr)
			if msg := t.lastErr.Error(); strings.Contains(msg, "x509:") || strings.Contains(msg, "certificate") {
				e.Hint = "the ngrok server's certificate is not trusted: behind a TLS-inspecting proxy, set connect_cas: host (or a PEM file) in the ngrok config"
			}
		}
	} else {
		e = &Error{
			Message: prefix + "no answer from " + addr,
			Hint:    fmt.Sprintf(networkHint, addr),
		}
	}
	t.failure = e
	t.cancelSession(e)
}
