package tui

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/harkhq/hark/filter"
	"github.com/harkhq/hark/model"
)

// e exports the selected session: a choice of format, then the injected
// Export runs and the header says where the file went.
func TestFlowExport(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	b.chatbot(t0.Add(time.Minute))
	type call struct {
		key    model.SessionKey
		format string
	}
	var mu sync.Mutex
	var calls []call
	f := startFlow(t, b, 100, 30, func(o *Options) {
		o.ReadOnly, o.Source, o.Endpoint = true, "hark-2025-06-02.jsonl", Endpoint{}
		o.Export = func(k model.SessionKey, format string) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, call{k, format})
			if format == "har" {
				return "", errors.New("disk full")
			}
			return "/tmp/hark-" + k.ID + "." + format, nil
		}
	})
	f.waitFor("CBT 125338496333449767")
	f.press("down") // the NavTalk session
	f.press("e")
	f.waitFor("Export session NAV", "HAR", "Markdown", "NDJSON")
	f.press("m")
	f.waitFor("exported to /tmp/hark-" + navtalkSID + ".md")
	f.press("e", "enter")
	f.waitFor("export failed: disk full")
	mu.Lock()
	defer mu.Unlock()
	want := model.SessionKey{Platform: "navtalk", ID: navtalkSID}
	if len(calls) != 2 || calls[0] != (call{want, "md"}) || calls[1] != (call{want, "har"}) {
		t.Fatalf("Export called with %+v", calls)
	}
}

// bodyOnly adds a session whose only mention of a word is in a body.
func bodyOnly(b *builder) {
	at := t0.Add(time.Hour)
	b.add(at, "generic", "webhook", "order-77", "POST", "/hook", "", `{"session_id":"order-77","payload":{"sku":"ZEBRA-4410","qty":2}}`, nil,
		func(ex *model.Exchange) {
			ex.Response = &model.Response{Status: 200, Source: model.SourceDefault, Body: []byte(`{"reserved":"warehouse-Kestrel"}`)}
		})
}

// Over a history, plain words search every body; live, body: does.
func TestFlowReadOnlyBodySearch(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	b.chatbot(t0.Add(time.Minute))
	b.moveo(t0.Add(2 * time.Minute))
	bodyOnly(b)
	f := startFlow(t, b, 100, 30, func(o *Options) {
		o.ReadOnly, o.Source, o.Endpoint = true, "hark-2025-06-02.jsonl", Endpoint{}
	})
	f.waitFor("Sessions 4")
	f.press("/")
	f.typeText("zebra-4410")
	s := f.waitFor("Sessions 1/4", "GEN order-77", "1/1 match")
	if strings.Contains(s, "NAV c7f3") {
		t.Errorf("a session without the word is listed:\n%s", s)
	}
	f.press("esc")
	f.press("/")
	f.typeText("kestrel") // in a response body only
	f.waitFor("Sessions 1/4", "GEN order-77")
}

func TestBodySearchLive(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	bodyOnly(b)
	m := newTestModel(t, b)
	do(m, sizeMsg(100, 30), keyMsg("/"))
	do(m, typed("zebra")...)
	if len(m.ix.vis) != 0 {
		t.Errorf("live, a plain word matched a body: %d sessions", len(m.ix.vis))
	}
	do(m, keyMsg("esc"), keyMsg("/"))
	do(m, typed("body:zebra")...)
	if len(m.ix.vis) != 1 || m.ix.vis[0].key.ID != "order-77" {
		t.Fatalf("body:zebra lists %d sessions", len(m.ix.vis))
	}
	do(m, keyMsg("esc"), keyMsg("/"))
	do(m, typed(`body:"rivera" -body:"session.closed"`)...)
	for _, e := range m.ix.vis {
		if e.key.ID != navtalkSID {
			t.Errorf("unexpected session %v", e.key)
		}
	}
	if len(m.ix.vis) != 1 || m.ix.matches(m.ix.vis[0]) == 0 {
		t.Fatal("body terms with an exclusion found nothing")
	}
}

// The body search and its session shortcut agree with a scan of every
// exchange, across narrowing, widening and going back.
func TestBodySearchAgreesWithFullScan(t *testing.T) {
	b := newBuilder()
	b.crowd(t0, 20)
	b.navtalk(t0.Add(time.Minute))
	b.chatbot(t0.Add(2 * time.Minute))
	b.moveo(t0.Add(3 * time.Minute))
	bodyOnly(b)
	m := newTestModel(t, b, func(o *Options) { o.ReadOnly = true })
	do(m, sizeMsg(100, 30), keyMsg("/"))
	full := func(raw string) map[model.SessionKey]bool {
		q := filter.Parse(raw)
		bodies := &bodySearch{store: b.store, history: true}
		out := map[model.SessionKey]bool{}
		for _, e := range m.ix.entries {
			for _, r := range e.rows {
				if q.Match(&r.Row, bodies) {
					out[e.key] = true
				}
			}
		}
		return out
	}
	for _, raw := range []string{"r", "ri", "riv", "rive", "river", "rivera", "rivera -kind:session", "zebra", "zeb", "body:hours", "body:hours platform:chat", "warehouse", "\"sessionid\""} {
		do(m, keyMsg("esc"), keyMsg("/"))
		m.Update(tea.PasteMsg{Content: raw})
		for m.ix.pending {
			m.Update(filterStepMsg{})
		}
		want := full(raw)
		if len(m.ix.vis) != len(want) {
			t.Fatalf("%q: %d sessions listed, want %d", raw, len(m.ix.vis), len(want))
		}
		for _, e := range m.ix.vis {
			if !want[e.key] {
				t.Fatalf("%q: %v listed", raw, e.key)
			}
		}
	}
}

