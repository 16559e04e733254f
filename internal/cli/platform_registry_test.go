package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/harkhq/hark/platform"
)

const acmeProfile = `name: acme
title: Acme Voice
paths: [/acme/events]
match:
  path: /acme/*
  json: {event: "call.*"}
session: [call.id]
kind: event
kinds:
  call.started: the call rings
consumed:
  call.ended: {deadline: 5s, default: {ok: true}}
signature:
  hmac: sha256
  header: X-Acme-Signature
  prefix: "sha256="
`

// configHome writes profiles under a fresh $XDG_CONFIG_HOME/hark/platforms
// and returns the environment that points hark at it. The registry the
// run installs is dropped after the test.
func configHome(t *testing.T, files map[string]string) map[string]string {
	t.Helper()
	home := t.TempDir()
	dir := filepath.Join(home, "hark", "platforms")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { platform.Use(nil) })
	return map[string]string{"XDG_CONFIG_HOME": home}
}

func TestUserProfilesFromConfigHome(t *testing.T) {
	env := configHome(t, map[string]string{"acme.yaml": acmeProfile, "notes.txt": "not a profile"})
	code, out, stderr := runCLI(t, env, "platforms")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Acme Voice (acme)", filepath.Join("hark", "platforms", "acme.yaml"), "response consumed within 5s", "--secret acme=SECRET"} {
		if !strings.Contains(out, want) {
			t.Errorf("platforms lacks %q", want)
		}
	}
	// Generic stays last.
	if strings.Index(out, "Acme Voice") > strings.Index(out, "Generic JSON (generic)") {
		t.Error("the user's profile comes after the fallback")
	}
	code, out, _ = runCLI(t, env, "platforms", "show", "acme")
	if code != 0 || !strings.Contains(out, "your profile, from") || !strings.Contains(out, acmeProfile) {
		t.Errorf("show acme: exit %d\n%s", code, out)
	}
	// A secret for the user's platform is accepted by every command.
	if code, _, stderr := runCLI(t, env, "platforms", "test", "acme", writeTemp(t, "p.json", `{"event":"call.ended","call":{"id":"c1"}}`), "--secret", "acme=s"); code != 0 {
		t.Errorf("--secret acme: exit %d: %s", code, stderr)
	}
}

