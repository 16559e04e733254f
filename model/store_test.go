package model

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func newEx(s *Store, platform, session string, at time.Duration, turns ...Turn) *Exchange {
	return &Exchange{
		ID:        s.NextID(),
		Received:  t0.Add(at),
		Request:   Request{Method: "POST", Path: "/hook", Headers: map[string][]string{"Content-Type": {"application/json"}}, Body: []byte(`{"a":1}`)},
		Platform:  platform,
		SessionID: session,
		Turns:     turns,
		State:     StateReceived,
	}
}

func TestStoreGroupsBySessionAndPlatform(t *testing.T) {
	s := NewStore(StoreOptions{})
	s.Add(newEx(s, "navtalk", "a", 0, Turn{Role: RoleUser, Text: "hi"}))
	s.Add(newEx(s, "navtalk", "a", time.Second, Turn{Role: RoleAI, Text: "hello"}))
	s.Add(newEx(s, "moveo", "a", 2*time.Second))
	s.Add(newEx(s, "generic", Unsorted, 3*time.Second)) // as classification files a request without session id

	c := s.Counts()
	if c.Sessions != 3 || c.Exchanges != 4 {
		t.Fatalf("counts = %+v, want 3 sessions, 4 exchanges", c)
	}
	nav, ok := s.Session(SessionKey{"navtalk", "a"})
	if !ok || len(nav.Turns) != 2 || len(nav.Exchanges) != 2 {
		t.Fatalf("navtalk/a = %+v", nav)
	}
	if nav.Turns[1].Exchange != 2 {
		t.Errorf("turn exchange back-reference = %v, want #2", nav.Turns[1].Exchange)
	}
	if last, _ := nav.LastTurn(); last.Text != "hello" {
		t.Errorf("last turn = %q", last.Text)
	}
	if _, ok := s.Session(SessionKey{"generic", Unsorted}); !ok {
		t.Error("the unsorted session is missing")
	}
	list := s.Sessions()
	if list[0].Key.Platform != "generic" || list[2].Key != (SessionKey{"navtalk", "a"}) {
		t.Errorf("sessions not newest first: %v %v %v", list[0].Key, list[1].Key, list[2].Key)
	}
}

// A resent exchange names the one it was sent from; the store records it
// on that one too, and tells subscribers of both.
func TestStoreLinksResendsBothWays(t *testing.T) {
	s := NewStore(StoreOptions{})
	orig := newEx(s, "navtalk", "a", 0)
	s.Add(orig)
	sub := s.Subscribe()
	for i, edited := range []bool{false, true} {
		ex := newEx(s, "navtalk", "a", time.Duration(i+1)*time.Second)
		ex.Resent = &Resent{Of: orig.ID, Edited: edited}
		s.Add(ex)
	}
	stray := newEx(s, "navtalk", "a", 5*time.Second)
	stray.Resent = &Resent{Of: 99} // its original is not in this store
	s.Add(stray)
	got, _ := s.Exchange(orig.ID)
	if len(got.Resends) != 2 || got.Resends[0] != 2 || got.Resends[1] != 3 {
		t.Fatalf("resends of #1 = %v, want [#2 #3]", got.Resends)
	}
	changed := map[ExchangeID]bool{}
	for _, c := range sub.Drain() {
		changed[c.Exchange.ID] = true
		if c.Exchange.ID == orig.ID && len(c.Exchange.Resends) != 2 {
			t.Errorf("subscribers saw #1 with resends %v", c.Exchange.Resends)
		}
	}
	if !changed[orig.ID] || !changed[2] || !changed[3] {
		t.Errorf("changes published: %v", changed)
	}
	if l := (&Resent{Of: 1}).Label(); l != "↻ resent #1" {
		t.Errorf("label %q", l)
	}
	if l := (&Resent{Of: 1, Edited: true}).Label(); l != "↻ edited and resent #1" {
		t.Errorf("label %q", l)
	}
	// The resent turns are marked, and a session record is compared with
	// what the platform sent, not with hark's resends.
	again := newEx(s, "navtalk", "b", 6*time.Second, Turn{Role: RoleAI, Text: "hello"})
	s.Add(again)
	dup := newEx(s, "navtalk", "b", 7*time.Second, Turn{Role: RoleAI, Text: "hello"})
	dup.Resent = &Resent{Of: again.ID}
	s.Add(dup)
	rec := newEx(s, "navtalk", "b", 8*time.Second, Turn{Role: RoleAI, Text: "hello"})
	rec.Record = true
	s.Add(rec)
	b, _ := s.Session(SessionKey{"navtalk", "b"})
	if len(b.Turns) != 2 || b.Turns[0].Resent || !b.Turns[1].Resent {
		t.Fatalf("turns %+v", b.Turns)
	}
	if b.Record == nil || !b.Record.Clean() {
		t.Errorf("record compared with the resent turn too: %+v", b.Record)
	}
	if sm := stray.Summarize(); sm.ResentOf != 99 || sm.ResentEdited {
		t.Errorf("summary resent_of %v edited %v", sm.ResentOf, sm.ResentEdited)
	}
}

