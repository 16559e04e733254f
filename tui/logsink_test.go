package tui

import (
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

func TestLogSinkHandler(t *testing.T) {
	sink := NewLogSink(3)
	log := slog.New(sink.Handler()).With("component", "tunnel").WithGroup("ngrok")
	log.Debug("dropped: below the level")
	log.Info("connected", "region", "eu", slog.Group("edge", "id", "ed_1"), "msg", "two words")
	recs, next, dropped := sink.since(0)
	if len(recs) != 1 || next != 1 || dropped != 0 {
		t.Fatalf("records %d next %d dropped %d", len(recs), next, dropped)
	}
	r := recs[0]
	if r.Message != "connected" || r.Level != slog.LevelInfo {
		t.Errorf("record: %+v", r)
	}
	if want := `component=tunnel ngrok.region=eu ngrok.edge.id=ed_1 ngrok.msg="two words"`; r.Attrs != want {
		t.Errorf("attrs %q, want %q", r.Attrs, want)
	}

	sink.SetLevel(slog.LevelDebug)
	for i := 0; i < 5; i++ {
		log.Debug("line")
	}
	recs, next, dropped = sink.since(1)
	if len(recs) != 3 || next != 6 || dropped != 2 {
		t.Errorf("after overflow: records %d next %d dropped %d", len(recs), next, dropped)
	}
}

func TestLogViewSanitizes(t *testing.T) {
	sink := NewLogSink(10)
	sink.Add(LogRecord{Time: t0, Level: slog.LevelError, Message: "boom \x1b[2J\x1b]0;title\a", Attrs: "err=\u202eevil"})
	m := newTestModel(t, newBuilder(), func(o *Options) { o.Logs = sink })
	do(m, sizeMsg(80, 24))
	if m.logs.unseenWarnings() != 1 {
		t.Errorf("unseen warnings: %d", m.logs.unseenWarnings())
	}
	do(m, keyMsg("L"))
	if m.logs.unseenWarnings() != 0 {
		t.Error("opening the log does not mark warnings seen")
	}
	content := screen(m)
	checkFrame(t, content, 80, 24)
	text := ansi.Strip(content)
	for _, want := range []string{`boom \x1b[2J\x1b]0;title\x07`, `err=\u202eevil`, "ERROR", "10:30:00"} {
		if !strings.Contains(text, want) {
			t.Errorf("log view lacks %q:\n%s", want, text)
		}
	}
}

func TestLogViewScrollsAndDrops(t *testing.T) {
	sink := NewLogSink(50)
	m := newTestModel(t, newBuilder(), func(o *Options) { o.Logs = sink })
	do(m, sizeMsg(80, 24), keyMsg("L"))
	for i := 0; i < 120; i++ {
		sink.Add(LogRecord{Time: t0.Add(time.Duration(i) * time.Second), Level: slog.LevelInfo, Message: "line " + strconv.Itoa(i)})
	}
	do(m, logsMsg{})
	text := plain(m)
	if !strings.Contains(text, "line 119") || strings.Contains(text, "line 69 ") {
		t.Errorf("newest lines not shown:\n%s", text)
	}
	if !strings.Contains(text, "70 older lines dropped") {
		t.Errorf("dropped lines not reported:\n%s", text)
	}
	do(m, keyMsg("g"))
	if text := plain(m); !strings.Contains(text, "line 70") {
		t.Errorf("g does not go to the oldest line:\n%s", text)
	}
}
