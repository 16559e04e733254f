package cli

import (
	"log/slog"

	"github.com/harkhq/hark/tui"
	"github.com/harkhq/hark/tunnel"
)

// logStatus reports the tunnel's state changes on the log. A local
// listener has no states worth telling.
func logStatus(logger *slog.Logger, plan tunnel.Plan, s tunnel.Status) {
	if plan.Mode == tunnel.ModeLocal {
		return
	}
	switch s.State {
	case tunnel.Online:
		logger.Info("tunnel online", "url", s.URL)
	case tunnel.Reconnecting:
		logger.Warn("tunnel reconnecting (the URL stays the same)", "reason", s.Reason)
	case tunnel.Failed:
		if s.Err != nil {
			logger.Error("tunnel failed: " + s.Err.Summary())
		} else {
			logger.Error("tunnel failed", "reason", s.Reason)
		}
	case tunnel.Connecting:
		if s.Reason != "" {
			logger.Info("connecting to ngrok", "last attempt", s.Reason)
		} else {
			logger.Info("connecting to ngrok")
		}
	}
}

// endpointView turns a tunnel status into what the monitor's header shows.
func endpointView(s tunnel.Status, plan tunnel.Plan) tui.Endpoint {
	ev := tui.Endpoint{URL: s.URL, Reason: s.Reason}
	switch s.State {
	case tunnel.Connecting:
		ev.State = tui.EndpointConnecting
	case tunnel.Online:
		ev.State = tui.EndpointOnline
		if plan.Mode == tunnel.ModeLocal {
			ev.State = tui.EndpointLocal
			ev.Reason = plan.Notice
		}
	case tunnel.Reconnecting:
		ev.State = tui.EndpointReconnecting
	case tunnel.Failed:
		ev.State = tui.EndpointFailed
		if s.Err != nil {
			ev.Reason = s.Err.Summary()
			if s.Err.Hint != "" {
				ev.Reason += " — " + s.Err.Hint
			}
		}
		ev.Reason += " (hark --local runs without ngrok)"
	}
	if s.URL != "" {
		for _, g := range pasteGroups(s.URL) { // one line a platform: its first path
			ev.Paste = append(ev.Paste, tui.PasteURL{Platform: g.Name, URL: g.URLs[0], More: len(g.URLs) - 1})
		}
	}
	return ev
}
