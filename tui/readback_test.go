package tui

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harkhq/hark/filter"
	"github.com/harkhq/hark/model"
)

// memArchive stands for the journal: it gives exchanges back whole.
type memArchive struct {
	mu    sync.Mutex
	exs   map[int64]model.Exchange
	reads int
}

func (a *memArchive) ReadExchange(id model.ExchangeID, ref model.JournalRef) (*model.Exchange, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.reads++
	ex, ok := a.exs[ref.Request]
	if !ok || ex.ID != id {
		return nil, fmt.Errorf("no record of %s at %d", id, ref.Request)
	}
	return &ex, nil
}

// journaled is an exOpt: the exchange is in the archive, where its
// journal reference says.
func (a *memArchive) journaled(ex *model.Exchange) {
	ex.Journal.Request = int64(ex.ID) * 100
	a.mu.Lock()
	a.exs[ex.Journal.Request] = *ex
	a.mu.Unlock()
}

// windowBuilder is a builder whose store keeps keep exchanges whole and
// reads the others back from an archive (nil: no journal).
func windowBuilder(keep int, journal bool) (*builder, *memArchive) {
	arc := &memArchive{exs: map[int64]model.Exchange{}}
	opts := model.StoreOptions{Keep: keep}
	if journal {
		opts.Archive = arc
	}
	return &builder{store: model.NewStore(opts)}, arc
}

// work does what the program does in the background: it reads back what
// the monitor asked for, and the rows a filter waits for, feeding the
// answers to the monitor, until nothing is asked.
func work(m *Model) {
	for {
		if cmd := m.readBackCmd(); cmd != nil {
			m.update(cmd())
			continue
		}
		if cmd := m.ix.searchJournal(); cmd != nil {
			m.update(cmd())
			continue
		}
		return
	}
}

// press sends keys as the program does, but leaves the commands to work.
func press(m *Model, names ...string) {
	for _, n := range names {
		m.update(keyMsg(n))
		m.peekTranscript()
	}
}

// oneSession adds n exchanges of one generic session, each with a turn and
// a body of its own.
func oneSession(b *builder, arc *memArchive, sid string, n int) []*model.Exchange {
	var out []*model.Exchange
	for i := range n {
		at := t0.Add(time.Duration(i) * time.Second)
		out = append(out, b.add(at, "generic", "message", sid, "POST", "/hook", "",
			fmt.Sprintf(`{"session":%q,"text":"line %d","secret":"body-%d"}`, sid, i, i),
			[]model.Turn{turn(model.RoleUser, fmt.Sprint("line ", i), at)}, arc.journaled))
	}
	return out
}

func TestInspectorReadsAnEvictedExchangeBack(t *testing.T) {
	b, arc := windowBuilder(2, true)
	exs := oneSession(b, arc, "s", 5)
	m := newTestModel(t, b)
	m.update(sizeMsg(120, 40))
	press(m, "tab", "g", "enter")
	if m.insp.id != exs[0].ID {
		t.Fatalf("inspecting %s, want the first exchange %s", m.insp.id, exs[0].ID)
	}
	if text := plain(m); !strings.Contains(text, "reading this one back") {
		t.Fatalf("an evicted exchange opens without saying it is being read back:\n%s", text)
	}
	work(m)
	text := plain(m)
	if !strings.Contains(text, `"body-0"`) || strings.Contains(text, "reading this one back") {
		t.Fatalf("the exchange read back is not shown whole:\n%s", text)
	}
	// Copying its body works as for any exchange.
	if cmd := m.update(keyMsg("b")); cmd == nil || !strings.Contains(m.flash.text, "copied request body of "+exs[0].ID.String()) {
		t.Errorf("copy of a read-back body: %q", m.flash.text)
	}
}

func TestLongSessionReadsItsOlderTurnsBack(t *testing.T) {
	b, arc := windowBuilder(10, true)
	n := 2*model.SessionTurns + 40
	oneSession(b, arc, "long", n)
	sess, _ := b.store.Session(model.SessionKey{Platform: "generic", ID: "long"})
	if sess.TurnsDropped == 0 {
		t.Fatal("the session kept every turn")
	}
	m := newTestModel(t, b)
	m.update(sizeMsg(100, 30))
	if text := plain(m); !strings.Contains(text, fmt.Sprint("line ", n-1)) || !strings.Contains(text, fmt.Sprint(n, " turns")) {
		t.Fatalf("the session does not show its latest turn and its count:\n%s", text)
	}
	press(m, "tab", "g")
	if text := plain(m); !strings.Contains(text, "reading them back from the journal") {
		t.Fatalf("the oldest block does not say its turns are being read back:\n%s", text)
	}
	work(m)
	if text := plain(m); !strings.Contains(text, "line 0") || !strings.Contains(text, "line 3") {
		t.Fatalf("the oldest turns are not shown once read back:\n%s", text)
	}
}

// arrive adds exchanges while the monitor runs, and hands it the batch.
func arrive(m *Model, add func()) {
	add()
	m.update(batchMsg{changes: m.sub.Drain()})
}

