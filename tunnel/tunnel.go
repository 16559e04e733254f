package tunnel

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.ngrok.com/ngrok/v2"
)

// ErrClosed is returned by Start when Close ran while it was connecting.
var ErrClosed = errors.New("tunnel closed")

type phase int

const (
	phaseIdle     phase = iota // New done, Start not called
	phaseStarting              // Start connecting
	phaseOnline                // Start succeeded; serving (ngrok may be reconnecting)
	phaseFailed                // Start failed, or the endpoint was stopped remotely
	phaseClosing               // Close running
	phaseClosed                // Close done
)

// Tunnel is a listener with a URL: an ngrok endpoint served in-process, or
// a plain listener on 127.0.0.1. Create it with New (or Start), bring it up
// with Start, serve with Serve, and end it with Close. Its methods are safe
// for concurrent use.
type Tunnel struct {
	plan Plan
	sec  *planSecret
	red  redactor
	log  *slog.Logger // hark's logger with the token redacted

	startDone chan struct{} // closed when Start returns

	mu            sync.Mutex
	feed          *statusFeed
	phase         phase
	url           string
	connected     bool  // the ngrok session is up (from ngrok-go's events)
	lastErr       error // the latest session error, for the watchdog's report
	failure       *Error
	cancelSession context.CancelCauseFunc // ends the ngrok session
	agent         ngrok.Agent
	raw           net.Listener // ngrok's endpoint listener or the TCP listener
	front         *frontListener
	srv           *http.Server

	closeOnce sync.Once
	closeErr  error
}

// New prepares a tunnel for plan without doing anything yet, so a caller
// can watch Events from the first Connecting on. A zero Plan is a local
// listener on a free port.
func New(plan Plan) *Tunnel {
	if plan.secret == nil {
		plan.secret = &planSecret{}
	}
	sec := *plan.secret
	if sec.logger == nil {
		sec.logger = slog.New(slog.DiscardHandler)
	}
	if sec.now == nil {
		sec.now = time.Now
	}
	if sec.clientVer == "" {
		sec.clientVer = "devel"
	}
	if sec.firstConnect <= 0 {
		sec.firstConnect = DefaultFirstConnectTimeout
	}
	if sec.closeTimeout <= 0 {
		sec.closeTimeout = DefaultCloseTimeout
	}
	if sec.writeTimeout <= 0 {
		sec.writeTimeout = DefaultWriteTimeout
	}
	red := redactor{secret: sec.token}
	return &Tunnel{
		plan:      plan,
		sec:       &sec,
		red:       red,
		log:       newRedactingLogger(sec.logger, red),
		startDone: make(chan struct{}),
		feed:      newStatusFeed(),
	}
}

