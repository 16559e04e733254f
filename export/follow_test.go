package export

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

func ids(exs []model.Exchange) []model.ExchangeID {
	var out []model.ExchangeID
	for _, ex := range exs {
		out = append(out, ex.ID)
	}
	return out
}

func TestCompletionsReportEachExchangeOnce(t *testing.T) {
	store := model.NewStore(model.StoreOptions{FirstID: 40})
	sub := store.Subscribe()
	add := func(final bool) model.ExchangeID {
		ex := &model.Exchange{ID: store.NextID(), Platform: "generic", State: model.StateReceived, Received: time.Unix(0, 0)}
		if final {
			ex.State, ex.Response = model.StateResponded, &model.Response{Status: 200}
		}
		store.Add(ex)
		return ex.ID
	}
	var c Completions
	held := add(false)
	store.Update(held, func(e *model.Exchange) { e.State = model.StateHeld })
	quick := add(true)
	if got := ids(c.Take(sub.Drain())); len(got) != 1 || got[0] != quick {
		t.Fatalf("first batch reported %v, want [%v]", got, quick)
	}
	store.Update(quick, func(e *model.Exchange) { e.Notes = e.WithNote("late note") })
	store.Update(held, func(e *model.Exchange) { e.State, e.Response = model.StateFallback, &model.Response{Status: 200} })
	if got := ids(c.Take(sub.Drain())); len(got) != 1 || got[0] != held {
		t.Fatalf("second batch reported %v, want [%v]", got, held)
	}
	store.Update(held, func(e *model.Exchange) { e.Notes = e.WithNote("after") })
	if got := c.Take(sub.Drain()); len(got) != 0 {
		t.Fatalf("a change after completion was reported again: %v", ids(got))
	}
	if len(c.inFlight) != 0 {
		t.Fatalf("in-flight set keeps %d completed exchanges", len(c.inFlight))
	}
}

func TestFollowDrainsOnCancel(t *testing.T) {
	store := model.NewStore(model.StoreOptions{})
	sub := store.Subscribe()
	store.Add(&model.Exchange{ID: store.NextID(), Platform: "generic", State: model.StateResponded})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n := 0
	if err := Follow(ctx, sub, func(*model.Exchange) error { n++; return nil }); err != nil || n != 1 {
		t.Fatalf("Follow after cancel: n=%d err=%v", n, err)
	}
}

func TestWriteNDJSON(t *testing.T) {
	var buf bytes.Buffer
	ex := &model.Exchange{ID: 3, Platform: "navtalk", Kind: "conversation.output", SessionID: "s", State: model.StateResponded,
		Turns: []model.Turn{{Role: model.RoleAI, Text: "hi"}}, Response: &model.Response{Status: 200}}
	if err := WriteNDJSON(&buf, ex); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil || buf.Bytes()[buf.Len()-1] != '\n' {
		t.Fatalf("not one JSON line: %q (%v)", buf.String(), err)
	}
	if m["platform"] != "navtalk" || m["status"].(float64) != 200 {
		t.Fatalf("line = %v", m)
	}
}