func TestStoreCountsHeldAndErrors(t *testing.T) {
	s := NewStore(StoreOptions{})
	ex := newEx(s, "chatbot", "c1", 0)
	s.Add(ex)
	s.Update(ex.ID, func(e *Exchange) { e.State = StateHeld })
	if c := s.Counts(); c.Held != 1 {
		t.Fatalf("held = %d, want 1", c.Held)
	}
	s.Update(ex.ID, func(e *Exchange) {
		e.State = StateFallback
		e.Response = &Response{Status: 502, Source: SourceFallback}
	})
	c := s.Counts()
	if c.Held != 0 || c.Errors != 1 {
		t.Fatalf("counts = %+v, want 0 held, 1 error", c)
	}
	sess, _ := s.Session(SessionKey{"chatbot", "c1"})
	if sess.Held != 0 || sess.Errors != 1 {
		t.Fatalf("session counts held=%d errors=%d", sess.Held, sess.Errors)
	}
	if s.Update(999, func(*Exchange) {}) {
		t.Error("Update of an unknown id reported success")
	}
}

func TestStoreLifecycleMarkers(t *testing.T) {
	s := NewStore(StoreOptions{})
	s.Add(newEx(s, "navtalk", "x", 0, Turn{Role: RoleSystem, Marker: MarkerCreated}))
	s.Add(newEx(s, "navtalk", "x", time.Second, Turn{Role: RoleSystem, Marker: MarkerClosed}))
	sess, _ := s.Session(SessionKey{"navtalk", "x"})
	if !sess.Closed {
		t.Fatal("session not closed after a closed marker")
	}
}

func TestStoreRecordComparedWithLiveTurns(t *testing.T) {
	s := NewStore(StoreOptions{})
	at := func(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }
	s.Add(newEx(s, "navtalk", "r", 0, Turn{Role: RoleUser, Text: "Hello", Time: at(5)}))
	s.Add(newEx(s, "navtalk", "r", time.Second, Turn{Role: RoleAI, Text: "Hi, how can I help?", Time: at(10)}))
	s.Add(newEx(s, "navtalk", "r", 2*time.Second, Turn{Role: RoleUser, Text: "only live", Time: at(20)}))
	rec := newEx(s, "navtalk", "r", 3*time.Second,
		Turn{Role: RoleUser, Text: "Hello", Time: at(5)},
		Turn{Role: RoleAI, Text: "Hello, how can I help you?", Time: at(10)},
		Turn{Role: RoleAI, Text: "only in record", Time: at(30)},
	)
	rec.Record = true
	s.Add(rec)

	sess, _ := s.Session(SessionKey{"navtalk", "r"})
	if len(sess.Turns) != 3 {
		t.Fatalf("record turns were appended to a live transcript: %d turns", len(sess.Turns))
	}
	d := sess.Record
	if d == nil || d.Matched != 1 || len(d.Missing) != 1 || len(d.Extra) != 1 || len(d.Different) != 1 {
		t.Fatalf("diff = %+v", d)
	}
	if d.Different[0].Record.Text != "Hello, how can I help you?" || d.Missing[0].Text != "only in record" || d.Extra[0].Text != "only live" {
		t.Fatalf("diff contents = %+v", d)
	}
	if !sess.Closed {
		t.Error("a session record should close the session")
	}
	got, _ := s.Exchange(rec.ID)
	if len(got.Notes) != 1 || got.Notes[0] != d.Summary() {
		t.Errorf("record exchange notes = %q", got.Notes)
	}
}

