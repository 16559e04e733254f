package cli

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sim"
)

// writeConfig writes a config file and returns an environment that points
// hark at it.
func writeConfigFile(t *testing.T, text string) (path string, env map[string]string) {
	t.Helper()
	dir := t.TempDir()
	path = filepath.Join(dir, "hark", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, map[string]string{"XDG_CONFIG_HOME": dir, "HOME": t.TempDir()}
}

// settingsFor parses args on a command of a fresh tree, applies the
// settings as a run would, and returns the command.
func settingsFor(t *testing.T, vars map[string]string, command string, args ...string) (*cobra.Command, *env, error) {
	t.Helper()
	e := &env{stdout: &strings.Builder{}, stderr: &strings.Builder{}, getenv: func(k string) string { return vars[k] }}
	cmd := findCommand(newRootCommand(e), command)
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatal(err)
	}
	return cmd, e, e.applySettings(cmd)
}

func TestSettingsPrecedence(t *testing.T) {
	_, env := writeConfigFile(t, "port: 9000\nintercept: consumed\nmax-body: 2MiB\n")
	cases := []struct {
		env  map[string]string
		args []string
		want string
		from sourceKind
	}{
		{nil, nil, "9000", fromFile},
		{map[string]string{"HARK_PORT": "9100"}, nil, "9100", fromEnv},
		{map[string]string{"HARK_PORT": "9100"}, []string{"--port", "9200"}, "9200", fromFlag},
		{nil, []string{"--port", "9200"}, "9200", fromFlag},
	}
	for _, c := range cases {
		all := maps(env, c.env)
		cmd, e, err := settingsFor(t, all, "listen", c.args...)
		if err != nil {
			t.Fatalf("%v %v: %v", c.env, c.args, err)
		}
		if got := cmd.Flags().Lookup("port").Value.String(); got != c.want {
			t.Errorf("%v %v: port %s, want %s", c.env, c.args, got, c.want)
		}
		if a := appliedKey(e, "port"); a.from.kind != c.from {
			t.Errorf("%v %v: port from %v, want kind %d", c.env, c.args, a.from, c.from)
		}
		if got := cmd.Flags().Lookup("max-body").Value.String(); got != "2MiB" {
			t.Errorf("max-body %s, want the file's 2MiB", got)
		}
	}
	// Without a file, the default stays.
	cmd, _, err := settingsFor(t, map[string]string{"XDG_CONFIG_HOME": t.TempDir()}, "listen")
	if err != nil || cmd.Flags().Lookup("port").Value.String() != "8787" {
		t.Errorf("no config: port %s, %v", cmd.Flags().Lookup("port").Value, err)
	}
	// A setting applies only to the commands it lists: demo keeps any free port.
	cmd, _, err = settingsFor(t, env, "demo")
	if err != nil || cmd.Flags().Lookup("port").Value.String() != "0" || cmd.Flags().Lookup("intercept").Value.String() != "consumed" {
		t.Errorf("demo: port %s intercept %s, %v", cmd.Flags().Lookup("port").Value, cmd.Flags().Lookup("intercept").Value, err)
	}
}

