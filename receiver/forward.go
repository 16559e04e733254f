package receiver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/harkhq/hark/hop"
	"github.com/harkhq/hark/model"
)

// Forwarder sends every webhook on to the user's own handler (--forward
// URL), as a reverse proxy would: the path and query kept, the raw body
// unchanged, hop-by-hop headers dropped, X-Forwarded-* added.
type Forwarder struct {
	target *url.URL
	client *http.Client
	now    func() time.Time
}

// NewForwarder checks the target URL.
func NewForwarder(target string, now func() time.Time) (*Forwarder, error) {
	u, err := hop.ParseTarget(target)
	if err != nil {
		return nil, fmt.Errorf("--forward %q: give an http:// or https:// URL, e.g. http://localhost:3000", target)
	}
	if now == nil {
		now = time.Now
	}
	// No client timeout: each forward is bounded by the platform's deadline.
	return &Forwarder{target: u, client: hop.NewClient(hop.ClientOptions{}), now: now}, nil
}

// URL is the target as given.
func (f *Forwarder) URL() string { return f.target.String() }

// Forward sends the exchange's request to the target and returns what it
// answered, or why it did not, within timeout.
func (f *Forwarder) Forward(ctx context.Context, ex *model.Exchange, timeout time.Duration) *model.Forward {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u := hop.Join(f.target, ex.Request.Path, ex.Request.RawQuery)
	res := &model.Forward{URL: u}
	req, err := http.NewRequestWithContext(ctx, ex.Request.Method, u, bytes.NewReader(ex.Request.Body))
	if err != nil {
		res.Error = err.Error()
		return res
	}
	req.Header = forwardHeaders(&ex.Request)
	req.ContentLength = int64(len(ex.Request.Body))
	start := f.now()
	resp, err := f.client.Do(req)
	if err != nil {
		res.Latency = f.now().Sub(start)
		res.Error = describeForwardError(err, timeout)
		return res
	}
	defer resp.Body.Close()
	body, cut, err := readAnswer(resp)
	res.Latency = f.now().Sub(start)
	res.Status = resp.StatusCode
	res.Headers = map[string][]string(hop.Strip(resp.Header))
	switch {
	case cut:
		res.Error = fmt.Sprintf("answer larger than %s: only its first %s kept", byteCount(maxForwardBody), byteCount(keptPrefix))
	case err != nil:
		res.Error = "reading the answer: " + describeForwardError(err, timeout)
	}
	res.Body = body
	return res
}

// ForwardDecision turns a usable forward answer into the response for the
// platform; ok is false when the target failed to answer in full.
func ForwardDecision(fw *model.Forward) (model.Decision, bool) {
	if fw == nil || fw.Error != "" || fw.Status == 0 {
		return model.Decision{}, false
	}
	h := http.Header(fw.Headers).Clone()
	h.Del("Content-Length") // set again for the body sent
	return model.Decision{Status: fw.Status, Headers: map[string][]string(h), Body: fw.Body, Source: model.SourceForward}, true
}

func forwardHeaders(r *model.Request) http.Header {
	h := hop.Strip(http.Header(r.Headers))
	h.Del("Content-Length")
	if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		if prior := h.Values("X-Forwarded-For"); len(prior) > 0 {
			ip = strings.Join(prior, ", ") + ", " + ip
		}
		h.Set("X-Forwarded-For", ip)
	}
	if r.Host != "" && h.Get("X-Forwarded-Host") == "" {
		h.Set("X-Forwarded-Host", r.Host)
	}
	if h.Get("X-Forwarded-Proto") == "" {
		h.Set("X-Forwarded-Proto", "http")
	}
	if _, ok := h["User-Agent"]; !ok {
		h["User-Agent"] = []string{""} // not Go's own: the platform's, or none
	}
	return h
}

// describeForwardError says why the target gave no answer; a deadline or
// a cancel here is the platform's.
func describeForwardError(err error, timeout time.Duration) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer within %s (the platform's deadline)", timeout.Round(time.Millisecond))
	case errors.Is(err, context.Canceled):
		return "cancelled: the platform hung up"
	}
	return hop.Describe(err)
}
