package model

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeArchive gives back the exchanges it was told about, by offset.
type fakeArchive struct {
	byOffset map[int64]Exchange
	reads    int
}

func (a *fakeArchive) ReadExchange(id ExchangeID, ref JournalRef) (*Exchange, error) {
	a.reads++
	ex, ok := a.byOffset[ref.Request]
	if !ok || ex.ID != id {
		return nil, fmt.Errorf("nothing for %s at %d", id, ref.Request)
	}
	return &ex, nil
}

// answered adds an exchange as the receiver does: added in flight with
// its request record's offset, then answered, then its response journaled.
func answered(s *Store, arc *fakeArchive, ex *Exchange) {
	ex.Journal.Request = int64(ex.ID) * 1000
	if arc != nil {
		whole := *ex
		whole.State, whole.Response = StateResponded, &Response{Status: 201, Body: []byte(`{"ok":true}`)}
		arc.byOffset[ex.Journal.Request] = whole
	}
	s.Add(ex)
	s.Update(ex.ID, func(e *Exchange) {
		e.State, e.Response = StateResponded, &Response{Status: 201, Body: []byte(`{"ok":true}`)}
	})
	s.JournaledResponse(ex.ID, int64(ex.ID)*1000+500)
}

func TestStoreKeepsTheNewestWholeAndIndexesTheRest(t *testing.T) {
	arc := &fakeArchive{byOffset: map[int64]Exchange{}}
	s := NewStore(StoreOptions{Keep: 3, Archive: arc})
	var ids []ExchangeID
	for i := range 5 {
		ex := newEx(s, "moveo", "m"+fmt.Sprint(i%2), time.Duration(i)*time.Second, Turn{Role: RoleUser, Text: fmt.Sprint("turn ", i)})
		ex.Kind = "pre_message"
		answered(s, arc, ex)
		ids = append(ids, ex.ID)
	}
	if c := s.Counts(); c.Exchanges != 5 || c.Sessions != 2 {
		t.Fatalf("counts = %+v", c)
	}
	for i, id := range ids {
		ex, ok := s.Exchange(id)
		if !ok {
			t.Fatalf("%s is gone", id)
		}
		if evicted := i < 2; ex.Evicted != evicted {
			t.Fatalf("%s: evicted = %v, want %v", id, ex.Evicted, evicted)
		}
		if !ex.Evicted {
			continue
		}
		want := JournalRef{Request: int64(id) * 1000, Response: int64(id)*1000 + 500}
		if ex.Request.Body != nil || ex.Turns != nil || ex.Kind != "pre_message" || ex.SessionID != fmt.Sprint("m", i%2) ||
			ex.Platform != "moveo" || ex.State != StateResponded || ex.Response.Status != 201 ||
			!ex.Received.Equal(t0.Add(time.Duration(i)*time.Second)) || ex.Journal != want {
			t.Errorf("index entry of %s = %+v", id, ex)
		}
		whole, err := s.Load(id)
		if err != nil || whole.Evicted || string(whole.Request.Body) != `{"a":1}` || string(whole.Response.Body) != `{"ok":true}` {
			t.Errorf("Load(%s) = %+v, %v", id, whole, err)
		}
	}
	if arc.reads != 2 {
		t.Errorf("the archive was read %d times, want 2 (only evicted exchanges are read back)", arc.reads)
	}
	var seen []ExchangeID
	s.Exchanges(func(ex Exchange) bool { seen = append(seen, ex.ID); return true })
	if fmt.Sprint(seen) != fmt.Sprint(ids) {
		t.Errorf("Exchanges visits %v, want %v", seen, ids)
	}
	// Every turn stays in its session.
	sess, _ := s.Session(SessionKey{"moveo", "m0"})
	if len(sess.Turns) != 3 || sess.Turns[0].Text != "turn 0" {
		t.Errorf("session turns after eviction = %+v", sess.Turns)
	}
}

