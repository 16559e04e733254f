package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError marks a mistake in the command line: exit code 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// exitCode maps an error to the documented exit codes by its type: 2 for
// usage errors, an error's own code when it has one, else 1. Every way a
// command line can be wrong reaches here as a usageError: flag errors
// through the flag error function, argument errors through
// typeArgErrors, unknown commands through the root's Args.
func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	var withCode interface{ ExitCode() int }
	if errors.As(err, &withCode) {
		return withCode.ExitCode()
	}
	return exitFailure
}

// typeArgErrors makes the argument checks of every command in the tree
// return usage errors, cobra's own validators (ExactArgs, ...) included.
func typeArgErrors(cmd *cobra.Command) {
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			err := check(c, args)
			var u usageError
			if err == nil || errors.As(err, &u) {
				return err
			}
			return usageError{err}
		}
	}
	for _, sub := range cmd.Commands() {
		typeArgErrors(sub)
	}
}

// unknownCommand is the root's argument check: hark takes no positional
// arguments, so one is a mistyped command, with cobra's suggestions.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t")
	}
	return usageError{errors.New(msg)}
}

// strictBuiltins makes cobra's own `completion` and `help` commands treat
// a wrong argument as a usage error: by themselves they print help and
// exit 0 (`hark completion bogus`, `hark help bogus`). They are created
// here, before typeArgErrors runs, instead of when cobra executes.
func strictBuiltins(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "completion":
			c.Args = unknownCommand
			c.SuggestionsMinimumDistance = 2
			c.RunE = func(cmd *cobra.Command, _ []string) error {
				var shells []string
				for _, s := range cmd.Commands() {
					shells = append(shells, s.Name())
				}
				return usagef("give a shell: %s completion %s", cmd.CommandPath(), strings.Join(shells, "|"))
			}
		case "help":
			c.Args = func(cmd *cobra.Command, args []string) error {
				found, rest, err := cmd.Root().Find(args)
				if err != nil {
					return usageError{err}
				}
				if len(rest) > 0 {
					return unknownCommand(found, rest)
				}
				return nil
			}
		}
	}
}
