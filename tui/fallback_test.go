package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// Fallbacks that arrive over several batches are counted together while
// their banner shows: 500 fell back, not the last batch's 35.
func TestFallbackBannerCountsEveryBatch(t *testing.T) {
	b := newBuilder()
	var ids []model.ExchangeID
	for i := range 500 {
		ex := b.add(t0, "generic", "webhook", fmt.Sprintf("s%d", i%20), "POST", "/hook", "", `{}`, nil, func(ex *model.Exchange) {
			ex.State, ex.Consumed, ex.HeldUntil, ex.Response = model.StateHeld, true, t0.Add(time.Minute), nil
		})
		ids = append(ids, ex.ID)
	}
	opt, _, _ := withHolds(b)
	m := newTestModel(t, b, opt)
	do(m, sizeMsg(160, 40), keyMsg("ctrl+l")) // the editor set aside
	for len(ids) > 0 {
		batch := ids[:min(35, len(ids))]
		ids = ids[len(batch):]
		for _, id := range batch {
			b.store.Update(id, func(ex *model.Exchange) {
				ex.State = model.StateFallback
				ex.Response = &model.Response{Status: 200, Body: []byte("{}"), Source: model.SourceFallback}
			})
		}
		do(m, batchMsg{changes: m.sub.Drain()})
	}
	if text := plain(m); !strings.Contains(text, "500 exchanges fell back") {
		t.Errorf("the banner does not count all 500:\n%s", text)
	}
	// Once the banner has gone, the next fallback starts a new count.
	do(m, flashClearMsg{id: m.flash.id})
	ex := b.add(t0, "generic", "webhook", "s1", "POST", "/hook", "", `{}`, nil, func(ex *model.Exchange) {
		ex.State, ex.Consumed, ex.HeldUntil, ex.Response = model.StateHeld, true, t0.Add(time.Minute), nil
	})
	do(m, batchMsg{changes: m.sub.Drain()})
	b.store.Update(ex.ID, func(ex *model.Exchange) { ex.State = model.StateFallback })
	do(m, batchMsg{changes: m.sub.Drain()})
	if text := plain(m); !strings.Contains(text, ex.ID.String()+" fell back") {
		t.Errorf("a lone fallback after the banner:\n%s", text)
	}
}
