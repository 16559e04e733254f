package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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

// prepare loads the registry from the command line (with the settings'
// profiles when it names none, so that the settings' secrets and deadlines
// for those profiles check), applies the settings, and loads it again
// when they named other profiles or groupings; what loading decided is
// said once.
func (f *registryFlags) prepare(e *env, cmd *cobra.Command) error {
	dirs, groups := f.dirs, len(f.groups)
	if len(dirs) == 0 {
		dirs = e.settingDirs()
	}
	r, err := f.loadRegistry(e, dirs)
	if err != nil {
		return err
	}
	if err := e.applySettings(cmd); err != nil {
		return err
	}
	if len(f.dirs) > 0 && !slices.Equal(f.dirs, dirs) || len(f.groups) != groups {
		if len(f.dirs) > 0 {
			dirs = f.dirs
		}
		if r, err = f.loadRegistry(e, dirs); err != nil {
			return err
		}
	}
	for _, n := range r.Notices() {
		fmt.Fprintln(e.stderr, "hark: "+n)
	}
	return nil
}

// settingDirs are the profiles HARK_PLATFORMS names, else the config
// file's platforms: what applySettings gives --platforms when the command
// line does not. A config file that does not read names none here:
// applySettings reports it.
func (e *env) settingDirs() []string {
	s, _ := lookupSetting("platforms")
	vals := envValues(s, e.getenv)
	if vals == nil {
		cfg, err := e.loadConfig()
		if err != nil {
			return nil
		}
		vals = cfg.values(s.key)
	}
	var dirs []string
	for _, v := range vals {
		dirs = append(dirs, v.text)
	}
	return dirs
}

// preloadRegistry loads the registry before the commands are made, so
// that their help, written when a command is made and shown without
// running its hooks, lists the user's profiles too: those of the user's
// directory, of --platforms on the command line, else of the settings. A
// mistake is left for prepare, which loads the registry again, to report.
func preloadRegistry(e *env, args []string) {
	fs := pflag.NewFlagSet("hark", pflag.ContinueOnError)
	fs.ParseErrorsAllowlist.UnknownFlags = true // every other flag of every command
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var dirs []string
	fs.StringArrayVar(&dirs, "platforms", nil, "")
	fs.BoolP("help", "h", false, "") // else pflag stops at --help, which is when this matters
	if err := fs.Parse(args); err != nil || len(dirs) == 0 {
		dirs = e.settingDirs()
	}
	_, _ = (&registryFlags{}).loadRegistry(e, dirs)
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

// loadRegistry builds the registry of a run from the user's directory and
// dirs (--platforms, or the settings' platforms) and makes it the one hark
// uses.
func (f *registryFlags) loadRegistry(e *env, dirs []string) (*platform.Registry, error) {
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
	for _, d := range dirs {
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
