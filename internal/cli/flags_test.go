package cli

import (
	"strings"
	"testing"
)

func TestUsageErrorsExitTwo(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag"},
		{[]string{"listen", "--port", "70000"}, "a port is 0 to 65535"},
		{[]string{"listen", "--secret", "moveo"}, "expected PLATFORM=SECRET"},
		{[]string{"listen", "--secret", "nosuch=x"}, `unknown platform "nosuch"`},
		{[]string{"listen", "--max-body", "lots"}, "--max-body"},
		{[]string{"listen", "--keep", "0"}, "--keep 0: keep at least 1"},
		{[]string{"listen", "--journal", "x", "--no-journal"}, "contradict"},
		{[]string{"listen", "--basic-auth", "user:short"}, "basic"},
		{[]string{"listen", "--allow-cidr", "300.1.2.3/8", "--authtoken", "tok"}, "cidr"},
		{[]string{"send", "navtalk"}, "--to is required"},
		{[]string{"send", "nosuch", "--to", "http://127.0.0.1:1"}, `unknown platform "nosuch"`},
		{[]string{"send", "navtalk", "--to", "ftp://x"}, "http:// or https://"},
		{[]string{"send"}, "give one platform"},
		{[]string{"platforms", "extra"}, "takes no arguments"},
		{[]string{"nosuchcommand"}, "unknown command"},
		{[]string{"lisen"}, "Did you mean this?"},
		{[]string{"completion", "bogus"}, `unknown command "bogus" for "hark completion"`},
		{[]string{"completion", "bsh"}, "Did you mean this?"},
		{[]string{"completion"}, "give a shell"},
		{[]string{"completion", "bash", "extra"}, "unknown command"},
		{[]string{"help", "bogus"}, `unknown command "bogus"`},
		{[]string{"version", "extra"}, "takes no arguments"},
		{[]string{"man", "extra"}, "takes no arguments"},
		{[]string{"config", "extra"}, "takes no arguments"},
		{[]string{"listen", "--max-body", "99999999999999g"}, "too large"},
		{[]string{"listen", "--rules", "/missing/dir/r.yml"}, "the folder /missing/dir does not exist"},
		{[]string{"listen", "--bind", "0.0.0.0"}, "--basic-auth"},
		{[]string{"listen", "--bind", "example.com"}, "give an IP address"},
		{[]string{"open", "x.jsonl", "--export-dir", "/missing/dir"}, "not a folder"},
	}
	for _, c := range cases {
		code, _, stderr := runCLI(t, nil, c.args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", c.args, code, stderr)
		}
		if !strings.Contains(strings.ToLower(stderr), strings.ToLower(c.want)) {
			t.Errorf("%v: stderr %q lacks %q", c.args, stderr, c.want)
		}
	}
}

func TestPlatformsCommand(t *testing.T) {
	code, out, _ := runCLI(t, nil, "platforms", "--url", "https://abc.ngrok-free.app/")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"NavTalk (navtalk)", "https://abc.ngrok-free.app/api/webhook/message", "response consumed within 10s", "(?)", "X-Moveo-Signature"} {
		if !strings.Contains(out, want) {
			t.Errorf("platforms output lacks %q", want)
		}
	}
	code, out, _ = runCLI(t, nil, "platforms", "--json")
	if code != 0 || !strings.Contains(out, `"name": "moveo"`) || !strings.Contains(out, `"deadline_ms": 10000`) {
		t.Errorf("platforms --json: exit %d\n%s", code, out)
	}
}

func TestParseSize(t *testing.T) {
	good := map[string]int64{"1048576": 1 << 20, "512k": 512 << 10, "100KB": 100000, "1MiB": 1 << 20, "2m": 2 << 20, "1.5k": 1536}
	for in, want := range good {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "k", "12 parsecs", "-1", "0", "99999999999999g", "9223372036854775807", "8589934592g"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}

// TestDidYouMean checks cobra's suggestions for a mistyped command, in the
// plain text a terminal-less stderr gets and in fang's styled form.
func TestDidYouMean(t *testing.T) {
	for typo, want := range map[string]string{"lisen": "listen", "sned": "send", "exprot": "export", "replya": "replay", "platfroms": "platforms"} {
		code, _, stderr := runCLI(t, nil, typo)
		if code != exitUsage {
			t.Errorf("hark %s: exit %d, want 2", typo, code)
		}
		_, after, ok := strings.Cut(stderr, "Did you mean this?")
		if !ok || !strings.Contains(after, want) {
			t.Errorf("hark %s: stderr %q does not suggest %s", typo, stderr, want)
		}
	}
	p := startHark(t, nil, "lisen")
	err := p.cmd.Wait()
	if code := p.cmd.ProcessState.ExitCode(); code != exitUsage {
		t.Fatalf("exit %d (%v), want 2", code, err)
	}
	if want := "unknown command \"lisen\" for \"hark\"\n\nDid you mean this?\n\tlisten\n"; !strings.Contains(p.stderr.String(), want) {
		t.Errorf("plain stderr %q lacks %q", p.stderr.String(), want)
	}
}