func maps(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func appliedKey(e *env, key string) appliedSetting {
	for _, a := range e.applied {
		if a.key == key {
			return a
		}
	}
	return appliedSetting{}
}

// TestSecretsMergePerPlatform: --secret for one platform leaves the
// others' secrets from the environment and the file in force.
func TestSecretsMergePerPlatform(t *testing.T) {
	_, env := writeConfigFile(t, "secret:\n  - moveo=file-moveo\n  - chatbot=file-chatbot\ndeadline: {moveo: 5s}\nallow-cidr: [10.0.0.0/8, 192.0.2.7]\n")
	env["HARK_SECRET_MOVEO"] = "env-moveo"
	env["HARK_DEADLINE_CHATBOT"] = "8s"
	cmd, e, err := settingsFor(t, env, "hark", "--secret", "chatbot=flag-chatbot")
	if err != nil {
		t.Fatal(err)
	}
	secrets, err := parseSecrets(flagValues(cmd.Flags().Lookup("secret")))
	if err != nil {
		t.Fatal(err)
	}
	if secrets["moveo"] != "env-moveo" || secrets["chatbot"] != "flag-chatbot" {
		t.Errorf("secrets = %v", secrets)
	}
	deadlines, err := parseDeadlines(flagValues(cmd.Flags().Lookup("deadline")))
	if err != nil || deadlines["moveo"].String() != "5s" || deadlines["chatbot"].String() != "8s" {
		t.Errorf("deadlines = %v, %v", deadlines, err)
	}
	if got := flagValues(cmd.Flags().Lookup("allow-cidr")); !slices.Equal(got, []string{"10.0.0.0/8", "192.0.2.7"}) {
		t.Errorf("allow-cidr = %v", got)
	}
	var froms []string
	for _, v := range appliedKey(e, "secret").values {
		froms = append(froms, v.from.String())
	}
	if !slices.Equal(froms, []string{"$HARK_SECRET_MOVEO", "flag"}) {
		t.Errorf("secret sources %v", froms)
	}
	// send and replay sign with the same secrets.
	cmd, _, err = settingsFor(t, env, "send")
	if secrets, _ := parseSecrets(flagValues(cmd.Flags().Lookup("secret"))); err != nil || secrets["moveo"] != "env-moveo" || secrets["chatbot"] != "file-chatbot" {
		t.Errorf("send secrets = %v, %v", secrets, err)
	}
}

// TestConfigCommand is `hark config` as a user sees it: effective values,
// sources, and no secret.
func TestConfigCommand(t *testing.T) {
	path, env := writeConfigFile(t, "# my settings\nport: 9000\nsecret: [moveo=s3cr3t-file, chatbot=t0ken-file]\nintercept: consumed\nbasic-auth: [alice:longpassword]\n")
	env["HARK_PORT"] = "9100"
	env["HARK_SECRET_MOVEO"] = "s3cr3t-env"
	code, out, stderr := runCLI(t, env, "config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, secret := range []string{"s3cr3t", "t0ken", "longpassword"} {
		if strings.Contains(out, secret) {
			t.Errorf("hark config shows a secret (%s):\n%s", secret, out)
		}
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`config file +` + regexp.QuoteMeta(path) + `\n`),
		regexp.MustCompile(`port +9100 +\$HARK_PORT +hark, listen\n`),
		regexp.MustCompile(`secret +moveo=… +\$HARK_SECRET_MOVEO +hark, listen, send, replay\n +chatbot=… +config.yaml:3 *\n`),
		regexp.MustCompile(`intercept +consumed +config.yaml:4 +hark, demo\n`),
		regexp.MustCompile(`basic-auth +alice:… +config.yaml:5`),
		regexp.MustCompile(`local +false +default`),
		regexp.MustCompile(`export-dir +/\S+/hark/exports +default`),
		regexp.MustCompile(`journal +/\S+/hark/journal/<start time>.jsonl +default`),
	} {
		if !want.MatchString(out) {
			t.Errorf("hark config lacks %s:\n%s", want, out)
		}
	}
}

