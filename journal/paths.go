package journal

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Ext is the file name extension of journals.
const Ext = ".jsonl"

// DefaultDir is where journals go when no --journal is given:
// $XDG_STATE_HOME/hark/journal when XDG_STATE_HOME is set to an absolute
// path, else %LOCALAPPDATA%\hark\journal on Windows, else
// ~/.local/state/hark/journal (the XDG default, on macOS too, where
// command-line tools commonly follow it).
func DefaultDir() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "hark", "journal"), nil
	}
	if runtime.GOOS == "windows" {
		if dir := os.Getenv("LOCALAPPDATA"); dir != "" {
			return filepath.Join(dir, "hark", "journal"), nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("journal: no directory for journals: %w", err)
	}
	return filepath.Join(home, ".local", "state", "hark", "journal"), nil
}

// DefaultPath is the journal of a run started at now: DefaultDir()/
// 2006-01-02_150405.jsonl in local time, with "-2", "-3"... added when a
// journal of that name already exists.
func DefaultPath(now time.Time) (string, error) {
	dir, err := DefaultDir()
	if err != nil {
		return "", err
	}
	return freeName(dir, now.Format("2006-01-02_150405"))
}

func freeName(dir, base string) (string, error) {
	for n := 1; ; n++ {
		name := base
		if n > 1 {
			name += "-" + strconv.Itoa(n)
		}
		path := filepath.Join(dir, name+Ext)
		_, err := os.Lstat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return path, nil
		case err != nil:
			return "", fmt.Errorf("journal: %w", err)
		}
	}
}

// Info describes a journal file.
type Info struct {
	Path     string
	Name     string // the file name, without its directory
	Size     int64
	Modified time.Time
}

// List returns the journals (files ending in .jsonl) in dir, most recently
// modified first. A dir that does not exist is an error wrapping
// fs.ErrNotExist.
func List(dir string) ([]Info, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	var list []Info
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), Ext) {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) { // removed since ReadDir
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		list = append(list, Info{
			Path:     filepath.Join(dir, e.Name()),
			Name:     e.Name(),
			Size:     info.Size(),
			Modified: info.ModTime(),
		})
	}
	slices.SortFunc(list, func(a, b Info) int {
		if c := b.Modified.Compare(a.Modified); c != 0 {
			return c
		}
		return cmp.Compare(b.Name, a.Name)
	})
	return list, nil
}
