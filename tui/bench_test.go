package tui

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

// Benchmarks for the figures in the README: the cost of folding a batch of
// store changes into the monitor, of a redraw, and of a keypress (Update and
// View), with 10 000 and 100 000 exchanges in 1 000 sessions, to show that
// the redraw does not grow with history. Run:
//
//	go test ./tui -run '^$' -bench . -benchtime 2s

const benchSessions = 1000

// feeder makes realistic NavTalk-shaped exchanges spread over sessions.
type feeder struct {
	store *model.Store
	arc   *memArchive // the journal the store reads evicted exchanges back from, if any
	n     int
}

func (f *feeder) add(count int) {
	for i := 0; i < count; i++ {
		n := f.n
		f.n++
		sid := fmt.Sprintf("%08x-5b8d-4e0a-9f61-2d4b8c9e0a17", n%benchSessions)
		at := t0.Add(time.Duration(n) * 10 * time.Millisecond)
		l := navtalkLines[n%len(navtalkLines)]
		body := `{"event":"conversation.output","sessionId":"` + sid + `","role":"` + string(l.role) +
			`","timestamp":"` + at.Format(time.RFC3339Nano) + `","message":` + strconv.Quote(l.text) + `}`
		ex := &model.Exchange{
			ID: f.store.NextID(), Received: at, Platform: "navtalk", Kind: "message", SessionID: sid,
			Request: model.Request{Method: "POST", Path: "/api/webhook/message", Body: []byte(body), Size: int64(len(body)),
				Headers: map[string][]string{"Content-Type": {"application/json"}}},
			Turns:    []model.Turn{{Role: l.role, Text: l.text, Time: at}},
			State:    model.StateResponded,
			Response: &model.Response{Status: 200, Source: model.SourceDefault},
			Timings:  model.Timings{Total: 600 * time.Microsecond},
		}
		if f.arc != nil {
			f.arc.journaled(ex)
		}
		f.store.Add(ex)
	}
}

// liveFeeder feeds a store as `hark` runs it: the newest exchanges whole,
// the others read back from the journal.
func liveFeeder() *feeder {
	arc := &memArchive{exs: map[int64]model.Exchange{}}
	return &feeder{store: model.NewStore(model.StoreOptions{Archive: arc}), arc: arc}
}

// loaded returns a monitor that has received total exchanges through its
// subscription, in batches of 500, at w×h.
func loaded(b *testing.B, total, w, h int) (*Model, *feeder) {
	b.Helper()
	f := liveFeeder()
	m := New(Options{Store: f.store, Endpoint: testEndpoint(), Now: fixedNow, Location: time.UTC})
	b.Cleanup(m.Close)
	do(m, sizeMsg(w, h), darkBG)
	for f.n < total {
		f.add(min(500, total-f.n))
		m.applyBatch(m.sub.Drain())
	}
	m.View()
	return m, f
}

func heapMB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// BenchmarkBatch100k: one batch of 500 new exchanges folded into a monitor
// that already holds 100 000 in 1 000 sessions, then the redraw that
// follows it (following the newest session).
func BenchmarkBatch100k(b *testing.B) {
	m, f := loaded(b, 100_000, 160, 48)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f.add(500)
		changes := m.sub.Drain()
		b.StartTimer()
		m.applyBatch(changes)
		m.View()
	}
}