func TestWithoutAnArchiveEvictedExchangesAreDropped(t *testing.T) {
	s := NewStore(StoreOptions{Keep: 1})
	a, b := newEx(s, "generic", "g", 0), newEx(s, "generic", "g", time.Second)
	answered(s, nil, a)
	answered(s, nil, b)
	if _, err := s.Load(a.ID); !errors.Is(err, ErrDropped) {
		t.Fatalf("Load of a dropped exchange: %v, want ErrDropped", err)
	}
	if ex, err := s.Load(b.ID); err != nil || string(ex.Request.Body) != `{"a":1}` {
		t.Fatalf("Load of a whole exchange: %+v, %v", ex, err)
	}
	if s.CanReadBack() {
		t.Error("a store without an archive says it can read back")
	}
}

func TestExchangesInFlightAreNotEvicted(t *testing.T) {
	s := NewStore(StoreOptions{Keep: 1})
	held := newEx(s, "chatbot", "c", 0)
	s.Add(held)
	s.Update(held.ID, func(e *Exchange) { e.State = StateHeld })
	for i := range 3 {
		answered(s, nil, newEx(s, "chatbot", "c", time.Duration(i+1)*time.Second))
	}
	if ex, _ := s.Exchange(held.ID); ex.Evicted {
		t.Fatal("a held exchange was evicted")
	}
	if !s.Update(held.ID, func(e *Exchange) { e.State = StateResponded }) {
		t.Fatal("the held exchange cannot be answered")
	}
	answered(s, nil, newEx(s, "chatbot", "c", 5*time.Second))
	if ex, _ := s.Exchange(held.ID); !ex.Evicted {
		t.Error("the answered exchange stays whole past the window")
	}
}

func TestSessionKeepsItsLatestTurns(t *testing.T) {
	s := NewStore(StoreOptions{})
	const n = 1000
	for i := range n {
		ex := newEx(s, "generic", "long", time.Duration(i)*time.Second, Turn{Role: RoleUser, Text: fmt.Sprint("turn ", i)})
		if i%10 == 0 {
			ex.Turns = nil // exchanges without turns are counted right too
		}
		answered(s, nil, ex)
	}
	sess, _ := s.Session(SessionKey{"generic", "long"})
	spoken := n - n/10
	if len(sess.Turns) > 2*SessionTurns || len(sess.Turns) < SessionTurns {
		t.Fatalf("the session holds %d turns, want %d to %d", len(sess.Turns), SessionTurns, 2*SessionTurns)
	}
	if sess.TurnsDropped+len(sess.Turns) != spoken || sess.SpokenTurns() != spoken {
		t.Fatalf("dropped %d + held %d, spoken %d; want %d in all", sess.TurnsDropped, len(sess.Turns), sess.SpokenTurns(), spoken)
	}
	last := sess.Turns[len(sess.Turns)-1]
	if last.Text != fmt.Sprint("turn ", n-1) {
		t.Errorf("last turn = %q", last.Text)
	}
	// Exchanges before TurnsFrom have their turns dropped; the one at it
	// is the first whose turns are held.
	first := sess.Turns[0].Exchange
	idx := -1
	for i, id := range sess.Exchanges {
		if id == first {
			idx = i
		}
	}
	for i := sess.TurnsFrom; i < idx; i++ { // only exchanges without turns between
		if (sess.Exchanges[i]-1)%10 != 0 {
			t.Fatalf("TurnsFrom = %d, but exchange %s before the first held turn's (%d) has turns", sess.TurnsFrom, sess.Exchanges[i], idx)
		}
	}
	if sess.TurnsFrom > idx || sess.TurnsFrom == 0 {
		t.Fatalf("TurnsFrom = %d, the first held turn's exchange is at %d", sess.TurnsFrom, idx)
	}
}

