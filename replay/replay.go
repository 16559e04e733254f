// Package replay sends the requests of a journal again, in order, to a URL
// (the developer's own handler after a fix, a staging server) and compares
// what comes back with the responses that were recorded: `hark replay`.
// Requests of signed platforms can be signed again with other secrets.
// It does the HTTP; the platform package says how to sign.
package replay

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/harkhq/hark/hop"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// Options configure a replay.
type Options struct {
	// Exchanges are sent in the order given (a journal's id order).
	Exchanges []*model.Exchange
	// To is the base URL: each request's path is appended to its path,
	// and its query to its query.
	To string
	// Speed scales the recorded time between requests: 1 keeps it, 2 plays
	// twice as fast, 0 sends each request as soon as the previous one is
	// answered.
	Speed float64
	// MaxGap caps a recorded pause between two requests (before scaling),
	// so that the hours between two runs of hark in one journal are not
	// waited out; 0 keeps every pause.
	MaxGap time.Duration
	// Secrets re-sign the requests of signed platforms (platform.Resign).
	Secrets platform.Secrets
	// Rejected also replays the exchanges hark rejected (413, 405...),
	// which are skipped by default: their recorded answer is hark's, not
	// a handler's.
	Rejected bool
	// Client sends the requests; nil uses one that does not follow
	// redirects nor ask for compression, with Timeout per request.
	Client *http.Client
	// Timeout bounds each request of the default client; 0 means 30 s.
	Timeout time.Duration
	// Now and Sleep are the clock, for tests; time.Now and a sleep that
	// ends with ctx when nil.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// OnResult, when set, is called after each exchange, in order.
	OnResult func(Result)
}

// maxResponse bounds what is read of a new response.
const maxResponse = 16 << 20

// Run replays the exchanges and reports, for each, the recorded response
// against the new one. It returns an error for unusable options; when ctx
// ends, the report so far comes with ctx's error.
func Run(ctx context.Context, opts Options) (Report, error) {
	base, err := hop.ParseTarget(opts.To)
	if err != nil {
		return Report{}, fmt.Errorf("replay: %w", err)
	}
	if opts.Speed < 0 {
		return Report{}, errors.New("replay: speed must be 0 or more")
	}
	if opts.MaxGap < 0 {
		return Report{}, errors.New("replay: the longest pause must be 0 or more")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = hop.Sleep
	}
	client := opts.Client
	if client == nil {
		client = hop.NewClient(hop.ClientOptions{Timeout: cmp.Or(opts.Timeout, hop.DefaultTimeout)})
		defer client.CloseIdleConnections()
	}
	r := &runner{opts: opts, base: base, client: client}
	start := opts.Now()
	var rep Report
	var runErr error
	for _, ex := range opts.Exchanges {
		if err := ctx.Err(); err != nil {
			runErr = err
			break
		}
		res, err := r.one(ctx, ex)
		if err != nil { // ctx ended while waiting or sending
			runErr = err
			break
		}
		rep.add(res)
		if opts.OnResult != nil {
			opts.OnResult(res)
		}
	}
	rep.Elapsed = opts.Now().Sub(start)
	return rep, runErr
}

type runner struct {
	opts   Options
	base   *url.URL
	client *http.Client

	prev     *model.Exchange // the last exchange sent
	prevSent time.Time       // when it was sent
}

// one replays one exchange; an error means ctx ended.
func (r *runner) one(ctx context.Context, ex *model.Exchange) (Result, error) {
	res := Result{ID: ex.ID, Method: ex.Request.Method, Path: ex.Request.Path, Query: ex.Request.RawQuery, Platform: ex.Platform, Session: ex.SessionID}
	if resp := ex.Response; resp != nil {
		res.Recorded, res.RecordedSource = resp.Status, resp.Source
	}
	if why := r.skip(ex); why != "" {
		res.Outcome, res.Reason = Skipped, why
		return res, nil
	}
	if err := r.wait(ctx, ex); err != nil {
		return res, err
	}
	req, did := platform.Resign(ex.Platform, ex.Request, r.opts.Secrets)
	res.Resigned = did
	r.prev, r.prevSent = ex, r.opts.Now()
	status, body, err := r.send(ctx, &req)
	res.Latency = r.opts.Now().Sub(r.prevSent)
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		res.Outcome, res.Reason = Failed, hop.Describe(err)
		return res, nil
	}
	res.Status = status
	if status != res.Recorded {
		res.Diffs = append(res.Diffs, Difference{Part: "status", Recorded: fmt.Sprint(res.Recorded), Got: fmt.Sprint(status)})
	}
	diffs, total := compareBodies(ex.Response.Body, body)
	res.Diffs = append(res.Diffs, diffs...)
	res.More = total - len(diffs)
	res.Outcome = Same
	if len(res.Diffs) > 0 {
		res.Outcome = Differs
	}
	return res, nil
}

// skip says why an exchange is not replayed, or "".
func (r *runner) skip(ex *model.Exchange) string {
	switch {
	case ex.Response == nil:
		return "no recorded response"
	case ex.Evicted:
		return "its bodies were not kept"
	case ex.Request.Truncated:
		return "the request body was cut by the size limit when recorded"
	case ex.State == model.StateRejected && !r.opts.Rejected:
		return "rejected by hark (replay with rejected ones included to send it)"
	}
	return ""
}

// wait keeps the recorded pause since the previous request sent, scaled by
// Speed and capped by MaxGap.
func (r *runner) wait(ctx context.Context, ex *model.Exchange) error {
	if r.opts.Speed == 0 || r.prev == nil {
		return ctx.Err()
	}
	gap := ex.Received.Sub(r.prev.Received)
	if gap <= 0 {
		return ctx.Err()
	}
	if r.opts.MaxGap > 0 {
		gap = min(gap, r.opts.MaxGap)
	}
	due := r.prevSent.Add(time.Duration(float64(gap) / r.opts.Speed))
	if d := due.Sub(r.opts.Now()); d > 0 {
		return r.opts.Sleep(ctx, d)
	}
	return ctx.Err()
}

// send makes the request as recorded and reads the answer.
func (r *runner) send(ctx context.Context, rec *model.Request) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, rec.Method, hop.Join(r.base, rec.Path, rec.RawQuery), bytes.NewReader(rec.Body))
	if err != nil {
		return 0, nil, err
	}
	req.Header = hop.SendAgain(rec.Headers)
	req.ContentLength = int64(len(rec.Body))
	if len(rec.Body) == 0 {
		req.Body = http.NoBody
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return resp.StatusCode, nil, errors.New("reading the answer: " + hop.Describe(err))
	}
	if len(body) > maxResponse {
		return resp.StatusCode, nil, fmt.Errorf("answer larger than %d bytes", maxResponse)
	}
	return resp.StatusCode, body, nil
}
