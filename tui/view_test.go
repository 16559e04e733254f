package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/harkhq/hark/model"
)

// Every state at every size from the smallest supported to very large
// draws a frame of exactly the terminal's size with nothing unsafe in it.
func TestLayoutAtEverySize(t *testing.T) {
	states := []struct {
		name  string
		steps []tea.Msg
	}{
		{"list", nil},
		{"transcript", keys("tab")},
		{"inspector", keys("tab", "enter")},
		{"inspector-raw", keys("tab", "enter", "3")},
		{"grid", keys("v")},
		{"filter", append(keys("/"), typed("kind:pre")...)},
		{"help", keys("?")},
		{"quit", keys("q")},
		{"zoom", keys("tab", "z")},
		{"log", keys("L")},
	}
	b := newBuilder()
	b.crowd(t0, 4)
	b.navtalk(t0.Add(30 * time.Second))
	b.chatbot(t0.Add(60 * time.Second))
	b.moveo(t0.Add(120 * time.Second))
	b.hostile(t0.Add(200 * time.Second))
	sizes := [][2]int{{40, 12}, {41, 13}, {59, 20}, {60, 20}, {80, 24}, {99, 29}, {100, 30}, {101, 31}, {132, 43}, {160, 48}, {250, 70}}
	for _, st := range states {
		for _, sz := range sizes {
			m := newTestModel(t, b)
			do(m, sizeMsg(sz[0], sz[1]), darkBG)
			do(m, st.steps...)
			t.Run(fmt.Sprintf("%s/%dx%d", st.name, sz[0], sz[1]), func(t *testing.T) {
				checkFrame(t, screen(m), sz[0], sz[1])
			})
			// Resizing an open view keeps it whole.
			for _, re := range [][2]int{{sz[1] + 40, sz[0]/3 + 12}, {80, 24}} {
				do(m, sizeMsg(re[0], re[1]))
				t.Run(fmt.Sprintf("%s/%dx%d→%dx%d", st.name, sz[0], sz[1], re[0], re[1]), func(t *testing.T) {
					checkFrame(t, screen(m), re[0], re[1])
				})
			}
		}
	}
}

func TestTooSmall(t *testing.T) {
	m := newTestModel(t, newBuilder())
	do(m, sizeMsg(30, 8))
	if got := plain(m); !strings.Contains(got, "terminal too small: 30×8") {
		t.Errorf("small terminal: %q", got)
	}
	do(m, keyMsg("down"), keyMsg("tab"), tea.MouseClickMsg{X: 3, Y: 3, Button: tea.MouseLeft})
	do(m, sizeMsg(80, 24))
	checkFrame(t, screen(m), 80, 24)
}

