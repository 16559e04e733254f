package cli

import (
	"strings"
	"testing"

	"github.com/harkhq/hark/platform"
)

// TestSecretHelpListsUserProfiles: the --secret help of every command that
// takes one names the user's profiles too, whether they come from the
// config directory, --platforms or HARK_PLATFORMS: help is written before
// any command runs.
func TestSecretHelpListsUserProfiles(t *testing.T) {
	file := writeTemp(t, "acme.yaml", acmeProfile)
	t.Cleanup(func() { platform.Use(nil) })
	for name, run := range map[string]struct {
		env  map[string]string
		args []string
	}{
		"config directory": {configHome(t, map[string]string{"acme.yaml": acmeProfile}), nil},
		"--platforms":      {nil, []string{"--platforms", file}},
		"HARK_PLATFORMS":   {map[string]string{"HARK_PLATFORMS": file}, nil},
	} {
		for _, cmd := range []string{"listen", "send", "replay"} {
			code, out, stderr := runCLI(t, run.env, append([]string{cmd, "--help"}, run.args...)...)
			if code != 0 {
				t.Fatalf("%s: %s --help: exit %d: %s", name, cmd, code, stderr)
			}
			if !strings.Contains(strings.Join(strings.Fields(out), " "), "acme=SECRET") {
				t.Errorf("%s: %s --help does not list acme=SECRET", name, cmd)
			}
		}
	}
}

// TestSecretOfASettingsProfile: the secret of a profile that the settings
// load (HARK_PLATFORMS) is read like a built-in one's (HARK_SECRET_ACME);
// a secret for an unknown platform lists the platforms that take one, the
// user's included.
func TestSecretOfASettingsProfile(t *testing.T) {
	file := writeTemp(t, "acme.yaml", acmeProfile)
	t.Cleanup(func() { platform.Use(nil) })
	code, out, stderr := runCLI(t, map[string]string{"HARK_PLATFORMS": file, "HARK_SECRET_ACME": "s3cret"}, "config")
	if code != 0 || !strings.Contains(out, "acme=…") || !strings.Contains(out, "$HARK_SECRET_ACME") {
		t.Fatalf("exit %d: %s\n%s", code, stderr, out)
	}
	payload := writeTemp(t, "p.json", `{"event":"call.ended","call":{"id":"c1"}}`)
	code, _, stderr = runCLI(t, map[string]string{"HARK_PLATFORMS": file}, "platforms", "test", "acme", payload, "--secret", "nope=x")
	if code != 2 || !strings.Contains(stderr, `unknown platform "nope" (platforms that take a secret: `) || !strings.Contains(stderr, "acme=SECRET") ||
		strings.Contains(stderr, "navtalk=") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