func TestStoreRecordBecomesTranscriptWithoutLiveTurns(t *testing.T) {
	s := NewStore(StoreOptions{})
	rec := newEx(s, "navtalk", "only-record", 0, Turn{Role: RoleUser, Text: "Hello"}, Turn{Role: RoleAI, Text: "Hi"})
	rec.Record = true
	s.Add(rec)
	sess, _ := s.Session(SessionKey{"navtalk", "only-record"})
	if len(sess.Turns) != 2 || sess.Record == nil || len(sess.Record.Missing) != 2 {
		t.Fatalf("session = %+v, diff = %+v", sess, sess.Record)
	}
}

func TestSnapshotsDoNotChangeUnderTheReader(t *testing.T) {
	s := NewStore(StoreOptions{Keep: 1})
	first := newEx(s, "generic", "g", 0)
	first.State, first.Response = StateResponded, &Response{Status: 200, Body: []byte("ok")}
	s.Add(first)
	snap, _ := s.Exchange(first.ID)
	second := newEx(s, "generic", "g", time.Second)
	second.State = StateResponded
	s.Add(second) // evicts the first
	if now, _ := s.Exchange(first.ID); !now.Evicted {
		t.Fatal("the first exchange was not evicted")
	}
	if snap.Evicted || string(snap.Response.Body) != "ok" || snap.Request.Body == nil {
		t.Fatal("eviction reached into a snapshot taken before it")
	}
}

func TestSubscriptionCoalescesAndKeepsOrder(t *testing.T) {
	s := NewStore(StoreOptions{})
	sub := s.Subscribe()
	defer sub.Close()
	a, b := newEx(s, "generic", "g", 0), newEx(s, "generic", "g", time.Second)
	s.Add(a)
	s.Add(b)
	s.Update(a.ID, func(e *Exchange) { e.State = StateResponded })
	select {
	case <-sub.Ready():
	default:
		t.Fatal("no ready signal after changes")
	}
	got := sub.Drain()
	if len(got) != 2 || got[0].Exchange.ID != a.ID || got[1].Exchange.ID != b.ID {
		t.Fatalf("changes = %+v", got)
	}
	if !got[0].New || got[0].Exchange.State != StateResponded {
		t.Errorf("coalesced change lost New or the latest state: %+v", got[0])
	}
	s.Update(a.ID, func(e *Exchange) { e.Notes = e.WithNote("later") })
	got = sub.Drain()
	if len(got) != 1 || got[0].New {
		t.Fatalf("after drain: %+v", got)
	}
	sub.Close()
	s.Add(newEx(s, "generic", "g", 2*time.Second))
	if len(sub.Drain()) != 0 {
		t.Error("closed subscription still collects")
	}
}

func TestStoreConcurrentUse(t *testing.T) {
	s := NewStore(StoreOptions{Keep: 50})
	sub := s.Subscribe()
	var wg sync.WaitGroup
	const writers, each = 8, 200
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				ex := newEx(s, "generic", fmt.Sprint("s", w), time.Duration(i)*time.Millisecond, Turn{Role: RoleUser, Text: "x"})
				s.Add(ex)
				s.Update(ex.ID, func(e *Exchange) { e.State = StateResponded; e.Response = &Response{Status: 200} })
			}
		}()
	}
	seen := make(map[ExchangeID]bool)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for len(seen) < writers*each {
			<-sub.Ready()
			for _, c := range sub.Drain() {
				seen[c.Exchange.ID] = true
				_ = len(c.Exchange.Turns)
			}
		}
	}()
	for range 50 {
		for _, sess := range s.Sessions() {
			_ = len(sess.Turns)
		}
	}
	wg.Wait()
	<-done
	if c := s.Counts(); c.Exchanges != writers*each || c.Sessions != writers {
		t.Fatalf("counts = %+v", c)
	}
}