func TestFilterReachesEvictedExchanges(t *testing.T) {
	b, arc := windowBuilder(3, true)
	m := newTestModel(t, b)
	m.update(sizeMsg(120, 40))
	arrive(m, func() {
		for i := range 8 {
			at := t0.Add(time.Duration(i) * time.Minute)
			text, body := "nothing here", `{"k":"plain"}`
			if i == 0 {
				text, body = "the needle is here", `{"k":"haystack-secret"}`
			}
			b.add(at, "generic", "message", fmt.Sprint("s", i), "POST", "/hook", "", body,
				[]model.Turn{turn(model.RoleUser, text, at)}, arc.journaled)
		}
	})
	if r := m.ix.rows[1]; !r.evicted || r.Turns != nil {
		t.Fatalf("the oldest row keeps its turns past the window: %+v", r)
	}
	cases := []struct {
		filter string
		want   int
	}{
		{"needle", 1},
		{"body:haystack-secret", 1},
		{"-needle", 7},
		{"body:nowhere", 0},
	}
	for _, c := range cases {
		m.filter.set(filter.Parse(c.filter))
		if c.want > 0 && c.filter != "-needle" && len(m.ix.vis) != 0 {
			t.Errorf("%s: %d sessions before the journal is read, want none yet", c.filter, len(m.ix.vis))
		}
		work(m)
		if len(m.ix.vis) != c.want || m.ix.readingJournal() != 0 {
			t.Errorf("%s: %d sessions (%d rows still waiting), want %d", c.filter, len(m.ix.vis), m.ix.readingJournal(), c.want)
		}
	}
	m.filter.set(filter.Parse("needle"))
	if m.update(keyMsg("/")); !strings.Contains(plain(m), "from the journal") {
		t.Errorf("the filter bar does not say the journal is being read:\n%s", plain(m))
	}
}

func TestWithoutJournalDroppedExchangesAreSaid(t *testing.T) {
	b, arc := windowBuilder(2, false)
	exs := oneSession(b, arc, "s", 5)
	m := newTestModel(t, b)
	m.update(sizeMsg(120, 40))
	if text := plain(m); !strings.Contains(text, "3 dropped (no journal)") {
		t.Fatalf("the header does not say exchanges were dropped:\n%s", text)
	}
	m.openInspector(exs[0].ID)
	work(m)
	if text := plain(m); !strings.Contains(text, "dropped from memory: without a journal") {
		t.Fatalf("a dropped exchange does not say so:\n%s", text)
	}
	if arc.reads != 0 {
		t.Errorf("the archive was read %d times without a journal", arc.reads)
	}
}

// A resend of an exchange past the window links both ways all the same:
// the original's row says "↻ as #N" and keeps what it showed, and the
// original read back lists its resend.
func TestResendOfAnEvictedExchange(t *testing.T) {
	b, arc := windowBuilder(2, true)
	m := newTestModel(t, b)
	m.update(sizeMsg(140, 40))
	var orig *model.Exchange
	arrive(m, func() { orig = oneSession(b, arc, "s", 4)[0] })
	if r := m.ix.rows[orig.ID]; !r.evicted {
		t.Fatalf("the first row is not past the window: %+v", r)
	}
	var again *model.Exchange
	arrive(m, func() {
		at := t0.Add(time.Minute)
		again = b.add(at, "generic", "message", "s", "POST", "/hook", "", `{"text":"again"}`,
			[]model.Turn{turn(model.RoleUser, "line 0", at)},
			func(ex *model.Exchange) { ex.Resent = &model.Resent{Of: orig.ID} }, arc.journaled)
	})
	r := m.ix.rows[orig.ID]
	if len(r.resends) != 1 || r.resends[0] != again.ID || r.Path != "/hook" || r.Method != "POST" {
		t.Fatalf("the evicted original's row: resends %v, %s %s", r.resends, r.Method, r.Path)
	}
	press(m, "tab", "g")
	if text := plain(m); !strings.Contains(text, "↻ as "+again.ID.String()) {
		t.Errorf("the original's block does not say it was resent:\n%s", text)
	}
	m.openInspector(orig.ID)
	work(m)
	if text := plain(m); !strings.Contains(text, "↻ resent as "+again.ID.String()) {
		t.Errorf("the original read back does not list its resend:\n%s", text)
	}
}

// A session's figures count every turn, also those its store let go
// before the monitor drew it: they are taken from each exchange as it
// arrives. The gaps closed by its oldest exchanges stay on their rows.
func TestFiguresOfALongSessionCountEveryTurn(t *testing.T) {
	b, arc := windowBuilder(1000, true)
	m := newTestModel(t, b)
	m.update(sizeMsg(160, 40))
	const n = 300 // one batch, far more turns than a session keeps
	arrive(m, func() {
		for i := range n {
			at := t0.Add(time.Duration(i) * time.Second)
			role := model.RoleUser
			if i%2 == 1 {
				role = model.RoleAI
			}
			b.add(at, "generic", "message", "long", "POST", "/hook", "", "{}",
				[]model.Turn{turn(role, fmt.Sprint("turn ", i), at)}, arc.journaled)
		}
	})
	e := m.ix.entries[model.SessionKey{Platform: "generic", ID: "long"}]
	if e.sess.TurnsDropped == 0 {
		t.Fatal("the store kept every turn of the session")
	}
	if sum := e.summary(); sum.Turns != n || sum.Gap.N != n/2 || sum.Gap.P50 != time.Second {
		t.Errorf("figures: %d turns, %d gaps (p50 %v); want %d turns, %d gaps of 1s", sum.Turns, sum.Gap.N, sum.Gap.P50, n, n/2)
	}
	if g := e.rows[1].gap; g == nil || g.Bot.Sub(g.User) != time.Second {
		t.Errorf("the gap the second exchange closed: %+v", g)
	}
	if text := plain(m); !strings.Contains(text, fmt.Sprint(n, " turns")) {
		t.Errorf("the session heading does not count every turn:\n%s", text)
	}
}