// The store's memory stays within a bound as the window slides: past the
// window, an exchange costs its index entry and its id in its session, not
// its body, headers or turns.
func TestStoreMemoryStaysBoundedAsTheWindowSlides(t *testing.T) {
	const keep, sessions = 2_000, 100
	s := NewStore(StoreOptions{Keep: keep})
	body := []byte(`{"text":"` + strings.Repeat("a realistic webhook body ", 40) + `"}`) // 1 KB
	add := func(n int) {
		for range n {
			id := s.NextID()
			ex := &Exchange{
				ID: id, Received: t0, Platform: "generic", SessionID: fmt.Sprint("s", int(id)%sessions), Kind: "message",
				Request: Request{Method: "POST", Path: "/hook", Headers: map[string][]string{"Content-Type": {"application/json"}},
					Body: append([]byte(nil), body...)},
				Turns: []Turn{{Role: RoleUser, Text: string(body[9:200])}},
				State: StateReceived,
			}
			s.Add(ex)
			s.Update(id, func(e *Exchange) { e.State, e.Response = StateResponded, &Response{Status: 200, Body: []byte("{}")} })
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	add(20_000)
	before := heap()
	const more = 80_000
	add(more)
	after := heap()
	// Whole, 80 000 more exchanges would take over 100 MB; indexed, about
	// 60 bytes each. Allow four times that.
	if grew := int64(after) - int64(before); grew > more*256 {
		t.Fatalf("the heap grew by %d bytes for %d more exchanges (%d each); the window does not bound memory", grew, more, grew/more)
	} else {
		t.Logf("heap grew %d bytes for %d exchanges past the window (%d each)", grew, more, grew/more)
	}
}

// Resend links survive eviction both ways: an evicted original lists the
// resends that came after it was evicted too, an evicted resend names its
// original, in the index entry and in what Load reads back, and
// subscribers hear of an evicted original's new link.
func TestResendLinksSurviveEviction(t *testing.T) {
	arc := &fakeArchive{byOffset: map[int64]Exchange{}}
	s := NewStore(StoreOptions{Keep: 2, Archive: arc})
	orig := newEx(s, "moveo", "m", 0)
	answered(s, arc, orig)
	first := newEx(s, "moveo", "m", time.Second)
	first.Resent = &Resent{Of: orig.ID}
	answered(s, arc, first) // the original is still whole
	for i := range 2 {
		answered(s, arc, newEx(s, "moveo", "m", time.Duration(2+i)*time.Second))
	}
	sub := s.Subscribe()
	second := newEx(s, "moveo", "m", 5*time.Second)
	second.Resent = &Resent{Of: orig.ID, Edited: true}
	answered(s, arc, second) // the original was evicted before it came
	for i := range 3 {
		answered(s, arc, newEx(s, "moveo", "m", time.Duration(6+i)*time.Second))
	}

	want := []ExchangeID{first.ID, second.ID}
	ex, _ := s.Exchange(orig.ID)
	if !ex.Evicted || !slices.Equal(ex.Resends, want) {
		t.Errorf("index entry of the original: evicted %v, resends %v, want %v", ex.Evicted, ex.Resends, want)
	}
	loaded, err := s.Load(orig.ID)
	if err != nil || !slices.Equal(loaded.Resends, want) {
		t.Errorf("Load of the original: resends %v (%v), want %v", loaded.Resends, err, want)
	}
	for _, r := range []*Exchange{first, second} {
		ex, _ := s.Exchange(r.ID)
		if !ex.Evicted || ex.Resent == nil || *ex.Resent != *r.Resent {
			t.Errorf("index entry of %s: evicted %v, resent %+v", r.ID, ex.Evicted, ex.Resent)
		}
		loaded, err := s.Load(r.ID)
		if err != nil || loaded.Resent == nil || *loaded.Resent != *r.Resent {
			t.Errorf("Load of %s: resent %+v (%v)", r.ID, loaded.Resent, err)
		}
	}
	told := false
	for _, c := range sub.Drain() {
		if c.Exchange.ID == orig.ID {
			told = c.Exchange.Evicted && slices.Contains(c.Exchange.Resends, second.ID)
		}
	}
	if !told {
		t.Error("subscribers were not told of the evicted original's new resend")
	}
}
