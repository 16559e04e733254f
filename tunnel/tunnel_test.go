package tunnel

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harkhq/hark/tunnel/fakeedge"
)

// These tests run the real ngrok-go agent against tunnel/fakeedge on
// 127.0.0.1. Timeouts in them only stop a hung test; nothing asserts on
// durations.

const goodToken = "2goodTOKEN0123456789abcdefgh"

// waitLimit bounds every wait for an event, so a broken build fails
// instead of hanging.
const waitLimit = 30 * time.Second

type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startEdge(t *testing.T, cfg fakeedge.Config) *fakeedge.Edge {
	t.Helper()
	edge, err := fakeedge.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { edge.Close() })
	return edge
}

// edgePlan resolves opts against edge, with no environment (so the
// developer's own ngrok config is never read) and a debug logger captured
// in the returned buffer.
func edgePlan(t *testing.T, edge *fakeedge.Edge, opts Options) (Plan, *logBuf) {
	t.Helper()
	logs := &logBuf{}
	if opts.Authtoken == "" {
		opts.Authtoken = goodToken
	}
	if edge != nil {
		opts.ConnectURL, opts.ConnectCAs = edge.Addr(), edge.CertPool()
	}
	opts.Env = func(string) string { return "" }
	opts.ClientVersion = "1.2.3"
	opts.HeartbeatInterval = 300 * time.Millisecond // see noLeak
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	plan, err := Resolve(opts)
	if err != nil {
		t.Fatal(err)
	}
	return plan, logs
}

// expectStates reads events until it has seen len(want) states (repeats
// of the same state in a row count once) and checks them.
func expectStates(t *testing.T, events <-chan Status, want ...State) []Status {
	t.Helper()
	var got []Status
	timeout := time.After(waitLimit)
	for len(got) < len(want) {
		select {
		case st, ok := <-events:
			if !ok {
				t.Fatalf("events closed after %v; want states %v", got, want)
			}
			if n := len(got); n > 0 && got[n-1].State == st.State {
				got[n-1] = st
				continue
			}
			got = append(got, st)
		case <-timeout:
			t.Fatalf("timed out after events %v; want states %v", got, want)
		}
	}
	for i, st := range got {
		if st.State != want[i] {
			t.Fatalf("events %v; want states %v", got, want)
		}
	}
	return got
}

// noLeak records the goroutine count and returns a check that waits for it
// to settle back: ngrok-go's retry sleeps, and muxado's heartbeat goroutine
// of a closed session (it wakes at its next tick, hence the short
// HeartbeatInterval in edgePlan), end on their own.
func noLeak(t *testing.T) func() {
	before := runtime.NumGoroutine()
	return func() {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Fatalf("%d goroutines before, %d after:\n%s", before, n, buf)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func closeTunnel(t *testing.T, tun *Tunnel) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tun.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// serve runs tun.Serve(h) and returns a wait for it to end with
// http.ErrServerClosed.
func serve(t *testing.T, tun *Tunnel, h http.Handler) func() {
	done := make(chan error, 1)
	go func() { done <- tun.Serve(h) }()
	return func() {
		t.Helper()
		select {
		case err := <-done:
			if !errors.Is(err, http.ErrServerClosed) {
				t.Fatalf("Serve = %v; want http.ErrServerClosed", err)
			}
		case <-time.After(waitLimit):
			t.Fatal("Serve did not return after Close")
		}
	}
}

func get(t *testing.T, client *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, r.RemoteAddr+" "+r.Header.Get("X-Forwarded-For")+" "+r.Method+" "+r.URL.Path)
})

