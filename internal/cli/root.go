// Package cli is hark's command line: one file per command, named after it,
// and beside them the helpers the commands share (flags, the receiving
// stack, the endpoint, journal loading), each in a file named for what it
// is. It wires the other packages together and maps errors to exit codes;
// the logic itself lives in those packages.
package cli

import (
	"context"
	"io"
	"os"
	"syscall"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"
)

// Build is what the binary knows of itself, set at link time.
type Build struct {
	Version string // -ldflags "-X main.version=..."; "" when built from source
}

// build is the running binary's Build, set once by Main before any command
// runs.
var build Build

// Main runs hark with the process's arguments and standard streams, and
// returns the exit code.
func Main(b Build) int {
	build = b
	tuneGC()
	return run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}

// env is what a command may touch of the process, so tests can run the CLI
// in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// run executes the command line and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdin, stdout, stderr, os.Getenv)
}

// runWith is run with the environment given as a function, for tests.
func runWith(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	root := newRootCommand(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	opts := []fang.Option{fang.WithNotifySignal(os.Interrupt, syscall.SIGTERM, syscall.SIGHUP), fang.WithoutManpage(), fang.WithErrorHandler(printError)}
	if build.Version != "" {
		opts = append(opts, fang.WithVersion(build.Version))
	}
	if err := fang.Execute(ctx, root, opts...); err != nil {
		return exitCode(err)
	}
	return exitOK
}

func newRootCommand(e *env) *cobra.Command {
	root := newMonitorCommand(e)
	root.AddCommand(
		newListenCommand(e),
		newDemoCommand(e),
		newSendCommand(e),
		newPlatformsCommand(e),
		newOpenCommand(e),
		newExportCommand(e),
		newReplayCommand(e),
	)
	root.SuggestionsMinimumDistance = 2 // cobra sets it only on its own unknown-command path
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	typeArgErrors(root)
	return root
}

// printError is fang's error handler without its capitalizing of the first
// word: hark's messages often start with the flag at fault ("--port 70000:
// ..."), which must read as typed.
func printError(w io.Writer, styles fang.Styles, err error) {
	styles.ErrorText = styles.ErrorText.UnsetTransform()
	fang.DefaultErrorHandler(w, styles, err)
}
