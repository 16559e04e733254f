package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/export"
	"github.com/harkhq/hark/journal"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
	"github.com/harkhq/hark/sanitize"
)

// registerCompletions gives the shell completions values: platforms after
// `send`, journal files for `open`, `export`, `replay` and `stats`, and the values
// of flags that take one of a known set. Flags are found by name, so a
// command that gains one of them completes it too.
func registerCompletions(root *cobra.Command) {
	flagValues := map[string]cobra.CompletionFunc{
		"format":         fixedValues(formatCompletions()),
		"intercept":      fixedValues(interceptCompletions()),
		"secret":         completeKeyed,
		"deadline":       completeKeyed,
		"session":        completeSessions,
		"bind":           fixedValues([]cobra.Completion{"127.0.0.1\tthis machine only (default)", "0.0.0.0\tevery IPv4 interface: needs --basic-auth or --allow-cidr", "::\tevery interface: needs --basic-auth or --allow-cidr"}),
		"journal":        fileExt("jsonl"),
		"traffic-policy": fileExt("yml", "yaml", "json"),
		"ngrok-config":   fileExt("yml", "yaml"),
		"export-dir": func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		},
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		switch c.Name() {
		case "send":
			c.ValidArgsFunction = completeSendPlatforms
		case "open", "export", "replay", "stats":
			c.ValidArgsFunction = completeJournals
		}
		for name, fn := range flagValues {
			if c.Flags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, fn)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

func fixedValues(values []cobra.Completion) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

func fileExt(exts ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return exts, cobra.ShellCompDirectiveFilterFileExt
	}
}

func formatCompletions() []cobra.Completion {
	var out []cobra.Completion
	for _, f := range export.Formats {
		out = append(out, cobra.CompletionWithDesc(f.Name, f.What))
	}
	return out
}

func interceptCompletions() []cobra.Completion {
	return []cobra.Completion{
		cobra.CompletionWithDesc(string(model.InterceptOff), "hold nothing (breakpoints still hold)"),
		cobra.CompletionWithDesc(string(model.InterceptConsumed), "hold webhooks whose response the platform acts on"),
		cobra.CompletionWithDesc(string(model.InterceptAll), "hold every webhook"),
	}
}

// platformCompletions are the registry's profiles, described by title.
func platformCompletions() []cobra.Completion {
	var out []cobra.Completion
	for _, p := range platform.Profiles() {
		out = append(out, cobra.CompletionWithDesc(p.Name, p.Title))
	}
	return out
}

// completeSendPlatforms offers the platforms and "all". (send also takes
// navtalk,moveo, but bash's completion script escapes the comma of such a
// value, so lists are not offered.)
func completeSendPlatforms(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 || strings.Contains(toComplete, ",") {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return append(platformCompletions(), cobra.CompletionWithDesc("all", "every platform")), cobra.ShellCompDirectiveNoFileComp
}

// completeKeyed offers PLATFORM= for --secret and --deadline.
func completeKeyed(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if strings.Contains(toComplete, "=") {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, name := range platform.Names() {
		out = append(out, name+"=")
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// completeJournals offers, for an empty word, the journals of the current
// folder and the recent ones of hark's journal folder; once a path is
// being typed, the shell completes it, showing .jsonl files.
func completeJournals(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	if toComplete != "" {
		return []cobra.Completion{strings.TrimPrefix(journal.Ext, ".")}, cobra.ShellCompDirectiveFilterFileExt
	}
	var out []cobra.Completion
	if local, err := filepath.Glob("*" + journal.Ext); err == nil {
		out = append(out, local...)
	}
	if dir, err := journal.DefaultDir(); err == nil {
		infos, _ := journal.List(dir)
		for _, in := range infos[:min(len(infos), 20)] {
			out = append(out, cobra.CompletionWithDesc(in.Path, fmt.Sprintf("%s, %d KB", in.Modified.Format("2006-01-02 15:04"), (in.Size+1023)/1024)))
		}
	}
	if len(out) == 0 {
		return []cobra.Completion{strings.TrimPrefix(journal.Ext, ".")}, cobra.ShellCompDirectiveFilterFileExt
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeSessions offers the sessions of the journal given as the first
// argument: the id, or PLATFORM/ID when two platforms share it. Ids that a
// shell could not take back as typed (spaces, quotes, controls: they come
// from the network) are left out.
func completeSessions(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	if st, err := os.Stat(args[0]); err != nil || !st.Mode().IsRegular() {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	loaded, err := journal.Load(args[0])
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	sessions := loaded.Sessions()
	byID := map[string]int{}
	for _, s := range sessions {
		byID[s.Key.ID]++
	}
	var out []cobra.Completion
	for _, s := range sessions {
		name := s.Key.ID
		if byID[name] > 1 {
			name = s.Key.String()
		}
		if !shellSafe(name) {
			continue
		}
		out = append(out, cobra.CompletionWithDesc(name, fmt.Sprintf("%s, %s", sanitize.Line(s.Key.Platform), plural(len(s.Exchanges), "exchange"))))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

func shellSafe(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.:/@+=,", c)) {
			return false
		}
	}
	return true
}