// TestServeThroughEdge: a request from a visitor reaches the handler
// in-process with the visitor's address, and the endpoint carries the
// traffic policy, metadata and description built from the options.
func TestServeThroughEdge(t *testing.T) {
	checkLeak := noLeak(t)
	edge := startEdge(t, fakeedge.Config{Authtoken: goodToken})
	plan, _ := edgePlan(t, edge, Options{
		AllowCIDR:   []string{"203.0.113.0/24"},
		BasicAuth:   []string{"alice:correct-horse"},
		Metadata:    `{"app":"hark"}`,
		Description: "hark test",
	})
	tun := New(plan)
	if err := tun.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	online := expectStates(t, tun.Events(), Connecting, Online)[1]
	if !strings.HasPrefix(tun.URL(), "https://") || !strings.HasSuffix(tun.URL(), ".ngrok-free.app") || online.URL != tun.URL() {
		t.Fatalf("URL() = %q, Online event URL %q", tun.URL(), online.URL)
	}
	wait := serve(t, tun, echo)

	code, body := get(t, edge.Client("203.0.113.9:5555"), tun.URL()+"/api/webhook/message")
	if code != 200 || body != "203.0.113.9:5555 203.0.113.9 GET /api/webhook/message" {
		t.Fatalf("response %d %q", code, body)
	}

	binds := edge.Binds()
	if len(binds) != 1 {
		t.Fatalf("binds = %+v", binds)
	}
	b := binds[0]
	wantPolicy := "on_http_request:\n  - actions:\n      - type: restrict-ips\n        config:\n          enforce: true\n          allow:\n            - 203.0.113.0/24\n" +
		"      - type: basic-auth\n        config:\n          credentials:\n            - alice:correct-horse\n          enforce: true\n"
	if b.TrafficPolicy != wantPolicy || b.Metadata != `{"app":"hark"}` || b.Description != "hark test" || b.URL != tun.URL() || b.Proto != "https" {
		t.Fatalf("bind = %+v\nwant policy:\n%s", b, wantPolicy)
	}
	if ua := edge.Auths()[0].UserAgent; !strings.HasPrefix(ua, "hark/1.2.3 ") {
		t.Fatalf("user agent = %q; want hark/1.2.3 first", ua)
	}

	closeTunnel(t, tun)
	wait()
	expectStates(t, tun.Events(), Closed)
	if _, ok := <-tun.Events(); ok {
		t.Fatal("events still open after Closed")
	}
	edge.Close()
	checkLeak()
}

// TestReservedURL: --url is sent as asked and the endpoint gets it.
func TestReservedURL(t *testing.T) {
	edge := startEdge(t, fakeedge.Config{})
	plan, _ := edgePlan(t, edge, Options{URL: "hooks.ngrok.app"})
	tun, err := Start(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	defer closeTunnel(t, tun)
	if tun.URL() != "https://hooks.ngrok.app" || edge.Binds()[0].RequestedURL != "https://hooks.ngrok.app" {
		t.Fatalf("URL() = %q, bind = %+v", tun.URL(), edge.Binds()[0])
	}
}

// TestLongHold: a request held for seconds completes (WriteTimeout is well
// above any hold).
func TestLongHold(t *testing.T) {
	edge := startEdge(t, fakeedge.Config{})
	plan, _ := edgePlan(t, edge, Options{})
	tun, err := Start(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	wait := serve(t, tun, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(3 * time.Second) // a user holding the webhook
		io.WriteString(w, `{"reply":"edited"}`)
	}))
	code, body := get(t, edge.Client("198.51.100.1:1000"), tun.URL()+"/hold")
	if code != 200 || body != `{"reply":"edited"}` {
		t.Fatalf("held response %d %q", code, body)
	}
	closeTunnel(t, tun)
	wait()
}