// BenchmarkView: a redraw with nothing changed, and a keypress (Update and
// View) moving through sessions (each new session's transcript drawn for
// the first time) and through a transcript, at 10 000 and 100 000
// exchanges: the costs do not grow with history.
func BenchmarkView(b *testing.B) {
	for _, total := range []int{10_000, 100_000} {
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			name := fmt.Sprintf("%dk/%dx%d", total/1000, size[0], size[1])
			var m *Model
			setup := func(b *testing.B) {
				if m == nil {
					m, _ = loaded(b, total, size[0], size[1])
				}
			}
			b.Run(name+"/view", func(b *testing.B) {
				setup(b)
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					m.View()
				}
			})
			b.Run(name+"/key-next-session", func(b *testing.B) {
				setup(b)
				do(m, keyMsg("esc"), keyMsg("g"))
				m.focus = focusSessions
				down := keyMsg("down")
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if m.sel.idx == len(m.ix.vis)-1 {
						b.StopTimer()
						do(m, keyMsg("g"))
						for _, e := range m.ix.vis {
							e.tc = nil // keep every move a first draw
						}
						b.StartTimer()
					}
					m.Update(down)
					m.View()
				}
			})
			b.Run(name+"/key-transcript", func(b *testing.B) {
				setup(b)
				m.focus = focusMain
				up, down := keyMsg("up"), keyMsg("down")
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if i%200 < 100 {
						m.Update(up)
					} else {
						m.Update(down)
					}
					m.View()
				}
			})
			// Typing a filter, a key at a time: the first key looks at
			// every session, the next ones only at what still matches.
			b.Run(name+"/key-filter-typing", func(b *testing.B) {
				setup(b)
				m.focus = focusSessions
				word := []rune("window seat")
				do(m, keyMsg("/"))
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					k := i % len(word)
					if k == 0 {
						b.StopTimer()
						do(m, keyMsg("esc"), keyMsg("/"))
						m.ix.memos = nil
						b.StartTimer()
					}
					m.Update(tea.KeyPressMsg{Code: word[k], Text: string(word[k])})
					m.View()
				}
				b.StopTimer()
				do(m, keyMsg("esc"))
			})
			// Words that each occur in every session but never in one
			// exchange: every exchange must be looked at. The keypress does
			// the first part; the rest follows in steps.
			b.Run(name+"/key-filter-split", func(b *testing.B) {
				setup(b)
				m.focus = focusSessions
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					do(m, keyMsg("esc"), keyMsg("/"))
					m.ix.memos = nil
					b.StartTimer()
					m.Update(tea.PasteMsg{Content: "window rivera"})
					m.View()
				}
				b.StopTimer()
				do(m, keyMsg("esc"))
			})
			b.Run(name+"/filter-split-complete", func(b *testing.B) {
				setup(b)
				m.focus = focusSessions
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					do(m, keyMsg("esc"), keyMsg("/"))
					m.ix.memos = nil
					b.StartTimer()
					m.Update(tea.PasteMsg{Content: "window rivera"})
					for m.ix.pending {
						m.Update(filterStepMsg{})
						m.View()
					}
					m.View()
				}
				b.StopTimer()
				do(m, keyMsg("esc"))
			})
			// The worst case: a change that is not a narrowing, to a filter
			// nothing matches and never seen before, so every exchange of
			// every session is looked at.
			b.Run(name+"/key-filter-worst", func(b *testing.B) {
				setup(b)
				m.focus = focusSessions
				do(m, keyMsg("/"))
				do(m, typed("xyzzy")...)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					do(m, keyMsg("q"))
					m.ix.memos, m.ix.narrowFrom = nil, 0
					b.StartTimer()
					m.Update(keyMsg("backspace")) // a wider filter, never seen
					m.View()
				}
				b.StopTimer()
				do(m, keyMsg("esc"))
			})
		}
	}
}

// BenchmarkLoad100k: starting the monitor over a store that already holds
// 100 000 exchanges in 1 000 sessions (hark open: all of them whole), with
// the memory the store and the monitor's index take.
func BenchmarkLoad100k(b *testing.B) {
	base := heapMB()
	f := &feeder{store: model.NewStore(model.StoreOptions{Keep: -1})}
	f.add(100_000)
	store := heapMB() - base
	var m *Model
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if m != nil {
			m.Close()
		}
		m = New(Options{Store: f.store, Now: fixedNow, Location: time.UTC})
		do(m, sizeMsg(160, 48))
		m.View()
	}
	b.StopTimer()
	tui := heapMB() - base - store
	b.ReportMetric(store, "store-MB")
	b.ReportMetric(tui, "tui-MB")
	m.Close()
}

