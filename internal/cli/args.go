package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// noArgs rejects positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

// journalArg checks that a command got exactly one journal file.
func journalArg(verb string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("give one journal file to %s, e.g. %s", verb, strings.TrimSpace(strings.Split(cmd.Example, "\n")[0]))
		}
		return nil
	}
}