// TestReconnectKeepsURL: an edge outage shows as reconnecting, then online
// again with the same URL; the agent re-authenticates with its cookie and
// re-binds the same endpoint.
func TestReconnectKeepsURL(t *testing.T) {
	edge := startEdge(t, fakeedge.Config{})
	plan, _ := edgePlan(t, edge, Options{})
	tun, err := Start(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	defer closeTunnel(t, tun)
	wait := serve(t, tun, echo)
	url := tun.URL()
	expectStates(t, tun.Events(), Connecting, Online)

	if n := edge.DropSessions(); n != 1 {
		t.Fatalf("DropSessions = %d", n)
	}
	got := expectStates(t, tun.Events(), Reconnecting, Online)
	if got[0].Reason == "" || got[0].URL != url || got[1].URL != url || tun.URL() != url || tun.Status().State != Online {
		t.Fatalf("events %v, URL() %q; want the URL %q kept and a reason", got, tun.URL(), url)
	}
	if code, body := get(t, edge.Client("192.0.2.5:80"), url+"/after"); code != 200 || body != "192.0.2.5:80 192.0.2.5 GET /after" {
		t.Fatalf("after reconnect: %d %q", code, body)
	}
	auths, binds := edge.Auths(), edge.Binds()
	if len(auths) != 2 || auths[1].Cookie == "" || auths[1].ClientID == "" {
		t.Fatalf("auths = %+v; want a re-auth with cookie", auths)
	}
	if len(binds) != 2 || binds[1].ID != binds[0].ID || binds[1].Token == "" || binds[1].URL != url {
		t.Fatalf("binds = %+v; want a re-bind of the same endpoint", binds)
	}
	closeTunnel(t, tun)
	wait()
}

// TestAuthFailuresFailFast: auth errors end Start at once with a coded,
// redacted error. The watchdog is set far beyond the test's limit, so
// passing proves the failure did not wait for it.
func TestAuthFailuresFailFast(t *testing.T) {
	const badToken = "2badTOKENzzzzzzzzzzzzzzzzzzzzzz"
	cases := []struct {
		name     string
		cfg      fakeedge.Config
		code     string
		hintPart string
	}{
		{"revoked token", fakeedge.Config{Authtoken: goodToken}, "ERR_NGROK_107", "reset or revoked"},
		{"malformed token", fakeedge.Config{AuthFailure: &fakeedge.Failure{Code: 105, Message: "The authtoken you specified does not look like a proper ngrok authtoken.\nYour authtoken: " + badToken}}, "ERR_NGROK_105", "malformed"},
		{"no account", fakeedge.Config{AuthFailure: &fakeedge.Failure{Code: 4018, Message: "Usage of ngrok requires a verified account and authtoken."}}, "ERR_NGROK_4018", "verified account"},
		{"session limit", fakeedge.Config{AuthFailure: &fakeedge.Failure{Code: 108, Message: "Your account is limited to 1 simultaneous ngrok agent sessions."}}, "ERR_NGROK_108", "stop another ngrok agent"},
		{"v1 token", fakeedge.Config{AuthFailure: &fakeedge.Failure{Code: 106, Message: "The authtoken you specified is an ngrok v1 authtoken, but you're using ngrok v2."}}, "ERR_NGROK_106", "old ngrok v1 authtoken"},
		{"agent too old", fakeedge.Config{AuthFailure: &fakeedge.Failure{Code: 121, Message: "Your ngrok-agent version is too old."}}, "ERR_NGROK_121", "update hark"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkLeak := noLeak(t)
			edge := startEdge(t, c.cfg)
			plan, logs := edgePlan(t, edge, Options{Authtoken: badToken, FirstConnectTimeout: time.Hour})
			tun := New(plan)
			err := tun.Start(context.Background())
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Start = %v; want *Error", err)
			}
			if e.Code != c.code || e.Docs != "https://ngrok.com/docs/errors/"+strings.ToLower(c.code) || !strings.Contains(e.Hint, c.hintPart) {
				t.Fatalf("error = %#v", e)
			}
			if strings.Contains(e.Message, "within") {
				t.Fatalf("the watchdog ended it: %v", e)
			}
			rendered := e.Error()
			for _, part := range []string{e.Message, "\n  code: " + c.code, "\n  docs: " + e.Docs, "\n  hint: " + e.Hint} {
				if !strings.Contains(rendered, part) {
					t.Fatalf("Error() = %q lacks %q", rendered, part)
				}
			}
			if c.code == "ERR_NGROK_107" || c.code == "ERR_NGROK_105" {
				if !strings.Contains(e.Message, "Your authtoken: 2bad…[redacted]") {
					t.Fatalf("message = %q; want the token shown redacted", e.Message)
				}
			}
			for what, text := range map[string]string{"Error()": rendered, "Err": e.Err.Error(), "logs": logs.String()} {
				if strings.Contains(text, badToken) {
					t.Fatalf("%s shows the token: %s", what, text)
				}
			}
			got := expectStates(t, tun.Events(), Connecting, Failed)
			if got[1].Err != e || got[1].Reason != e.Summary() {
				t.Fatalf("Failed event = %+v", got[1])
			}
			if _, ok := <-tun.Events(); ok {
				t.Fatal("events still open after Failed")
			}
			if err := tun.Close(context.Background()); err != nil {
				t.Fatalf("Close after a failed Start = %v", err)
			}
			edge.Close()
			checkLeak()
		})
	}
}

