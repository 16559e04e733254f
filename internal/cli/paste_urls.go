package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/harkhq/hark/platform"
)

// pasteGroup is a platform's URLs to paste into its console.
type pasteGroup struct {
	Platform string // title
	Name     string
	URLs     []string
	Common   bool // listed at start; the others are folded behind `hark platforms`
}

// pasteGroups lists, for every platform, the full URLs to paste, in the
// registry's order (the fallback last).
func pasteGroups(base string) []pasteGroup {
	base = strings.TrimRight(base, "/")
	var out []pasteGroup
	for _, p := range platform.Profiles() {
		g := pasteGroup{Platform: p.Title, Name: p.Name, Common: p.Common}
		for _, ph := range p.Paths {
			g.URLs = append(g.URLs, base+ph.Path)
		}
		if len(g.URLs) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// writePasteURLs prints the start-up list, short enough to read at a
// glance: a line for each common platform (and each of the user's own),
// its first URL and how many more it has, then one line naming the others.
// `hark platforms --url` lists every path.
func writePasteURLs(w io.Writer, base string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "hark: paste into your platform's console:")
	var folded []string
	more := false
	for _, g := range pasteGroups(base) {
		if !g.Common {
			folded = append(folded, g.Platform)
			continue
		}
		extra := ""
		if n := len(g.URLs) - 1; n > 0 {
			extra, more = "  +"+plural(n, "path"), true
		}
		fmt.Fprintf(tw, "  %s\t%s%s\n", g.Platform, g.URLs[0], extra)
	}
	tw.Flush()
	base = strings.TrimRight(base, "/")
	switch {
	case len(folded) > 0:
		fmt.Fprintf(w, "  and %s — `hark platforms --url %s` lists every path\n", strings.Join(folded, ", "), base)
	case more:
		fmt.Fprintf(w, "  `hark platforms --url %s` lists every path\n", base)
	}
}
