package tunnel

import (
	"cmp"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Defaults for Options' durations.
const (
	DefaultFirstConnectTimeout = 15 * time.Second
	DefaultCloseTimeout        = 3 * time.Second
	// DefaultWriteTimeout bounds a whole response, holds included: it must
	// exceed the longest hold (a couple of minutes).
	DefaultWriteTimeout = 5 * time.Minute
	// DefaultReadHeaderTimeout limits slow-header (slowloris) clients.
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultReadTimeout bounds reading a request, body included (bodies
	// are small webhooks); it does not cover the hold.
	DefaultReadTimeout = time.Minute
	// DefaultIdleTimeout closes idle keep-alive connections (ngrok's own
	// idle timeout is 5 minutes).
	DefaultIdleTimeout = 2 * time.Minute
)

// Options are the user's choices (flags, environment) plus the knobs tests
// need. The zero value means: find an authtoken, else run locally on a
// free port.
type Options struct {
	Local bool // --local: never use ngrok
	Port  int  // local mode: listen on Bind:Port (0 = any free port); unused with ngrok
	// Bind is the address of the local listener (--bind; default
	// 127.0.0.1). One that other machines can reach needs BasicAuth or
	// AllowCIDR, which Plan.Guard then enforces on it.
	Bind string

	Authtoken   string // --authtoken (highest precedence)
	NgrokConfig string // --ngrok-config FILE (replaces the default locations)

	URL               string   // --url: reserved domain, "example.ngrok.app" or "https://example.ngrok.app"
	BasicAuth         []string // --basic-auth user:pass, repeatable
	AllowCIDR         []string // --allow-cidr, repeatable
	TrafficPolicyFile string   // --traffic-policy FILE (YAML or JSON)
	Description       string   // endpoint description shown in the ngrok dashboard (default "hark")
	Metadata          string   // endpoint metadata shown in the ngrok API

	ClientVersion string       // hark's version, sent as the agent's client info
	Logger        *slog.Logger // receives ngrok-go's log lines (token redacted); nil discards them

	FirstConnectTimeout time.Duration // give up connecting after this long (default 15 s)
	// HeartbeatInterval is how often the agent checks its session (default
	// ngrok's 10 s). muxado's heartbeat goroutine of a closed session ends
	// only at its next tick, so tests that count goroutines shorten it.
	HeartbeatInterval time.Duration
	CloseTimeout      time.Duration // bound on closing the ngrok listener (default 3 s)
	WriteTimeout      time.Duration // http.Server WriteTimeout: above the longest hold (default 5 min)

	Env func(string) string // environment lookup (default os.Getenv)
	Now func() time.Time    // clock for Status.At (default time.Now)

	// ConnectURL and ConnectCAs override the config file's connect_url and
	// connect_cas (tests point them at a fake edge).
	ConnectURL string
	ConnectCAs *x509.CertPool
}

// Mode says how the receiver is reached.
type Mode int

const (
	ModeLocal Mode = iota // a listener on 127.0.0.1
	ModeNgrok             // an ngrok endpoint served in-process
)

func (m Mode) String() string {
	if m == ModeNgrok {
		return "ngrok"
	}
	return "local"
}

// Plan is what Resolve decided; Start carries it out. It holds the
// authtoken, but never shows it: String, Notes and TokenRedacted are safe
// to print.
type Plan struct {
	Mode Mode
	Port int    // local mode's port (0 = any)
	Bind string // the local listener's address, 127.0.0.1 unless --bind

	TokenSource    string   // "--authtoken", "$NGROK_AUTHTOKEN" or "FILE (agent.authtoken)"
	TokenRedacted  string   // e.g. "2abc…[redacted]"
	ConfigFile     string   // the ngrok config file read, "" if none
	ConfigSearched []string // where a config file was looked for
	ConnectURL     string   // host:port the agent dials, "" for ngrok's default
	ConnectCAs     string   // connect_cas as configured ("trusted", "host", a path) or "(override)"

	URL           string // normalized --url, "" for a random one
	TrafficPolicy string // the policy sent with the endpoint (YAML), "" for none
	Description   string
	Metadata      string

	// Notice is set when hark runs local-only because no authtoken was
	// found: print it, it says where hark looked and how to get a URL.
	Notice string
	// Notes are info lines worth showing at startup (where the token and
	// config came from, how the traffic policy was built).
	Notes []string

	secret *planSecret // unexported pointer: never printed by fmt
	// exposed: Bind is reachable from other machines, so Guard enforces
	// allowCIDR (normalized) and the basic-auth credentials.
	exposed   bool
	allowCIDR []string
}

// planSecret is what a Plan must carry but never show.
type planSecret struct {
	token        string
	basicAuth    []string // --basic-auth user:password, for Guard
	caPool       *x509.CertPool
	logger       *slog.Logger
	clientVer    string
	firstConnect time.Duration
	heartbeat    time.Duration
	closeTimeout time.Duration
	writeTimeout time.Duration
	now          func() time.Time
}

// String describes the plan without the token.
func (p Plan) String() string {
	if p.Mode == ModeLocal {
		return fmt.Sprintf("local on %s", net.JoinHostPort(p.Bind, strconv.Itoa(p.Port)))
	}
	s := "ngrok with authtoken " + p.TokenRedacted + " from " + p.TokenSource
	if p.URL != "" {
		s += ", url " + p.URL
	}
	return s
}

// Server is the http.Server that serves h for this plan, on the tunnel's
// listener or on any other (the loopback listener beside ngrok), so that
// both have the same limits. Its timeouts allow long holds: WriteTimeout
// is Options.WriteTimeout (default 5 min, above any hold),
// ReadHeaderTimeout limits slow-header clients, ReadTimeout covers the
// request body only, and IdleTimeout closes idle keep-alive connections.
// The server's own errors go to logger at Warn level (nil discards them).
func (p Plan) Server(h http.Handler, logger *slog.Logger) *http.Server {
	write := DefaultWriteTimeout
	if p.secret != nil && p.secret.writeTimeout > 0 {
		write = p.secret.writeTimeout
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		ReadTimeout:       DefaultReadTimeout,
		WriteTimeout:      write,
		IdleTimeout:       DefaultIdleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// Resolve finds the authtoken and ngrok config, validates the flags and
// builds the traffic policy, without touching the network. A bad value is
// returned as a *UsageError.
//
// Authtoken precedence: Options.Authtoken (--authtoken), then
// $NGROK_AUTHTOKEN, then the config file: the one named by --ngrok-config,
// else the first that exists of DefaultConfigPaths. The config file (when
// there is one) also gives connect_url/server_addr and
// connect_cas/root_cas, whatever the token's source.
func Resolve(opts Options) (Plan, error) {
	env := opts.Env
	if env == nil {
		env = os.Getenv
	}
	if opts.Port < 0 || opts.Port > 65535 {
		return Plan{}, usageErr("--port", "%d: want 0 (any free port) to 65535", opts.Port)
	}
	plan := Plan{Mode: ModeLocal, Port: opts.Port}
	sec := &planSecret{
		logger:       opts.Logger,
		clientVer:    cmp.Or(opts.ClientVersion, "devel"),
		firstConnect: cmp.Or(opts.FirstConnectTimeout, DefaultFirstConnectTimeout),
		heartbeat:    opts.HeartbeatInterval,
		closeTimeout: cmp.Or(opts.CloseTimeout, DefaultCloseTimeout),
		writeTimeout: cmp.Or(opts.WriteTimeout, DefaultWriteTimeout),
		now:          opts.Now,
	}
	if sec.logger == nil {
		sec.logger = slog.New(slog.DiscardHandler)
	}
	if sec.now == nil {
		sec.now = time.Now
	}
	plan.secret = sec

	// Flags first: a bad value is reported even when ngrok is not used.
	url, err := normalizeURL(opts.URL)
	if err != nil {
		return Plan{}, err
	}
	if err := checkBasicAuth(opts.BasicAuth); err != nil {
		return Plan{}, err
	}
	cidrs, err := normalizeCIDRs(opts.AllowCIDR)
	if err != nil {
		return Plan{}, err
	}
	policy, policyNote, err := buildPolicy(opts.TrafficPolicyFile, cidrs, opts.BasicAuth)
	if err != nil {
		return Plan{}, err
	}
	if plan.Bind, plan.exposed, err = normalizeBind(opts.Bind); err != nil {
		return Plan{}, err
	}
	if plan.exposed {
		if len(opts.BasicAuth) == 0 && len(cidrs) == 0 {
			return Plan{}, usageErr("--bind", "%s lets other machines send to hark's local receiver: give --basic-auth user:password or --allow-cidr CIDR as well, and hark enforces them on it (or bind 127.0.0.1)", plan.Bind)
		}
		plan.allowCIDR, sec.basicAuth = cidrs, opts.BasicAuth
		plan.Notes = append(plan.Notes, "the local receiver on "+plan.Bind+" checks "+guardText(opts.BasicAuth, cidrs))
	}
	ngrokOnly := ngrokOnlyFlags(opts, plan.exposed)

	if opts.Local {
		if len(ngrokOnly) > 0 {
			return Plan{}, usageErr(ngrokOnly[0], "%s need%s an ngrok endpoint and cannot be used with --local", strings.Join(ngrokOnly, ", "), pluralS(len(ngrokOnly)))
		}
		return plan, nil
	}

	cfg, searched, err := findConfig(opts.NgrokConfig, DefaultConfigPaths(runtime.GOOS, env))
	if err != nil {
		return Plan{}, err
	}
	plan.ConfigSearched = searched
	if cfg != nil {
		plan.ConfigFile = cfg.Path
	}

	var token string
	switch {
	case strings.TrimSpace(opts.Authtoken) != "":
		token, plan.TokenSource = strings.TrimSpace(opts.Authtoken), "--authtoken"
	case strings.TrimSpace(env("NGROK_AUTHTOKEN")) != "":
		token, plan.TokenSource = strings.TrimSpace(env("NGROK_AUTHTOKEN")), "$NGROK_AUTHTOKEN"
	case cfg != nil && cfg.Authtoken != "":
		token, plan.TokenSource = cfg.Authtoken, cfg.describeSource()
	}
	if token == "" {
		looked := append([]string{"--authtoken", "$NGROK_AUTHTOKEN"}, searched...)
		if len(ngrokOnly) > 0 {
			return Plan{}, usageErr(ngrokOnly[0], "%s need%s an ngrok endpoint, but no ngrok authtoken was found (looked in: %s); get one at %s and run `ngrok config add-authtoken TOKEN` or set NGROK_AUTHTOKEN",
				strings.Join(ngrokOnly, ", "), pluralS(len(ngrokOnly)), strings.Join(looked, ", "), tokenPage)
		}
		plan.Notice = fmt.Sprintf("no ngrok authtoken found (looked in: %s); running local-only at %s — get a token at %s and run `ngrok config add-authtoken TOKEN` or set NGROK_AUTHTOKEN",
			strings.Join(looked, ", "), localURLText(plan.Bind, opts.Port), tokenPage)
		return plan, nil
	}

	plan.Mode = ModeNgrok
	sec.token = token
	plan.TokenRedacted = redacted(token)
	plan.URL = url
	plan.TrafficPolicy = policy
	plan.Description = cmp.Or(opts.Description, "hark")
	plan.Metadata = opts.Metadata
	plan.Notes = append(plan.Notes, "ngrok authtoken "+plan.TokenRedacted+" from "+plan.TokenSource)
	if cfg != nil {
		plan.ConnectURL, plan.ConnectCAs = cfg.ConnectURL, cfg.ConnectCAs
		if sec.caPool, err = connectCAPool(cfg.ConnectCAs, cfg.Path); err != nil {
			return Plan{}, err
		}
	}
	if opts.ConnectURL != "" {
		if plan.ConnectURL, err = normalizeConnectURL(opts.ConnectURL); err != nil {
			return Plan{}, usageErr("connect URL", "%q: %v", opts.ConnectURL, err)
		}
	}
	if opts.ConnectCAs != nil {
		sec.caPool, plan.ConnectCAs = opts.ConnectCAs, "(override)"
	}
	if plan.ConnectURL != "" {
		plan.Notes = append(plan.Notes, "connecting to "+plan.ConnectURL+" (connect_url)")
	}
	if policyNote != "" {
		plan.Notes = append(plan.Notes, policyNote)
	}
	return plan, nil
}

// ngrokOnlyFlags lists the flags set that only mean something with ngrok;
// --basic-auth and --allow-cidr also guard an exposed local listener.
func ngrokOnlyFlags(opts Options, exposed bool) []string {
	var set []string
	if strings.TrimSpace(opts.URL) != "" {
		set = append(set, "--url")
	}
	if len(opts.BasicAuth) > 0 && !exposed {
		set = append(set, "--basic-auth")
	}
	if len(opts.AllowCIDR) > 0 && !exposed {
		set = append(set, "--allow-cidr")
	}
	if opts.TrafficPolicyFile != "" {
		set = append(set, "--traffic-policy")
	}
	return set
}

func pluralS(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

func localURLText(bind string, port int) string {
	if port == 0 {
		return "http://" + bind + " (a free port)"
	}
	return "http://" + net.JoinHostPort(bind, strconv.Itoa(port))
}

// guardText says what an exposed local listener checks.
func guardText(basicAuth, cidrs []string) string {
	var parts []string
	if len(basicAuth) > 0 {
		parts = append(parts, "basic auth")
	}
	if len(cidrs) > 0 {
		parts = append(parts, "the client address against "+strings.Join(cidrs, ", "))
	}
	return strings.Join(parts, " and ")
}