// BenchmarkOneSession100k: 100 000 exchanges in a single session (webhooks
// with no session id all land in "unsorted"): a redraw and moving through
// its transcript cost the same as in a short one.
func BenchmarkOneSession100k(b *testing.B) {
	bd := newBuilder()
	for i := 0; i < 100_000; i++ {
		at := t0.Add(time.Duration(i) * time.Millisecond)
		bd.store.Add(&model.Exchange{ID: bd.store.NextID(), Received: at, Platform: "generic", Kind: "message",
			Request:  model.Request{Method: "POST", Path: "/hook"},
			Turns:    []model.Turn{{Role: model.RoleUser, Text: "message number " + strconv.Itoa(i), Time: at}},
			State:    model.StateResponded,
			Response: &model.Response{Status: 200}})
	}
	m := New(Options{Store: bd.store, Now: fixedNow, Location: time.UTC})
	b.Cleanup(m.Close)
	do(m, sizeMsg(160, 48), keyMsg("tab"))
	m.View()
	b.Run("view", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m.View()
		}
	})
	b.Run("key-up", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m.Update(keyMsg("up"))
			m.View()
		}
	})
	b.Run("key-pgup", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m.Update(keyMsg("pgup"))
			m.View()
		}
	})
}

// BenchmarkInspectorOpen: opening the inspector on an exchange (fetching it
// from the store, formatting and colouring its JSON) and drawing it.
func BenchmarkInspectorOpen(b *testing.B) {
	m, _ := loaded(b, 100_000, 160, 48)
	do(m, keyMsg("tab"))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Update(keyMsg("enter"))
		m.View()
		m.Update(keyMsg("esc"))
	}
}

// BenchmarkBodySearch100k: searching the bodies of 100 000 exchanges in
// 1 000 sessions, over a history (plain words search bodies; each session's
// bodies' text is built the first time a filter needs it) and live (body:
// looks each exchange up in the store). key-typing is one keypress (Update
// and View) while typing a word that no body holds, the worst case: every
// session must be ruled out. complete is a whole filter, every step, with
// the sessions' text already built; first-complete includes building it.
func BenchmarkBodySearch100k(b *testing.B) {
	history := &feeder{store: model.NewStore(model.StoreOptions{Keep: -1})} // hark open
	history.add(100_000)
	live := liveFeeder() // the keypress decides the newest; the journal is read in the background
	live.add(100_000)
	for _, mode := range []struct {
		name     string
		readOnly bool
		prefix   string
		f        *feeder
	}{{"history", true, "", history}, {"live", false, "body:", live}} {
		m := New(Options{Store: mode.f.store, ReadOnly: mode.readOnly, Now: fixedNow, Location: time.UTC})
		b.Cleanup(m.Close)
		do(m, sizeMsg(160, 48), darkBG)
		m.View()
		m.focus = focusSessions
		finish := func() {
			for m.ix.pending {
				m.Update(filterStepMsg{})
				m.View()
			}
		}
		reset := func() {
			do(m, keyMsg("esc"), keyMsg("/"))
			m.ix.memos, m.ix.narrowFrom = nil, 0
		}
		if mode.readOnly {
			// The first keypress of a body search: it builds what the
			// budget allows of the sessions' text.
			b.Run(mode.name+"/first-key", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					for _, e := range m.ix.entries {
						e.bodies, e.bodiesBuilt = "", false
					}
					reset()
					b.StartTimer()
					m.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
					m.View()
				}
			})
			b.Run(mode.name+"/first-complete", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					for _, e := range m.ix.entries {
						e.bodies, e.bodiesBuilt = "", false
					}
					reset()
					b.StartTimer()
					m.Update(tea.PasteMsg{Content: mode.prefix + "xylophone"})
					m.View()
					finish()
				}
			})
		}
		b.Run(mode.name+"/complete", func(b *testing.B) {
			reset()
			m.Update(tea.PasteMsg{Content: mode.prefix + "xylophone"})
			finish()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				reset()
				b.StartTimer()
				m.Update(tea.PasteMsg{Content: mode.prefix + "xylophone"})
				m.View()
				finish()
			}
		})
		b.Run(mode.name+"/key-typing", func(b *testing.B) {
			word := []rune(mode.prefix + "xylophone")
			start := len([]rune(mode.prefix))
			reset()
			m.Update(tea.PasteMsg{Content: string(word)})
			finish()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := start + i%(len(word)-start)
				if k == start {
					b.StopTimer()
					reset()
					m.Update(tea.PasteMsg{Content: string(word[:start])})
					finish()
					b.StartTimer()
				}
				m.Update(tea.KeyPressMsg{Code: word[k], Text: string(word[k])})
				m.View()
			}
		})
		do(m, keyMsg("esc"))
	}
}
