package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/stats"
)

// The timeline is usable by keyboard: t opens it on the selected session,
// the arrows move, enter inspects the selected row, esc closes the
// inspector, then the timeline, with the row still selected in the
// transcript.
func TestTimelineKeys(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	b.timelineSession()
	m := newTestModel(t, b)
	do(m, sizeMsg(80, 24), darkBG, keyMsg("t"))
	s := plain(m)
	if !strings.Contains(s, "Timeline MOV") || !strings.Contains(s, "#17 pre_message") || !strings.Contains(s, "├─9.2s──┤") {
		t.Fatalf("timeline:\n%s", s)
	}
	e := m.sel.selected()
	if e.selEx != 17 {
		t.Fatalf("selected %v, want the newest, #17", e.selEx)
	}
	do(m, keyMsg("up"), keyMsg("up"), keyMsg("up"))
	if e.selEx != 14 || m.follow {
		t.Fatalf("after three ups: %v (follow %v), want #14", e.selEx, m.follow)
	}
	do(m, keyMsg("enter"))
	if !m.insp.open || m.insp.id != 14 || m.focus != focusInspector {
		t.Fatalf("enter: inspector open %v on %v", m.insp.open, m.insp.id)
	}
	do(m, keyMsg("4")) // the timing tab
	if s := plain(m); !strings.Contains(s, "hold") || !strings.Contains(s, "86.1% of it") {
		t.Errorf("timing tab:\n%s", s)
	}
	do(m, keyMsg("esc"))
	if m.insp.open || !m.timeline.on || m.focus != focusMain {
		t.Fatalf("esc: inspector %v, timeline %v, focus %v", m.insp.open, m.timeline.on, m.focus)
	}
	do(m, keyMsg("g"))
	if e.selEx != 10 {
		t.Errorf("g: %v", e.selEx)
	}
	do(m, keyMsg("down"), keyMsg("esc"))
	if m.timeline.on || e.selEx != 11 {
		t.Fatalf("esc: timeline %v, selected %v", m.timeline.on, e.selEx)
	}
	if s := plain(m); !strings.Contains(s, "▌10:34:24 → POST /moveo") {
		t.Errorf("the transcript does not show #11 selected:\n%s", s)
	}
}

// A click on a row selects it, a second one inspects it; the wheel moves.
func TestTimelineMouse(t *testing.T) {
	b := newBuilder()
	b.timelineSession()
	m := newTestModel(t, b)
	do(m, sizeMsg(160, 48), darkBG, keyMsg("t"))
	e := m.sel.selected()
	lines := strings.Split(plain(m), "\n")
	y := -1
	for i, l := range lines {
		if strings.Contains(l, " #3 ") && strings.Contains(l, "pre_message") {
			y = i
		}
	}
	if y < 0 {
		t.Fatalf("row #3 not shown:\n%s", strings.Join(lines, "\n"))
	}
	do(m, tea.MouseClickMsg{X: 40, Y: y, Button: tea.MouseLeft})
	if e.selEx != 3 || m.insp.open {
		t.Fatalf("click: selected %v, inspector %v", e.selEx, m.insp.open)
	}
	do(m, tea.MouseClickMsg{X: 40, Y: y, Button: tea.MouseLeft})
	if !m.insp.open || m.insp.id != 3 {
		t.Fatalf("second click: inspector %v on %v", m.insp.open, m.insp.id)
	}
	do(m, keyMsg("esc"), tea.MouseWheelMsg{X: 40, Y: y, Button: tea.MouseWheelDown})
	if e.selEx != 4 {
		t.Errorf("wheel: %v", e.selEx)
	}
}

// Every size, from the smallest the monitor takes, draws exactly the
// screen; a session too long for the screen scrolls with the selection.
func TestTimelineFrames(t *testing.T) {
	b := newBuilder()
	b.crowd(t0, 3)
	b.timelineSession()
	b.hostile(fixedAt.Add(-time20))
	for i := 0; i < 60; i++ { // a long session
		at := fixedAt.Add(-time20).Add(durationMS(i * 300))
		b.add(at, "moveo", "pre_message", timelineSID, "POST", "/moveo", "", "{}",
			[]model.Turn{turn(model.RoleUser, "more", at)}, moveoHeaders("aa"))
	}
	m := newTestModel(t, b)
	for _, size := range [][2]int{{40, 12}, {60, 20}, {80, 24}, {100, 30}, {160, 48}, {220, 60}} {
		do(m, sizeMsg(size[0], size[1]), keyMsg("t"))
		checkFrame(t, screen(m), size[0], size[1])
		for _, k := range []string{"g", "down", "pgdown", "enter", "esc", "G", "up"} {
			do(m, keyMsg(k))
			checkFrame(t, screen(m), size[0], size[1])
		}
		if !strings.Contains(plain(m), " of 68") {
			t.Errorf("%v: the legend does not count 68 rows:\n%s", size, plain(m))
		}
		do(m, keyMsg("t"))
	}
}

// The session's heading shows package stats' figures for it.
func TestSessionHeadingFigures(t *testing.T) {
	b := newBuilder()
	b.timelineSession()
	m := newTestModel(t, b)
	do(m, sizeMsg(160, 48), keyMsg("tab"))
	sess, _ := b.store.Session(model.SessionKey{Platform: "moveo", ID: timelineSID})
	var exs []*model.Exchange
	for _, id := range sess.Exchanges {
		ex, _ := b.store.Exchange(id)
		exs = append(exs, &ex)
	}
	sum := stats.Of(&sess, exs)
	want := "7 turns · 8 hooks · answer p50 " + stats.Duration(sum.Answer.P50) + " p95 " + stats.Duration(sum.Answer.P95) +
		" · fwd p50 " + stats.Duration(sum.Forward.P50) + " p95 " + stats.Duration(sum.Forward.P95)
	if sum.Answer.P95 != 8610*durationMS(1) || !strings.Contains(plain(m), want) {
		t.Errorf("heading lacks %q (p95 %v):\n%s", want, sum.Answer.P95, plain(m))
	}
	// In a narrow pane the figures that do not fit go on a second line.
	do(m, sizeMsg(80, 24))
	if s := plain(m); !strings.Contains(s, "│ answer p50 2.3ms p95 8.6s · fwd p50 1.3s") {
		t.Errorf("narrow heading:\n%s", s)
	}
}