// NO_COLOR: no colour at all, but selection stays visible.
func TestNoColor(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	b.moveo(t0.Add(time.Minute))
	m := newTestModel(t, b, func(o *Options) { o.NoColor = true })
	for _, bg := range []tea.Msg{darkBG, lightBG} {
		do(m, sizeMsg(100, 30), bg, keyMsg("tab"), keyMsg("enter"))
		content := screen(m)
		checkFrame(t, content, 100, 30)
		colour := regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7])[;m]`)
		if loc := colour.FindStringIndex(content); loc != nil {
			t.Fatalf("a colour in NO_COLOR mode: %q", content[max(0, loc[0]-20):loc[1]+20])
		}
		if !strings.Contains(content, "\x1b[7m") && !strings.Contains(content, ";7m") {
			t.Error("no reverse video: the selection is invisible without colour")
		}
		do(m, keyMsg("esc"))
	}
}

// The light and dark palettes differ, and both give every part a style.
func TestLightAndDark(t *testing.T) {
	b := newBuilder()
	b.moveo(t0)
	render := func(bg tea.Msg) string {
		m := newTestModel(t, b)
		do(m, sizeMsg(100, 30), bg, keyMsg("tab"))
		return screen(m)
	}
	dark, light := render(darkBG), render(lightBG)
	if dark == light {
		t.Fatal("light and dark backgrounds draw the same colours")
	}
	if ansi.Strip(dark) != ansi.Strip(light) {
		t.Fatal("light and dark read differently")
	}
}

// A hostile session id and texts are drawn escaped, wherever they appear.
func TestHostileTextIsEscaped(t *testing.T) {
	b := newBuilder()
	b.hostile(t0)
	for _, steps := range [][]tea.Msg{nil, keys("tab"), keys("tab", "enter"), keys("tab", "enter", "2"),
		keys("tab", "enter", "3"), keys("v"), keys("tab", "c")} {
		m := newTestModel(t, b)
		do(m, sizeMsg(160, 48))
		do(m, steps...)
		content := screen(m)
		checkFrame(t, content, 160, 48)
	}
	m := newTestModel(t, b)
	do(m, sizeMsg(160, 48), keyMsg("tab"), keyMsg("enter"))
	text := plain(m)
	for _, want := range []string{`evil\x1b[2J\x1b]52;c;cm0gLXJmIH4=\x07\u202eredi\xff`, `X-Evil\x1b[2J`,
		`value\x1b]52;c;ZXZpbA==\x07\u2067end`, `/hook/\x1b[31mred\u202e?q=\x1b]0;pwned\x07`} {
		if !strings.Contains(text, want) {
			t.Errorf("inspector lacks %q", want)
		}
	}
}

// The session list keeps the newest activity first, and the selection stays
// on the same session (at the same place on screen) as others move.
func TestSelectionStaysOnSession(t *testing.T) {
	b := newBuilder()
	b.crowd(t0, 40)
	m := newTestModel(t, b)
	do(m, sizeMsg(100, 30))
	do(m, keys("down", "down", "down", "down", "down")...)
	sel := m.sel.selected().key
	row := m.sel.idx - m.sel.top
	// Another session gets a new exchange: it moves to the top.
	last := m.ix.order[len(m.ix.order)-1].key
	b.add(fixedAt, last.Platform, "message", last.ID, "POST", "/api/webhook/message", "", "{}",
		[]model.Turn{turn(model.RoleUser, "back again", fixedAt)})
	m.applyBatch(m.sub.Drain())
	if m.ix.order[0].key != last {
		t.Fatalf("the active session is not first")
	}
	if got := m.sel.selected().key; got != sel {
		t.Fatalf("selection moved from %v to %v", sel, got)
	}
	if got := m.sel.idx - m.sel.top; got != row {
		t.Errorf("the selected row moved on screen from %d to %d", row, got)
	}
	for i := 1; i < len(m.ix.order); i++ {
		if m.ix.order[i-1].lastSeen.Before(m.ix.order[i].lastSeen) {
			t.Fatalf("order broken at %d", i)
		}
	}
	// Following, the newest session is selected.
	do(m, keyMsg("f"))
	if m.sel.selected().key != last {
		t.Errorf("follow does not select the newest session")
	}
}

func TestMouse(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	b.chatbot(t0.Add(time.Minute))
	b.moveo(t0.Add(2 * time.Minute))
	m := newTestModel(t, b)
	do(m, sizeMsg(80, 24))
	// Row 2 of the list (y = header 2 + title 1 + 2 rows of 2 lines).
	do(m, tea.MouseClickMsg{X: 5, Y: 7, Button: tea.MouseLeft})
	if e := m.sel.selected(); e == nil || e.key.Platform != "navtalk" {
		t.Fatalf("click did not select the third session")
	}
	// The wheel over the transcript scrolls it, away from the bottom.
	l := m.layout()
	do(m, tea.MouseWheelMsg{X: l.main.x + 5, Y: l.main.y + 3, Button: tea.MouseWheelUp})
	if e := m.sel.selected(); e.stick {
		t.Error("wheel up left the transcript stuck to the bottom")
	}
	// A click on an exchange selects it; a second click inspects it.
	e, tc, h := m.transcriptView()
	win := m.window(e, tc, h)
	row := 0 // the first line on screen that starts a block other than the selected one
	for i, ref := range win {
		if ref.line == 0 && m.blockID(e, tc, ref.block) != e.selEx {
			row = i
			break
		}
	}
	want := m.blockID(e, tc, win[row].block)
	y := l.main.y + m.transcriptHeadH(e, l.main.w, l.main.h) + row
	do(m, tea.MouseClickMsg{X: l.main.x + 10, Y: y, Button: tea.MouseLeft})
	if e.selEx != want {
		t.Fatalf("click selected %v, want %v", e.selEx, want)
	}
	do(m, tea.MouseClickMsg{X: l.main.x + 10, Y: y, Button: tea.MouseLeft})
	if !m.insp.open || m.insp.id != want {
		t.Fatal("second click did not inspect the exchange")
	}
	// Tabs are clickable.
	l = m.layout()
	x := l.inspector.x + width(" Inspect ") + width(" Request ") + 2
	do(m, tea.MouseClickMsg{X: x, Y: l.inspector.y, Button: tea.MouseLeft})
	if m.insp.tab != tabResponse {
		t.Errorf("tab click: tab %d", m.insp.tab)
	}
	// In the grid, clicks select a box, and a second one opens it.
	do(m, keyMsg("esc"), keyMsg("v"))
	l = m.layout()
	do(m, tea.MouseClickMsg{X: l.body.w - 3, Y: l.body.y + 2, Button: tea.MouseLeft})
	if m.grid.sel == 0 {
		t.Error("grid click did not select the box")
	}
	do(m, tea.MouseClickMsg{X: l.body.w - 3, Y: l.body.y + 2, Button: tea.MouseLeft})
	if m.gridMode {
		t.Error("second grid click did not open the session")
	}
}

// H visits every held exchange in turn.
func TestJumpHeld(t *testing.T) {
	b := newBuilder()
	b.moveo(t0)
	b.navtalk(t0.Add(time.Minute))
	m := newTestModel(t, b)
	do(m, sizeMsg(100, 30))
	if m.sel.selected().key.Platform != "navtalk" {
		t.Fatal("the newest session should be selected first")
	}
	do(m, keyMsg("H"))
	e := m.sel.selected()
	if e.key.Platform != "moveo" || m.ix.rows[e.selEx].State != model.StateHeld || m.focus != focusMain {
		t.Fatalf("H did not select the held exchange")
	}
	if m.follow {
		t.Error("jumping to a held exchange leaves follow on")
	}
}

// The grid pages through sessions with the keyboard and opens one.
func TestGridKeys(t *testing.T) {
	b := newBuilder()
	b.crowd(t0, 12)
	m := newTestModel(t, b)
	do(m, sizeMsg(80, 24), keyMsg("v"))
	cols, rows := gridShape(80, 21, len(m.ix.vis))
	if cols != 2 || rows != 2 {
		t.Fatalf("grid %dx%d at 80×24", cols, rows)
	}
	do(m, keyMsg("down"), keyMsg("right"))
	if m.grid.sel != 3 {
		t.Fatalf("grid selection %d, want 3", m.grid.sel)
	}
	do(m, keyMsg("pgdown"))
	checkFrame(t, screen(m), 80, 24)
	if m.grid.top != 4 {
		t.Errorf("page down shows from %d, want 4", m.grid.top)
	}
	do(m, keyMsg("enter"))
	if m.gridMode || m.sel.idx != 7 || m.focus != focusMain {
		t.Errorf("enter opened session %d (grid %v)", m.sel.idx, m.gridMode)
	}
}

// Read-only over a history: the header names the file, ages count from the
// newest exchange rather than now, nothing follows, and quitting never asks.
func TestReadOnly(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	b.moveo(t0.Add(10 * time.Minute))
	m := newTestModel(t, b, func(o *Options) {
		o.ReadOnly, o.Source, o.Endpoint = true, "hark-2025-06-02.jsonl", Endpoint{}
		o.Now = func() time.Time { return time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC) }
	})
	do(m, sizeMsg(100, 30))
	text := plain(m)
	for _, want := range []string{"▤ hark-2025-06-02.jsonl read-only", "⏸1 ✗1 5 turns now", "6 turns 10m"} {
		if !strings.Contains(text, want) {
			t.Errorf("read-only view lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "intercept") || strings.Contains(text, "● follow") || strings.Contains(text, "y copy URL") {
		t.Errorf("read-only view shows live controls:\n%s", text)
	}
	if _, cmd := m.Update(keyMsg("q")); cmd == nil || m.dialogs.len() > 0 {
		t.Error("quitting a history asks first")
	}
	empty := newTestModel(t, newBuilder(), func(o *Options) { o.ReadOnly, o.Source = true, "empty.jsonl" })
	do(empty, sizeMsg(80, 24))
	if text := plain(empty); !strings.Contains(text, "empty.jsonl holds no exchanges.") {
		t.Errorf("empty history:\n%s", text)
	}
}

// The header follows the tunnel and the intercept mode.
func TestHeaderStates(t *testing.T) {
	in := model.NewIntercept(model.InterceptOff)
	m := newTestModel(t, newBuilder(), func(o *Options) { o.Endpoint, o.Intercept = Endpoint{State: EndpointConnecting}, in })
	do(m, sizeMsg(120, 30))
	if text := plain(m); !strings.Contains(text, "● connecting") || !strings.Contains(text, "Connecting to ngrok…") {
		t.Errorf("connecting:\n%s", text)
	}
	do(m, endpointMsg{State: EndpointFailed, Reason: "ERR_NGROK_4018: authentication failed"})
	text := plain(m)
	if !strings.Contains(text, "● failed") || !strings.Contains(text, "The tunnel failed.") || !strings.Contains(text, "ERR_NGROK_4018") {
		t.Errorf("failed:\n%s", text)
	}
	do(m, endpointMsg{State: EndpointLocal, URL: "http://127.0.0.1:8787", Reason: "set NGROK_AUTHTOKEN for a public URL"})
	text = plain(m)
	for _, want := range []string{"● local  http://127.0.0.1:8787", "Local only: no public URL.", "hark send navtalk --to http://127.0.0.1:8787", "intercept off"} {
		if !strings.Contains(text, want) {
			t.Errorf("local: lacks %q:\n%s", want, text)
		}
	}
	in.SetMode(model.InterceptConsumed) // the header reads the shared setting
	if text := plain(m); !strings.Contains(text, "intercept consumed") {
		t.Errorf("intercept mode not shown:\n%s", text)
	}
}

// ctrl+c over the help, with exchanges held, asks before quitting.
func TestCtrlCOverHelpAsks(t *testing.T) {
	b := newBuilder()
	b.moveo(t0)
	m := newTestModel(t, b)
	do(m, sizeMsg(80, 24), keyMsg("?"), keyMsg("ctrl+c"))
	if m.dialogs.len() != 1 {
		t.Fatalf("%d dialogs open", m.dialogs.len())
	}
	if _, ok := m.dialogs.top().(*confirmQuit); !ok {
		t.Fatalf("the open dialog is %T", m.dialogs.top())
	}
	if text := plain(m); !strings.Contains(text, "Quit hark?") {
		t.Errorf("no confirmation:\n%s", text)
	}
}
