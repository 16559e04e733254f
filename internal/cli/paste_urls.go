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

// writePasteURLs prints the start-up list: every URL of the common
// platforms (and of the user's own), then one line for the others.
func writePasteURLs(w io.Writer, base string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "hark: paste into your platform's console:")
	var folded []string
	for _, g := range pasteGroups(base) {
		if !g.Common {
			folded = append(folded, g.Platform)
			continue
		}
		for i, u := range g.URLs {
			fmt.Fprintf(tw, "  %s\t%s\n", first(i, g.Platform), u)
		}
	}
	tw.Flush()
	if len(folded) > 0 {
		fmt.Fprintf(w, "  %d more: %s — `hark platforms --url %s` lists their paths\n", len(folded), joinShort(folded, 4), strings.TrimRight(base, "/"))
	}
}

// joinShort names the first n of a list and counts the rest.
func joinShort(list []string, n int) string {
	if len(list) <= n {
		return strings.Join(list, ", ")
	}
	return strings.Join(list[:n], ", ") + fmt.Sprintf(" and %d others", len(list)-n)
}
