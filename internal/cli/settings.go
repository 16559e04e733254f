package cli

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// A setting is a flag whose value may also come from the environment
// (HARK_<KEY>) or from the config file (<key>: value), for the commands it
// lists. Precedence: flag > environment > config file > the flag's
// default. Only settings a user keeps from run to run are here; what is
// given per run (--to, --session, --format, -o ...) stays a flag.
type setting struct {
	key      string   // the long flag name, and the config file's key
	commands []string // the commands whose flag of that name it sets
	// list settings take several values: a YAML list in the file,
	// comma-separated in HARK_<KEY>.
	list bool
	// keyed settings are lists of PLATFORM=VALUE, merged platform by
	// platform (a --secret for chatbot leaves HARK_SECRET_MOVEO in force);
	// each platform has its own variable, HARK_<KEY>_<PLATFORM>, and the
	// file may give a mapping (secret: {moveo: …}).
	keyed  bool
	secret bool // never shown: `hark config` and errors print name=…
	// check validates values from the environment or the file with the
	// parser the command itself uses, so `hark config` and a command that
	// ignores the setting report them too.
	check func(values []string) error
}

var (
	runsReceiver = []string{"hark", "listen"}
	withDemo     = []string{"hark", "listen", "demo"}
)

// settings, in the order `hark config` shows them.
var settings = []setting{
	{key: "port", commands: runsReceiver, check: checkPort},
	{key: "bind", commands: runsReceiver},
	{key: "local", commands: runsReceiver},
	{key: "url", commands: runsReceiver},
	{key: "basic-auth", commands: runsReceiver, list: true, secret: true},
	{key: "allow-cidr", commands: runsReceiver, list: true},
	{key: "traffic-policy", commands: runsReceiver},
	{key: "ngrok-config", commands: runsReceiver},
	{key: "secret", commands: []string{"hark", "listen", "send", "replay"}, list: true, keyed: true, secret: true,
		check: func(v []string) error { _, err := parseSecrets(v); return err }},
	{key: "journal", commands: runsReceiver},
	{key: "no-journal", commands: runsReceiver},
	{key: "fast", commands: runsReceiver},
	{key: "max-body", commands: withDemo, check: checkMaxBody},
	{key: "forward", commands: runsReceiver},
	{key: "deadline", commands: withDemo, list: true, keyed: true,
		check: func(v []string) error { _, err := parseDeadlines(v); return err }},
	{key: "rules", commands: runsReceiver},
	{key: "intercept", commands: []string{"hark", "demo"}, check: checkIntercept},
	{key: "export-dir", commands: []string{"hark", "demo", "open"}},
}

func lookupSetting(key string) (setting, bool) {
	i := slices.IndexFunc(settings, func(s setting) bool { return s.key == key })
	if i < 0 {
		return setting{}, false
	}
	return settings[i], true
}

func settingKeys() []string {
	keys := make([]string, len(settings))
	for i, s := range settings {
		keys[i] = s.key
	}
	return keys
}

