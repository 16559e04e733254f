package tui

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

func TestEditorCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "My Editors")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	spaced := filepath.Join(dir, "ed it")
	if err := os.WriteFile(spaced, []byte("#!/bin/sh\nprintf edited > \"$1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	const f = "/tmp/body.json"
	cases := []struct {
		editor, goos string
		want         []string
	}{
		{"vim", "linux", []string{"vim", f}},
		{"/usr/bin/nano", "linux", []string{"/usr/bin/nano", f}},
		{"code --wait", "linux", []string{"sh", "-c", `code --wait "$@"`, "code --wait", f}},
		{"'" + spaced + "' -f", "linux", []string{"sh", "-c", "'" + spaced + `' -f "$@"`, "'" + spaced + "' -f", f}},
		{spaced, "linux", []string{spaced, f}}, // an executable path with a space, unquoted
		{"code --wait", "windows", []string{"code", "--wait", f}},
	}
	for _, c := range cases {
		if got := editorCommand(c.editor, f, c.goos); !slices.Equal(got, c.want) {
			t.Errorf("editorCommand(%q, %s) = %q, want %q", c.editor, c.goos, got, c.want)
		}
	}
	if got := userEditor(func(k string) string { return map[string]string{"EDITOR": "nano", "VISUAL": "  "}[k] }); got != "nano" {
		t.Errorf("userEditor = %q, want $EDITOR when $VISUAL is blank", got)
	}
	if got := userEditor(func(string) string { return "" }); got != "vi" {
		t.Errorf("userEditor = %q, want vi", got)
	}

	// Both spellings of the spaced path really run the editor.
	if runtime.GOOS == "windows" {
		return
	}
	for _, editor := range []string{spaced, "'" + spaced + "'"} {
		body := filepath.Join(t.TempDir(), "body.json")
		argv := editorCommand(editor, body, runtime.GOOS)
		if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%q: %v %s", editor, err, out)
		}
		if b, _ := os.ReadFile(body); string(b) != "edited" {
			t.Errorf("%q: the editor did not write the file (%q)", editor, b)
		}
	}
}