func TestAddKeepsIDsAhead(t *testing.T) {
	s := NewStore(StoreOptions{FirstID: 10})
	if id := s.NextID(); id != 10 {
		t.Fatalf("first id = %v", id)
	}
	s.Add(&Exchange{ID: 42, Platform: "generic"})
	if id := s.NextID(); id != 43 {
		t.Fatalf("next id after adding #42 = %v, want #43", id)
	}
}

func TestNextBotTurnAfterAnEditIsMarked(t *testing.T) {
	s := NewStore(StoreOptions{})
	edited := newEx(s, "moveo", "m", 0, Turn{Role: RoleAI, Text: "original reply"})
	s.Add(edited)
	s.Update(edited.ID, func(e *Exchange) {
		e.State, e.Response = StateResponded, &Response{Status: 200, Source: SourceEdited}
	})
	s.Add(newEx(s, "moveo", "m", time.Second, Turn{Role: RoleUser, Text: "thanks"}))
	s.Add(newEx(s, "moveo", "m", 2*time.Second, Turn{Role: RoleAI, Text: "edited effect"}, Turn{Role: RoleAI, Text: "second"}))
	sess, _ := s.Session(SessionKey{"moveo", "m"})
	var marked []string
	for _, tr := range sess.Turns {
		if tr.AfterEdit == edited.ID {
			marked = append(marked, tr.Text)
		}
	}
	if len(marked) != 1 || marked[0] != "edited effect" {
		t.Fatalf("turns marked after the edit: %q", marked)
	}
}

func TestEditEffectSurvivesLoadingCompleteExchanges(t *testing.T) {
	s := NewStore(StoreOptions{})
	edited := newEx(s, "chatbot", "c", 0)
	edited.State, edited.Response = StateResponded, &Response{Status: 200, Source: SourceEdited}
	s.Add(edited) // as journal.Fill adds it: already answered
	s.Add(newEx(s, "chatbot", "c", time.Second, Turn{Role: RoleAI, Text: "after"}))
	sess, _ := s.Session(SessionKey{"chatbot", "c"})
	if sess.Turns[0].AfterEdit != edited.ID {
		t.Fatalf("turn after a loaded edit: %+v", sess.Turns[0])
	}
}

// TestStoreKeepsTheOtherIDs: a session shows the other ids its latest
// exchange carried; an exchange without any leaves them.
func TestStoreKeepsTheOtherIDs(t *testing.T) {
	s := NewStore(StoreOptions{})
	first := newEx(s, "chatbot", "sess-1", 0)
	first.Also = []Alias{{"conversationId", "c-1"}}
	s.Add(first)
	s.Add(newEx(s, "chatbot", "sess-1", time.Second))
	sess, _ := s.Session(SessionKey{"chatbot", "sess-1"})
	if len(sess.Also) != 1 || sess.Also[0].Value != "c-1" {
		t.Fatalf("also %+v", sess.Also)
	}
	later := newEx(s, "chatbot", "sess-1", 2*time.Second)
	later.Also = []Alias{{"conversationId", "c-2"}}
	s.Add(later)
	if sess, _ := s.Session(SessionKey{"chatbot", "sess-1"}); sess.Also[0].Value != "c-2" {
		t.Fatalf("also after a change %+v", sess.Also)
	}
}

func TestDrainToHandsTheBatchBack(t *testing.T) {
	s := NewStore(StoreOptions{})
	sub := s.Subscribe()
	defer sub.Close()
	a := newEx(s, "generic", "g", 0)
	s.Add(a)
	first := sub.DrainTo(nil)
	if len(first) != 1 || first[0].Exchange.ID != a.ID || !first[0].New {
		t.Fatalf("first batch = %+v", first)
	}
	b := newEx(s, "generic", "g", time.Second)
	s.Add(b)
	s.Update(a.ID, func(e *Exchange) { e.State = StateResponded })
	second := sub.DrainTo(first)
	if len(second) != 2 || second[0].Exchange.ID != b.ID || second[1].Exchange.ID != a.ID || second[1].New {
		t.Fatalf("second batch = %+v", second)
	}
	s.Add(newEx(s, "generic", "g", 2*time.Second))
	third := sub.DrainTo(second)
	if len(third) != 1 || &third[0] != &first[:1][0] {
		t.Fatalf("the first batch's slice was not reused: %+v", third)
	}
}
