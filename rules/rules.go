// Package rules keeps the user's response rules in a file: loaded with
// --rules FILE, and saved back whenever they change, so an edit kept as a
// rule today answers the same webhooks tomorrow.
package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/harkhq/hark/model"
)

// file is the on-disk shape: versioned, so later fields can be added.
type file struct {
	Version int          `json:"version"`
	Rules   []model.Rule `json:"rules"`
}

// Load reads a rules file. A file that does not exist yet holds no rules:
// it is created at the first save.
func Load(path string) ([]model.Rule, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("rules: %s is not a hark rules file: %w", path, err)
	}
	if f.Version > 1 {
		return nil, fmt.Errorf("rules: %s was written by a newer hark (version %d)", path, f.Version)
	}
	for i := range f.Rules {
		if err := f.Rules[i].Check(); err != nil {
			return nil, fmt.Errorf("rules: %s: %w", path, err)
		}
	}
	return f.Rules, nil
}

// CheckWritable says, before hark starts, whether rules can be saved to
// path: an existing path must be a regular file, and its folder must
// exist and take a new file (Save writes a temporary file there and
// renames it). A mistyped --rules is reported at once, not at the first
// save, and no folder is created for it.
func CheckWritable(path string) error {
	st, err := os.Stat(path)
	switch {
	case err == nil && !st.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", path)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("the folder %s does not exist", dir)
	}
	probe, err := os.CreateTemp(dir, ".hark-rules-*")
	if err != nil {
		if pe, ok := errors.AsType[*fs.PathError](err); ok {
			err = pe.Err // "permission denied", without the probe's name
		}
		return fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// Save writes the rules atomically: a crash leaves the old file or the new
// one, never half of one.
func Save(path string, rules []model.Rule) error {
	if rules == nil {
		rules = []model.Rule{}
	}
	b, err := json.MarshalIndent(file{Version: 1, Rules: rules}, "", "  ")
	if err != nil {
		return fmt.Errorf("rules: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("rules: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".hark-rules-*")
	if err != nil {
		return fmt.Errorf("rules: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("rules: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("rules: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("rules: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rules: %w", err)
	}
	return nil
}

// Autosave saves rs to path after every change, in the background, until
// stop is called; stop waits for the last save. Saves never block the
// receiver: changes made while a save runs are written by the next one.
func Autosave(rs *model.Rules, path string, logger *slog.Logger) (stop func()) {
	changed := make(chan []model.Rule, 1)
	rs.OnChange(func(list []model.Rule) {
		for {
			select {
			case changed <- list:
				return
			default:
				select { // replace the pending, older list
				case <-changed:
				default:
				}
			}
		}
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for list := range changed {
			if err := Save(path, list); err != nil && logger != nil {
				logger.Error("saving rules failed", "file", path, "err", err)
			}
		}
	}()
	return func() {
		rs.OnChange(nil)
		close(changed)
		<-done
	}
}
