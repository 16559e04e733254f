package fakeedge

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.ngrok.com/ngrok/v2"
)

// TestAgentRoundTrip drives the real ngrok-go agent against the edge:
// auth, bind, a proxied request, an outage and the agent's reconnect.
func TestAgentRoundTrip(t *testing.T) {
	edge, err := Start(Config{Authtoken: "tok-good-0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	defer edge.Close()

	reconnected := make(chan struct{}, 4)
	var connects atomic.Int32
	agent, err := ngrok.NewAgent(
		ngrok.WithAuthtoken("tok-good-0123456789"),
		ngrok.WithLogger(slog.New(slog.DiscardHandler)),
		ngrok.WithAgentConnectURL(edge.Addr()),
		ngrok.WithAgentConnectCAs(edge.CertPool()),
		ngrok.WithEventHandler(func(ev ngrok.Event) {
			if _, ok := ev.(*ngrok.EventAgentConnectSucceeded); ok {
				if connects.Add(1) > 1 {
					reconnected <- struct{}{}
				}
			}
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ln, err := agent.Listen(ctx, ngrok.WithTrafficPolicy("on_http_request: []\n"), ngrok.WithMetadata("m1"))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.RemoteAddr+" "+r.Header.Get("X-Forwarded-For")+" "+r.URL.Path)
	})}
	go srv.Serve(ln)
	defer func() {
		srv.Close()
		agent.Disconnect()
	}()

	url := ln.URL().String()
	if !strings.HasPrefix(url, "https://") || !strings.HasSuffix(url, ".ngrok-free.app") {
		t.Fatalf("URL = %q, want https://….ngrok-free.app", url)
	}
	get := func() string {
		t.Helper()
		resp, err := edge.Client("198.51.100.7:4321").Get(url + "/hook")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	if got, want := get(), "198.51.100.7:4321 198.51.100.7 /hook"; got != want {
		t.Fatalf("body = %q, want %q", got, want)
	}

	if n := edge.DropSessions(); n != 1 {
		t.Fatalf("DropSessions = %d, want 1", n)
	}
	select {
	case <-reconnected:
	case <-time.After(30 * time.Second):
		t.Fatal("the agent did not reconnect")
	}
	if got, want := get(), "198.51.100.7:4321 198.51.100.7 /hook"; got != want {
		t.Fatalf("after reconnect body = %q, want %q", got, want)
	}

	auths, binds := edge.Auths(), edge.Binds()
	if len(auths) != 2 || auths[1].Cookie == "" || auths[1].ClientID == "" || auths[0].Cookie != "" {
		t.Fatalf("auths = %+v, want a first auth then a re-auth with cookie and client id", auths)
	}
	if len(binds) != 2 || binds[1].ID != binds[0].ID || binds[1].Token == "" || binds[1].URL != url {
		t.Fatalf("binds = %+v, want a re-bind with the same id, a token and the same URL", binds)
	}
	if binds[0].TrafficPolicy != "on_http_request: []\n" || binds[0].Metadata != "m1" {
		t.Fatalf("bind = %+v, want the policy and metadata sent", binds[0])
	}
}

func TestAuthAndBindFailures(t *testing.T) {
	edge, err := Start(Config{BindFailure: &Failure{Code: 319, Message: "You must reserve a custom hostname."}})
	if err != nil {
		t.Fatal(err)
	}
	defer edge.Close()
	agent, _ := ngrok.NewAgent(
		ngrok.WithAuthtoken("any"),
		ngrok.WithLogger(slog.New(slog.DiscardHandler)),
		ngrok.WithAgentConnectURL(edge.Addr()),
		ngrok.WithAgentConnectCAs(edge.CertPool()),
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = agent.Listen(ctx, ngrok.WithURL("example.ngrok.app"))
	var nerr ngrok.Error
	if !errors.As(err, &nerr) || nerr.Code() != "ERR_NGROK_319" {
		t.Fatalf("Listen error = %v, want ERR_NGROK_319", err)
	}
	agent.Disconnect()
	if b := edge.Binds(); len(b) != 1 || b[0].RequestedURL != "example.ngrok.app" || b[0].Error == "" {
		t.Fatalf("binds = %+v", b)
	}
}

func TestWriteConfig(t *testing.T) {
	edge, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer edge.Close()
	dir := t.TempDir()
	path, err := edge.WriteConfig(dir, "tok")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Version string
		Agent   map[string]string
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(dir, "fakeedge-ca.pem")
	if cfg.Version != "3" || cfg.Agent["authtoken"] != "tok" || cfg.Agent["connect_url"] != edge.Addr() || cfg.Agent["connect_cas"] != ca {
		t.Fatalf("config = %s", data)
	}
	if pem, _ := os.ReadFile(ca); string(pem) != string(edge.CAPEM()) {
		t.Fatal("the CA file does not hold the edge's certificate")
	}
}
