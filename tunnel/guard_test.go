package tunnel

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestBindNeedsAGuard(t *testing.T) {
	h := newHome(t)
	for _, bind := range []string{"", "127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"} {
		plan, err := h.resolve(t, Options{Local: true, Bind: bind})
		if err != nil || plan.exposed {
			t.Errorf("--bind %q: %v (exposed %v); want loopback, accepted", bind, err, plan.exposed)
		}
	}
	for _, bind := range []string{"0.0.0.0", "::", "192.0.2.10"} {
		_, err := h.resolve(t, Options{Local: true, Bind: bind})
		if err == nil || !strings.Contains(err.Error(), "invalid --bind: ") || !strings.Contains(err.Error(), "--basic-auth user:password or --allow-cidr") {
			t.Errorf("--bind %s alone: err = %v", bind, err)
		}
	}
	for _, bind := range []string{"example.com", "0.0.0.0:80", "fe80::1%eth0"} {
		if _, err := h.resolve(t, Options{Local: true, Bind: bind}); err == nil || !strings.Contains(err.Error(), "give an IP address") {
			t.Errorf("--bind %s: err = %v", bind, err)
		}
	}
	// With a guard, --basic-auth and --allow-cidr are no longer ngrok-only.
	plan, err := h.resolve(t, Options{Local: true, Bind: "0.0.0.0", BasicAuth: []string{"alice:longpassword"}, AllowCIDR: []string{"10.1.2.3/8"}})
	if err != nil || !plan.exposed || plan.Bind != "0.0.0.0" || !strings.Contains(strings.Join(plan.Notes, "\n"), "checks basic auth and the client address against 10.0.0.0/8") {
		t.Fatalf("guarded bind: %v, %v, notes %q", plan, err, plan.Notes)
	}
	if strings.Contains(plan.String()+strings.Join(plan.Notes, ""), "longpassword") {
		t.Error("the plan shows the basic-auth password")
	}
}

// TestGuardEnforces serves a handler the way a --bind listener is served
// and checks what a visitor without credentials, or from outside the
// CIDR list, gets.
func TestGuardEnforces(t *testing.T) {
	h := newHome(t)
	var sawAuth []string
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawAuth = append(sawAuth, r.Header.Get("Authorization"))
		io.WriteString(w, "reached")
	})
	get := func(t *testing.T, h http.Handler, user, pass string) (int, string) {
		t.Helper()
		srv := httptest.NewServer(h)
		defer srv.Close()
		req, _ := http.NewRequest("POST", srv.URL+"/hook", strings.NewReader("{}"))
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("WWW-Authenticate") + " " + string(b)
	}

	plan, err := h.resolve(t, Options{Local: true, Bind: "0.0.0.0", BasicAuth: []string{"alice:longpassword", "bob:otherpassword"}})
	if err != nil {
		t.Fatal(err)
	}
	g := plan.Guard(inner)
	for _, c := range []struct {
		user, pass string
		want       int
	}{{"", "", 401}, {"alice", "wrong-password", 401}, {"alice", "otherpassword", 401}, {"alice", "longpassword", 200}, {"bob", "otherpassword", 200}} {
		code, body := get(t, g, c.user, c.pass)
		if code != c.want {
			t.Errorf("basic auth %s:%s: %d %q, want %d", c.user, c.pass, code, body, c.want)
		}
		if code == 401 && !strings.HasPrefix(body, `Basic realm="hark"`) {
			t.Errorf("401 without a Basic challenge: %q", body)
		}
	}
	for _, a := range sawAuth {
		if a != "" {
			t.Errorf("the handler saw hark's own credential: %q", a)
		}
	}

	// The test server's clients come from 127.0.0.1.
	for cidr, want := range map[string]int{"10.0.0.0/8": 403, "127.0.0.0/8": 200, "127.0.0.1": 200, "::1": 403} {
		plan, err := h.resolve(t, Options{Local: true, Bind: "::", AllowCIDR: []string{cidr}})
		if err != nil {
			t.Fatal(err)
		}
		if code, body := get(t, plan.Guard(inner), "", ""); code != want {
			t.Errorf("--allow-cidr %s: %d %q, want %d", cidr, code, body, want)
		}
	}

	// Loopback needs no guard: the handler is served as is.
	plan, err = h.resolve(t, Options{Local: true})
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, plan.Guard(inner), "", ""); code != 200 {
		t.Errorf("loopback: %d", code)
	}
}

// TestBindServesGuarded: a local tunnel on --bind 0.0.0.0 listens there
// and Serve enforces the guard on a real listener.
func TestBindServesGuarded(t *testing.T) {
	h := newHome(t)
	plan, err := h.resolve(t, Options{Local: true, Bind: "0.0.0.0", Port: 0, BasicAuth: []string{"alice:longpassword"}})
	if err != nil {
		t.Fatal(err)
	}
	tun := New(plan)
	if err := tun.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer tun.Close(context.Background())
	go tun.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	if !strings.HasPrefix(tun.URL(), "http://0.0.0.0:") {
		t.Fatalf("URL %s", tun.URL())
	}
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(tun.URL(), "http://"))
	url := "http://127.0.0.1:" + port + "/hook"
	resp, err := http.Post(url, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("without credentials: %d, want 401", resp.StatusCode)
	}
	resp, err = http.Post(strings.Replace(url, "http://", "http://alice:longpassword@", 1), "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("with credentials: %d, want 200", resp.StatusCode)
	}
}