// TestBindFailures: a refused endpoint fails Start with the code and hint.
func TestBindFailures(t *testing.T) {
	t.Run("URL already online elsewhere", func(t *testing.T) {
		checkLeak := noLeak(t)
		edge := startEdge(t, fakeedge.Config{})
		plan, _ := edgePlan(t, edge, Options{URL: "https://taken.ngrok.app"})
		first, err := Start(context.Background(), plan)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Start(context.Background(), plan)
		var e *Error
		if !errors.As(err, &e) || e.Code != "ERR_NGROK_334" || !strings.Contains(e.Message, "The endpoint 'https://taken.ngrok.app' is already online.") ||
			e.Hint != hints["ERR_NGROK_334"] || e.Docs != "https://ngrok.com/docs/errors/err_ngrok_334" {
			t.Fatalf("second Start = %#v", err)
		}
		if e.Summary() != "The endpoint 'https://taken.ngrok.app' is already online. Either (ERR_NGROK_334)" {
			t.Fatalf("Summary() = %q", e.Summary())
		}
		closeTunnel(t, first)
		edge.Close()
		checkLeak()
	})
	for _, c := range []struct {
		name string
		f    fakeedge.Failure
		hint string
	}{
		{"domain not reserved", fakeedge.Failure{Code: 319, Message: "You must reserve a custom hostname for your account before it can be used to create endpoints."}, hints["ERR_NGROK_319"]},
		{"paid subdomain", fakeedge.Failure{Code: 313, Message: "Custom subdomains are a feature on ngrok's paid plans."}, hints["ERR_NGROK_313"]},
		{"bad URL", fakeedge.Failure{Code: 9037, Message: "Invalid URL https://a.b, path is not allowed."}, hints["ERR_NGROK_9037"]},
		{"invalid policy", fakeedge.Failure{Code: 2201, Message: "Invalid Traffic Policy: unknown action type 'nope'."}, policyHint},
	} {
		t.Run(c.name, func(t *testing.T) {
			edge := startEdge(t, fakeedge.Config{BindFailure: &c.f})
			plan, _ := edgePlan(t, edge, Options{})
			_, err := Start(context.Background(), plan)
			var e *Error
			want := "ERR_NGROK_" + map[int]string{319: "319", 313: "313", 9037: "9037", 2201: "2201"}[c.f.Code]
			if !errors.As(err, &e) || e.Code != want || e.Message != c.f.Message || e.Hint != c.hint {
				t.Fatalf("Start = %#v; want %s with message %q", err, want, c.f.Message)
			}
		})
	}
}

// TestCloseWithRequestInFlight: Close lets the request in flight finish,
// then stops everything; no goroutine is left.
func TestCloseWithRequestInFlight(t *testing.T) {
	checkLeak := noLeak(t)
	edge := startEdge(t, fakeedge.Config{})
	plan, _ := edgePlan(t, edge, Options{})
	tun, err := Start(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	wait := serve(t, tun, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "finished")
	}))
	type result struct {
		code int
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := edge.Client("198.51.100.2:2000").Get(tun.URL() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, string(body), err}
	}()
	<-entered

	closed := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		closed <- tun.Close(ctx)
	}()
	// Once the server stops accepting, Shutdown is under way and waits for
	// the held request: Close cannot have returned.
	<-tun.front.done
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a request was in flight", err)
	default:
	}
	close(release)
	r := <-got
	if r.err != nil || r.code != 200 || r.body != "finished" {
		t.Fatalf("in-flight request: %+v", r)
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close = %v", err)
	}
	wait()
	edge.Close()
	checkLeak()
}

// TestNoNetworkWatchdog: with nothing listening at the connect address, the
// first-connect watchdog ends Start with the last dial error and a hint.
func TestNoNetworkWatchdog(t *testing.T) {
	checkLeak := noLeak(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now

	plan, _ := edgePlan(t, nil, Options{ConnectURL: addr, FirstConnectTimeout: time.Second})
	tun := New(plan)
	err = tun.Start(context.Background())
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Start = %v; want *Error", err)
	}
	if !strings.HasPrefix(e.Message, "could not connect to ngrok within 1s: failed to dial ngrok server with address \""+addr+"\"") ||
		!strings.Contains(e.Message, "connection refused") || e.Code != "" || e.Hint != "check the internet connection, proxy or firewall (the agent needs outbound TLS to "+addr+"), or run with --local" {
		t.Fatalf("error = %#v", e)
	}
	got := expectStates(t, tun.Events(), Connecting, Failed)
	if !strings.HasPrefix(got[0].Reason, "retrying: failed to dial ngrok server") {
		t.Fatalf("Connecting reason = %q; want the retried failure", got[0].Reason)
	}
	checkLeak()
}

