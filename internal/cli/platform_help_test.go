package cli

import (
	"strings"
	"testing"

	"github.com/harkhq/hark/platform"
)

// TestPlatformHelpFromRegistry: the help that speaks of platforms lists
// every profile it concerns, from the profiles' own facts.
func TestPlatformHelpFromRegistry(t *testing.T) {
	help := func(args ...string) string {
		t.Helper()
		code, out, stderr := runCLI(t, nil, append(args, "--help")...)
		if code != 0 {
			t.Fatalf("%v --help: exit %d: %s", args, code, stderr)
		}
		// fang wraps long lines: compare words, not line breaks.
		return strings.Join(strings.Fields(out), " ")
	}
	monitor, listen, send, replay, demo := help(), help("listen"), help("send"), help("replay"), help("demo")
	secrets := 0
	for _, p := range platform.Profiles() {
		if p.Secret != nil {
			secrets++
			form := p.Name + "=" + p.Secret.Value
			for what, text := range map[string]string{"listen": listen, "send": send, "replay": replay} {
				if what == "replay" && !p.Resigns() {
					continue // replay signs again only what it can (not Bot Framework's RS256 token)
				}
				if !strings.Contains(text, form) {
					t.Errorf("%s --help lacks %s", what, form)
				}
			}
			if !strings.Contains(listen, form+" checks "+p.Secret.Checks) {
				t.Errorf("listen --secret help does not say what %s checks", form)
			}
		}
		if p != platform.Fallback() && !strings.Contains(monitor, p.Title) {
			t.Errorf("hark --help does not name %s", p.Title)
		}
		if p.Simulated() && !strings.Contains(demo, p.Title) {
			t.Errorf("demo --help does not name %s", p.Title)
		}
	}
	if secrets == 0 {
		t.Fatal("no profile takes a secret")
	}
	// The examples give a secret to a platform that takes one.
	name, value, _ := strings.Cut(secretExample(""), "=")
	if p, ok := platform.Lookup(name); !ok || p.Secret == nil || value != p.Secret.Value {
		t.Errorf("secret example %q", secretExample(""))
	}
	if p, ok := platform.Lookup(sendExample()); !ok || !p.Simulated() {
		t.Errorf("send example %q", sendExample())
	}
}

func TestPlatformTitlesJoin(t *testing.T) {
	all := func(*platform.Profile) bool { return true }
	got := platformTitles("or", all)
	ps := platform.Profiles()
	if !strings.HasPrefix(got, ps[0].Title+", ") || !strings.HasSuffix(got, " or "+ps[len(ps)-1].Title) {
		t.Errorf("platformTitles = %q", got)
	}
	if got := platformTitles("or", func(p *platform.Profile) bool { return p == ps[0] }); got != ps[0].Title {
		t.Errorf("one title = %q", got)
	}
}