// Start is New followed by Tunnel.Start: it returns once the tunnel is
// online, or with an error (a *Error for anything ngrok or the network
// did).
func Start(ctx context.Context, plan Plan) (*Tunnel, error) {
	t := New(plan)
	if err := t.Start(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// Start connects and returns once the tunnel is online, or with an error:
// a *Error (bad token, bind refused, no network within
// FirstConnectTimeout, port in use), ctx's error when ctx ends first, or
// ErrClosed when Close interrupts it. ctx only bounds the connecting; the
// session then lives until Close. After a failed Start the tunnel is fully
// released and its Events channel closed.
func (t *Tunnel) Start(ctx context.Context) error {
	t.mu.Lock()
	switch t.phase {
	case phaseIdle:
	case phaseClosing, phaseClosed:
		t.mu.Unlock()
		return ErrClosed
	default:
		t.mu.Unlock()
		return errors.New("tunnel: Start called twice")
	}
	t.phase = phaseStarting
	t.publishLocked(Status{State: Connecting})
	t.mu.Unlock()
	defer close(t.startDone)

	var err error
	if t.plan.Mode == ModeNgrok {
		err = t.startNgrok(ctx)
	} else {
		err = t.startLocal()
	}
	if err != nil {
		t.mu.Lock()
		if t.phase == phaseStarting { // not Close's doing: report it
			t.phase = phaseFailed
			st := Status{State: Failed, Reason: err.Error()}
			if e, ok := errors.AsType[*Error](err); ok {
				st.Err, st.Reason = e, e.Summary()
			}
			t.publishLocked(st)
			t.feed.close()
		}
		t.mu.Unlock()
	}
	return err
}

func (t *Tunnel) startLocal() error {
	addr := net.JoinHostPort(cmp.Or(t.plan.Bind, Loopback), strconv.Itoa(t.plan.Port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		e := &Error{Message: "cannot listen on " + addr + ": " + unwrapNetError(err).Error(), Err: err}
		if addrInUse(err) {
			e.Hint = fmt.Sprintf("another program (or another hark) uses port %d: pick another with --port, or --port 0 for any free port", t.plan.Port)
		}
		return e
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.phase != phaseStarting {
		ln.Close()
		return ErrClosed
	}
	t.raw = ln
	t.front = newFrontListener(ln, t.onListenerFail)
	// The address as given (0.0.0.0, not the [::] a dual-stack socket
	// reports), with the port the system chose.
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	t.url = "http://" + net.JoinHostPort(cmp.Or(t.plan.Bind, Loopback), port)
	t.phase = phaseOnline
	t.publishLocked(Status{State: Online, URL: t.url})
	return nil
}

// addrInUse recognizes "port taken" on every OS (Windows reports its own
// WSAEADDRINUSE, not syscall.EADDRINUSE).
func addrInUse(err error) bool {
	msg := err.Error()
	return errors.Is(err, syscall.EADDRINUSE) ||
		strings.Contains(msg, "address already in use") ||
		strings.Contains(msg, "Only one usage of each socket address")
}

func unwrapNetError(err error) error {
	if oe, ok := errors.AsType[*net.OpError](err); ok && oe.Err != nil {
		if se, ok := errors.AsType[*os.SyscallError](oe.Err); ok {
			return se.Err
		}
		return oe.Err
	}
	return err
}

// URL is the public URL (https://….ngrok-free.app) or the local one
// (http://127.0.0.1:8787); empty before Start succeeds. It never changes
// across reconnects.
func (t *Tunnel) URL() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.url
}

// Listener is the net.Listener to serve on (Serve does it for you); nil
// before Start succeeds. Closing it only stops Accept; Close releases the
// rest. Whoever serves on it themselves must shut their server down before
// calling Close.
func (t *Tunnel) Listener() net.Listener {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.front == nil {
		return nil
	}
	return t.front
}

// Plan is the plan the tunnel was made from.
func (t *Tunnel) Plan() Plan { return t.plan }

// Events delivers status changes in order, from Connecting on. It never
// blocks the tunnel: a reader that falls behind loses the oldest pending
// events (Status always has the latest). It is closed after the final
// Failed (Start failed) or Closed (Close done).
func (t *Tunnel) Events() <-chan Status { return t.feed.ch }

// Status is the latest status.
func (t *Tunnel) Status() Status {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.feed.latest
}

// publishLocked sends a status; t.mu must be held.
func (t *Tunnel) publishLocked(s Status) {
	s.At = t.sec.now()
	if s.URL == "" {
		s.URL = t.url
	}
	t.feed.publish(s)
}

// Serve runs Plan.Server for h on the listener until Close, and then
// returns http.ErrServerClosed. The server's own error log goes to
// Options.Logger, the authtoken redacted.
func (t *Tunnel) Serve(h http.Handler) error {
	t.mu.Lock()
	switch {
	case t.phase == phaseClosing || t.phase == phaseClosed:
		t.mu.Unlock()
		return http.ErrServerClosed
	case t.front == nil:
		t.mu.Unlock()
		return errors.New("tunnel: Serve called before Start succeeded")
	case t.srv != nil:
		t.mu.Unlock()
		return errors.New("tunnel: Serve called twice")
	}
	if t.plan.Mode == ModeLocal {
		h = t.plan.Guard(h)
	}
	t.srv = t.plan.Server(h, t.log)
	srv, front := t.srv, t.front
	t.mu.Unlock()
	return srv.Serve(front)
}

// Close shuts down in order: the http.Server (in-flight requests finish, up
// to ctx), the endpoint listener (bounded by CloseTimeout, since ngrok's
// Close can block), then the ngrok agent session. A Start in progress is
// interrupted. After Close no goroutine of the tunnel is left, Events ends
// with Closed, and further calls return the first call's result.
func (t *Tunnel) Close(ctx context.Context) error {
	t.closeOnce.Do(func() { t.closeErr = t.close(ctx) })
	return t.closeErr
}

func (t *Tunnel) close(ctx context.Context) error {
	t.mu.Lock()
	prev := t.phase
	if prev == phaseIdle {
		t.phase = phaseClosed
		t.publishLocked(Status{State: Closed})
		t.feed.close()
		t.mu.Unlock()
		return nil
	}
	t.phase = phaseClosing
	cancel := t.cancelSession
	t.mu.Unlock()

	if prev == phaseStarting && cancel != nil {
		cancel(ErrClosed) // Start sees phaseClosing if it has not made the session yet
	}
	<-t.startDone
	err := t.stopAll(ctx)

	t.mu.Lock()
	t.phase = phaseClosed
	t.publishLocked(Status{State: Closed}) // a no-op after a failed Start: Failed stays last
	t.feed.close()
	t.mu.Unlock()
	return err
}

// stopAll releases whatever is running, in the order Close documents.
func (t *Tunnel) stopAll(ctx context.Context) error {
	t.mu.Lock()
	srv, front, raw, agent, cancel := t.srv, t.front, t.raw, t.agent, t.cancelSession
	t.mu.Unlock()

	var errs []error
	if srv != nil {
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("waiting for requests in flight: %w", err))
			srv.Close()
		}
	}
	if front != nil {
		front.Close()
	}
	rawClosed := make(chan struct{})
	if raw != nil {
		go func() {
			defer close(rawClosed)
			raw.Close()
		}()
		t.waitBounded(ctx, rawClosed)
	} else {
		close(rawClosed)
	}
	if agent != nil {
		if err := agent.Disconnect(); err != nil {
			t.log.Debug("ngrok disconnect", "err", err)
		}
	}
	if cancel != nil {
		cancel(ErrClosed)
	}
	// With the session gone, the listener's close and the pump end; wait
	// for them so nothing is left behind.
	if !t.waitBounded(context.Background(), rawClosed) {
		errs = append(errs, errors.New("the ngrok listener did not close"))
	}
	if front != nil && !t.waitBounded(context.Background(), front.pumpd) {
		errs = append(errs, errors.New("the listener did not stop accepting"))
	}
	return errors.Join(errs...)
}

// waitBounded waits for done, at most CloseTimeout or until ctx ends.
func (t *Tunnel) waitBounded(ctx context.Context, done <-chan struct{}) bool {
	timer := time.NewTimer(t.sec.closeTimeout)
	defer timer.Stop()
	select {
	case <-done:
		return true
	case <-timer.C:
	case <-ctx.Done():
	}
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// onListenerFail runs when the endpoint stops accepting while the tunnel
// is online and not closing: ngrok stopped it (from the dashboard or API).
func (t *Tunnel) onListenerFail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.phase != phaseOnline {
		return
	}
	e := newError(err, "the endpoint stopped accepting connections: ", t.red)
	t.failure = e
	t.phase = phaseFailed
	t.publishLocked(Status{State: Failed, Reason: e.Summary(), Err: e})
}
