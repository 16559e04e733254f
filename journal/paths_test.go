package journal

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestDefaultPathHonoursXDGStateHome(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	now := time.Date(2025, 3, 14, 9, 27, 1, 0, time.Local)
	path, err := DefaultPath(now)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(state, "hark", "journal", "2025-03-14_092701.jsonl")
	if path != want {
		t.Errorf("DefaultPath %q, want %q", path, want)
	}
	// Taken names are skipped.
	for _, next := range []string{"2025-03-14_092701-2.jsonl", "2025-03-14_092701-3.jsonl"} {
		w, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		w.Close()
		if path, err = DefaultPath(now); err != nil || filepath.Base(path) != next {
			t.Errorf("with the name taken: %q, %v; want %s", path, err, next)
		}
	}
}

func TestDefaultDirWithoutXDG(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("LOCALAPPDATA applies")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, xdg := range []string{"", "relative/dir"} { // the spec says to ignore relative paths
		t.Setenv("XDG_STATE_HOME", xdg)
		dir, err := DefaultDir()
		if want := filepath.Join(home, ".local", "state", "hark", "journal"); err != nil || dir != want {
			t.Errorf("XDG_STATE_HOME=%q: %q, %v; want %q", xdg, dir, err, want)
		}
	}
}

func TestList(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	files := map[string]time.Duration{
		"old.jsonl":    0,
		"newest.jsonl": 3 * time.Hour,
		"mid-b.jsonl":  time.Hour,
		"mid-a.jsonl":  time.Hour,
		"notes.txt":    4 * time.Hour,
	}
	for name, age := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Repeat("x", len(name))), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, base, base.Add(age)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "dir.jsonl"), 0o700); err != nil {
		t.Fatal(err)
	}
	list, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, info := range list {
		names = append(names, info.Name)
		if info.Path != filepath.Join(dir, info.Name) || info.Size != int64(len(info.Name)) || !info.Modified.Equal(base.Add(files[info.Name])) {
			t.Errorf("info %+v", info)
		}
	}
	if got := strings.Join(names, " "); got != "newest.jsonl mid-b.jsonl mid-a.jsonl old.jsonl" {
		t.Errorf("List order: %s", got)
	}
	if _, err := List(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("List of a missing dir: %v", err)
	}
}