// TestBadConfig: every mistake in the file or the environment names
// where it is (file, line and key, or the variable) and exits 2, without
// showing a secret.
func TestBadConfig(t *testing.T) {
	cases := []struct {
		file string
		env  map[string]string
		args []string
		want []string
		cmd  string // default listen
	}{
		{file: "port: 9000\nintercept consumed\n", want: []string{"line 2", "could not find expected ':'"}},
		{file: "port: 9000\nprot: 9001\n", want: []string{"line 2", `unknown key "prot"`, "port, bind"}},
		{file: "port: nine\n", want: []string{`--port "nine": expected a whole number`, "line 1"}},
		{file: "\n\nport: 70000\n", want: []string{"a port is 0 to 65535", "line 3"}},
		{file: "local: yes please\n", want: []string{"--local", "expected true or false", "line 1"}},
		{file: "intercept: sometimes\n", want: []string{"--intercept", "expected off, consumed or all", "line 1"}, cmd: "demo"},
		{file: "max-body: 99999999999999g\n", want: []string{"too large", "line 1"}},
		{file: "secret:\n  - moveo=ok-token\n  - moveo\n", want: []string{"expected PLATFORM=SECRET", "line 3"}},
		{file: "secret: [nosuch=hidden-value]\n", want: []string{`unknown platform "nosuch"`, "line 1"}},
		{file: "secret:\n  moveo: [a, b]\n", want: []string{"line 2: secret: expected a single value"}},
		{file: "port:\n", want: []string{"line 1: port: no value given"}},
		{file: "port: [1, 2]\n", want: []string{"port", "expected a single value", "line 1"}},
		{file: "port: 9000\nport: 9001\n", want: []string{"given twice", "line 2"}},
		{file: "- port\n", want: []string{"expected keys and values"}},
		{file: "to: http://x\n", want: []string{`unknown key "to"`}},
		// Values only the command checks are reported with their place too.
		{file: "local: true\n\nallow-cidr: [300.1.2.3/8]\n", want: []string{"--allow-cidr", "line 3"}, args: []string{"--bind", "0.0.0.0"}},
		{env: map[string]string{"HARK_PORT": "abc"}, want: []string{`--port "abc"`, "$HARK_PORT"}},
		{env: map[string]string{"HARK_SECRET_MOVEO": "x", "HARK_DEADLINE_MOVEO": "1y"}, want: []string{"--deadline", "$HARK_DEADLINE_MOVEO"}},
		{env: map[string]string{"HARK_CONFIG": "/nonexistent/hark.yaml"}, want: []string{"/nonexistent/hark.yaml"}},
	}
	for _, c := range cases {
		path, env := writeConfigFile(t, c.file)
		for k, v := range c.env {
			env[k] = v
		}
		args := append([]string{cmp.Or(c.cmd, "listen"), "--no-journal"}, c.args...)
		code, _, stderr := runCLI(t, env, args...)
		if code != exitUsage {
			t.Errorf("%q %v: exit %d, want 2; stderr %s", c.file, c.env, code, stderr)
		}
		if c.file != "" && c.env == nil && !strings.Contains(stderr, path) {
			t.Errorf("%q: stderr does not name the file %s: %s", c.file, path, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%q %v: stderr lacks %q: %s", c.file, c.env, w, stderr)
			}
		}
		if strings.Contains(stderr, "hidden-value") || strings.Contains(stderr, "ok-token") {
			t.Errorf("%q: a secret is shown: %s", c.file, stderr)
		}
		// hark config reports the same file mistakes.
		if c.args == nil {
			if code, _, _ := runCLI(t, env, "config"); code != exitUsage {
				t.Errorf("%q %v: hark config exit %d, want 2", c.file, c.env, code)
			}
		}
	}
}

// TestSecretFromEnvironmentVerifies runs `hark listen` as a user keeping
// the Moveo token out of the command line: from HARK_SECRET_MOVEO, and
// from the config file. Signed webhooks verify, and the token is in
// neither the process's arguments nor its output.
func TestSecretFromEnvironmentVerifies(t *testing.T) {
	const token = "moveo-token-from-env-0123456789"
	cfgDir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(cfgDir, "hark"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfgDir, "hark", "config.yaml"), []byte("secret: [moveo="+token+"]\nlocal: true\nno-journal: true\nport: 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, env := range map[string][]string{
		"environment": {"HARK_SECRET_MOVEO=" + token, "HARK_LOCAL=true", "HARK_NO_JOURNAL=1", "HARK_PORT=0"},
		"config file": {"HARK_CONFIG=" + filepath.Join(cfgDir, "hark", "config.yaml")},
	} {
		p := startHark(t, env, "listen", "--json")
		url := p.url(t)
		if cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/cmdline"); err == nil && strings.Contains(string(cmdline), token) {
			t.Errorf("%s: the token is in the process's arguments", name)
		}
		rep, err := sim.Run(context.Background(), sim.Options{Platforms: []string{"moveo"}, To: url, Secrets: map[string]string{"moveo": token}, Seed: 3})
		if err != nil || rep.Failed > 0 {
			t.Fatalf("%s: send: %v, %+v", name, err, rep)
		}
		sc := bufio.NewScanner(p.stdout)
		for n := 0; n < rep.Sent && sc.Scan(); n++ {
			if strings.Contains(sc.Text(), token) {
				t.Errorf("%s: the token is in the output", name)
			}
			var s model.Summary
			if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
				t.Fatal(err)
			}
			if s.Signature == nil || s.Signature.State != model.SigValid {
				t.Errorf("%s: exchange %d (%s) signature %+v, want valid", name, s.ID, s.Kind, s.Signature)
			}
		}
		_ = p.cmd.Process.Signal(syscall.SIGINT)
		_ = p.cmd.Wait()
		if strings.Contains(p.stderr.String(), token) {
			t.Errorf("%s: the token is on stderr", name)
		}
	}
}

