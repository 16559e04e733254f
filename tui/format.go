package tui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/harkhq/hark/platform"
	"github.com/harkhq/hark/sanitize"
	"github.com/harkhq/hark/stats"
)

// Text helpers. Every function here takes text that is already safe to draw
// (sanitized, or styled by this package) and measures it in terminal cells.

const ellipsis = "…"

// fit truncates s to w cells with an ellipsis and pads it with spaces to
// exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, ellipsis)
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// trunc truncates s to w cells with an ellipsis, without padding.
func trunc(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, ellipsis)
}

// middle shortens plain (unstyled) s to w cells by cutting out its middle,
// which keeps both ends of long identifiers recognisable.
func middle(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw <= w {
		return s
	}
	if w < 5 {
		return trunc(s, w)
	}
	head := w / 2
	tail := w - 1 - head
	return ansi.Truncate(s, head, "") + ellipsis + ansi.TruncateLeft(s, sw-tail, "")
}

// width is the number of cells s takes.
func width(s string) int { return ansi.StringWidth(s) }

// spaces returns n spaces (none for n ≤ 0).
func spaces(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(" ", n)
}

// spread lays out left and right parts on one line of w cells, dropping the
// right part when both do not fit.
func spread(left, right string, w int) string {
	lw, rw := width(left), width(right)
	if lw+1+rw > w {
		return fit(left, w)
	}
	return left + spaces(w-lw-rw) + right
}

// wrap breaks s into lines of at most w cells, at spaces where it can and
// anywhere when a word is longer than a line.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	if s == "" {
		return []string{""}
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		if width(para) <= w {
			out = append(out, para)
			continue
		}
		parts := strings.Split(ansi.Wrap(para, w, ""), "\n")
		if strings.Contains(para, "\x1b[") {
			parts = closeStyles(parts)
		}
		out = append(out, parts...)
	}
	return out
}

// oneLine is sanitize.Line for text from the network.
func oneLine(s string) string { return sanitize.Line(s) }

// age says how long ago something happened, compactly: 4s, 12m, 3h, 2d.
func age(d time.Duration) string {
	switch {
	case d < time.Second:
		return "now"
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}

// latency formats a duration for a table of timings: 0.4ms, 12ms, 1.3s
// (package stats' way, so the monitor and hark stats read alike).
func latency(d time.Duration) string { return stats.Duration(d) }

// countdown formats the time left before a deadline: 9s, 1m05s.
func countdown(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	d = d.Round(time.Second)
	if d < time.Minute {
		return strconv.Itoa(int(d/time.Second)) + "s"
	}
	m := int(d / time.Minute)
	s := int((d % time.Minute) / time.Second)
	return strconv.Itoa(m) + "m" + pad2(s) + "s"
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// plural says "1 session", "3 sessions".
func plural(n int, what string) string {
	s := strconv.Itoa(n) + " " + what
	if n != 1 {
		s += "s"
	}
	return s
}

// byteSize formats a size: 512 B, 3.4 kB, 1.0 MB.
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1000*1000:
		return strconv.FormatFloat(float64(n)/1000, 'f', 1, 64) + " kB"
	}
	return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " MB"
}

// platformTitle names a platform for people; profile names and titles both
// map to the title.
func platformTitle(name string) string {
	return oneLine(platform.TitleOf(name))
}

// platformBadge is a platform's three-letter badge: its profile's, or the
// start of a name no profile has (a journal of another hark's platforms).
func platformBadge(name string) string {
	if p, ok := platform.Find(name); ok {
		return oneLine(p.Badge)
	}
	s := strings.ToUpper(oneLine(name))
	if width(s) > 3 {
		s = ansi.Truncate(s, 3, "")
	}
	return fit(s, 3)
}
