package receiver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/harkhq/hark/hop"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// Resending: the monitor sends an exchange's request again, as recorded or
// as the user edited it, re-signed where the profile can re-sign with the
// secrets the user gave. With a --forward target it goes there: hark is
// then the one that sends it, and records the new exchange itself (the
// target's answer as its response). Without one, it goes back into this
// receiver through hark's own URL and lives the life of any webhook
// (held, answered by a rule or the default, journaled).
//
// The new exchange carries its link to the original (model.Resent), in the
// store and the journal. A request that comes back in is recognized by a
// one-time token in the X-Hark-Resend header, which the receiver takes off
// before anything else sees the request: the journal, the monitor, a
// forward target. A token is random and good for one request, so no one
// else can make an exchange pass for a resend; a header with a token hark
// did not hand out is left as the client sent it.

// ResendHeader carries a resend's one-time token into the receiver.
const ResendHeader = "X-Hark-Resend"

// resendBook holds the tokens of resends on their way in.
type resendBook struct {
	mu      sync.Mutex
	pending map[string]*pendingResend
}

type pendingResend struct {
	link model.Resent
	id   chan model.ExchangeID // the new exchange's id, once it arrived
}

// expect hands out a token for a resend of link.
func (b *resendBook) expect(link model.Resent) (string, *pendingResend) {
	var raw [16]byte
	rand.Read(raw[:]) // never fails (crypto/rand)
	tok := hex.EncodeToString(raw[:])
	p := &pendingResend{link: link, id: make(chan model.ExchangeID, 1)}
	b.mu.Lock()
	if b.pending == nil {
		b.pending = make(map[string]*pendingResend)
	}
	b.pending[tok] = p
	b.mu.Unlock()
	return tok, p
}

func (b *resendBook) forget(tok string) {
	b.mu.Lock()
	delete(b.pending, tok)
	b.mu.Unlock()
}

// arrived links an exchange to the resend whose token its request carries,
// and takes the header off the request; a token not handed out, or used
// already, changes nothing.
func (b *resendBook) arrived(ex *model.Exchange, tok string, h http.Header) {
	b.mu.Lock()
	p, ok := b.pending[tok]
	delete(b.pending, tok)
	b.mu.Unlock()
	if !ok {
		return
	}
	h.Del(ResendHeader)
	link := p.link
	ex.Resent = &link
	p.id <- ex.ID
}

// Resender sends exchanges' requests again for the monitor.
type Resender struct {
	rc      *Receiver
	forward *Forwarder // nil: back into the receiver
	client  *http.Client
	self    atomic.Pointer[url.URL]
}

// ResendTimeout bounds a resend, answer included: the longest a platform
// waits, and a held resend's editor with it.
const ResendTimeout = hop.DefaultTimeout

// NewResender resends through rc; forward, when not nil, is the --forward
// target resends go to.
func NewResender(rc *Receiver, forward *Forwarder) *Resender {
	return &Resender{rc: rc, forward: forward, client: hop.NewClient(hop.ClientOptions{Timeout: ResendTimeout, IdlePerHost: 2})}
}

// SetSelf says where this receiver listens (hark's own local URL), for
// resends without a forward target. Until it is set they fail.
func (s *Resender) SetSelf(raw string) error {
	u, err := hop.ParseTarget(raw)
	if err != nil {
		return err
	}
	s.self.Store(u)
	return nil
}

// Close lets the client's idle connections go.
func (s *Resender) Close() { s.client.CloseIdleConnections() }

// ResendResult says how a resend went.
type ResendResult struct {
	ID       model.ExchangeID // the new exchange; 0 when none was recorded
	To       string           // where it was sent
	Status   int              // the answer's status; 0 when none came
	Latency  time.Duration
	Resigned string // what re-signing changed, "" when nothing
	Failure  string // why no answer came, "" when one did
}

// ErrNotListening is a resend into hark before it listens.
var ErrNotListening = errors.New("hark is not listening yet")

