package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

func TestParseQuery(t *testing.T) {
	q := parseQuery(`platform:moveo platform:NavTalk kind:pre "book a table" -state:held refund foo:bar`)
	if got := len(q.fields["platform"]); got != 2 {
		t.Errorf("platform alternatives: %d, want 2", got)
	}
	if got := q.fields["kind"]; len(got) != 1 || got[0].value != "pre" {
		t.Errorf("kind: %+v", got)
	}
	var words []string
	for _, w := range q.words {
		words = append(words, w.value)
	}
	if want := []string{"book a table", "refund", "foo:bar"}; !slices.Equal(words, want) {
		t.Errorf("words %q, want %q", words, want)
	}
	if len(q.negs) != 1 || q.negs[0].field != "state" || q.negs[0].value != "held" {
		t.Errorf("negations: %+v", q.negs)
	}
	if q.problem == "" {
		t.Error("an unknown field is not reported")
	}
	if !parseQuery("   ").empty() || !parseQuery("").empty() {
		t.Error("a blank filter is not empty")
	}
	if parseQuery("kind:").empty() {
		t.Error(`"kind:" with no value should match as a word`)
	}
}

func TestFilterMatch(t *testing.T) {
	e := &sessionEntry{key: model.SessionKey{Platform: "moveo", ID: "8563dcdf-64ef"}}
	row := &exRow{entry: e, platform: "moveo", kind: "pre_message", method: "POST", path: "/moveo?token=x",
		state: model.StateHeld, turns: []model.Turn{{Role: model.RoleUser, Text: "Can I get a REFUND for my order?"}},
		notes: []string{"signature mismatch"}}
	done := &exRow{entry: e, platform: "moveo", kind: "post_message", method: "POST", path: "/moveo",
		state: model.StateResponded, status: 401, failed: true}
	cases := []struct {
		q          string
		row, done_ bool
	}{
		{"", true, true},
		{"refund", true, false},
		{"Refund order", true, false},
		{`"refund for"`, true, false},
		{"platform:moveo", true, true},
		{"platform:mov", true, true},
		{"platform:moveo.ai", true, true},
		{"platform:navtalk", false, false},
		{"platform:navtalk platform:moveo", true, true},
		{"kind:pre", true, false},
		{"kind:post_message", false, true},
		{"status:4xx", false, true},
		{"status:401", false, true},
		{"status:200", false, false},
		{"status:err", false, true},
		{"status:none", true, false},
		{"state:held", true, false},
		{"-state:held", false, true},
		{"session:8563", true, true},
		{"session:ffff", false, false},
		{"method:post", true, true},
		{"mismatch", true, false},
		{"kind:pre refund -status:err", true, false},
		{"token", true, false}, // in the query string
	}
	for _, c := range cases {
		q := parseQuery(c.q)
		if got := q.matchRow(row); got != c.row {
			t.Errorf("%q on the held pre_message: %v, want %v", c.q, got, c.row)
		}
		if got := q.matchRow(done); got != c.done_ {
			t.Errorf("%q on the 401 post_message: %v, want %v", c.q, got, c.done_)
		}
	}
}

func TestContainsFold(t *testing.T) {
	for _, c := range []struct {
		s, sub string
		want   bool
	}{
		{"Hello World", "world", true},
		{"Hello World", "lo w", true},
		{"Hello", "hello!", false},
		{"", "", true},
		{"abc", "", true},
		{"ÉCOLE maternelle", "école", true},
		{"naïve", "ïve", true},
		{"short", "longer than it", false},
	} {
		if got := containsFold(c.s, c.sub); got != c.want {
			t.Errorf("containsFold(%q, %q) = %v", c.s, c.sub, got)
		}
	}
}

// Filtering a session list keeps only sessions with a matching exchange, and
// counts stay right as exchanges change after the filter was set.
func TestFilterIncremental(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	b.moveo(t0.Add(time.Minute))
	m := newTestModel(t, b)
	m.filter.set(parseQuery("state:held"))
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
				if m.ix.filter.matchRow(r) {
					want[e.key] = true
				}
			}
		}
		if m.ix.filter.empty() {
			for k := range m.ix.entries {
				want[k] = true
			}
		}
		got := map[model.SessionKey]bool{}
		for _, e := range m.ix.vis {
			got[e.key] = true
		}
		if len(got) != len(want) {
			t.Fatalf("%s (%q): %d sessions listed, want %d", step, m.ix.filter.raw, len(got), len(want))
		}
		for k := range want {
			if !got[k] {
				t.Fatalf("%s (%q): %v missing", step, m.ix.filter.raw, k)
			}
		}
		if e := m.sel.selected(); e != nil {
			n := 0
			for _, r := range e.rows {
				if m.ix.filter.empty() || m.ix.filter.matchRow(r) {
					n++
				}
			}
			if got := m.ix.matches(e); !m.ix.filter.empty() && got != n {
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
