package cli

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"

	"github.com/harkhq/hark/tunnel"
)

// endpoint is the receiver served on the tunnel's listener and, with
// ngrok, also on 127.0.0.1 (or --bind) so that local tools (hark send,
// curl) reach it without a round trip through the internet.
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
		ep.serveLocal(plan, port, h, logger)
	}
	return ep, nil
}

func (ep *endpoint) serveLocal(plan tunnel.Plan, port int, h http.Handler, logger *slog.Logger) {
	ln, err := net.Listen("tcp", net.JoinHostPort(plan.Bind, strconv.Itoa(port)))
	if err != nil {
		logger.Warn("not serving on "+plan.Bind+" as well", "err", err)
		return
	}
	// The tunnel's own limits, and --basic-auth, --allow-cidr enforced
	// on a --bind beyond loopback.
	ep.local = plan.Server(plan.Guard(h), logger)
	_, actual, _ := net.SplitHostPort(ln.Addr().String())
	ep.localURL = "http://" + net.JoinHostPort(plan.Bind, actual)
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
