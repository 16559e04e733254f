package platform

import (
	"bytes"
	"fmt"
	"strings"
)

// Show returns the profile in the declarative format, as `hark platforms
// show` prints it: the file it was compiled from, under a header that says
// where it comes from and how to start a profile of one's own from it.
// What Go code adds to a built-in profile is listed as comments, since the
// format cannot say it; a copy works without it.
func (p *Profile) Show() []byte {
	var b bytes.Buffer
	if p.builtin {
		fmt.Fprintf(&b, "# %s: hark's built-in profile, in the format of docs/platform-format.md.\n", p.Name)
		fmt.Fprintf(&b, "# To start one of your own from it, save this as ~/.config/hark/platforms/NAME.yaml\n")
		fmt.Fprintf(&b, "# with another name:, title: and badge:, or keep the name and add override: true\n")
		fmt.Fprintf(&b, "# to replace this one.\n")
	} else {
		fmt.Fprintf(&b, "# %s: your profile, from %s.\n", p.Name, p.file)
		if p.override {
			fmt.Fprintf(&b, "# It replaces hark's built-in %s (override: true).\n", p.Name)
		}
	}
	if c := p.code; c != nil && len(c.about) > 0 {
		b.WriteString("#\n# Go code in hark adds what the format cannot say (a copy works without it):\n")
		for _, a := range c.about {
			fmt.Fprintf(&b, "#   %s\n", a)
		}
	}
	if p.groupedBy != "" {
		fmt.Fprintf(&b, "#\n# In this run, --group %s=%s groups its requests by: %s\n", p.Name, p.groupedBy, sourcesText(p.session))
	}
	b.WriteString("\n")
	b.Write(p.source)
	if !bytes.HasSuffix(p.source, []byte("\n")) {
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func sourcesText(srcs []source) string {
	parts := make([]string, len(srcs))
	for i, s := range srcs {
		parts[i] = s.String()
	}
	return strings.Join(parts, ", ")
}
