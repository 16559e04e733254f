package tui

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/filter"
	"github.com/harkhq/hark/model"
)

// The index's rows read an exchange as filter.RowOf does, so that the
// monitor and `hark listen --filter` match the same exchanges.
func TestRowsAreFilterRows(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	b.chatbot(t0.Add(time.Minute))
	b.moveo(t0.Add(2 * time.Minute))
	b.hostile(t0.Add(3 * time.Minute))
	m := newTestModel(t, b)
	n := 0
	b.store.Exchanges(func(ex model.Exchange) bool {
		n++
		r := m.ix.rows[ex.ID]
		if want := filter.RowOf(&ex); r == nil || !reflect.DeepEqual(r.Row, want) {
			t.Errorf("%s: row %+v, filter.RowOf %+v", ex.ID, r, want)
		}
		return true
	})
	if n == 0 {
		t.Fatal("no exchanges")
	}
}

// Filtering a session list keeps only sessions with a matching exchange, and
// counts stay right as exchanges change after the filter was set.
func TestFilterIncremental(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	b.moveo(t0.Add(time.Minute))
	m := newTestModel(t, b)
	m.filter.set(filter.Parse("state:held"))
	if len(m.ix.vis) != 1 || m.ix.vis[0].key.Platform != "moveo" {
		t.Fatalf("visible sessions: %d", len(m.ix.vis))
	}
	// The held exchange is answered: nothing matches any more.
	var held model.ExchangeID
	b.store.Exchanges(func(ex model.Exchange) bool {
		if ex.State == model.StateHeld {
			held = ex.ID
		}
		return true
	})
	b.store.Update(held, func(ex *model.Exchange) {
		ex.State = model.StateResponded
		ex.Response = &model.Response{Status: 200}
	})
	m.applyBatch(m.sub.Drain())
	if len(m.ix.vis) != 0 {
		t.Fatalf("a session without held exchanges is still listed")
	}
	m.filter.clear()
	if len(m.ix.vis) != 2 {
		t.Fatalf("clearing the filter lists %d sessions, want 2", len(m.ix.vis))
	}
}

