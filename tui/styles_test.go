package tui

import (
	"testing"

	"charm.land/lipgloss/v2"

	"github.com/harkhq/hark/platform"
)

// TestPlatformBadgeColours: each profile's badge takes its colour from the
// palette by its place in the registry, neighbours differ, the fallback and
// unknown platforms share the neutral colour, and NO_COLOR draws none.
func TestPlatformBadgeColours(t *testing.T) {
	for _, dark := range []bool{true, false} {
		p := newPalette(dark, false)
		st := newStyles(dark, false)
		var prev lipgloss.Style
		for i, pr := range platform.Profiles() {
			got := st.badge(pr.Name).GetForeground()
			idx, ok := pr.ColorIndex()
			want := p.otherPlatform
			if ok {
				want = p.platforms[idx%len(p.platforms)]
			}
			if got != want {
				t.Errorf("dark %v: %s badge colour %v, want %v", dark, pr.Name, got, want)
			}
			if st.badge(pr.Title).GetForeground() != got {
				t.Errorf("dark %v: %s by title has another colour", dark, pr.Name)
			}
			if i > 0 && prev.GetForeground() == got {
				t.Errorf("dark %v: %s has its neighbour's colour", dark, pr.Name)
			}
			prev = st.badge(pr.Name)
		}
		if st.badge("dialogflow").GetForeground() != p.otherPlatform {
			t.Errorf("dark %v: an unknown platform is not neutral", dark)
		}
	}
	st := newStyles(true, true)
	for _, pr := range platform.Profiles() {
		if _, none := st.badge(pr.Name).GetForeground().(lipgloss.NoColor); !none {
			t.Errorf("NO_COLOR: %s badge has a colour", pr.Name)
		}
	}
}
