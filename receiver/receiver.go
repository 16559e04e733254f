// Package receiver is the http.Handler every webhook goes through: it reads
// the request within limits and keeps its raw bytes, has the platform
// profiles classify it, journals it, publishes it to the store, decides the
// response (the platform's pass-through default, or what a Responder says:
// a held decision, a rule, the forward target), writes it, and records what
// went back. It also sends an exchange again for the monitor (resend.go).
// It knows nothing about the terminal.
package receiver

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// DefaultMaxBody is the request body limit: past it, 413.
const DefaultMaxBody = 1 << 20

// Journal keeps the history. WriteRequest returns once the request record is
// durable; WriteResponse may return before its record reaches the disk.
// Both return where their record starts in the journal, which the store
// keeps to read the exchange back once it is evicted from memory.
type Journal interface {
	WriteRequest(ex *model.Exchange) (offset int64, err error)
	WriteResponse(ex *model.Exchange) (offset int64, err error)
}

// Responder chooses the response of an exchange after its request is
// journaled and published: it may hold the exchange for the user, apply a
// rule or ask the forward target. proposal is the profile's pass-through
// default. ctx ends when the platform hangs up.
type Responder interface {
	Respond(ctx context.Context, ex model.Exchange, proposal model.Decision) model.Decision
}

// Config wires a Receiver.
type Config struct {
	Store   *model.Store
	Journal Journal // nil: no journal
	Secrets platform.Secrets
	// Deadlines are the --deadline overrides, by platform name: a
	// platform whose use of the response is unknown is taken to consume
	// it within that deadline, and the exchange shows the deadline that
	// applies.
	Deadlines map[string]time.Duration
	MaxBody   int64 // 0: DefaultMaxBody
	Responder Responder
	Now       func() time.Time
	Logger    *slog.Logger
}

// Receiver is the webhook endpoint.
type Receiver struct {
	cfg Config

	resends resendBook // resends from the monitor on their way in

	// journalFailing is set while journal writes fail: the failure is
	// logged when it starts and when writes work again, and noted on every
	// exchange it costs.
	journalFailing atomic.Bool
}

// New returns a receiver; Store is required.
func New(cfg Config) *Receiver {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Receiver{cfg: cfg}
}

// allowed lists the methods answered as webhooks (and the ChatBot.com GET).
const allowed = "GET, HEAD, OPTIONS, POST, PUT, PATCH"

func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := rc.cfg.Now()
	ex := &model.Exchange{
		ID:       rc.cfg.Store.NextID(),
		Received: start,
		State:    model.StateReceived,
	}
	body, size, truncated, readErr := rc.readBody(w, r)
	ex.Request = model.Request{
		Method:     r.Method,
		Path:       r.URL.EscapedPath(),
		RawQuery:   r.URL.RawQuery,
		Proto:      r.Proto,
		Host:       r.Host,
		RemoteAddr: r.RemoteAddr,
		// The server never reuses a request's header map once the handler
		// has returned, so the exchange keeps it rather than a copy.
		Headers:   map[string][]string(r.Header),
		Body:      body,
		Size:      size,
		Truncated: truncated,
	}
	ex.Timings.Read = rc.cfg.Now().Sub(start)
	if tok := r.Header[ResendHeader]; len(tok) > 0 {
		rc.resends.arrived(ex, tok[0], r.Header)
	}

	decision, final := rc.classify(ex, readErr)

	journaled := rc.journalRequest(ex)
	snapshot := *ex
	rc.cfg.Store.Add(ex) // the store owns ex from here on

	if final == "" && rc.cfg.Responder != nil {
		decision = rc.cfg.Responder.Respond(r.Context(), snapshot, decision)
	}
	if final == "" {
		final = model.StateResponded
		if decision.Source == model.SourceFallback {
			final = model.StateFallback
		}
	}
	var undelivered string
	if err := writeDecision(w, decision); err != nil {
		final = model.StateFailed
		undelivered = "response not delivered: " + err.Error()
	} else if f, ok := w.(http.Flusher); ok {
		// The platform has its answer now, not once the handler returns:
		// recording it (store, journal) happens while the client moves on,
		// and a response record that leads a group commit never holds back
		// the answer it records.
		f.Flush()
	}
	rc.finish(snapshot.ID, decision.Response(), final, undelivered, start, journaled)
}

// readBody reads at most MaxBody bytes. A larger body is cut at the limit
// (what arrived is still recorded) and the rest is not read.
func (rc *Receiver) readBody(w http.ResponseWriter, r *http.Request) (body []byte, size int64, truncated bool, err error) {
	limit := rc.cfg.MaxBody
	if r.ContentLength > limit {
		body, err = io.ReadAll(io.LimitReader(r.Body, limit))
		return body, r.ContentLength, true, err
	}
	if r.ContentLength >= 0 {
		// The length is known and within the limit (net/http reads no more
		// than it announces): one buffer of the right size, instead of
		// io.ReadAll's doubling from 512 bytes and the copies it makes.
		body = make([]byte, r.ContentLength)
		n, err := io.ReadFull(r.Body, body)
		return body[:n], int64(n), false, err
	}
	body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return body, int64(len(body)), true, nil
	}
	return body, int64(len(body)), false, err
}

