package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/harkhq/hark/platform"
)

// pasteURL is a URL to paste into a platform's console.
type pasteURL struct {
	Platform string
	URL      string
	What     string
}

// pasteURLs lists, for every platform, the full URLs to paste.
func pasteURLs(base string) []pasteURL {
	base = strings.TrimRight(base, "/")
	var out []pasteURL
	for _, p := range platform.Profiles() {
		for _, ph := range p.Paths {
			out = append(out, pasteURL{Platform: p.Title, URL: base + ph.Path, What: ph.What})
		}
	}
	return out
}

func writePasteURLs(w io.Writer, base string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "hark: paste into your platform's console:")
	last := ""
	for _, p := range pasteURLs(base) {
		name := p.Platform
		if name == last {
			name = ""
		}
		last = p.Platform
		fmt.Fprintf(tw, "  %s\t%s\n", name, p.URL)
	}
	tw.Flush()
}
