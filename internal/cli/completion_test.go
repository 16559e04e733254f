package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/export"
	"github.com/harkhq/hark/platform"
)

// complete asks hark for completions as a shell does, through the hidden
// __complete command, and returns the values (descriptions cut off) and
// the directive.
func complete(t *testing.T, env map[string]string, args ...string) ([]string, cobra.ShellCompDirective) {
	t.Helper()
	code, out, stderr := runCLI(t, env, append([]string{cobra.ShellCompRequestCmd}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %v: exit %d: %s", args, code, stderr)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, ":") {
		t.Fatalf("__complete %v: no directive line in %q", args, out)
	}
	var d int
	for _, c := range last[1:] {
		d = d*10 + int(c-'0')
	}
	var values []string
	for _, l := range lines[:len(lines)-1] {
		values = append(values, strings.SplitN(l, "\t", 2)[0])
	}
	return values, cobra.ShellCompDirective(d)
}

func TestCompletionValues(t *testing.T) {
	platforms := platform.Names()
	var secretNames []string
	for _, name := range platforms {
		secretNames = append(secretNames, name+"=")
	}
	cases := []struct {
		args []string
		want []string
		dir  cobra.ShellCompDirective
	}{
		{[]string{"send", ""}, append(slices.Clone(platforms), "all"), cobra.ShellCompDirectiveNoFileComp},
		{[]string{"send", "navtalk", ""}, nil, cobra.ShellCompDirectiveNoFileComp},
		{[]string{"export", "x.jsonl", "--format", ""}, export.FormatNames(), cobra.ShellCompDirectiveNoFileComp},
		{[]string{"--intercept", ""}, []string{"off", "consumed", "all"}, cobra.ShellCompDirectiveNoFileComp},
		{[]string{"demo", "--intercept", ""}, []string{"off", "consumed", "all"}, cobra.ShellCompDirectiveNoFileComp},
		{[]string{"listen", "--secret", ""}, secretNames, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace},
		{[]string{"hark", "--deadline", ""}, nil, 0}, // "hark" is not a subcommand: no completion, checked below
		{[]string{"listen", "--bind", ""}, []string{"127.0.0.1", "0.0.0.0", "::"}, cobra.ShellCompDirectiveNoFileComp},
		{[]string{"listen", "--journal", ""}, []string{"jsonl"}, cobra.ShellCompDirectiveFilterFileExt},
		{[]string{"open", "some"}, []string{"jsonl"}, cobra.ShellCompDirectiveFilterFileExt},
		{[]string{"open", "--export-dir", ""}, nil, cobra.ShellCompDirectiveFilterDirs},
		{[]string{"completion", ""}, []string{"bash", "fish", "powershell", "zsh"}, cobra.ShellCompDirectiveNoFileComp},
		{[]string{"lis"}, []string{"listen"}, cobra.ShellCompDirectiveNoFileComp},
	}
	for _, c := range cases {
		if c.args[0] == "hark" {
			continue
		}
		got, dir := complete(t, nil, c.args...)
		if !slices.Equal(got, c.want) || dir != c.dir {
			t.Errorf("complete %q: %q directive %d; want %q directive %d", c.args, got, dir, c.want, c.dir)
		}
	}
	if got, _ := complete(t, nil, "--deadline", ""); !slices.Contains(got, "moveo=") {
		t.Errorf("--deadline completes %q", got)
	}
}

// TestCompletionJournalsAndSessions: journal files for open, export, stats and
// replay (the current folder's and hark's own), and with a journal given,
// its session ids for --session.
func TestCompletionJournalsAndSessions(t *testing.T) {
	path := recordJournal(t)
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	dir := filepath.Join(state, "hark", "journal")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	kept := filepath.Join(dir, "2026-11-27_101500.jsonl")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kept, b, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if err := os.WriteFile("local.jsonl", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"open", "export", "replay", "stats"} {
		got, dir := complete(t, nil, cmd, "")
		if !slices.Equal(got, []string{"local.jsonl", kept}) || dir != cobra.ShellCompDirectiveNoFileComp {
			t.Errorf("%s: %q directive %d", cmd, got, dir)
		}
	}
	for _, cmd := range []string{"export", "replay", "stats"} {
		got, _ := complete(t, nil, cmd, path, "--session", "")
		if !slices.Contains(got, "edit-me") || !slices.Contains(got, sessionIDOf(t, path, "navtalk")) {
			t.Errorf("%s --session: %q", cmd, got)
		}
	}
	if got, _ := complete(t, nil, "export", "/nonexistent.jsonl", "--session", ""); len(got) != 0 {
		t.Errorf("sessions of a missing journal: %q", got)
	}
}

// TestBashCompletionScript: the script bash sources is generated, and
// the values it asks for come back through __complete.
func TestBashCompletionScript(t *testing.T) {
	code, out, _ := runCLI(t, nil, "completion", "bash")
	if code != 0 || !strings.Contains(out, "__start_hark") || !strings.Contains(out, "__complete") {
		t.Fatalf("completion bash: exit %d\n%.300s", code, out)
	}
}

func TestManPage(t *testing.T) {
	code, out, stderr := runCLI(t, nil, "man")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{".TH HARK 1", `"User Commands"`, "listen", "--secret", "CONFIGURATION", "HARK_SECRET_<PLATFORM>", "EXIT STATUS", "FILES", "hark/config"} {
		if !strings.Contains(out, want) {
			t.Errorf("man page lacks %q", want)
		}
	}
}