// classify fills in what the profiles recognize and returns the proposed
// response. A non-empty state means the response is settled without asking
// the Responder (a rejection, or the ChatBot.com handshake).
func (rc *Receiver) classify(ex *model.Exchange, readErr error) (model.Decision, model.State) {
	c := rc.recognize(ex)
	req := &ex.Request

	switch {
	case readErr != nil:
		ex.Notes = ex.WithNote("reading the body failed: " + readErr.Error())
		return plain(http.StatusBadRequest, "hark: could not read the request body\n"), model.StateRejected
	case req.Truncated:
		ex.Notes = ex.WithNote("body larger than the " + strconv.FormatInt(rc.cfg.MaxBody, 10) + "-byte limit (--max-body): answered 413")
		return plain(http.StatusRequestEntityTooLarge, "hark: request body larger than "+strconv.FormatInt(rc.cfg.MaxBody, 10)+" bytes\n"), model.StateRejected
	}
	if c.Handshake {
		return platform.DefaultResponse(c), model.StateResponded
	}
	switch ex.Request.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return platform.DefaultResponse(c), ""
	case http.MethodGet, http.MethodHead:
		return plain(http.StatusOK, "hark is listening: send webhooks here with POST\n"), model.StateResponded
	case http.MethodOptions:
		d := plain(http.StatusNoContent, "")
		d.Headers["Allow"] = []string{allowed}
		return d, model.StateResponded
	}
	ex.Notes = ex.WithNote("method " + ex.Request.Method + " is not a webhook method: answered 405")
	d := plain(http.StatusMethodNotAllowed, "hark: method not allowed; webhooks are POSTed\n")
	d.Headers["Allow"] = []string{allowed}
	return d, model.StateRejected
}

// recognize fills in what the profiles recognize of an exchange's request:
// platform, kind, session, turns, the response contract, the signature.
func (rc *Receiver) recognize(ex *model.Exchange) platform.Classification {
	c := platform.ClassifyAt(&ex.Request, rc.cfg.Secrets, ex.Received) // signatures that carry their time are checked against it
	ex.Platform, ex.Kind, ex.SessionID = c.Platform, c.Kind, c.SessionID
	ex.Turns, ex.Record, ex.Use, ex.Deadline, ex.Also = c.Turns, c.Record, c.Use, c.Deadline, c.Also
	ex.Signature, ex.Notes = c.Signature, c.Notes
	if d, ok := rc.cfg.Deadlines[c.Platform]; ok && !c.Handshake && c.Use != model.UseIgnored {
		ex.Use, ex.Deadline = model.UseConsumed, d // the user said it: --deadline
	}
	for i := range ex.Turns {
		if ex.Turns[i].Time.IsZero() {
			ex.Turns[i].Time = ex.Received // the platform gave no time: when it arrived
		}
	}
	return c
}

func plain(status int, body string) model.Decision {
	return model.Decision{
		Status:  status,
		Headers: map[string][]string{"Content-Type": {"text/plain; charset=utf-8"}},
		Body:    []byte(body),
		Source:  model.SourceDefault,
	}
}

// journalRequest makes the request record durable before anything is
// answered, and reports whether it is. A failing journal never stops the
// platform from getting its response: it is logged and noted on the
// exchange.
func (rc *Receiver) journalRequest(ex *model.Exchange) bool {
	if rc.cfg.Journal == nil {
		return false
	}
	begin := rc.cfg.Now()
	off, err := rc.cfg.Journal.WriteRequest(ex)
	ex.Timings.Journal = rc.cfg.Now().Sub(begin)
	if err == nil {
		ex.Journal.Request = off
	} else {
		ex.Notes = ex.WithNote("not journaled: " + err.Error())
	}
	rc.journalWrote(err)
	return err == nil
}

// journalWrote logs the journal's turns between working and failing.
func (rc *Receiver) journalWrote(err error) {
	switch {
	case err != nil && rc.journalFailing.CompareAndSwap(false, true):
		rc.cfg.Logger.Error("journal write failed: exchanges are not recorded on disk until writes work again", "err", err)
	case err == nil && rc.journalFailing.CompareAndSwap(true, false):
		rc.cfg.Logger.Info("journal writes work again")
	}
}

func writeDecision(w http.ResponseWriter, d model.Decision) error {
	h := w.Header()
	for k, vs := range d.Headers {
		h[http.CanonicalHeaderKey(k)] = vs
	}
	h.Set("Content-Length", strconv.Itoa(len(d.Body)))
	status := d.Status
	if status < 100 || status > 999 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if len(d.Body) == 0 || status == http.StatusNoContent || status == http.StatusNotModified {
		return nil
	}
	_, err := w.Write(d.Body)
	return err
}

// finish records what went back (resp, nil when nothing did), in the
// store and, when its request is there (a response record without it is
// of no use), in the journal.
func (rc *Receiver) finish(id model.ExchangeID, resp *model.Response, state model.State, note string, start time.Time, journaled bool) {
	total := rc.cfg.Now().Sub(start)
	var final *model.Exchange // what the response record says
	if journaled {
		final = new(model.Exchange)
	}
	rc.cfg.Store.Update(id, func(ex *model.Exchange) {
		ex.State = state
		ex.Response = resp
		ex.Proposal = nil // answered: what went back is the Response
		ex.Timings.Total = total
		if note != "" {
			ex.Notes = ex.WithNote(note)
		}
		if final != nil {
			*final = *ex
		}
	})
	if journaled {
		// The record is queued whenever off is set, also when an earlier
		// write failed (err): it may yet reach the disk, and the journal
		// says where it really went if it did not land at off.
		off, err := rc.cfg.Journal.WriteResponse(final)
		if off > 0 {
			rc.cfg.Store.JournaledResponse(id, off)
		}
		if err != nil {
			rc.journalWrote(err)
		}
	}
}
