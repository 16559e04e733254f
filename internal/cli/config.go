package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/journal"
)

func newConfigCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Show the effective settings and where each comes from",
		Long: "Settings are flags a user keeps from run to run. Each can be given, from highest precedence to lowest:\n\n" +
			"  as a flag          --port 9000\n" +
			"  in the environment HARK_PORT=9000 (HARK_ + the flag's name in capitals, - as _);\n" +
			"                     a list is comma-separated (HARK_ALLOW_CIDR=10.0.0.0/8,192.0.2.7), and\n" +
			"                     secrets and deadlines have one variable per platform (HARK_SECRET_MOVEO)\n" +
			"  in the config file port: 9000, secret: [moveo=TOKEN], deadline: {moveo: 5s}\n\n" +
			"The config file is $HARK_CONFIG, else $XDG_CONFIG_HOME/hark/config.yaml (~/.config/hark/config.yaml). " +
			"Secrets given there or in the environment stay out of `ps` and shell history. " +
			"This command prints every setting's effective value (secrets shown as …), its source, and the commands it applies to; " +
			"a bad value or file is reported with the file, line and key, and exit code 2.",
		Example: "  hark config\n  HARK_PORT=9000 hark config",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			var all []appliedSetting
			for _, s := range settings {
				owner := findCommand(cmd.Root(), s.commands[0])
				a, err := applySetting(owner.Flags().Lookup(s.key), s, cfg, e.getenv)
				if err != nil {
					return err
				}
				if len(a.values) == 0 {
					a.values = []sourcedValue{{defaultText(s.key, owner.Flags().Lookup(s.key).DefValue), source{}}}
				}
				all = append(all, a)
			}
			return writeConfig(e.stdout, cfg, all)
		},
	}
}

// findCommand is the command of the tree with that name ("hark" is the
// root).
func findCommand(root *cobra.Command, name string) *cobra.Command {
	if root.Name() == name {
		return root
	}
	for _, c := range root.Commands() {
		if c.Name() == name {
			return c
		}
	}
	panic("settings name a command that does not exist: " + name)
}

func writeConfig(w io.Writer, cfg *configFile, all []appliedSetting) error {
	file := cfg.path
	if !cfg.found {
		file += " (none yet)"
	}
	fmt.Fprintf(w, "config file  %s\nprecedence   flag > environment (HARK_*) > config file > default\n\n", file)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tVALUE\tSOURCE\tCOMMANDS")
	for _, a := range all {
		for i, line := range configLines(a) {
			key, commands := a.key, strings.Join(a.commands, ", ")
			if i > 0 {
				key, commands = "", ""
			}
			from := line.from.String()
			if line.from.kind == fromFile { // the header names the file in full
				from = fmt.Sprintf("%s:%d", filepath.Base(line.from.name), line.from.line)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", key, line.text, from, commands)
		}
	}
	return tw.Flush()
}

// configLines is a setting's value as shown: one line per platform of a
// keyed setting, else one line; secrets redacted; from the flag's default
// when nothing set it.
func configLines(a appliedSetting) []sourcedValue {
	show := func(v string) string {
		switch {
		case v == "" || v == "[]":
			return "-"
		case a.secret:
			return redactSetting(a.setting, v)
		}
		return v
	}
	if a.keyed {
		out := make([]sourcedValue, 0, len(a.values))
		for _, v := range a.values {
			out = append(out, sourcedValue{show(v.text), v.from})
		}
		return out
	}
	texts := make([]string, len(a.values))
	for i, v := range a.values {
		texts[i] = show(v.text)
	}
	return []sourcedValue{{strings.Join(texts, ", "), a.from}}
}

// defaultText is a setting's default as `hark config` shows it: where the
// defaults that are places really are.
func defaultText(key, flagDefault string) string {
	switch key {
	case "export-dir":
		if dir, err := exportDir(""); err == nil {
			return dir
		}
	case "journal":
		if dir, err := journal.DefaultDir(); err == nil {
			return filepath.Join(dir, "<start time>"+journal.Ext)
		}
	}
	return flagDefault
}

// redactSetting keeps the part of a secret value that says what it is
// for: moveo=…, user:….
func redactSetting(s setting, v string) string {
	if s.keyed {
		return redactSecret(v)
	}
	if user, _, ok := strings.Cut(v, ":"); ok {
		return user + ":…"
	}
	return "…"
}
