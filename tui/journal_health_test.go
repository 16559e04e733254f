package tui

import (
	"strings"
	"testing"
)

// While the journal loses records, the header says so, with the count,
// whatever else it would show; once writes work again, it says no more.
func TestHeaderWarnsWhileJournalFails(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	health := JournalHealth{Failing: true, Lost: 380, Reason: "no space left on device"}
	m := newTestModel(t, b, func(o *Options) { o.Journal = func() JournalHealth { return health } })
	do(m, sizeMsg(120, 30))
	m.flash.show("copied the URL") // news does not hide it
	checkFrame(t, screen(m), 120, 30)
	if text := plain(m); !strings.Contains(text, "⚠ journal failing: 380 records not written (no space left on device)") {
		t.Errorf("no standing warning:\n%s", text)
	}
	do(m, sizeMsg(80, 24))
	if text := plain(m); !strings.Contains(text, "⚠ journal: 380 lost") {
		t.Errorf("no compact warning:\n%s", text)
	}
	health = JournalHealth{Lost: 380, Reason: "no space left on device"}
	if text := plain(m); strings.Contains(text, "journal") {
		t.Errorf("warning after recovery:\n%s", text)
	}
}
