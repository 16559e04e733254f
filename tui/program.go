package tui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
)

// ExitGrace bounds how long a program may take to give the terminal back
// once its context is cancelled (SIGINT, SIGTERM, SIGHUP).
const ExitGrace = 3 * time.Second

// runProgram runs a Bubble Tea program until the user quits or ctx ends.
//
// Signals have one owner: the command line, which turns SIGINT, SIGTERM
// and SIGHUP into ctx's cancellation. Bubble Tea's own handler is off: it
// would catch the same signal and block forever sending its quit message
// to an event loop that ctx has already stopped, so the terminal was never
// restored (charmbracelet/bubbletea#1806). A cancelled ctx stops the event
// loop and restores the terminal; should that not finish within ExitGrace
// (a terminal that no longer reads its output), runProgram returns anyway,
// so hark can finish its own shutdown.
func runProgram(ctx context.Context, m tea.Model, progOpts ...tea.ProgramOption) (tea.Model, error) {
	opts := append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithoutSignalHandler()}, progOpts...)
	p := tea.NewProgram(m, opts...)
	type result struct {
		m   tea.Model
		err error
	}
	done := make(chan result, 1)
	go func() {
		final, err := p.Run()
		done <- result{final, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		select {
		case r = <-done:
		case <-time.After(ExitGrace):
			return nil, fmt.Errorf("the terminal did not answer within %s of the signal; run `reset` if it looks wrong", ExitGrace)
		}
	}
	if r.err != nil && ctx.Err() != nil && errors.Is(r.err, tea.ErrProgramKilled) {
		return r.m, nil // ended by a signal: not an error
	}
	return r.m, r.err
}
