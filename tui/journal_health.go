package tui

import "strconv"

// JournalHealth is how the journal is doing, as the monitor shows it.
type JournalHealth struct {
	Failing bool   // writes fail now: records are being lost
	Lost    uint64 // records lost since hark started
	Reason  string // why the last write failed
}

// journalWarning is the header's standing warning while the journal loses
// records, "" while it writes.
func (m *Model) journalWarning(compact bool) string {
	if m.opts.Journal == nil {
		return ""
	}
	h := m.opts.Journal()
	if !h.Failing {
		return ""
	}
	lost := strconv.FormatUint(h.Lost, 10)
	if compact {
		return "⚠ journal: " + lost + " lost"
	}
	what := " records"
	if h.Lost == 1 {
		what = " record"
	}
	return "⚠ journal failing: " + lost + what + " not written (" + oneLine(h.Reason) + ")"
}
