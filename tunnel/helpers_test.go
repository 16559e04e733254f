package tunnel

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/harkhq/hark/tunnel/fakeedge"
)

const goodToken = "2goodTOKEN0123456789abcdefgh"

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