// TestListenPortFromConfig: the port of the config file is where hark
// listens, and HARK_PORT overrides it.
func TestListenPortFromConfig(t *testing.T) {
	free := func() int {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return ln.Addr().(*net.TCPAddr).Port
	}
	filePort, envPort := free(), free()
	path, _ := writeConfigFile(t, "port: "+strconv.Itoa(filePort)+"\nlocal: true\nno-journal: true\n")
	for _, c := range []struct {
		env  []string
		want int
	}{{nil, filePort}, {[]string{"HARK_PORT=" + strconv.Itoa(envPort)}, envPort}} {
		p := startHark(t, append([]string{"HARK_CONFIG=" + path}, c.env...), "listen")
		if url := p.url(t); url != "http://127.0.0.1:"+strconv.Itoa(c.want) {
			t.Errorf("%v: listening on %s, want port %d", c.env, url, c.want)
		}
		_ = p.cmd.Process.Signal(syscall.SIGINT)
		_ = p.cmd.Wait()
	}
}

// TestListenBindEnforcesGuard runs `hark listen --bind 0.0.0.0` as in a
// container: refused without a guard; with --basic-auth, 401 without the
// credentials; with --allow-cidr, 403 from outside the list; settings
// from the environment work the same.
func TestListenBindEnforcesGuard(t *testing.T) {
	code, _, stderr := runCLI(t, map[string]string{"HARK_BIND": "0.0.0.0"}, "listen", "--local", "--no-journal")
	if code != exitUsage || !strings.Contains(stderr, "--basic-auth") || !strings.Contains(stderr, "$HARK_BIND") {
		t.Errorf("unguarded bind: exit %d, %s", code, stderr)
	}
	post := func(url string) int {
		resp, err := http.Post(url+"/api/webhook/message", "application/json", strings.NewReader(`{"sessionId":"s"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	local := func(url string) string { // 0.0.0.0 is reached through loopback
		return strings.Replace(url, "0.0.0.0", "127.0.0.1", 1)
	}
	p := startHark(t, []string{"HARK_BASIC_AUTH=alice:longpassword"}, "listen", "--local", "--bind", "0.0.0.0", "--port", "0", "--no-journal")
	url := p.url(t)
	if !strings.HasPrefix(url, "http://0.0.0.0:") {
		t.Errorf("listening on %s", url)
	}
	if code := post(local(url)); code != http.StatusUnauthorized {
		t.Errorf("without credentials: %d, want 401", code)
	}
	if code := post(strings.Replace(local(url), "http://", "http://alice:longpassword@", 1)); code != http.StatusOK {
		t.Errorf("with credentials: %d, want 200", code)
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	_ = p.cmd.Wait()

	p = startHark(t, nil, "listen", "--local", "--bind", "0.0.0.0", "--allow-cidr", "10.0.0.0/8", "--port", "0", "--no-journal")
	if code := post(local(p.url(t))); code != http.StatusForbidden {
		t.Errorf("from outside --allow-cidr: %d, want 403", code)
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	_ = p.cmd.Wait()
}