// TestBadProfileStopsHark: a mistake in a profile stops every command with
// file:line: what is wrong, and exit 2, whether the file is in the config
// directory or given with --platforms.
func TestBadProfileStopsHark(t *testing.T) {
	bad := strings.Replace(acmeProfile, "deadline: 5s", "deadline: 5x", 1)
	env := configHome(t, map[string]string{"acme.yaml": bad})
	line := regexp.MustCompile(`acme\.yaml:12: kind call\.ended: deadline "5x" is not a duration`)
	for _, args := range [][]string{{"platforms"}, {"listen", "--local", "--port", "0"}, {"send", "acme", "--to", "http://127.0.0.1:1"}, {"export", "x.jsonl"}} {
		code, _, stderr := runCLI(t, env, args...)
		if code != exitUsage || !line.MatchString(strings.Join(strings.Fields(stderr), " ")) {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("name: x\ntitle: X\nmatch: {path: /x}\nsignature: {hmac: md5, header: X-S}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, nil, "platforms", "--platforms", dir)
	if code != exitUsage || !strings.Contains(stderr, "broken.yaml:4:") || !strings.Contains(stderr, `unknown algorithm "md5"`) {
		t.Errorf("--platforms: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCLI(t, nil, "platforms", "--platforms", filepath.Join(dir, "nowhere"))
	if code != exitUsage || !strings.Contains(stderr, "no such file or directory") {
		t.Errorf("missing --platforms: exit %d, stderr %q", code, stderr)
	}
}

// TestPlatformsFlagAndOverride: --platforms takes a file too; a profile
// with a built-in's name is refused unless it overrides, which is said.
func TestPlatformsFlagAndOverride(t *testing.T) {
	t.Cleanup(func() { platform.Use(nil) })
	clash := writeTemp(t, "navtalk.yaml", "name: navtalk\ntitle: NavTalk\nbadge: NAV\nmatch: {path: /nav/*}\n")
	code, _, stderr := runCLI(t, nil, "platforms", "--platforms", clash)
	if code != exitUsage || !strings.Contains(stderr, "navtalk.yaml:1:") || !strings.Contains(stderr, "override: true") {
		t.Errorf("clash: exit %d, stderr %q", code, stderr)
	}
	override := writeTemp(t, "navtalk.yaml", "name: navtalk\ntitle: NavTalk\nbadge: NAV\noverride: true\nmatch: {path: /nav/*}\n")
	code, out, stderr := runCLI(t, nil, "platforms", "--platforms", override)
	if code != 0 || !strings.Contains(stderr, "replaces the built-in one") || !strings.Contains(out, "file") {
		t.Errorf("override: exit %d, stderr %q", code, stderr)
	}
}

func TestGroupFlag(t *testing.T) {
	t.Cleanup(func() { platform.Use(nil) })
	payload := writeTemp(t, "old.json", `{"conversationId":"conv-1","sessionId":"sess-1","result":{"resolvedQuery":"hi"}}`)
	code, out, _ := runCLI(t, nil, "platforms", "test", "chatbot", payload)
	if code != 0 || !regexp.MustCompile(`session\s+sess-1\s+conversationId conv-1`).MatchString(out) {
		t.Errorf("default grouping: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, nil, "--group", "chatbot=conversationId", "platforms", "test", "chatbot", payload)
	if code != 0 || !regexp.MustCompile(`session\s+conv-1\s+sessionId sess-1`).MatchString(out) {
		t.Errorf("--group chatbot=conversationId: exit %d\n%s", code, out)
	}
	// The same from the environment (or the config file's group: key).
	code, out, _ = runCLI(t, map[string]string{"HARK_GROUP_CHATBOT": "conversationId"}, "platforms", "test", "chatbot", payload)
	if code != 0 || !regexp.MustCompile(`session\s+conv-1\s+sessionId sess-1`).MatchString(out) {
		t.Errorf("HARK_GROUP_CHATBOT=conversationId: exit %d\n%s", code, out)
	}
	for _, bad := range []string{"chatbot=nope", "chatbot", "nosuch=x"} {
		if code, _, stderr := runCLI(t, nil, "platforms", "--group", bad); code != exitUsage || !strings.Contains(stderr, "--group") {
			t.Errorf("--group %s: exit %d %q", bad, code, stderr)
		}
	}
}

// TestPlatformsTest: how payloads of each form are read.
func TestPlatformsTest(t *testing.T) {
	t.Cleanup(func() { platform.Use(nil) })
	profile := writeTemp(t, "acme.yaml", acmeProfile)
	json := writeTemp(t, "call.json", `{"event":"call.ended","call":{"id":"c-77"}}`)
	raw := writeTemp(t, "call.http", "POST /acme/events?x=1 HTTP/1.1\nHost: brave-otter.ngrok-free.app\nContent-Type: application/json\nX-Acme-Signature: sha256=00\n\n{\"event\":\"call.started\",\"call\":{\"id\":\"c-78\"}}\n")
	form := writeTemp(t, "form.txt", "ConversationSid=CH1&Body=hello\n")
	code, out, stderr := runCLI(t, nil, "platforms", "test", profile, json, raw, form, "--path", "/acme/events", "--secret", "acme=s3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"call.json  POST /acme/events", "Acme Voice (acme)", "call.ended", "consumed within 5s", `200 {"ok":true}`,
		"missing — --secret acme is set but the request has no X-Acme-Signature header",
		"call.http  POST /acme/events?x=1", "c-78", "invalid — HMAC-SHA256",
		"form.txt  POST /acme/events", "Generic JSON (generic)  — not acme", "CH1", "hello",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	// A name instead of a file, a payload that cannot be read, a bad profile.
	if code, out, _ := runCLI(t, nil, "platforms", "test", "navtalk", json); code != 0 || !strings.Contains(out, "not navtalk") {
		t.Errorf("by name: exit %d\n%s", code, out)
	}
	if code, _, stderr := runCLI(t, nil, "platforms", "test", profile, filepath.Join(t.TempDir(), "none.json")); code != exitFailure || !strings.Contains(stderr, "none.json") {
		t.Errorf("missing payload: exit %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, nil, "platforms", "test", "nosuch", json); code != exitUsage || !strings.Contains(stderr, "neither a profile file nor a platform") {
		t.Errorf("unknown profile: exit %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, nil, "platforms", "test", writeTemp(t, "bad.yaml", "name: x\n"), json); code != exitUsage || !strings.Contains(stderr, "bad.yaml:1:") {
		t.Errorf("bad profile: exit %d %q", code, stderr)
	}
	if code, _, _ := runCLI(t, nil, "platforms", "test", profile); code != exitUsage {
		t.Errorf("no payload: exit %d", code)
	}
}

// TestPlatformsShowEveryBuiltin: every built-in profile prints in the
// format, compiles back, and says what Go code adds to it.
func TestPlatformsShowEveryBuiltin(t *testing.T) {
	for _, p := range platform.Builtin().Profiles() {
		code, out, stderr := runCLI(t, nil, "platforms", "show", p.Name)
		if code != 0 {
			t.Fatalf("%s: exit %d %s", p.Name, code, stderr)
		}
		if _, err := platform.Compile(p.Name+".yaml", []byte(out)); err != nil {
			t.Errorf("%s: what show prints does not compile: %v", p.Name, err)
		}
		if !strings.HasPrefix(out, "# "+p.Name+": hark's built-in profile") {
			t.Errorf("%s: header %q", p.Name, strings.SplitN(out, "\n", 2)[0])
		}
	}
	_, out, _ := runCLI(t, nil, "platforms", "show", "ChatBot.com")
	if !strings.Contains(out, "# Go code in hark adds what the format cannot say") || !strings.Contains(out, "#   simulate:") {
		t.Errorf("show chatbot does not list its Go code:\n%s", out[:min(len(out), 600)])
	}
	if code, _, stderr := runCLI(t, nil, "platforms", "show", "nosuch"); code != exitUsage || !strings.Contains(stderr, "unknown platform") {
		t.Errorf("show nosuch: exit %d %q", code, stderr)
	}
}

// TestStartupPasteListFolds: the start-up list shows a line for each common
// platform (its first URL) and folds the others into one line.
func TestStartupPasteListFolds(t *testing.T) {
	t.Cleanup(func() { platform.Use(nil) })
	rare := "name: rare\ntitle: Rare Bot\ncommon: false\npaths: [/rare]\nmatch: {path: /rare}\n"
	if code, _, stderr := runCLI(t, nil, "platforms", "--platforms", writeTemp(t, "rare.yaml", rare)); code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	var b bytes.Buffer
	writePasteURLs(&b, "https://x.ngrok-free.app/")
	out := b.String()
	listed := 0 // the common ones with a path to paste
	for _, p := range platform.Profiles() {
		if p.Common && len(p.Paths) > 0 {
			listed++
		}
	}
	for _, want := range []string{"https://x.ngrok-free.app/api/webhook/message  +2 paths", "https://x.ngrok-free.app/chatbot\n", "and ", "Rare Bot — `hark platforms --url https://x.ngrok-free.app` lists every path"} {
		if !strings.Contains(out, want) {
			t.Errorf("paste list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "/rare") || strings.Contains(out, "/api/webhook/session") {
		t.Errorf("a folded platform's path, or a second path, is listed:\n%s", out)
	}
	// A line for the heading, one a common platform, one for the rest.
	if lines := strings.Count(out, "\n"); lines != 1+listed+1 {
		t.Errorf("%d lines:\n%s", lines, out)
	}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
