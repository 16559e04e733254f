// Package cli is hark's command line: one file per command, named after it,
// and beside them the helpers the commands share (flags, the receiving
// stack, the endpoint, journal loading), each in a file named for what it
// is. It wires the other packages together and maps errors to exit codes;
// the logic itself lives in those packages.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"syscall"

	"charm.land/fang/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
)

// Build is what the binary knows of itself, set at link time by a release
// (-ldflags "-X main.version=... -X main.commit=... -X main.date=...");
// fields left empty are taken from the Go command's build information.
type Build struct {
	Version string
	Commit  string
	Date    string
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

	config  *configFile      // read on first use (loadConfig)
	applied []appliedSetting // the running command's settings, for explain
}

// run executes the command line and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdin, stdout, stderr, os.Getenv)
}

// runWith is run with the environment given as a function, for tests.
func runWith(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	preloadRegistry(e, args)
	root := newRootCommand(e)
	root.SetArgs(args)
	v := currentVersion()
	root.SetVersionTemplate(versionTemplate(v))
	// hark's own `man` command (man.go) replaces fang's hidden one, which
	// writes to the process's stdout and escapes the exit-code typing.
	// Signals have one owner: fang cancels the command's context on
	// SIGINT, SIGTERM and SIGHUP, and every command ends from there (the
	// monitor turns off Bubble Tea's own handler: see tui.runProgram).
	opts := []fang.Option{
		fang.WithNotifySignal(os.Interrupt, syscall.SIGTERM, syscall.SIGHUP), fang.WithoutManpage(),
		fang.WithVersion(v.Version),
		fang.WithErrorHandler(func(w io.Writer, styles fang.Styles, err error) { e.printError(w, styles, e.explain(err)) }),
	}
	if err := fang.Execute(ctx, root, opts...); err != nil {
		return exitCode(err)
	}
	return exitOK
}

func newRootCommand(e *env) *cobra.Command {
	root := newMonitorCommand(e)
	// Before cobra's completion command is made: it keeps the writer.
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.AddCommand(
		newListenCommand(e),
		newDemoCommand(e),
		newSendCommand(e),
		newPlatformsCommand(e),
		newOpenCommand(e),
		newExportCommand(e),
		newReplayCommand(e),
		newStatsCommand(e),
		newConfigCommand(e),
		newVersionCommand(e),
		newManCommand(e),
	)
	var rf registryFlags
	rf.register(root)
	root.SuggestionsMinimumDistance = 2 // cobra sets it only on its own unknown-command path
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	// Settings from HARK_* variables and the config file fill the flags the
	// command line left alone, before any command runs; the registry of
	// platforms is loaded around them (settings check secrets against the
	// user's platforms, and may name more profiles or groupings).
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return rf.prepare(e, cmd) }
	strictBuiltins(root)
	registerCompletions(root)
	typeArgErrors(root)
	return root
}

// printError is fang's error handler without its capitalizing of the first
// word: hark's messages often start with the flag at fault ("--port 70000:
// ..."), which must read as typed. When stderr is not a terminal (a
// script, CI, a log) the error is one plain "hark: ..." line, as fang
// means to do but cannot see: it hands its handler a wrapped writer.
func (e *env) printError(w io.Writer, styles fang.Styles, err error) {
	if f, ok := e.stderr.(*os.File); !ok || !term.IsTerminal(f.Fd()) {
		fmt.Fprintf(w, "hark: %v\n", err)
		if exitCode(err) == exitUsage {
			fmt.Fprintln(w, "Try --help for usage.")
		}
		return
	}
	styles.ErrorText = styles.ErrorText.UnsetTransform()
	fang.DefaultErrorHandler(w, styles, err)
}
