package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

func TestAge(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "now"}, {0, "now"}, {999 * time.Millisecond, "now"},
		{time.Second, "1s"}, {59 * time.Second, "59s"}, {time.Minute, "1m"},
		{59*time.Minute + 59*time.Second, "59m"}, {time.Hour, "1h"}, {47 * time.Hour, "47h"},
		{48 * time.Hour, "2d"}, {400 * 24 * time.Hour, "400d"},
	} {
		if got := age(c.d); got != c.want {
			t.Errorf("age(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestLatencyAndCountdown(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "—"}, {612 * time.Microsecond, "0.6ms"}, {9900 * time.Microsecond, "9.9ms"},
		{15 * time.Millisecond, "15ms"}, {1500 * time.Millisecond, "1.5s"}, {90 * time.Second, "1m30s"},
	} {
		if got := latency(c.d); got != c.want {
			t.Errorf("latency(%v) = %q, want %q", c.d, got, c.want)
		}
	}
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0s"}, {7 * time.Second, "7s"}, {6500 * time.Millisecond, "7s"}, {65 * time.Second, "1m05s"},
	} {
		if got := countdown(c.d); got != c.want {
			t.Errorf("countdown(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestFitAndMiddle(t *testing.T) {
	if got := fit("hello", 8); got != "hello   " {
		t.Errorf("fit pad: %q", got)
	}
	if got := fit("hello world", 8); got != "hello w…" {
		t.Errorf("fit cut: %q", got)
	}
	if got := fit("日本語テキスト", 7); ansi.StringWidth(got) != 7 {
		t.Errorf("fit wide runes: %q is %d cells", got, ansi.StringWidth(got))
	}
	styled := "\x1b[1mbold text here\x1b[m"
	if got := fit(styled, 6); ansi.StringWidth(got) != 6 || !strings.HasPrefix(got, "\x1b[1m") {
		t.Errorf("fit styled: %q", got)
	}
	id := "8563dcdf-64ef-4de2-a5ca-b96e0557e4e8"
	if got := middle(id, 15); got != "8563dcd…0557e4e8" && ansi.StringWidth(got) != 15 {
		t.Errorf("middle: %q (%d cells)", got, ansi.StringWidth(got))
	}
	if got := middle(id, 15); !strings.HasPrefix(got, "8563dcd") || !strings.HasSuffix(got, "57e4e8") {
		t.Errorf("middle keeps both ends: %q", got)
	}
	if got := middle("short", 15); got != "short" {
		t.Errorf("middle short: %q", got)
	}
}

func TestWrapClosesStyles(t *testing.T) {
	s := "plain \x1b[31mred words that go on and on\x1b[m tail"
	lines := wrap(s, 10)
	if len(lines) < 3 {
		t.Fatalf("wrap: %q", lines)
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > 10 {
			t.Errorf("line %d too wide: %q", i, l)
		}
		// Every line that opens a colour closes it.
		if lastSGR(l, "") != "" {
			t.Errorf("line %d leaves its style open: %q", i, l)
		}
	}
	if !strings.HasPrefix(lines[1], "\x1b[31m") {
		t.Errorf("the style does not continue on the next line: %q", lines[1])
	}
}

func TestPlatformNames(t *testing.T) {
	for in, want := range map[string]string{"navtalk": "NavTalk", "ChatBot.com": "ChatBot.com", "moveo": "Moveo.ai", "generic": "Generic JSON"} {
		if got := platformTitle(in); got != want {
			t.Errorf("platformTitle(%q) = %q", in, got)
		}
	}
	if got := platformBadge("dialogflow"); got != "DIA" {
		t.Errorf("badge: %q", got)
	}
	if got := platformBadge("x\x1b[31m"); strings.ContainsRune(got, 0x1b) || ansi.StringWidth(got) != 3 {
		t.Errorf("hostile badge: %q", got)
	}
	if got := platformBadge("Moveo.ai"); got != "MOV" {
		t.Errorf("badge by title: %q", got)
	}
}