// A journal that could not all be read says so when it opens, and in the
// header after.
func TestReadOnlyNote(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	m := newTestModel(t, b, func(o *Options) {
		o.ReadOnly, o.Source, o.Endpoint = true, "torn.jsonl", Endpoint{}
		o.Note = "2 lines could not be read: line 3992 cut short (the file ends mid-record), line 17 is not JSON"
	})
	do(m, sizeMsg(100, 30))
	text := plain(m)
	for _, want := range []string{"Not all of torn.jsonl could be read", "line 3992 cut short", "Any key closes this."} {
		if !strings.Contains(text, want) {
			t.Errorf("the note dialog lacks %q:\n%s", want, text)
		}
	}
	do(m, keyMsg("j"))
	text = plain(m)
	if strings.Contains(text, "Any key closes this.") || !strings.Contains(text, "⚠ 2 lines could not be read") {
		t.Errorf("after the note:\n%s", text)
	}
}

// The picker lists journals newest first, filters them, and returns the
// chosen path; esc returns none.
func TestPickJournal(t *testing.T) {
	entries := pickerEntries()
	run := func(keys ...tea.Msg) (string, error) {
		tm := teatest.NewTestModel(t, newPicker("/home/ana/.local/share/hark/journals", entries, fixedAt, time.UTC, false),
			teatest.WithInitialTermSize(80, 24))
		for _, k := range keys {
			tm.Send(k)
		}
		fm := tm.FinalModel(t, teatest.WithFinalTimeout(waitLimit)).(*picker)
		return fm.chosen, nil
	}
	if got, _ := run(keyMsg("enter")); got != "/j/hark-2025-06-02.jsonl" {
		t.Errorf("enter chose %q, want the newest", got)
	}
	if got, _ := run(keyMsg("down"), keyMsg("enter")); got != "/j/hark-2025-06-01.jsonl" {
		t.Errorf("down enter chose %q", got)
	}
	var filter []tea.Msg
	filter = append(filter, keyMsg("/"))
	filter = append(filter, typed("05-2")...)
	filter = append(filter, keyMsg("enter"), keyMsg("enter"))
	if got, _ := run(filter...); got != "/j/hark-2025-05-28.jsonl" {
		t.Errorf("filtered choice %q", got)
	}
	if got, _ := run(keyMsg("esc")); got != "" {
		t.Errorf("esc chose %q", got)
	}
	if got, _ := run(keyMsg("q")); got != "" {
		t.Errorf("q chose %q", got)
	}
}

func pickerEntries() []JournalEntry {
	return []JournalEntry{
		{Path: "/j/hark-2025-05-28.jsonl", Name: "hark-2025-05-28.jsonl", Size: 48_213, Modified: t0.Add(-5 * 24 * time.Hour)},
		{Path: "/j/hark-2025-06-02.jsonl", Name: "hark-2025-06-02.jsonl", Size: 3_412_877, Modified: t0.Add(-2 * time.Hour)},
		{Path: "/j/hark-2025-06-01.jsonl", Name: "hark-2025-06-01.jsonl", Size: 912_004, Modified: t0.Add(-20 * time.Hour)},
		{Path: "/j/evil", Name: "evil\x1b[2J\u202e.jsonl", Size: 10, Modified: t0.Add(-30 * 24 * time.Hour)},
	}
}

func TestPickerViews(t *testing.T) {
	p := newPicker("/home/ana/.local/share/hark/journals", pickerEntries(), fixedAt, time.UTC, false)
	for _, sz := range [][2]int{{40, 12}, {80, 24}, {160, 48}} {
		p.Update(sizeMsg(sz[0], sz[1]))
		checkFrame(t, p.View().Content, sz[0], sz[1])
	}
	empty := newPicker("/home/ana/.local/share/hark/journals", nil, fixedAt, time.UTC, false)
	empty.Update(sizeMsg(80, 24))
	if text := stripped(empty.View().Content); !strings.Contains(text, "No journals yet.") || !strings.Contains(text, "/home/ana/.local/share/hark/journals") {
		t.Errorf("empty picker:\n%s", text)
	}
}
