package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/platform"
)

// Every command asks the registry of platforms, so every command loads it
// the same way before it runs: the built-in profiles, then the user's from
// $XDG_CONFIG_HOME/hark/platforms (~/.config/hark/platforms), then those
// of --platforms, with --group applied. A profile file with a mistake
// stops hark with file:line: what is wrong, and exit 2.

// registryFlags are the persistent flags that shape the registry.
type registryFlags struct {
	dirs   []string
	groups []string
}

func (f *registryFlags) register(cmd *cobra.Command) {
	fs := cmd.PersistentFlags()
	fs.StringArrayVar(&f.dirs, "platforms", nil, "a directory of platform profiles (*.yaml), or one profile file, read after ~/.config/hark/platforms (repeatable)")
	fs.StringArrayVar(&f.groups, "group", nil, "group a platform's requests by another of its ids, as PLATFORM=KEY (repeatable; hark platforms lists the keys)")
}

// prepare loads the registry from the command line, applies the settings,
// and loads it again when the settings named other profiles or groupings;
// what loading decided is said once.
func (f *registryFlags) prepare(e *env, cmd *cobra.Command) error {
	dirs, groups := len(f.dirs), len(f.groups)
	r, err := f.loadRegistry(e)
	if err != nil {
		return err
	}
	if err := e.applySettings(cmd); err != nil {
		return err
	}
	if len(f.dirs) != dirs || len(f.groups) != groups {
		if r, err = f.loadRegistry(e); err != nil {
			return err
		}
	}
	for _, n := range r.Notices() {
		fmt.Fprintln(e.stderr, "hark: "+n)
	}
	return nil
}

// userPlatformsDir is where a user keeps profiles of their own: beside the
// config file.
func userPlatformsDir(getenv func(string) string) string {
	if x := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "hark", "platforms")
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".config", "hark", "platforms")
	}
	return ""
}

// loadRegistry builds the registry of a run and makes it the one hark
// uses.
func (f *registryFlags) loadRegistry(e *env) (*platform.Registry, error) {
	groups := map[string]string{}
	for _, g := range f.groups {
		name, key, ok := strings.Cut(g, "=")
		name, key = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(key)
		if !ok || name == "" || key == "" {
			return nil, usagef("--group %q: expected PLATFORM=KEY, e.g. --group %s", g, groupExample())
		}
		groups[name] = key
	}
	var files []string
	if dir := userPlatformsDir(e.getenv); dir != "" {
		found, err := profileFiles(dir, false)
		if err != nil {
			return nil, usagef("%s: %v", dir, err)
		}
		files = append(files, found...)
	}
	for _, d := range f.dirs {
		found, err := profileFiles(d, true)
		if err != nil {
			return nil, usagef("--platforms %s: %v", d, err)
		}
		files = append(files, found...)
	}
	users, err := compileFiles(files)
	if err != nil {
		return nil, usageError{err}
	}
	r, err := platform.Load(users, groups)
	if err != nil {
		return nil, usageError{err}
	}
	platform.Use(r)
	return r, nil
}

// profileFiles lists the profile files of a directory (*.yaml, *.yml, in
// name order), or the file itself. A user's directory that does not exist
// holds none; one named with --platforms must exist.
func profileFiles(path string, named bool) ([]string, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !named:
		return nil, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, errors.New("no such file or directory")
	case err != nil:
		return nil, err
	case !st.IsDir():
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, en := range entries {
		if ext := filepath.Ext(en.Name()); !en.IsDir() && (ext == ".yaml" || ext == ".yml") {
			out = append(out, filepath.Join(path, en.Name()))
		}
	}
	slices.Sort(out)
	return out, nil
}

// compileFiles compiles every file and reports every mistake of all of
// them at once.
func compileFiles(files []string) ([]*platform.Profile, error) {
	var profiles []*platform.Profile
	var errs platform.FormatErrors
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		p, err := platform.Compile(f, src)
		var fe platform.FormatErrors
		switch {
		case errors.As(err, &fe):
			errs = append(errs, fe...)
		case err != nil:
			return nil, err
		default:
			profiles = append(profiles, p)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return profiles, nil
}

// groupExample is a --group value for help and errors: the first profile
// that groups another way.
func groupExample() string {
	for _, p := range platform.Profiles() {
		if g := p.Groups(); len(g) > 0 {
			return p.Name + "=" + g[0]
		}
	}
	return "PLATFORM=KEY"
}