// envName is HARK_<KEY>, or HARK_<KEY>_<PLATFORM> for a keyed setting.
func envName(key string, platformName ...string) string {
	name := "HARK_" + key
	for _, p := range platformName {
		name += "_" + p
	}
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// source says where a value came from.
type source struct {
	kind sourceKind
	name string // the variable, or the config file's path
	line int    // in the config file
}

type sourceKind int

const (
	fromDefault sourceKind = iota
	fromFile
	fromEnv
	fromFlag
)

func (s source) String() string {
	switch s.kind {
	case fromFlag:
		return "flag"
	case fromEnv:
		return "$" + s.name
	case fromFile:
		return fmt.Sprintf("%s:%d", s.name, s.line)
	}
	return "default"
}

// where is how an error names the source: "set by $HARK_PORT", "set in
// FILE, line 3".
func (s source) where() string {
	switch s.kind {
	case fromEnv:
		return "set by $" + s.name
	case fromFile:
		return fmt.Sprintf("set in %s, line %d", s.name, s.line)
	}
	return ""
}

// sourcedValue is one value of a setting and where it came from.
type sourcedValue struct {
	text string
	from source
}

// appliedSetting is a setting's effective value on a command.
type appliedSetting struct {
	setting
	values []sourcedValue // in the order given to the flag; keyed: one per platform
	from   source         // the highest source among values (default when none)
}

// applySettings fills the flags of cmd that the command line left alone
// from the environment and the config file, and remembers where each
// value came from for `hark config` and for error messages. Commands
// without settings do not read the config file.
func (e *env) applySettings(cmd *cobra.Command) error {
	var mine []setting
	for _, s := range settings {
		if slices.Contains(s.commands, cmd.Name()) && cmd.Flags().Lookup(s.key) != nil {
			mine = append(mine, s)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	e.applied = nil
	for _, s := range mine {
		a, err := applySetting(cmd.Flags().Lookup(s.key), s, cfg, e.getenv)
		if err != nil {
			return err
		}
		e.applied = append(e.applied, a)
	}
	return nil
}

// applySetting gives one flag its value by precedence, and checks values
// that came from the environment or the file.
func applySetting(f *pflag.Flag, s setting, cfg *configFile, getenv func(string) string) (appliedSetting, error) {
	a := appliedSetting{setting: s}
	var flagVals []string
	if f.Changed {
		flagVals = flagValues(f)
		if !s.keyed { // the command line replaces the setting entirely
			for _, v := range flagVals {
				a.values = append(a.values, sourcedValue{v, source{kind: fromFlag}})
			}
			a.from = source{kind: fromFlag}
			return a, nil
		}
	}
	var lower []sourcedValue // from the file and the environment, lowest first
	if s.keyed {
		lower = keyedLower(s, cfg, getenv)
	} else if env := envValues(s, getenv); env != nil {
		lower = env
	} else {
		lower = cfg.values(s.key)
	}
	for _, v := range lower {
		if s.check != nil {
			if err := s.check([]string{v.text}); err != nil {
				return a, withSource(err, v.from)
			}
		}
	}
	all := lower
	for _, v := range flagVals {
		all = append(all, sourcedValue{v, source{kind: fromFlag}})
	}
	if s.keyed {
		all = lastPerPlatform(all)
	}
	if len(lower) > 0 {
		if err := setFlag(f, s, all); err != nil {
			return a, err
		}
	}
	a.values = all
	for _, v := range all {
		a.from = maxSource(a.from, v.from)
	}
	return a, nil
}

// keyedLower is a keyed setting's file entries, then its per-platform
// variables.
func keyedLower(s setting, cfg *configFile, getenv func(string) string) []sourcedValue {
	out := cfg.values(s.key)
	for _, name := range platform.Names() {
		v := envName(s.key, name)
		if val := getenv(v); val != "" {
			out = append(out, sourcedValue{name + "=" + val, source{kind: fromEnv, name: v}})
		}
	}
	return out
}

// envValues reads HARK_<KEY>; a list setting's variable holds
// comma-separated values. nil when unset.
func envValues(s setting, getenv func(string) string) []sourcedValue {
	name := envName(s.key)
	val := getenv(name)
	if val == "" {
		return nil
	}
	from := source{kind: fromEnv, name: name}
	if !s.list {
		return []sourcedValue{{val, from}}
	}
	var out []sourcedValue
	for _, part := range strings.Split(val, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, sourcedValue{part, from})
		}
	}
	return out
}

// lastPerPlatform keeps, for each platform of PLATFORM=VALUE entries, the
// last one (the highest source), in the order platforms first appear.
func lastPerPlatform(vals []sourcedValue) []sourcedValue {
	var out []sourcedValue
	at := map[string]int{}
	for _, v := range vals {
		name, _, _ := strings.Cut(v.text, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if i, seen := at[name]; seen {
			out[i] = v
			continue
		}
		at[name] = len(out)
		out = append(out, v)
	}
	return out
}

func maxSource(a, b source) source {
	if b.kind > a.kind {
		return b
	}
	return a
}

// flagValues is what the command line gave a flag.
func flagValues(f *pflag.Flag) []string {
	if sv, ok := f.Value.(pflag.SliceValue); ok {
		return sv.GetSlice()
	}
	return []string{f.Value.String()}
}

// setFlag gives the flag its values without marking it changed (a command
// may ask whether the user typed it). A value of the wrong type is a usage
// error that says where it was set.
func setFlag(f *pflag.Flag, s setting, vals []sourcedValue) error {
	if sv, ok := f.Value.(pflag.SliceValue); ok {
		texts := make([]string, len(vals))
		for i, v := range vals {
			texts[i] = v.text
		}
		return sv.Replace(texts)
	}
	v := vals[len(vals)-1]
	if err := f.Value.Set(v.text); err != nil {
		shown := strconv.Quote(v.text)
		if s.secret {
			shown = "…"
		}
		return withSource(usagef("--%s %s: %s", s.key, shown, expectedType(f.Value.Type())), v.from)
	}
	return nil
}

func expectedType(t string) string {
	switch t {
	case "bool":
		return "expected true or false"
	case "int", "uint64":
		return "expected a whole number"
	case "float64":
		return "expected a number"
	}
	return "expected a " + t
}

// withSource adds where a bad value was set to its error, which stays a
// usage error when it was one.
func withSource(err error, from source) error {
	where := from.where()
	if where == "" {
		return err
	}
	wrapped := fmt.Errorf("%w (%s)", err, where)
	var u usageError
	if errors.As(err, &u) {
		return usageError{wrapped}
	}
	return wrapped
}

// explain adds to a command's error where the settings it names were set,
// when they came from the environment or the config file: "--allow-cidr
// ...: not a CIDR" means little to a user who typed no --allow-cidr.
func (e *env) explain(err error) error {
	for _, a := range e.applied {
		if a.from.kind != fromEnv && a.from.kind != fromFile {
			continue
		}
		if !mentionsFlag(err.Error(), a.key) || strings.Contains(err.Error(), a.from.where()) {
			continue
		}
		err = withSource(err, a.from)
	}
	return err
}

// mentionsFlag reports whether msg names --key as a whole flag (not
// --key-something).
func mentionsFlag(msg, key string) bool {
	return regexp.MustCompile(`--` + regexp.QuoteMeta(key) + `([^\w-]|$)`).MatchString(msg)
}

func checkPort(v []string) error {
	n, err := strconv.Atoi(v[0])
	if err == nil && (n < 0 || n > 65535) {
		return usagef("--port %d: a port is 0 to 65535", n)
	}
	return nil // a non-number is reported when the flag is set
}

func checkMaxBody(v []string) error {
	if _, err := parseSize(v[0]); err != nil {
		return usagef("--max-body %q: %v", v[0], err)
	}
	return nil
}

func checkIntercept(v []string) error {
	if _, err := model.ParseInterceptMode(v[0]); err != nil {
		return usagef("--intercept %q: expected off, consumed or all", v[0])
	}
	return nil
}
