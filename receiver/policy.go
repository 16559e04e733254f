package receiver

import (
	"context"
	"time"

	"github.com/harkhq/hark/model"
)

// Policy is the Responder of the life of an exchange (ARCHITECTURE.md): the response is
// the first of a held decision from the user, a rule, the forward target's
// answer, and the profile's pass-through default. A held exchange whose
// deadline passes gets the fallback (its current proposal), marked so.
type Policy struct {
	Store     *model.Store
	Intercept *model.Intercept // nil: never hold
	Holds     *model.Holds
	Rules     *model.Rules // nil: no rules
	Forward   *Forwarder   // nil: no --forward
	// Deadlines override the profiles' deadlines, by platform name
	// (--deadline PLATFORM=DURATION).
	Deadlines map[string]time.Duration
	Now       func() time.Time
	// After is the timer (time.After unless a test injects a clock).
	After func(time.Duration) <-chan time.Time
}

// DefaultDeadline is how long hark waits for a forward target or the user
// when the platform documents no deadline (its response is ignored).
const DefaultDeadline = 10 * time.Second

// Budget is how long hark may take to answer an exchange: the platform's
// deadline (or the override) minus a safety margin for the trip back.
func (p *Policy) Budget(ex *model.Exchange) time.Duration {
	d := ex.Deadline
	if over, ok := p.Deadlines[ex.Platform]; ok {
		d = over
	}
	if d <= 0 {
		d = DefaultDeadline
	}
	return d - SafetyMargin(d)
}

// SafetyMargin is kept before a deadline: a tenth of it, between 250 ms and
// 1.5 s, for the response to travel back through ngrok.
func SafetyMargin(deadline time.Duration) time.Duration {
	return min(max(deadline/10, 250*time.Millisecond), 1500*time.Millisecond, deadline/2)
}

// Respond decides the response of one exchange.
func (p *Policy) Respond(ctx context.Context, ex model.Exchange, def model.Decision) model.Decision {
	now, after := p.clock()
	deadline := ex.Received.Add(p.Budget(&ex))
	forwarded := p.startForward(ctx, &ex, deadline.Sub(now()))

	if p.Intercept != nil && p.Holds != nil && p.Intercept.Holds(&ex) {
		proposal := def
		if r, ok := findRule(p.Rules, &ex); ok {
			proposal = r.Decision()
		}
		if hold := p.Holds.Hold(ex.ID); hold != nil {
			d := p.hold(ctx, &ex, hold, proposal, deadline, forwarded, now, after)
			if d.Source == model.SourceRule && p.Rules != nil {
				p.Rules.Use(d.Rule)
			}
			return d
		}
		// Holds have ended: hark is exiting; answer as if not held.
	}
	fw := p.await(forwarded) // also when a rule answers: its record goes in the journal
	if p.Rules != nil {
		if r, ok := p.Rules.Take(&ex); ok {
			return r.Decision()
		}
	}
	if fd, ok := ForwardDecision(fw); ok {
		return fd
	}
	if fw != nil {
		p.note(ex.ID, "forward target failed ("+fw.Error+"): answered with the default")
	}
	return def
}

// hold waits for the user, the forward target, the deadline or the exit.
// The exchange is recorded as held, with its proposal, in the store: that
// record is what the monitor reads, and a new proposal reaches it the same
// way. The way for the user's decision (hold) is open before the record is
// made, so whoever sees the exchange held can decide it.
func (p *Policy) hold(ctx context.Context, ex *model.Exchange, hold *model.Hold, proposal model.Decision, deadline time.Time, forwarded <-chan *model.Forward, now func() time.Time, after func(time.Duration) <-chan time.Time) model.Decision {
	defer hold.End()
	start := now()
	p.propose(ex.ID, proposal, func(e *model.Exchange) {
		e.State = model.StateHeld
		e.HeldUntil = deadline
	})
	timeout := after(deadline.Sub(start))
	var d model.Decision
	note := ""
wait:
	for {
		select {
		case d = <-hold.Decided():
			break wait
		case fw := <-forwarded:
			forwarded = nil
			// The forward answer outranks the default as a proposal, not a
			// rule (which is the user's own earlier edit). The editor keeps
			// what the user is typing and sets the new proposal aside.
			if fd, ok := ForwardDecision(fw); ok && proposal.Source != model.SourceRule {
				proposal = fd
				p.propose(ex.ID, proposal, nil)
			}
		case <-timeout:
			d, note = fallback(proposal), "deadline reached with nobody deciding: the proposal was sent as fallback"
			break wait
		case <-hold.Released():
			d, note = fallback(proposal), "released on exit: the proposal was sent as fallback"
			break wait
		case <-ctx.Done():
			d, note = fallback(proposal), "the platform hung up while the exchange was held"
			break wait
		}
	}
	held := now().Sub(start)
	p.Store.Update(ex.ID, func(e *model.Exchange) {
		e.Timings.Hold = held
		if note != "" {
			e.Notes = e.WithNote(note)
		}
	})
	if forwarded != nil { // the answer goes with the journal record
		p.await(forwarded)
	}
	return d
}

// propose records the current proposal of a held exchange in the store,
// with whatever else changes at the same moment.
func (p *Policy) propose(id model.ExchangeID, d model.Decision, also func(*model.Exchange)) {
	p.Store.Update(id, func(e *model.Exchange) {
		e.Proposal = &d
		if also != nil {
			also(e)
		}
	})
}

func fallback(proposal model.Decision) model.Decision {
	proposal.Source = model.SourceFallback
	return proposal
}

// startForward sends the exchange to --forward in the background; the
// channel yields its result once, and nil when there is no forward target.
func (p *Policy) startForward(ctx context.Context, ex *model.Exchange, budget time.Duration) <-chan *model.Forward {
	if p.Forward == nil {
		return nil
	}
	ch := make(chan *model.Forward, 1)
	own := *ex // the goroutine's copy, so that the caller's stays on its stack
	go func() {
		fw := p.Forward.Forward(context.WithoutCancel(ctx), &own, budget)
		p.Store.Update(own.ID, func(e *model.Exchange) {
			e.Forward = fw
			e.Timings.Forward = fw.Latency
		})
		ch <- fw
	}()
	return ch
}

// await waits for the forward result, which comes within its budget.
func (p *Policy) await(forwarded <-chan *model.Forward) *model.Forward {
	if forwarded == nil {
		return nil
	}
	return <-forwarded
}

func (p *Policy) note(id model.ExchangeID, note string) {
	p.Store.Update(id, func(e *model.Exchange) { e.Notes = e.WithNote(note) })
}

func (p *Policy) clock() (func() time.Time, func(time.Duration) <-chan time.Time) {
	now, after := p.Now, p.After
	if now == nil {
		now = time.Now
	}
	if after == nil {
		after = time.After
	}
	return now, after
}

// findRule tolerates a run without rules.
func findRule(rs *model.Rules, ex *model.Exchange) (model.Rule, bool) {
	if rs == nil {
		return model.Rule{}, false
	}
	return rs.Find(ex)
}