// TestSilentServerWatchdog: a server that accepts TCP but never answers
// (TLS hangs) is cut off by the watchdog too.
func TestSilentServerWatchdog(t *testing.T) {
	checkLeak := noLeak(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	conns.Add(1)
	go func() {
		defer conns.Done()
		var held []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	plan, _ := edgePlan(t, nil, Options{ConnectURL: ln.Addr().String(), FirstConnectTimeout: time.Second})
	_, err = Start(context.Background(), plan)
	var e *Error
	if !errors.As(err, &e) || !strings.HasPrefix(e.Message, "could not connect to ngrok within 1s") || !strings.Contains(e.Hint, "--local") {
		t.Fatalf("Start = %#v", err)
	}
	ln.Close()
	conns.Wait()
	checkLeak()
}

// TestStartInterrupted: cancelling Start's ctx ends the connect at once.
func TestStartInterrupted(t *testing.T) {
	checkLeak := noLeak(t)
	plan, _ := edgePlan(t, nil, Options{ConnectURL: "127.0.0.1:1", FirstConnectTimeout: time.Hour})
	tun := New(plan)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for st := range tun.Events() {
			if st.State == Connecting && st.Reason != "" { // a dial has failed: connecting is under way
				cancel()
			}
		}
	}()
	err := tun.Start(ctx)
	cancel()
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted while connecting to ngrok") {
		t.Fatalf("Start = %v; want an interruption wrapping context.Canceled", err)
	}
	checkLeak()
}

// TestCloseWhileStarting: Close during the connect stops it; Start
// returns ErrClosed and the events end with Closed.
func TestCloseWhileStarting(t *testing.T) {
	checkLeak := noLeak(t)
	plan, _ := edgePlan(t, nil, Options{ConnectURL: "127.0.0.1:1", FirstConnectTimeout: time.Hour})
	tun := New(plan)
	started := make(chan error, 1)
	go func() { started <- tun.Start(context.Background()) }()
	expectStates(t, tun.Events(), Connecting)
	if err := tun.Close(context.Background()); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if err := <-started; !errors.Is(err, ErrClosed) {
		t.Fatalf("Start = %v; want ErrClosed", err)
	}
	var last Status
	for st := range tun.Events() {
		last = st
	}
	if last.State != Closed {
		t.Fatalf("last event %v; want closed", last)
	}
	checkLeak()
}

