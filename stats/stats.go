// Package stats computes where a conversation's time went: per session,
// how many exchanges, turns and errors, how long hark took to answer and
// the forward target to reply (p50, p95, max), the time between a user's
// turn and the bot's next one, and how close answers came to the
// platform's deadline. `hark stats` prints these figures for a journal and
// the monitor shows them in each session's header, from this one code.
//
// It reads model types only and knows nothing of terminals or files. A
// Session takes exchanges and turns as they come (the monitor's batches)
// at a cost that does not grow with what it already holds, and answers
// with exact percentiles.
package stats

import (
	"slices"
	"time"

	"github.com/harkhq/hark/model"
)

// Near is the share of the platform's deadline past which an answer is
// cutting it close.
const Near = 0.8

// Dist is a distribution of durations: how many, the median, the 95th
// percentile (nearest rank) and the largest.
type Dist struct {
	N             int
	P50, P95, Max time.Duration
}

// Summary is a session's figures.
type Summary struct {
	Exchanges int // webhooks received
	Answered  int // exchanges whose response went back
	Turns     int // turns with text (those of resends left out)
	Errors    int // exchanges rejected, failed or answered 4xx/5xx
	// DeadlineMisses are answers that went back after the platform's
	// deadline; NearMisses after Near of it but within it; Fallbacks,
	// holds that ran out so the proposal went back.
	DeadlineMisses, NearMisses, Fallbacks int
	Answer                                Dist // received → response written
	Forward                               Dist // the forward target's time, when there is one
	Gap                                   Dist // a user's turn → the bot's next turn
}

// Session accumulates one session's figures. The zero value is ready.
type Session struct {
	sum                 Summary
	answer, forward     series
	gap                 series
	gaps                GapFinder
	turnsAt             int
	recent              [recentLen]time.Duration
	recentN, recentNext int
}

// recentLen is how many of the latest answer times Recent can give.
const recentLen = 64

// Received counts an exchange that arrived, answered or not yet.
func (s *Session) Received() { s.sum.Exchanges++ }

// Answered adds an exchange whose response has gone back (its state is
// final). Each exchange is to be added once.
func (s *Session) Answered(ex *model.Exchange) {
	s.sum.Answered++
	if ex.Failed() {
		s.sum.Errors++
	}
	if ex.State == model.StateFallback {
		s.sum.Fallbacks++
	}
	if ex.Response == nil {
		return // rejected or failed before an answer: no time to count
	}
	t := ex.Timings.Total
	s.answer.add(t)
	s.recent[s.recentNext] = t
	s.recentNext = (s.recentNext + 1) % recentLen
	s.recentN = min(s.recentN+1, recentLen)
	if ex.Forward != nil && ex.Forward.Error == "" && ex.Forward.Status != 0 {
		s.forward.add(ex.Forward.Latency)
	}
	switch DeadlineUse(ex) {
	case Missed:
		s.sum.DeadlineMisses++
	case Close:
		s.sum.NearMisses++
	}
}

// Turns takes the session's turns, which only ever grow (model.Session's
// rule): the turns past those it already took are counted.
func (s *Session) Turns(turns []model.Turn) {
	if s.turnsAt > len(turns) {
		s.turnsAt = 0 // another session's turns: start over
	}
	s.NewTurns(turns[s.turnsAt:])
	s.turnsAt = len(turns)
}

// NewTurns takes turns that follow all those it took before, in the
// conversation's order (an exchange's turns as it arrives, with their
// Exchange and Resent set as the store sets them), and returns the gaps
// they close. It is for a session whose turns are not all kept (a live
// store lets the oldest go); a Session takes turns either this way or
// through Turns.
func (s *Session) NewTurns(turns []model.Turn) []Gap {
	for _, t := range turns {
		if t.Text != "" && !t.Resent {
			s.sum.Turns++
		}
	}
	gaps := s.gaps.Next(turns)
	for _, g := range gaps {
		s.gap.add(g.Bot.Sub(g.User))
	}
	return gaps
}

// Summary is the figures so far.
func (s *Session) Summary() Summary {
	sum := s.sum
	sum.Answer, sum.Forward, sum.Gap = s.answer.dist(), s.forward.dist(), s.gap.dist()
	return sum
}

// Recent returns the latest answer times, oldest first, at most n (and at
// most 64).
func (s *Session) Recent(n int) []time.Duration {
	n = min(n, s.recentN)
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = s.recent[(s.recentNext-n+i+recentLen)%recentLen]
	}
	return out
}

// Use is how much of the platform's deadline an answer took.
type Use int

const (
	Unbounded Use = iota // the platform waits for no body, or sets no deadline
	Within
	Close  // past Near of the deadline
	Missed // at or past the deadline
)

// DeadlineUse says how close an answered exchange came to its deadline.
func DeadlineUse(ex *model.Exchange) Use {
	return DeadlineUseOf(ex.Consumed(), ex.Deadline, ex.Timings.Total)
}

// DeadlineUseOf is DeadlineUse from the parts: whether the platform acts
// on the answer, its deadline, and how long the answer took.
func DeadlineUseOf(consumed bool, deadline, took time.Duration) Use {
	switch {
	case !consumed || deadline <= 0:
		return Unbounded
	case took >= deadline:
		return Missed
	case float64(took) >= Near*float64(deadline):
		return Close
	}
	return Within
}

// Of is the figures of one session with all of its exchanges at hand (a
// journal): its turns from the session (as a model.Store rebuilds them),
// every exchange counted, the answered ones timed.
func Of(sess *model.Session, exchanges []*model.Exchange) Summary {
	var s Session
	for _, ex := range exchanges {
		s.Received()
		if ex.State.Final() {
			s.Answered(ex)
		}
	}
	s.Turns(sess.Turns)
	return s.Summary()
}

// series keeps durations sorted, taking new ones in batches: those added
// since the last dist are sorted on their own and merged in place from the
// back, so a dist after a few new values costs a merge (a move of memory
// at worst), neither a sort of everything nor a new slice.
type series struct {
	sorted, fresh []time.Duration
}

func (s *series) add(d time.Duration) { s.fresh = append(s.fresh, d) }

func (s *series) dist() Dist {
	if f := len(s.fresh); f > 0 {
		slices.Sort(s.fresh)
		n := len(s.sorted)
		s.sorted = slices.Grow(s.sorted, f)[:n+f]
		i, j := n-1, f-1
		for k := n + f - 1; j >= 0; k-- {
			if i >= 0 && s.sorted[i] > s.fresh[j] {
				s.sorted[k] = s.sorted[i]
				i--
			} else {
				s.sorted[k] = s.fresh[j]
				j--
			}
		}
		s.fresh = s.fresh[:0]
	}
	n := len(s.sorted)
	if n == 0 {
		return Dist{}
	}
	return Dist{N: n, P50: s.sorted[rank(0.50, n)], P95: s.sorted[rank(0.95, n)], Max: s.sorted[n-1]}
}

// rank is the index of the nearest-rank percentile p of n sorted values.
func rank(p float64, n int) int {
	r := int(p*float64(n)+0.999999999) - 1 // ⌈p·n⌉, from 1
	return min(max(r, 0), n-1)
}
