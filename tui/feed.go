package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

// The feeds turn outside events into messages without program.Send: each is
// a command that blocks in its own goroutine until there is something to
// deliver, and Update starts it again after handling the result. Store
// changes are gathered for one batch interval after the first arrives, so a
// flood of webhooks costs one Update per interval.

type (
	batchMsg    struct{ changes []model.Change }
	endpointMsg Endpoint
	logsMsg     struct{}
	tickMsg     time.Time
)

func (m *Model) waitStore() tea.Cmd {
	sub, stop, every := m.sub, m.stop, m.interval
	return func() tea.Msg {
		for {
			select {
			case <-sub.Ready():
			case <-stop:
				return nil
			}
			t := time.NewTimer(every)
			select {
			case <-t.C:
			case <-stop:
				t.Stop()
				return nil
			}
			if changes := sub.Drain(); len(changes) > 0 {
				return batchMsg{changes: changes}
			}
		}
	}
}

func (m *Model) waitEndpoint() tea.Cmd {
	ch, stop := m.opts.Endpoints, m.stop
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case ep, ok := <-ch:
			if !ok {
				return nil
			}
			return endpointMsg(ep)
		case <-stop:
			return nil
		}
	}
}

func (m *Model) waitLogs() tea.Cmd {
	sink, stop, every := m.opts.Logs, m.stop, m.interval
	if sink == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case <-sink.ready:
		case <-stop:
			return nil
		}
		t := time.NewTimer(every)
		defer t.Stop()
		select {
		case <-t.C:
		case <-stop:
			return nil
		}
		return logsMsg{}
	}
}

// tick refreshes ages and countdowns once a second.
func tick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}
