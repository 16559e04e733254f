package model

import (
	"testing"
)

func TestInterceptHolds(t *testing.T) {
	consumed := &Exchange{Platform: "chatbot", Kind: "webhook", SessionID: "c", Use: UseConsumed}
	ignored := &Exchange{Platform: "navtalk", Kind: "conversation.output", SessionID: "n", Use: UseIgnored}
	unknown := &Exchange{Platform: "generic", Kind: "webhook", SessionID: "g"}
	in := NewIntercept(InterceptOff)
	if in.Holds(consumed) || in.Holds(ignored) {
		t.Fatal("mode off holds")
	}
	in.SetMode(InterceptConsumed)
	if !in.Holds(consumed) || in.Holds(ignored) || in.Holds(unknown) {
		t.Fatal("mode consumed")
	}
	in.SetMode(InterceptAll)
	if !in.Holds(ignored) || !in.Holds(unknown) {
		t.Fatal("mode all")
	}
	in.SetMode(InterceptOff)
	if !in.ToggleSession(ignored.Session()) || !in.Holds(ignored) || in.Holds(consumed) {
		t.Fatal("session breakpoint")
	}
	in.ToggleSession(ignored.Session())
	if !in.ToggleKind(KindKey{"chatbot", "webhook"}) || !in.Holds(consumed) || in.Holds(ignored) {
		t.Fatal("kind breakpoint")
	}
	if m, err := ParseInterceptMode("sometimes"); err == nil {
		t.Fatalf("parsed %q", m)
	}
	if InterceptOff.Next() != InterceptConsumed || InterceptAll.Next() != InterceptOff {
		t.Fatal("cycle")
	}
}

func TestHoldsDecideEndRelease(t *testing.T) {
	h := NewHolds()
	a := h.Hold(1)
	b := h.Hold(2)
	if err := h.Decide(1, Decision{Status: 201, Source: SourceEdited}); err != nil {
		t.Fatal(err)
	}
	if d := <-a.Decided(); d.Status != 201 {
		t.Fatalf("decision %+v", d)
	}
	if err := h.Decide(1, Decision{}); err != ErrNotHeld {
		t.Fatalf("second decision: %v", err)
	}
	b.End()
	if err := h.Decide(2, Decision{}); err != ErrNotHeld {
		t.Fatal("decided an ended hold")
	}
	h.ReleaseAll()
	select {
	case <-b.Released():
	default:
		t.Fatal("release not signalled")
	}
	if h.Hold(3) != nil {
		t.Fatal("held after ReleaseAll")
	}
}

func TestRulesTakeInOrderAndExpire(t *testing.T) {
	rs := NewRules([]Rule{{ID: "7", Scope: ScopeKind, Platform: "moveo", Kind: "post_message", Enabled: true, Status: 200, Body: `{"kind":1}`}})
	var saved [][]Rule
	rs.OnChange(func(r []Rule) { saved = append(saved, r) })
	sess := rs.Add(Rule{Scope: ScopeSession, Platform: "moveo", Session: "s1", Limit: 2, Enabled: true, Status: 200, Body: `{"session":1}`})
	if sess.ID != "8" {
		t.Fatalf("new rule id %q, want ids to continue after loaded ones", sess.ID)
	}
	ex := &Exchange{Platform: "moveo", Kind: "post_message", SessionID: "s1"}
	for i, want := range []string{sess.ID, sess.ID, "7", "7"} {
		r, ok := rs.Take(ex)
		if !ok || r.ID != want {
			t.Fatalf("take %d: rule %q, want %q", i, r.ID, want)
		}
	}
	if d := (&Rule{ID: "7", Status: 202, Body: "x"}).Decision(); d.Source != SourceRule || d.Rule != "7" {
		t.Fatalf("decision %+v", d)
	}
	rs.Toggle("7")
	if _, ok := rs.Take(ex); ok {
		t.Fatal("a disabled or exhausted rule answered")
	}
	if !rs.Delete("7") || len(rs.List()) != 1 || rs.Delete("7") {
		t.Fatal("delete")
	}
	if len(saved) == 0 || len(saved[len(saved)-1]) != 1 {
		t.Fatal("changes not reported for saving")
	}
	other := &Exchange{Platform: "chatbot", Kind: "post_message", SessionID: "s1"}
	if _, ok := rs.Find(other); ok {
		t.Fatal("rule matched another platform")
	}
	if err := (&Rule{ID: "x", Scope: ScopeKind, Platform: "moveo", Status: 200}).Check(); err == nil {
		t.Fatal("kind rule without kind accepted")
	}
}
