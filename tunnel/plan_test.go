package tunnel

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/tunnel/fakeedge"
)

// home is a fake user environment: a home folder and a variable map.
type home struct {
	dir string
	env map[string]string
}

func newHome(t *testing.T) *home {
	t.Helper()
	dir := t.TempDir()
	return &home{dir: dir, env: map[string]string{"HOME": dir}}
}

func (h *home) lookup(k string) string { return h.env[k] }

// write puts content at a path relative to the home folder.
func (h *home) write(t *testing.T, rel, content string) string {
	t.Helper()
	path := filepath.Join(h.dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func (h *home) resolve(t *testing.T, opts Options) (Plan, error) {
	t.Helper()
	opts.Env = h.lookup
	return Resolve(opts)
}

const (
	tokFlag = "2flagTOKENaaaaaaaaaaaaaaaaaaaa"
	tokEnv  = "2envTOKENbbbbbbbbbbbbbbbbbbbbb"
	tokV3   = "2v3TOKENccccccccccccccccccccccc"
	tokV2   = "2v2TOKENdddddddddddddddddddddd"
	tokNmd  = "2namedTOKENeeeeeeeeeeeeeeeeeee"
)

func TestDefaultConfigPaths(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		goos string
		env  map[string]string
		want []string
	}{
		{"linux", map[string]string{"HOME": "/home/u"}, []string{"/home/u/.config/ngrok/ngrok.yml", "/home/u/.ngrok2/ngrok.yml"}},
		{"linux", map[string]string{"HOME": "/home/u", "XDG_CONFIG_HOME": "/xdg"}, []string{"/xdg/ngrok/ngrok.yml", "/home/u/.ngrok2/ngrok.yml"}},
		{"freebsd", map[string]string{"HOME": "/home/u"}, []string{"/home/u/.config/ngrok/ngrok.yml", "/home/u/.ngrok2/ngrok.yml"}},
		{"darwin", map[string]string{"HOME": "/Users/u"}, []string{"/Users/u/Library/Application Support/ngrok/ngrok.yml", "/Users/u/.ngrok2/ngrok.yml"}},
		{"windows", map[string]string{"LOCALAPPDATA": `C:\Users\u\AppData\Local`, "USERPROFILE": `C:\Users\u`},
			[]string{`C:\Users\u\AppData\Local\ngrok\ngrok.yml`, `C:\Users\u\.ngrok2\ngrok.yml`}},
		{"linux", map[string]string{}, nil},
	}
	for _, c := range cases {
		if got := DefaultConfigPaths(c.goos, env(c.env)); !slices.Equal(got, c.want) {
			t.Errorf("DefaultConfigPaths(%s, %v) = %q; want %q", c.goos, c.env, got, c.want)
		}
	}
}

func TestAuthtokenPrecedence(t *testing.T) {
	h := newHome(t)
	v3 := h.write(t, ".config/ngrok/ngrok.yml", "version: \"3\"\nagent:\n  authtoken: "+tokV3+"\n")
	named := h.write(t, "elsewhere/ngrok.yml", "version: 2\nauthtoken: "+tokNmd+"\n")

	cases := []struct {
		name       string
		opts       Options
		env        string
		wantToken  string
		wantSource string
		wantConfig string
	}{
		{"flag beats all", Options{Authtoken: tokFlag, NgrokConfig: named}, tokEnv, tokFlag, "--authtoken", named},
		{"env beats files", Options{NgrokConfig: named}, tokEnv, tokEnv, "$NGROK_AUTHTOKEN", named},
		{"named config beats default", Options{NgrokConfig: named}, "", tokNmd, named + " (authtoken)", named},
		{"default config", Options{}, "", tokV3, v3 + " (agent.authtoken)", v3},
		{"blank flag and env are unset", Options{Authtoken: "  "}, " ", tokV3, v3 + " (agent.authtoken)", v3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.env["NGROK_AUTHTOKEN"] = c.env
			plan, err := h.resolve(t, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if plan.Mode != ModeNgrok || plan.secret.token != c.wantToken || plan.TokenSource != c.wantSource || plan.ConfigFile != c.wantConfig {
				t.Fatalf("plan = mode %v, token %q from %q, config %q; want ngrok, %q from %q, config %q",
					plan.Mode, plan.secret.token, plan.TokenSource, plan.ConfigFile, c.wantToken, c.wantSource, c.wantConfig)
			}
			if plan.TokenRedacted != c.wantToken[:4]+"…[redacted]" {
				t.Errorf("TokenRedacted = %q", plan.TokenRedacted)
			}
		})
	}
}

func TestConfigLocations(t *testing.T) {
	t.Run("XDG_CONFIG_HOME", func(t *testing.T) {
		h := newHome(t)
		h.env["XDG_CONFIG_HOME"] = filepath.Join(h.dir, "xdg")
		h.write(t, ".config/ngrok/ngrok.yml", "agent:\n  authtoken: "+tokV2+"\n") // ignored: XDG wins
		want := h.write(t, "xdg/ngrok/ngrok.yml", "version: \"3\"\nagent:\n  authtoken: "+tokV3+"\n")
		plan, err := h.resolve(t, Options{})
		if err != nil || plan.secret.token != tokV3 || plan.ConfigFile != want {
			t.Fatalf("plan = %v (config %q), %v; want the XDG file", plan, plan.ConfigFile, err)
		}
	})
	t.Run("legacy ngrok2 with v2 keys", func(t *testing.T) {
		h := newHome(t)
		want := h.write(t, ".ngrok2/ngrok.yml", "version: 2\nauthtoken: "+tokV2+"\nregion: eu\n")
		plan, err := h.resolve(t, Options{})
		if err != nil || plan.secret.token != tokV2 || plan.ConfigFile != want || plan.TokenSource != want+" (authtoken)" {
			t.Fatalf("plan = %v (config %q), %v; want the legacy file", plan, plan.ConfigFile, err)
		}
	})
	t.Run("current location beats legacy", func(t *testing.T) {
		h := newHome(t)
		h.write(t, ".ngrok2/ngrok.yml", "authtoken: "+tokV2+"\n")
		want := h.write(t, ".config/ngrok/ngrok.yml", "version: \"3\"\nagent:\n  authtoken: "+tokV3+"\n")
		plan, err := h.resolve(t, Options{})
		if err != nil || plan.secret.token != tokV3 || plan.ConfigFile != want {
			t.Fatalf("plan = %v, %v; want the current file", plan, err)
		}
	})
	t.Run("missing named file", func(t *testing.T) {
		h := newHome(t)
		missing := filepath.Join(h.dir, "nope.yml")
		_, err := h.resolve(t, Options{NgrokConfig: missing})
		if err == nil || err.Error() != "invalid --ngrok-config: "+missing+" does not exist" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("invalid YAML", func(t *testing.T) {
		h := newHome(t)
		path := h.write(t, ".config/ngrok/ngrok.yml", "agent: [\n")
		_, err := h.resolve(t, Options{})
		var ue *UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "the ngrok config file "+path+" is not valid YAML") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("config path is a folder", func(t *testing.T) {
		h := newHome(t)
		path := filepath.Join(h.dir, ".config/ngrok/ngrok.yml")
		if err := os.MkdirAll(path, 0o700); err != nil {
			t.Fatal(err)
		}
		_, err := h.resolve(t, Options{})
		want := "cannot read the ngrok config file " + path + ": is a directory (name another with --ngrok-config FILE, or run with --local)"
		if err == nil || err.Error() != want {
			t.Fatalf("err = %v\nwant %s", err, want)
		}
	})
	t.Run("unreadable file", func(t *testing.T) {
		h := newHome(t)
		path := h.write(t, ".config/ngrok/ngrok.yml", "agent:\n  authtoken: "+tokV3+"\n")
		if err := os.Chmod(path, 0); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(path, 0o600)
		if _, err := os.ReadFile(path); err == nil {
			t.Skip("this user can read a file with mode 000 (running as root?), so it cannot be made unreadable")
		}
		_, err := h.resolve(t, Options{})
		want := "cannot read the ngrok config file " + path + ": permission denied (name another with --ngrok-config FILE, or run with --local)"
		if err == nil || err.Error() != want {
			t.Fatalf("err = %v\nwant %s", err, want)
		}
	})
}

func TestNoAuthtokenRunsLocal(t *testing.T) {
	h := newHome(t)
	h.write(t, ".config/ngrok/ngrok.yml", "version: \"3\"\nagent:\n  region: eu\n") // a config without a token
	plan, err := h.resolve(t, Options{Port: 8787})
	if err != nil {
		t.Fatal(err)
	}
	want := "no ngrok authtoken found (looked in: --authtoken, $NGROK_AUTHTOKEN, " +
		h.dir + "/.config/ngrok/ngrok.yml, " + h.dir + "/.ngrok2/ngrok.yml); running local-only at http://127.0.0.1:8787 — " +
		"get a token at https://dashboard.ngrok.com/get-started/your-authtoken and run `ngrok config add-authtoken TOKEN` or set NGROK_AUTHTOKEN"
	if plan.Mode != ModeLocal || plan.Port != 8787 || plan.Notice != want {
		t.Fatalf("plan = %v\nnotice %q\nwant   %q", plan, plan.Notice, want)
	}

	plan, err = h.resolve(t, Options{Local: true, Authtoken: tokFlag})
	if err != nil || plan.Mode != ModeLocal || plan.Notice != "" {
		t.Fatalf("--local: plan = %v (notice %q), %v; want local without notice", plan, plan.Notice, err)
	}
}

func TestNgrokOnlyFlagsNeedNgrok(t *testing.T) {
	h := newHome(t)
	_, err := h.resolve(t, Options{URL: "example.ngrok.app", BasicAuth: []string{"a:password1"}})
	if err == nil || !strings.HasPrefix(err.Error(), "invalid --url: --url, --basic-auth need an ngrok endpoint, but no ngrok authtoken was found (looked in: --authtoken, $NGROK_AUTHTOKEN, ") {
		t.Fatalf("no token + --url: err = %v", err)
	}
	_, err = h.resolve(t, Options{Local: true, Authtoken: tokFlag, AllowCIDR: []string{"10.0.0.0/8"}})
	if err == nil || err.Error() != "invalid --allow-cidr: --allow-cidr needs an ngrok endpoint and cannot be used with --local" {
		t.Fatalf("--local + --allow-cidr: err = %v", err)
	}
	// Bad values are reported first, whatever the mode.
	_, err = h.resolve(t, Options{Local: true, BasicAuth: []string{"a:short"}})
	if err == nil || !strings.Contains(err.Error(), "the password must have 8 to 128 characters") {
		t.Fatalf("--local + bad --basic-auth: err = %v", err)
	}
	_, err = h.resolve(t, Options{Port: 70000})
	if err == nil || err.Error() != "invalid --port: 70000: want 0 (any free port) to 65535" {
		t.Fatalf("bad port: err = %v", err)
	}
}

func TestConnectSettings(t *testing.T) {
	edge, err := fakeedge.Start(fakeedge.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer edge.Close()

	h := newHome(t)
	h.write(t, ".config/ngrok/ca.pem", "")
	if err := edge.WriteCA(filepath.Join(h.dir, ".config/ngrok/ca.pem")); err != nil {
		t.Fatal(err)
	}
	h.write(t, "notpem.txt", "hello")

	cases := []struct {
		name, file  string
		wantURL     string
		wantCAs     string
		wantPool    string // "nil", "system", "edge"
		wantErrPart string
	}{
		{"v3 connect_url and relative PEM", "version: \"3\"\nagent:\n  authtoken: T0000000000000\n  connect_url: " + edge.Addr() + "\n  connect_cas: ca.pem\n",
			edge.Addr(), "ca.pem", "edge", ""},
		{"v2 server_addr and root_cas trusted", "version: 2\nauthtoken: T0000000000000\nserver_addr: tunnel.eu.ngrok.com:443\nroot_cas: trusted\n",
			"tunnel.eu.ngrok.com:443", "trusted", "nil", ""},
		{"connect_url with scheme and no port", "agent:\n  authtoken: T0000000000000\n  connect_url: tls://connect.example.com\n  connect_cas: host\n",
			"connect.example.com:443", "host", "system", ""},
		{"absolute PEM", "agent:\n  authtoken: T0000000000000\n  connect_cas: " + filepath.Join(h.dir, ".config/ngrok/ca.pem") + "\n",
			"", filepath.Join(h.dir, ".config/ngrok/ca.pem"), "edge", ""},
		{"PEM missing", "agent:\n  authtoken: T0000000000000\n  connect_cas: nope.pem\n", "", "", "", "connect_cas: cannot read " + filepath.Join(h.dir, ".config/ngrok/nope.pem") + ": no such file or directory"},
		{"not PEM", "agent:\n  authtoken: T0000000000000\n  connect_cas: ../../notpem.txt\n", "", "", "", "notpem.txt holds no PEM certificate"},
		{"bad connect_url", "agent:\n  authtoken: T0000000000000\n  connect_url: https://x.example.com/path\n", "", "", "", `connect_url "https://x.example.com/path": want host:port`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := h.write(t, ".config/ngrok/ngrok.yml", c.file)
			plan, err := h.resolve(t, Options{})
			if c.wantErrPart != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErrPart) || !strings.Contains(err.Error(), path) {
					t.Fatalf("err = %v; want one naming %s and containing %q", err, path, c.wantErrPart)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if plan.ConnectURL != c.wantURL || plan.ConnectCAs != c.wantCAs {
				t.Fatalf("connect = %q, %q; want %q, %q", plan.ConnectURL, plan.ConnectCAs, c.wantURL, c.wantCAs)
			}
			checkPool(t, plan.secret.caPool, c.wantPool, edge.CertPool())
		})
	}

	t.Run("options override the file", func(t *testing.T) {
		h.write(t, ".config/ngrok/ngrok.yml", "agent:\n  authtoken: T0000000000000\n  connect_url: a.example.com:443\n  connect_cas: host\n")
		plan, err := h.resolve(t, Options{ConnectURL: edge.Addr(), ConnectCAs: edge.CertPool()})
		if err != nil || plan.ConnectURL != edge.Addr() || plan.ConnectCAs != "(override)" {
			t.Fatalf("plan = %+v, %v", plan, err)
		}
		checkPool(t, plan.secret.caPool, "edge", edge.CertPool())
	})
}

func checkPool(t *testing.T, got *x509.CertPool, want string, edgePool *x509.CertPool) {
	t.Helper()
	switch want {
	case "nil":
		if got != nil {
			t.Fatal("want ngrok's default CA (nil pool)")
		}
	case "system":
		sys, err := x509.SystemCertPool()
		if err != nil || got == nil || !got.Equal(sys) {
			t.Fatal("want the system pool")
		}
	case "edge":
		if got == nil || !got.Equal(edgePool) {
			t.Fatal("want a pool with the edge's certificate")
		}
	}
}

// TestPlanNeverShowsToken: printing or encoding a plan hides the token.
func TestPlanNeverShowsToken(t *testing.T) {
	h := newHome(t)
	plan, err := h.resolve(t, Options{Authtoken: tokFlag, BasicAuth: []string{"u:password1"}})
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{fmt.Sprint(plan), fmt.Sprintf("%+v", plan), fmt.Sprintf("%#v", plan), string(js), strings.Join(plan.Notes, "\n")} {
		if strings.Contains(out, tokFlag) {
			t.Fatalf("the token shows in %q", out)
		}
	}
	if want := "ngrok with authtoken 2fla…[redacted] from --authtoken"; plan.String() != want {
		t.Fatalf("String() = %q; want %q", plan.String(), want)
	}
}

// TestPlanServer: the tunnel and the loopback listener beside it get their
// server from the plan: the same limits, the plan's write timeout, and the
// server's own errors in the logger.
func TestPlanServer(t *testing.T) {
	plan, err := newHome(t).resolve(t, Options{Local: true, WriteTimeout: 7 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	mux := http.NewServeMux()
	srv := plan.Server(mux, slog.New(slog.NewTextHandler(&logged, nil)))
	if srv.Handler != mux || srv.WriteTimeout != 7*time.Minute || srv.ReadHeaderTimeout != DefaultReadHeaderTimeout ||
		srv.ReadTimeout != DefaultReadTimeout || srv.IdleTimeout != DefaultIdleTimeout {
		t.Errorf("server timeouts: header %v, read %v, write %v, idle %v", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
	srv.ErrorLog.Print("http: TLS handshake error")
	if s := logged.String(); !strings.Contains(s, "level=WARN") || !strings.Contains(s, "TLS handshake error") {
		t.Errorf("server error logged as %q", s)
	}

	srv = Plan{}.Server(mux, nil) // a zero plan: the defaults, errors discarded
	if srv.WriteTimeout != DefaultWriteTimeout || srv.ErrorLog == nil {
		t.Errorf("zero plan: write timeout %v, error log %v", srv.WriteTimeout, srv.ErrorLog)
	}
	srv.ErrorLog.Print("discarded")
}
