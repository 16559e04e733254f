// Package sim plays simulated conversations of hark's platform profiles at
// a URL: it drives `hark send` (users testing their own webhook handlers,
// and benchmarks of hark's receiver) and `hark demo` (a local receiver fed
// at a real conversation's pace). The conversations come from the platform
// package; this package does the HTTP, pacing and measuring.
package sim

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/harkhq/hark/hop"
	"github.com/harkhq/hark/platform"
)

// Options configure a run.
type Options struct {
	// Platforms are profile names, or "all"; empty means all.
	Platforms []string
	// To is the base URL; each request's path is appended to its path, and
	// its query to its query. Basic auth may be given as user:pass@host.
	To string
	// Sessions is how many conversations play at once (default: one per
	// platform). Session i plays platform i modulo the platforms.
	Sessions int
	// Count is the total of requests to send; 0 plays each session's
	// conversation once. Past one conversation, sessions start new ones
	// (with new ids) until the count is met.
	Count int
	// Rate caps requests per second over all sessions; 0 sends as fast as
	// the sessions go.
	Rate float64
	// Paced honours the conversations' delays between requests, divided by
	// Speed (0 means 1): what `hark demo` uses to look like real traffic.
	// Without it, delays are ignored.
	Paced bool
	Speed float64
	// Loop keeps starting new conversations until ctx is done (or Count is
	// met, when set).
	Loop bool
	// Concurrency caps requests in flight over all sessions; 0 means
	// Sessions.
	Concurrency int
	// Secrets sign the requests as the platforms would (each profile's
	// Secret says what its secret is).
	Secrets platform.Secrets
	// Client sends the requests; nil uses one tuned to keep Concurrency
	// connections alive, with Timeout per request (0 means 30 s), which
	// does not follow redirects nor ask for compression (hop.NewClient).
	Client  *http.Client
	Timeout time.Duration
	// Seed makes the conversations: the same seed plays the same ones.
	Seed uint64
	// Now is the clock for the bodies' timestamps; nil means time.Now.
	Now func() time.Time
	// OnResult, when set, is called after each request, from several
	// goroutines at once.
	OnResult func(Result)
}

// Result is the outcome of one request.
type Result struct {
	Platform string
	Kind     string
	Session  int // the run's number for the conversation (0, 1, ...); -1 for a platform's handshake
	// SessionID is the conversation's id as the platform sends it ("" for
	// the verification GET).
	SessionID string
	Method    string
	URL       string
	Status    int // 0 when the request failed before a response
	Latency   time.Duration
	Err       error
	// Response holds the start of the response body (up to 4 KiB), only
	// when OnResult is set.
	Response []byte
}

// OK reports whether the request got a 2xx response.
func (r *Result) OK() bool { return r.Err == nil && r.Status >= 200 && r.Status < 300 }

// keepResponse is how much of a response body a Result keeps.
const keepResponse = 4 << 10

// Run plays the conversations and reports what happened. It returns an
// error for unusable options; when ctx ends a run that has a natural end
// (no Loop, or a Count), the report so far comes with ctx's error.
func Run(ctx context.Context, opts Options) (Report, error) {
	r, err := newRunner(opts)
	if err != nil {
		return Report{}, err
	}
	defer r.closeClient()
	start := time.Now()
	r.run(ctx)
	rep := r.report(time.Since(start))
	if r.failure != nil {
		return rep, r.failure
	}
	if err := ctx.Err(); err != nil && !(opts.Loop && opts.Count == 0) {
		return rep, err
	}
	return rep, nil
}

// runner is one run's state.
type runner struct {
	opts      Options
	platforms []string
	base      *url.URL
	client    *http.Client
	ownClient bool
	pacer     *pacer
	inflight  chan struct{}
	budget    atomic.Int64 // requests left to send, when Count is set
	sessions  atomic.Int64 // conversations started
	failure   error        // the first error that stopped a session (under mu)

	mu    sync.Mutex
	stats stats
}