// Typing, deleting and retyping a filter while exchanges keep arriving
// lists exactly the sessions a full evaluation would, whatever shortcuts
// (narrowing, remembered results) the index takes.
func TestFilterShortcutsAgreeWithFullScan(t *testing.T) {
	b := newBuilder()
	b.crowd(t0, 30)
	b.navtalk(t0.Add(time.Minute))
	b.moveo(t0.Add(2 * time.Minute))
	m := newTestModel(t, b)
	check := func(step string) {
		t.Helper()
		want := map[model.SessionKey]bool{}
		for _, e := range m.ix.entries {
			for _, r := range e.rows {
				if m.ix.filter.Match(&r.Row, nil) {
					want[e.key] = true
				}
			}
		}
		if m.ix.filter.Empty() {
			for k := range m.ix.entries {
				want[k] = true
			}
		}
		got := map[model.SessionKey]bool{}
		for _, e := range m.ix.vis {
			got[e.key] = true
		}
		if len(got) != len(want) {
			t.Fatalf("%s (%q): %d sessions listed, want %d", step, m.ix.filter.Raw, len(got), len(want))
		}
		for k := range want {
			if !got[k] {
				t.Fatalf("%s (%q): %v missing", step, m.ix.filter.Raw, k)
			}
		}
		if e := m.sel.selected(); e != nil {
			n := 0
			for _, r := range e.rows {
				if m.ix.filter.Empty() || m.ix.filter.Match(&r.Row, nil) {
					n++
				}
			}
			if got := m.ix.matches(e); !m.ix.filter.Empty() && got != n {
				t.Fatalf("%s: %d matches counted, want %d", step, got, n)
			}
		}
	}
	type step struct {
		keys   []string
		typed  string
		arrive bool
	}
	var seq []step
	seq = append(seq, step{keys: []string{"/"}})
	for _, s := range []string{"w", "h", "a", "t"} {
		seq = append(seq, step{typed: s})
	}
	seq = append(seq, step{arrive: true}, step{keys: []string{"backspace"}}, step{keys: []string{"backspace"}},
		step{typed: "a"}, step{typed: "t"}, step{typed: " "}, step{typed: "k"}, step{typed: "i"}, step{typed: "n"},
		step{typed: "d"}, step{typed: ":"}, step{typed: "f"}, step{arrive: true}, step{keys: []string{"backspace"}},
		step{typed: "p"}, step{typed: "o"}, step{typed: "s"}, step{typed: " "}, step{typed: "-"}, step{typed: "s"},
		step{typed: "t"}, step{typed: "a"}, step{typed: "t"}, step{typed: "e"}, step{typed: ":"}, step{typed: "h"},
		step{arrive: true}, step{keys: []string{"backspace", "backspace"}}, step{typed: "h"}, step{typed: "e"})
	for range 12 {
		seq = append(seq, step{keys: []string{"backspace"}})
	}
	seq = append(seq, step{typed: "s"}, step{typed: "t"}, step{arrive: true}, step{typed: "a"})
	n := 0
	for i, s := range seq {
		do(m, keys(s.keys...)...)
		do(m, typed(s.typed)...)
		if s.arrive {
			// New exchanges, one of them in a session nothing matched.
			n++
			at := fixedAt.Add(time.Duration(n) * time.Second)
			b.add(at, "navtalk", "message", "late-"+string(rune('a'+n)), "POST", "/api/webhook/message", "", "{}",
				[]model.Turn{turn(model.RoleUser, "what kind of posts do you have", at)})
			b.add(at, "moveo", "post_message", moveoSID, "POST", "/moveo", "", "{}", nil)
			// and one in a session that matched nothing so far
			crowded := fmt.Sprintf("%08x-1c2d-4e5f-8a9b-0c1d2e3f4a5b", 0x1a2b3c4d+4*n*977) // sessions 4, 8…: two turns, no "what"
			b.add(at, "navtalk", "message", crowded, "POST", "/api/webhook/message", "", "{}",
				[]model.Turn{turn(model.RoleUser, "whale watching: what a kind host", at)})
			m.applyBatch(m.sub.Drain())
		}
		check("step " + string(rune('0'+i%10)))
	}
}

// Over a long history a filter is applied a part at a time: the first part
// right away, the rest in steps the program runs between other messages.
func TestFilterInSteps(t *testing.T) {
	b := &builder{store: model.NewStore(model.StoreOptions{Keep: -1})} // a history, every exchange whole
	for s := 0; s < 300; s++ {
		sid := fmt.Sprintf("s%03d", s)
		for i := 0; i < 40; i++ {
			at := t0.Add(time.Duration(s*40+i) * time.Millisecond)
			text := "apple"
			if i%2 == 1 {
				text = "pear"
			}
			if s == 7 && i == 0 {
				text = "apple pear" // the one exchange with both words
			}
			b.add(at, "generic", "message", sid, "POST", "/hook", "", "{}", []model.Turn{turn(model.RoleUser, text, at)})
		}
	}
	m := newTestModel(t, b)
	do(m, sizeMsg(100, 30), keyMsg("/"))
	_, cmd := m.Update(tea.PasteMsg{Content: "apple pear"})
	if !m.ix.pending || cmd == nil {
		t.Fatalf("12 000 exchanges to look at, and the filter is done at once (pending %v)", m.ix.pending)
	}
	if text := plain(m); !strings.Contains(text, "filtering ") {
		t.Errorf("no progress shown:\n%s", text)
	}
	steps := 0
	for m.ix.pending {
		m.Update(filterStepMsg{})
		steps++
		if steps > 10 {
			t.Fatal("the filter never finishes")
		}
	}
	if len(m.ix.vis) != 1 || m.ix.vis[0].key.ID != "s007" {
		t.Fatalf("found %d sessions", len(m.ix.vis))
	}
	if text := plain(m); !strings.Contains(text, "Sessions 1/300") || strings.Contains(text, "filtering") {
		t.Errorf("finished filter:\n%s", text)
	}
}
