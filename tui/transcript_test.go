package tui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// bigSession adds n exchanges to one session.
func bigSession(b *builder, n int) {
	for i := 0; i < n; i++ {
		at := t0.Add(time.Duration(i) * time.Second)
		b.add(at, "generic", "message", model.Unsorted, "POST", "/hook", "", "{}",
			[]model.Turn{turn(model.RoleUser, "message number "+strconv.Itoa(i), at)})
	}
}

// A long session draws only what is on screen, and moves through it by
// block, page, and to either end.
func TestTranscriptVirtualized(t *testing.T) {
	b := newBuilder()
	bigSession(b, 5000)
	m := newTestModel(t, b)
	do(m, sizeMsg(100, 30), keyMsg("tab"))
	e := m.sel.selected()
	text := plain(m)
	if !strings.Contains(text, "message number 4999") || !e.stick {
		t.Fatalf("a new session is not shown from its end:\n%s", text)
	}
	if n := len(e.tc.drawn); n > 30 {
		t.Errorf("%d blocks drawn for one screen", n)
	}
	do(m, keyMsg("g"))
	if text := plain(m); !strings.Contains(text, "message number 0") || e.stick {
		t.Fatalf("g does not show the first exchange:\n%s", text)
	}
	do(m, keys("down", "down", "down")...)
	if e.selEx != e.sess.Exchanges[3] {
		t.Errorf("down three times selects %v", e.selEx)
	}
	do(m, keyMsg("pgdown"))
	text = plain(m)
	if strings.Contains(text, "message number 3\n") || !strings.Contains(text, "message number 20") {
		t.Errorf("page down:\n%s", text)
	}
	sel := e.selEx
	if i := m.ix.rows[sel]; i == nil || !strings.Contains(text, "message number "+strconv.Itoa(int(sel)-1)) {
		t.Errorf("the selection %v is not on screen after page down", sel)
	}
	do(m, keyMsg("pgup"), keyMsg("pgup"))
	if text := plain(m); !strings.Contains(text, "message number 0") {
		t.Errorf("page up stops at the first line:\n%s", text)
	}
	if n := len(e.tc.drawn); n > 80 {
		t.Errorf("%d blocks drawn for a few screens", n)
	}
	do(m, keyMsg("G"))
	if !e.stick || e.selEx != e.sess.Exchanges[4999] {
		t.Fatal("G does not go back to the end")
	}
	// Stuck to the end, new exchanges show as they come.
	at := fixedAt
	b.add(at, "generic", "message", model.Unsorted, "POST", "/hook", "", "{}",
		[]model.Turn{turn(model.RoleUser, "the newest one", at)})
	m.applyBatch(m.sub.Drain())
	if text := plain(m); !strings.Contains(text, "the newest one") {
		t.Fatalf("a new exchange does not show:\n%s", text)
	}
	// Scrolled up, the screen stays where it is as exchanges arrive.
	do(m, keyMsg("g"))
	before := transcriptLines(plain(m))
	b.add(at, "generic", "message", model.Unsorted, "POST", "/hook", "", "{}",
		[]model.Turn{turn(model.RoleUser, "another one", at)})
	m.applyBatch(m.sub.Drain())
	if after := transcriptLines(plain(m)); after != before {
		t.Errorf("the transcript moved while scrolled up:\n%s\n---\n%s", before, after)
	}
}

// transcriptLines is the right-hand pane of a screen, below its title.
func transcriptLines(screen string) string {
	var out []string
	for i, l := range strings.Split(screen, "\n") {
		if _, right, ok := strings.Cut(l, "│"); ok && i > 2 {
			out = append(out, right)
		}
	}
	return strings.Join(out, "\n")
}

// A tall block (a long turn) can be scrolled through line by line.
func TestTranscriptScrollLines(t *testing.T) {
	b := newBuilder()
	b.hostile(t0)
	m := newTestModel(t, b)
	do(m, sizeMsg(80, 14), keyMsg("tab"), keyMsg("g"))
	e, tc, h := m.transcriptView()
	first := m.window(e, tc, h)[0]
	m.scrollTranscript(e, tc, 3, h)
	if got := m.window(e, tc, h)[0]; got.block != first.block || got.line != first.line+3 {
		t.Errorf("scrolled to %+v, want 3 lines below %+v", got, first)
	}
	m.scrollTranscript(e, tc, -100, h)
	if got := m.window(e, tc, h)[0]; got != (lineRef{0, 0}) {
		t.Errorf("scrolling up stops at %+v", got)
	}
}