func newRunner(opts Options) (*runner, error) {
	platforms, err := resolvePlatforms(opts.Platforms)
	if err != nil {
		return nil, err
	}
	base, err := hop.ParseTarget(opts.To)
	if err != nil {
		return nil, fmt.Errorf("--to %w", err)
	}
	switch {
	case opts.Sessions < 0:
		return nil, errors.New("sessions must be 0 or more")
	case opts.Count < 0:
		return nil, errors.New("count must be 0 or more")
	case opts.Rate < 0:
		return nil, errors.New("rate must be 0 or more")
	case opts.Speed < 0:
		return nil, errors.New("speed must be 0 or more")
	case opts.Concurrency < 0:
		return nil, errors.New("concurrency must be 0 or more")
	}
	if opts.Sessions == 0 {
		opts.Sessions = len(platforms)
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = opts.Sessions
	}
	if opts.Speed == 0 {
		opts.Speed = 1
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &runner{opts: opts, platforms: platforms, base: base, client: opts.Client,
		inflight: make(chan struct{}, opts.Concurrency)}
	if r.client == nil {
		// A connection per request in flight stays alive, so that a
		// benchmark measures the receiver rather than connection set-up.
		r.client = hop.NewClient(hop.ClientOptions{Timeout: cmp.Or(opts.Timeout, hop.DefaultTimeout), IdlePerHost: opts.Concurrency})
		r.ownClient = true
	}
	if opts.Rate > 0 {
		r.pacer = newPacer(opts.Rate, time.Now, hop.Sleep)
	}
	r.budget.Store(int64(opts.Count))
	r.stats = newStats()
	return r, nil
}

func resolvePlatforms(names []string) ([]string, error) {
	if len(names) == 0 {
		names = []string{"all"}
	}
	var out []string
	for _, n := range names {
		if n == "all" {
			for _, p := range platform.Profiles() {
				if p.Simulated() && !slices.Contains(out, p.Name) {
					out = append(out, p.Name)
				}
			}
			continue
		}
		p, ok := platform.Lookup(n)
		if !ok || !p.Simulated() {
			return nil, fmt.Errorf("unknown platform %q (known: %s, all)", n, strings.Join(platform.Names(), ", "))
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

func (r *runner) closeClient() {
	if r.ownClient {
		r.client.CloseIdleConnections()
	}
}

// take reserves one request of the Count budget.
func (r *runner) take() bool {
	return r.opts.Count == 0 || r.budget.Add(-1) >= 0
}

func (r *runner) run(ctx context.Context) {
	// A platform with a handshake (ChatBot.com's verification GET) sends
	// it once, when its webhook is saved: before its conversations, if it
	// plays at all (session i plays platforms[i % len]).
	rng := rand.New(rand.NewPCG(r.opts.Seed, 0))
	for _, name := range r.platforms[:min(len(r.platforms), r.opts.Sessions)] {
		p, _ := platform.Lookup(name) // resolvePlatforms checked the names
		if req, ok := p.HandshakeRequest(rng, r.opts.Secrets, r.opts.Now()); ok && r.take() {
			r.send(ctx, -1, name, req)
		}
	}
	var wg sync.WaitGroup
	for i := range r.opts.Sessions {
		wg.Go(func() { r.session(ctx, i) })
	}
	wg.Wait()
}

// session plays conversations of one platform one after the other, each
// request after the previous one's response.
func (r *runner) session(ctx context.Context, i int) {
	name := r.platforms[i%len(r.platforms)]
	rng := rand.New(rand.NewPCG(r.opts.Seed, uint64(i)+1))
	if r.opts.Paced && i > 0 {
		// Sessions that start together look like a load test, not traffic.
		if hop.Sleep(ctx, r.scaled(time.Duration(rng.Int64N(int64(2*time.Second))))) != nil {
			return
		}
	}
	for {
		reqs, err := platform.Conversation(name, rng, "", r.opts.Now(), r.opts.Secrets)
		if err != nil {
			r.fail(err)
			return
		}
		id := int(r.sessions.Add(1) - 1)
		for _, req := range reqs {
			if r.opts.Paced && hop.Sleep(ctx, r.scaled(req.After)) != nil {
				return
			}
			if ctx.Err() != nil || !r.take() {
				return
			}
			r.send(ctx, id, name, req)
		}
		if !r.opts.Loop && (r.opts.Count == 0 || r.budget.Load() <= 0) {
			return
		}
		if r.opts.Paced && hop.Sleep(ctx, r.scaled(time.Second+time.Duration(rng.Int64N(int64(3*time.Second))))) != nil {
			return
		}
	}
}

func (r *runner) scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) / r.opts.Speed)
}

// send makes one request and records its outcome; requests cut short
// because the run is stopping are not counted.
func (r *runner) send(ctx context.Context, session int, name string, sr platform.SimRequest) {
	if r.pacer != nil && r.pacer.wait(ctx) != nil {
		return
	}
	u := hop.Join(r.base, sr.Path, sr.RawQuery)
	if p, ok := platform.Lookup(name); ok {
		sr = p.SignFor(sr, u, r.opts.Secrets) // for platforms that sign the URL too
	}
	req, err := http.NewRequestWithContext(ctx, sr.Method, u, bytes.NewReader(sr.Body))
	res := Result{Platform: name, Kind: sr.Kind, Session: session, SessionID: sr.SessionID, Method: sr.Method, URL: u}
	if err != nil {
		res.Err = err
		r.record(res)
		return
	}
	for k, vs := range sr.Headers {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", "hark-send")
	select {
	case r.inflight <- struct{}{}:
	case <-ctx.Done():
		return
	}
	start := time.Now()
	resp, err := r.client.Do(req)
	var body []byte
	if err == nil {
		if r.opts.OnResult != nil {
			body, err = io.ReadAll(io.LimitReader(resp.Body, keepResponse))
		}
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body) // drain, so the connection is reused
		}
		resp.Body.Close()
		res.Status = resp.StatusCode
	}
	res.Latency = time.Since(start)
	<-r.inflight
	if err != nil && ctx.Err() != nil {
		return // the run is stopping: not the server's failure
	}
	res.Err = err
	res.Response = body
	r.record(res)
}

func (r *runner) fail(err error) {
	r.mu.Lock()
	if r.failure == nil {
		r.failure = err
	}
	r.mu.Unlock()
}

func (r *runner) record(res Result) {
	r.mu.Lock()
	r.stats.add(&res)
	r.mu.Unlock()
	if r.opts.OnResult != nil {
		r.opts.OnResult(res)
	}
}
