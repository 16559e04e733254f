package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/harkhq/hark/sanitize"
)

// configFile is the user's config file: keys are settings (long flag
// names), each with its values and the line they are on.
type configFile struct {
	path    string
	found   bool
	entries map[string][]sourcedValue
}

// values is what the file gives a setting, nil when it does not name it.
func (c *configFile) values(key string) []sourcedValue {
	if c == nil {
		return nil
	}
	return c.entries[key]
}

// configPath is where the config file is: $HARK_CONFIG, else
// $XDG_CONFIG_HOME/hark/config.yaml, else ~/.config/hark/config.yaml
// (macOS included, as for most command-line tools), or
// %AppData%\hark\config.yaml on Windows. explicit is true when
// $HARK_CONFIG named it, which then must exist.
func configPath(getenv func(string) string) (path string, explicit bool, err error) {
	if p := getenv("HARK_CONFIG"); p != "" {
		return p, true, nil
	}
	if dir := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "hark", "config.yaml"), false, nil
	}
	if runtime.GOOS == "windows" {
		if dir := getenv("APPDATA"); dir != "" {
			return filepath.Join(dir, "hark", "config.yaml"), false, nil
		}
	}
	home := getenv("HOME")
	if home == "" {
		if home, err = os.UserHomeDir(); err != nil {
			return "", false, fmt.Errorf("no place for the config file (set HARK_CONFIG or HOME): %w", err)
		}
	}
	return filepath.Join(home, ".config", "hark", "config.yaml"), false, nil
}

// loadConfig reads the config file once per run; no file is an empty
// configuration.
func (e *env) loadConfig() (*configFile, error) {
	if e.config != nil {
		return e.config, nil
	}
	path, explicit, err := configPath(e.getenv)
	if err != nil {
		return nil, err
	}
	cfg, err := readConfig(path, explicit)
	if err != nil {
		return nil, err
	}
	e.config = cfg
	return cfg, nil
}

// readConfig parses a config file. Every mistake is a usage error that
// names the file, the line and the key, and never shows a secret's value.
func readConfig(path string, mustExist bool) (*configFile, error) {
	cfg := &configFile{path: path, entries: map[string][]sourcedValue{}}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !mustExist:
		return cfg, nil
	case err != nil:
		return nil, usagef("config file: %v", err)
	}
	cfg.found = true
	shown := sanitize.Line(path)
	bad := func(line int, format string, args ...any) error {
		return usagef("config file %s, line %d: %s", shown, line, fmt.Sprintf(format, args...))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, usagef("config file %s: %s", shown, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 { // empty, or only comments
		return cfg, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, bad(root.Line, "expected keys and values, such as port: 9000")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		key := k.Value
		s, ok := lookupSetting(key)
		if !ok {
			return nil, bad(k.Line, "unknown key %q; the keys are these flags' long names: %s", sanitize.Line(key), strings.Join(settingKeys(), ", "))
		}
		if _, dup := cfg.entries[key]; dup {
			return nil, bad(k.Line, "%s: given twice", key)
		}
		vals, err := nodeValues(s, v, path)
		if err != nil {
			line := k.Line
			if at, ok := errors.AsType[nodeError](err); ok {
				line = at.line
			}
			return nil, bad(line, "%s: %v", key, err)
		}
		cfg.entries[key] = vals
	}
	return cfg, nil
}

// nodeError is a mistake inside a value, on a line of its own.
type nodeError struct {
	line int
	msg  string
}

func (e nodeError) Error() string { return e.msg }

// nodeValues reads a setting's value: a scalar; a list for list settings;
// for keyed ones also a mapping of platform to value.
func nodeValues(s setting, v *yaml.Node, path string) ([]sourcedValue, error) {
	at := func(n *yaml.Node) source { return source{kind: fromFile, name: path, line: n.Line} }
	scalar := func(n *yaml.Node) (string, error) {
		if n.Kind != yaml.ScalarNode {
			return "", nodeError{n.Line, "expected a single value"}
		}
		if n.Tag == "!!null" {
			return "", nodeError{n.Line, "no value given"}
		}
		return n.Value, nil
	}
	switch {
	case v.Kind == yaml.ScalarNode:
		text, err := scalar(v)
		if err != nil {
			return nil, err
		}
		return []sourcedValue{{text, at(v)}}, nil
	case v.Kind == yaml.SequenceNode && s.list:
		var out []sourcedValue
		for _, item := range v.Content {
			text, err := scalar(item)
			if err != nil {
				return nil, err
			}
			out = append(out, sourcedValue{text, at(item)})
		}
		return out, nil
	case v.Kind == yaml.MappingNode && s.keyed:
		var out []sourcedValue
		for i := 0; i+1 < len(v.Content); i += 2 {
			text, err := scalar(v.Content[i+1])
			if err != nil {
				return nil, err
			}
			out = append(out, sourcedValue{v.Content[i].Value + "=" + text, at(v.Content[i])})
		}
		return out, nil
	case s.keyed:
		return nil, errors.New("expected a list of PLATFORM=VALUE, or a mapping of platform to value")
	case s.list:
		return nil, errors.New("expected a value or a list of values")
	}
	return nil, errors.New("expected a single value")
}