// TestLocalMode: without ngrok the receiver is served on 127.0.0.1.
func TestLocalMode(t *testing.T) {
	checkLeak := noLeak(t)
	plan, err := Resolve(Options{Local: true, Env: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	tun, err := Start(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tun.URL(), "http://127.0.0.1:") || tun.Listener().Addr().String() != strings.TrimPrefix(tun.URL(), "http://") {
		t.Fatalf("URL() = %q, listener %v", tun.URL(), tun.Listener().Addr())
	}
	wait := serve(t, tun, echo)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	code, body := get(t, client, tun.URL()+"/x")
	if code != 200 || !strings.HasPrefix(body, "127.0.0.1:") || !strings.HasSuffix(body, "  GET /x") {
		t.Fatalf("response %d %q", code, body)
	}
	closeTunnel(t, tun)
	wait()
	expectStates(t, tun.Events(), Connecting, Online, Closed)
	checkLeak()

	// The same port again, while it is taken: a clear error.
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := taken.Addr().(*net.TCPAddr).Port
	plan, _ = Resolve(Options{Local: true, Port: port, Env: func(string) string { return "" }})
	_, err = Start(context.Background(), plan)
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Message, "address already in use") || !strings.Contains(e.Hint, "--port 0") {
		t.Fatalf("Start on a taken port = %#v", err)
	}
}

// TestNgrokConfigFile: the whole path from an ngrok v3 config file (token,
// connect_url, connect_cas) to an online endpoint.
func TestNgrokConfigFile(t *testing.T) {
	edge := startEdge(t, fakeedge.Config{Authtoken: goodToken})
	path, err := edge.WriteConfig(t.TempDir(), goodToken)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Resolve(Options{NgrokConfig: path, Env: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Mode != ModeNgrok || plan.ConnectURL != edge.Addr() || plan.TokenSource != path+" (agent.authtoken)" {
		t.Fatalf("plan = %v", plan)
	}
	tun, err := Start(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	defer closeTunnel(t, tun)
	if tun.Status().State != Online || tun.URL() == "" {
		t.Fatalf("status %v", tun.Status())
	}
}

func TestMisuse(t *testing.T) {
	tun := New(Plan{})
	if err := tun.Serve(echo); err == nil || !strings.Contains(err.Error(), "before Start") {
		t.Fatalf("Serve before Start = %v", err)
	}
	if err := tun.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := tun.Start(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Start after Close = %v; want ErrClosed", err)
	}
	if err := tun.Serve(echo); !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve after Close = %v", err)
	}
}

// TestReconnectRefusedThenRecovers: once online, a refused re-auth (here a
// revoked token) is shown as reconnecting with its code; ngrok-go keeps
// trying, and the tunnel is online again when the edge accepts.
func TestReconnectRefusedThenRecovers(t *testing.T) {
	edge := startEdge(t, fakeedge.Config{})
	plan, logs := edgePlan(t, edge, Options{})
	tun, err := Start(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	defer closeTunnel(t, tun)
	expectStates(t, tun.Events(), Connecting, Online)

	edge.SetAuthFailure(&fakeedge.Failure{Code: 107, Message: "The authtoken you specified is properly formed, but it is invalid.\nYour authtoken: " + goodToken})
	edge.DropSessions()
	var refused Status
	timeout := time.After(waitLimit)
	for refused.Err == nil {
		select {
		case st := <-tun.Events():
			if st.State != Reconnecting {
				t.Fatalf("event %v; want reconnecting", st)
			}
			refused = st
		case <-timeout:
			t.Fatal("no refused reconnect reported")
		}
	}
	if refused.Err.Code != "ERR_NGROK_107" || !strings.Contains(refused.Reason, "(ERR_NGROK_107)") || strings.Contains(refused.Err.Error(), goodToken) {
		t.Fatalf("reconnecting = %+v", refused)
	}
	edge.SetAuthFailure(nil)
	for st := range tun.Events() { // more refused retries may come first
		if st.State == Online {
			break
		}
		if st.State != Reconnecting {
			t.Fatalf("event %v; want reconnecting, then online", st)
		}
	}
	if tun.Status().State != Online {
		t.Fatalf("status %v; want online", tun.Status())
	}
	if strings.Contains(logs.String(), goodToken) {
		t.Fatal("the logs show the token")
	}
}

// TestEndpointStoppedRemotely: an endpoint stopped by ngrok (dashboard,
// API) ends Serve with the reason, reported as Failed; Close still cleans up.
func TestEndpointStoppedRemotely(t *testing.T) {
	checkLeak := noLeak(t)
	edge := startEdge(t, fakeedge.Config{})
	plan, _ := edgePlan(t, edge, Options{})
	tun, err := Start(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	expectStates(t, tun.Events(), Connecting, Online)
	served := make(chan error, 1)
	go func() { served <- tun.Serve(echo) }()

	if n := edge.StopEndpoints(fakeedge.Failure{Code: 3004, Message: "The endpoint was stopped from the dashboard."}); n != 1 {
		t.Fatalf("StopEndpoints = %d", n)
	}
	failed := expectStates(t, tun.Events(), Failed)[0]
	if failed.Err == nil || failed.Err.Code != "ERR_NGROK_3004" || failed.Err.Message != "the endpoint stopped accepting connections: The endpoint was stopped from the dashboard." {
		t.Fatalf("failed = %+v (err %#v)", failed, failed.Err)
	}
	if err := <-served; err == nil || errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve = %v; want the endpoint's error", err)
	}
	closeTunnel(t, tun)
	expectStates(t, tun.Events(), Closed)
	edge.Close()
	checkLeak()
}

// TestCloseBoundsStalledUnbind: when the edge never answers the unbind,
// ngrok's listener Close blocks; Close waits only CloseTimeout for it, then
// disconnects the agent, which releases it.
func TestCloseBoundsStalledUnbind(t *testing.T) {
	checkLeak := noLeak(t)
	edge := startEdge(t, fakeedge.Config{HangUnbind: true})
	plan, _ := edgePlan(t, edge, Options{CloseTimeout: 300 * time.Millisecond})
	tun, err := Start(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	wait := serve(t, tun, echo)
	closeTunnel(t, tun)
	wait()
	edge.Close()
	checkLeak()
}
