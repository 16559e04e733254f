package tunnel

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/tunnel/fakeedge"
)

// These tests run the real ngrok-go agent against tunnel/fakeedge on
// 127.0.0.1. Timeouts in them only stop a hung test; nothing asserts on
// durations.

// waitLimit bounds every wait for an event, so a broken build fails
// instead of hanging.
// edgePlan resolves opts against edge, with no environment (so the
// developer's own ngrok config is never read) and a debug logger captured
// in the returned buffer.
// expectStates reads events until it has seen len(want) states (repeats
// of the same state in a row count once) and checks them.
// noLeak records the goroutine count and returns a check that waits for it
// to settle back: ngrok-go's retry sleeps, and muxado's heartbeat goroutine
// of a closed session (it wakes at its next tick, hence the short
// HeartbeatInterval in edgePlan), end on their own.
// serve runs tun.Serve(h) and returns a wait for it to end with
// http.ErrServerClosed.
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
// TestBindFailures: a refused endpoint fails Start with the code and hint.
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
// TestSilentServerWatchdog: a server that accepts TCP but never answers
// (TLS hangs) is cut off by the watchdog too.
// TestStartInterrupted: cancelling Start's ctx ends the connect at once.
// TestCloseWhileStarting: Close during the connect stops it; Start
// returns ErrClosed and the events end with Closed.
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
