package tunnel

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harkhq/hark/tunnel/fakeedge"
)

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
