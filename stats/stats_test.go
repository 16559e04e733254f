package stats

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func ms(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

func answered(id int, total time.Duration, opts ...func(*model.Exchange)) *model.Exchange {
	ex := &model.Exchange{ID: model.ExchangeID(id), Received: t0.Add(time.Duration(id) * time.Second), State: model.StateResponded,
		Response: &model.Response{Status: 200}, Timings: model.Timings{Total: total}}
	for _, o := range opts {
		o(ex)
	}
	return ex
}

// Twenty answers of 1..20 ms: the nearest-rank median is the 10th, the
// 95th percentile the 19th.
func TestSessionFigures(t *testing.T) {
	var exs []*model.Exchange
	for i := 1; i <= 20; i++ {
		exs = append(exs, answered(i, ms(float64(i))))
	}
	consumed := func(total, deadline time.Duration) func(*model.Exchange) {
		return func(ex *model.Exchange) { ex.Use, ex.Deadline, ex.Timings.Total = model.UseConsumed, deadline, total }
	}
	fwd := func(lat time.Duration) func(*model.Exchange) {
		return func(ex *model.Exchange) {
			ex.Forward = &model.Forward{Status: 200, Latency: lat}
			ex.Timings.Forward = lat
		}
	}
	exs[0].Forward = &model.Forward{Error: "down", Latency: ms(3)} // failed forwards are not timed
	exs[1] = answered(2, ms(2), fwd(ms(1.5)))
	exs[2] = answered(3, ms(3), fwd(ms(2.5)))
	exs = append(exs,
		answered(21, 9500*time.Millisecond, consumed(9500*time.Millisecond, 10*time.Second), func(ex *model.Exchange) { ex.State = model.StateFallback }),
		answered(22, 11*time.Second, consumed(11*time.Second, 10*time.Second)),
		answered(23, ms(100), consumed(ms(100), 10*time.Second), func(ex *model.Exchange) { ex.Response.Status = 502 }),
		&model.Exchange{ID: 24, State: model.StateRejected},                                      // no response: no time
		&model.Exchange{ID: 25, State: model.StateHeld, Response: nil, Timings: model.Timings{}}, // not answered yet
	)
	sess := &model.Session{Turns: []model.Turn{
		{Role: model.RoleAI, Text: "Hello!", Time: t0},                    // a greeting: no gap
		{Role: model.RoleSystem, Marker: "created", Time: t0},             // a marker: not a turn
		{Role: model.RoleUser, Text: "Hi", Time: t0.Add(1 * time.Second)}, // answered 2 s later
		{Role: model.RoleAI, Text: "How can I help?", Time: t0.Add(3 * time.Second), Exchange: 7},
		{Role: model.RoleUser, Text: "A table", Time: t0.Add(10 * time.Second)},
		{Role: model.RoleUser, Text: "for two", Time: t0.Add(11 * time.Second)}, // the gap runs from here
		{Role: model.RoleAI, Text: "Done", Time: t0.Add(15 * time.Second)},
		{Role: model.RoleAI, Text: "Anything else?", Time: t0.Add(16 * time.Second)}, // no user turn before: no gap
		{Role: model.RoleUser, Text: "Hours?", Time: t0.Add(20 * time.Second), Exchange: 9},
		{Role: model.RoleAI, Text: "9 to 5", Time: t0.Add(20 * time.Second), Exchange: 9},     // the same webhook: no gap
		{Role: model.RoleUser, Text: "A table", Time: t0.Add(17 * time.Second), Resent: true}, // hark's resends: not the conversation's
		{Role: model.RoleAI, Text: "Done", Time: t0.Add(18 * time.Second), Resent: true},
	}}
	got := Of(sess, exs)
	want := Summary{
		Exchanges: 25, Answered: 24, Turns: 9, Errors: 2, DeadlineMisses: 1, NearMisses: 1, Fallbacks: 1,
		Answer:  Dist{N: 23, P50: ms(12), P95: 9500 * time.Millisecond, Max: 11 * time.Second},
		Forward: Dist{N: 2, P50: ms(1.5), P95: ms(2.5), Max: ms(2.5)},
		Gap:     Dist{N: 2, P50: 2 * time.Second, P95: 4 * time.Second, Max: 4 * time.Second},
	}
	if got != want {
		t.Errorf("figures:\n got %+v\nwant %+v", got, want)
	}
}

// Taken in batches with figures asked in between, as the monitor does,
// the percentiles are those of everything at once.
func TestSessionIncremental(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	var s Session
	var all []time.Duration
	var turns []model.Turn
	for batch := 0; batch < 40; batch++ {
		for i := 0; i < rnd.IntN(30); i++ {
			d := time.Duration(rnd.IntN(5000)) * time.Microsecond
			all = append(all, d)
			s.Received()
			s.Answered(answered(len(all), d))
			role := model.RoleUser
			if rnd.IntN(2) == 0 {
				role = model.RoleAI
			}
			turns = append(turns, model.Turn{Role: role, Text: "x", Time: t0.Add(time.Duration(len(turns)) * time.Second)})
		}
		s.Turns(turns)
		got := s.Summary()
		sorted := slices.Sorted(slices.Values(all))
		if n := len(sorted); n > 0 {
			want := Dist{N: n, P50: sorted[(n+1)/2-1], P95: sorted[(95*n+99)/100-1], Max: sorted[n-1]}
			if got.Answer != want {
				t.Fatalf("batch %d: %+v, want %+v", batch, got.Answer, want)
			}
		}
		if got.Turns != len(turns) {
			t.Fatalf("batch %d: %d turns, want %d", batch, got.Turns, len(turns))
		}
	}
	if r := s.Recent(5); len(r) != 5 || r[4] != all[len(all)-1] || r[0] != all[len(all)-5] {
		t.Errorf("recent %v, last answers %v", r, all[len(all)-5:])
	}
	if r := (&Session{}).Recent(5); len(r) != 0 {
		t.Errorf("recent of nothing: %v", r)
	}
}

// Taken an exchange's turns at a time, as they arrive (a live session
// whose oldest turns are let go), the figures are those of all the turns
// at once, and each gap is told as it is closed.
func TestSessionNewTurns(t *testing.T) {
	var all []model.Turn
	for i := range 300 {
		role := model.RoleUser
		if i%3 != 0 {
			role = model.RoleAI // some bot turns come with the user's, in one exchange
		}
		all = append(all, model.Turn{Role: role, Text: "x", Time: t0.Add(time.Duration(i) * time.Second), Exchange: model.ExchangeID(i/2 + 1), Resent: i%50 == 7})
	}
	var whole, fed Session
	whole.Turns(all)
	var told []Gap
	for i := 0; i < len(all); i += 2 {
		told = append(told, fed.NewTurns(all[i:i+2])...)
	}
	if got, want := fed.Summary(), whole.Summary(); got != want {
		t.Errorf("fed as they came:\n got %+v\nwant %+v", got, want)
	}
	var finder GapFinder
	if want := finder.Next(all); !slices.Equal(told, want) || len(told) == 0 {
		t.Errorf("gaps told %d, want the %d found in all the turns", len(told), len(want))
	}
}

func TestDeadlineUse(t *testing.T) {
	for _, c := range []struct {
		consumed       bool
		deadline, took time.Duration
		want           Use
	}{
		{false, 10 * time.Second, 11 * time.Second, Unbounded},
		{true, 0, time.Second, Unbounded},
		{true, 10 * time.Second, 7 * time.Second, Within},
		{true, 10 * time.Second, 8 * time.Second, Close},
		{true, 10 * time.Second, 10 * time.Second, Missed},
	} {
		if got := DeadlineUseOf(c.consumed, c.deadline, c.took); got != c.want {
			t.Errorf("%+v: %v", c, got)
		}
	}
}
