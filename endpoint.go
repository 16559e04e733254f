package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"hark/platform"
	"hark/tunnel"
)

// tunnelFlags choose where the receiver is reachable: ngrok or local.
type tunnelFlags struct {
	local         bool
	authtoken     string
	ngrokConfig   string
	url           string
	basicAuth     []string
	allowCIDR     []string
	trafficPolicy string
}

func (f *tunnelFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&f.local, "local", false, tunnel.HelpLocal)
	fs.StringVar(&f.authtoken, "authtoken", "", tunnel.HelpAuthtoken)
	fs.StringVar(&f.ngrokConfig, "ngrok-config", "", tunnel.HelpNgrokConfig)
	fs.StringVar(&f.url, "url", "", tunnel.HelpURL)
	fs.StringArrayVar(&f.basicAuth, "basic-auth", nil, tunnel.HelpBasicAuth)
	fs.StringArrayVar(&f.allowCIDR, "allow-cidr", nil, tunnel.HelpAllowCIDR)
	fs.StringVar(&f.trafficPolicy, "traffic-policy", "", tunnel.HelpTrafficPolicy)
}

// plan resolves the flags, the environment and the ngrok config into what
// to start; it touches no network. Bad values are usage errors.
func (f *tunnelFlags) plan(e *env, port int, logger *slog.Logger) (tunnel.Plan, error) {
	plan, err := tunnel.Resolve(tunnel.Options{
		Local: f.local, Port: port, Authtoken: f.authtoken, NgrokConfig: f.ngrokConfig,
		URL: f.url, BasicAuth: f.basicAuth, AllowCIDR: f.allowCIDR, TrafficPolicyFile: f.trafficPolicy,
		Description: "hark webhook receiver", ClientVersion: versionString(),
		Logger: logger, Env: e.getenv,
	})
	var usage *tunnel.UsageError
	if errors.As(err, &usage) {
		return plan, usageError{err}
	}
	return plan, err
}

// endpoint is the receiver served on the tunnel's listener and, with
// ngrok, also on 127.0.0.1 so that local tools (hark send, curl) reach it
// without a round trip through the internet.
type endpoint struct {
	tun      *tunnel.Tunnel
	served   chan error
	local    *http.Server // nil in local mode (the tunnel is local) or when the port is taken
	localURL string
}

// startEndpoint connects (or listens locally) and serves h. onStatus sees
// every status change, from another goroutine, until the tunnel closes.
// port is the local port to serve on as well when the tunnel is ngrok; a
// taken port is only a warning then.
func startEndpoint(ctx context.Context, plan tunnel.Plan, port int, h http.Handler, logger *slog.Logger, onStatus func(tunnel.Status)) (*endpoint, error) {
	tun := tunnel.New(plan)
	events := tun.Events()
	go func() {
		for st := range events {
			if onStatus != nil {
				onStatus(st)
			}
		}
	}()
	if err := tun.Start(ctx); err != nil {
		_ = tun.Close(context.Background())
		return nil, err
	}
	ep := &endpoint{tun: tun, served: make(chan error, 1)}
	go func() { ep.served <- tun.Serve(h) }()
	if plan.Mode == tunnel.ModeNgrok {
		ep.serveLocal(port, h, logger)
	}
	return ep, nil
}

func (ep *endpoint) serveLocal(port int, h http.Handler, logger *slog.Logger) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		logger.Warn("not serving on 127.0.0.1 as well", "err", err)
		return
	}
	ep.local = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: tunnel.DefaultReadHeaderTimeout,
		ReadTimeout:       tunnel.DefaultReadTimeout,
		WriteTimeout:      tunnel.DefaultWriteTimeout,
		IdleTimeout:       tunnel.DefaultIdleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ep.localURL = "http://" + ln.Addr().String()
	go ep.local.Serve(ln)
}

func (ep *endpoint) url() string { return ep.tun.URL() }

// stopped reports the server ending on its own (ngrok stopped the endpoint).
func (ep *endpoint) stopped() <-chan error { return ep.served }

// close stops accepting, lets in-flight exchanges finish, then disconnects.
func (ep *endpoint) close(ctx context.Context) error {
	var localErr error
	if ep.local != nil {
		localErr = ep.local.Shutdown(ctx)
	}
	return errors.Join(ep.tun.Close(ctx), localErr)
}

// pasteURL is a URL to paste into a platform's console.
type pasteURL struct {
	Platform string
	URL      string
	What     string
}

// pasteURLs lists, for every platform, the full URLs to paste.
func pasteURLs(base string) []pasteURL {
	base = strings.TrimRight(base, "/")
	var out []pasteURL
	for _, p := range platform.Profiles() {
		for _, ph := range p.Paths {
			out = append(out, pasteURL{Platform: p.Title, URL: base + ph.Path, What: ph.What})
		}
	}
	return out
}

func writePasteURLs(w io.Writer, base string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "hark: paste into your platform's console:")
	last := ""
	for _, p := range pasteURLs(base) {
		name := p.Platform
		if name == last {
			name = ""
		}
		last = p.Platform
		fmt.Fprintf(tw, "  %s\t%s\n", name, p.URL)
	}
	tw.Flush()
}
