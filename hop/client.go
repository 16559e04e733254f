package hop

import (
	"cmp"
	"net"
	"net/http"
	"time"
)

// DefaultTimeout bounds a request, answer included, where the caller's
// options leave it unset (replay, sim).
const DefaultTimeout = 30 * time.Second

// DefaultIdlePerHost is how many idle connections to the target a client
// keeps by default: hark talks to one target at a time, so this is the
// concurrency that costs no new connection.
const DefaultIdlePerHost = 32

// dialTimeout bounds connecting: long enough for a loaded server's SYN
// retries (1 s, 2 s, 4 s), short enough that a target behind a firewall
// that drops packets fails before DefaultTimeout.
const dialTimeout = 10 * time.Second

// ClientOptions shape a client; the zero value is usable.
type ClientOptions struct {
	// Timeout bounds each request, answer included; 0 leaves the bound to
	// each request's context (a forward's deadline is the platform's).
	Timeout time.Duration
	// IdlePerHost is how many idle connections are kept for reuse (a
	// benchmark keeps one per request in flight, so that it measures the
	// server rather than connection set-up); 0 means DefaultIdlePerHost.
	IdlePerHost int
}

// NewClient builds the client hark sends with. It never follows a
// redirect: a 3xx is the target's answer, to show, compare or pass on, as
// the platforms (which do not follow redirects either) would get it. It
// never asks for compression, so that a body is seen, compared and passed
// on as the target sent it. It honours the HTTP(S)_PROXY environment like
// any Go client. Callers close its idle connections when done.
func NewClient(opts ClientOptions) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	tr.MaxIdleConns = 0 // no overall cap: the per-host one is the cap
	tr.MaxIdleConnsPerHost = cmp.Or(opts.IdlePerHost, DefaultIdlePerHost)
	tr.DisableCompression = true
	// The body is already in hand: send it at once rather than wait for a
	// 100 Continue that a recorded "Expect: 100-continue" would ask for.
	tr.ExpectContinueTimeout = 0
	return &http.Client{
		Transport:     tr,
		Timeout:       opts.Timeout,
		CheckRedirect: noRedirect,
	}
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
