package tui

import (
	"fmt"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// BenchmarkTimeline: the timeline of one session of 1 000, 10 000 and
// 100 000 exchanges (turns alternating user and bot, answers forwarded,
// deadlines): a redraw with nothing changed, a keypress moving the
// selection (a new drawing), and a new exchange arriving while the
// timeline follows the session. None grows with the session's length:
// only the rows on screen are looked at.
//
//	go test ./tui -run '^$' -bench Timeline -benchtime 2s
func BenchmarkTimeline(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			name := fmt.Sprintf("%dk/%dx%d", n/1000, size[0], size[1])
			bd := newBuilder()
			add := func(i int) {
				at := t0.Add(time.Duration(i) * 700 * time.Millisecond)
				role := model.RoleUser
				if i%2 == 1 {
					role = model.RoleAI
				}
				bd.store.Add(&model.Exchange{ID: bd.store.NextID(), Received: at, Platform: "generic", Kind: "message", SessionID: "long",
					Request:  model.Request{Method: "POST", Path: "/hook"},
					Turns:    []model.Turn{{Role: role, Text: "turn " + fmt.Sprint(i), Time: at}},
					Consumed: true, Deadline: 10 * time.Second, State: model.StateResponded,
					Response: &model.Response{Status: 200, Source: model.SourceForward},
					Forward:  &model.Forward{Status: 200, Latency: time.Duration(i%40) * 10 * time.Millisecond},
					Timings:  model.Timings{Forward: time.Duration(i%40) * 10 * time.Millisecond, Total: time.Duration(i%40)*10*time.Millisecond + 400*time.Microsecond}})
			}
			for i := 0; i < n; i++ {
				add(i)
			}
			m := New(Options{Store: bd.store, Now: fixedNow, Location: time.UTC})
			b.Cleanup(m.Close)
			do(m, sizeMsg(size[0], size[1]), darkBG, keyMsg("t"))
			m.View()
			b.Run(name+"/view", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					m.View()
				}
			})
			b.Run(name+"/key-move", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					m.Update(keyMsg(pick(i%2 == 0, "up", "down")))
					m.View()
				}
			})
			b.Run(name+"/new-exchange", func(b *testing.B) {
				do(m, keyMsg("G"))
				next := n
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					add(next)
					next++
					changes := m.sub.Drain()
					b.StartTimer()
					m.applyBatch(changes)
					m.View()
				}
			})
		}
	}
}