// Resend sends req (of's request, or the user's edit of it) again. An error
// means nothing was sent; a target that did not answer is a Failure, with
// the exchange recorded when hark recorded it.
func (s *Resender) Resend(ctx context.Context, of *model.Exchange, req model.Request, edited bool) (ResendResult, error) {
	if of.Evicted && len(req.Body) == 0 && of.Request.Size > 0 {
		return ResendResult{}, fmt.Errorf("the body of %s is no longer in memory (the journal has it: hark replay --id %d)", of.ID, of.ID)
	}
	req, did := platform.Resign(of.Platform, req, s.rc.cfg.Secrets)
	req.Headers = map[string][]string(hop.SendAgain(req.Headers))
	req.Size, req.Truncated = int64(len(req.Body)), false
	link := model.Resent{Of: of.ID, Edited: edited}
	var res ResendResult
	var err error
	if s.forward != nil {
		res = s.toForward(ctx, req, link)
	} else {
		res, err = s.toSelf(ctx, req, link)
	}
	res.Resigned = did
	return res, err
}

// toSelf sends the request into this receiver, with a token that links the
// exchange it makes to the original.
func (s *Resender) toSelf(ctx context.Context, req model.Request, link model.Resent) (ResendResult, error) {
	self := s.self.Load()
	if self == nil {
		return ResendResult{}, ErrNotListening
	}
	u := hop.Join(self, req.Path, req.RawQuery)
	hreq, err := http.NewRequestWithContext(ctx, req.Method, u, bytes.NewReader(req.Body))
	if err != nil {
		return ResendResult{}, err
	}
	hreq.Header = http.Header(req.Headers).Clone()
	hreq.ContentLength = int64(len(req.Body))
	if len(req.Body) == 0 {
		hreq.Body = http.NoBody
	}
	tok, p := s.rc.resends.expect(link)
	defer s.rc.resends.forget(tok)
	hreq.Header.Set(ResendHeader, tok)
	res := ResendResult{To: u}
	start := s.rc.cfg.Now()
	resp, err := s.client.Do(hreq)
	res.Latency = s.rc.cfg.Now().Sub(start)
	select {
	case res.ID = <-p.id:
	default: // it never reached the receiver
	}
	if err != nil {
		if res.ID == 0 {
			return res, errors.New(hop.Describe(err))
		}
		res.Failure = hop.Describe(err)
		return res, nil
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxForwardBody))
	resp.Body.Close()
	res.Status = resp.StatusCode
	return res, nil
}

// toForward sends the request to the forward target and records the
// exchange as the receiver would have: classified, journaled before it is
// sent, its answer recorded.
func (s *Resender) toForward(ctx context.Context, req model.Request, link model.Resent) ResendResult {
	rc := s.rc
	start := rc.cfg.Now()
	ex := &model.Exchange{ID: rc.cfg.Store.NextID(), Received: start, State: model.StateReceived, Resent: &link}
	req.Proto, req.Host, req.RemoteAddr = "HTTP/1.1", "", "" // hark sends it: no visitor, no edge
	ex.Request = req
	rc.recognize(ex)
	journaled := rc.journalRequest(ex)
	snapshot := *ex
	rc.cfg.Store.Add(ex)

	fw := s.forward.Forward(ctx, &snapshot, ResendTimeout)
	rc.cfg.Store.Update(snapshot.ID, func(e *model.Exchange) {
		e.Forward = fw
		e.Timings.Forward = fw.Latency
	})
	res := ResendResult{ID: snapshot.ID, To: fw.URL, Status: fw.Status, Latency: fw.Latency}
	if d, ok := ForwardDecision(fw); ok {
		rc.finish(snapshot.ID, d.Response(), model.StateResponded, "", start, journaled)
		return res
	}
	res.Failure = fw.Error
	rc.finish(snapshot.ID, nil, model.StateFailed, "resent to the forward target, which did not answer: "+fw.Error, start, journaled)
	return res
}
