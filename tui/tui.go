// Package tui is hark's monitor: a Bubble Tea program that shows every
// webhook as it arrives, one pane per conversation, with an inspector for any
// exchange, a timeline of a session's timing (timeline*.go), a grid of live
// sessions and the tunnel's status and log. An exchange can be sent again,
// as it was or edited first (resend*.go), through the Resend option.
//
// The root Model owns layout, focus and key routing; each part (header,
// sessions list and its selection, transcript, inspector, grid, logs,
// filter bar, flash messages, intercept state) lives in its own file with
// its own state and renders only what is visible. Dialogs (dialog.go) never
// touch the root: they read a small context and answer each key with an
// action, which the root carries out in one place (actions.go). With
// intercept on, held webhooks open the response editor (intercept.go,
// editor*.go), where the user decides them before the platform's deadline;
// edits can be kept as rules. Whether an exchange is held, and with what
// proposal, the store says; decisions go back through model.Holds. Over a
// journal (ReadOnly) it browses history, with search across bodies
// (bodysearch.go); the filter language itself is package filter's, the
// timing figures package stats'; PickJournal chooses a journal to open.
// Data comes from a model.Store subscription drained in batches on a short
// interval, so a flood of webhooks costs one update per batch, and View's
// cost depends on the screen size, not on how many exchanges were
// received.
//
// Everything that came from the network is passed through package sanitize
// before it is measured or drawn.
package tui

import (
	"context"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
)

// Endpoint states, as the header shows them.
const (
	EndpointConnecting   = "connecting"
	EndpointOnline       = "online"
	EndpointReconnecting = "reconnecting"
	EndpointFailed       = "failed"
	EndpointLocal        = "local" // no tunnel: a loopback URL only
	EndpointFile         = "file"  // read-only over a journal
)

// Endpoint is where webhooks can be sent, and how the tunnel is doing.
type Endpoint struct {
	State  string // one of the Endpoint* constants
	URL    string // public URL (or the local one)
	Reason string // why the state is what it is: an error, how to get a public URL
	Paste  []PasteURL
}

// PasteURL is a URL to paste into one platform's webhook settings.
type PasteURL struct {
	Platform string // profile name (navtalk) or title (NavTalk)
	URL      string
}

// Options configure the monitor.
type Options struct {
	// Store is the data source. The monitor subscribes to it and drains
	// changes every BatchInterval.
	Store *model.Store
	// Endpoint is the initial tunnel state; Endpoints, when set, delivers
	// updates (the monitor reads it until it is closed).
	Endpoint  Endpoint
	Endpoints <-chan Endpoint
	// Logs, when set, feeds the log view (key L).
	Logs *LogSink

	// Intercept is the intercept setting the receiver reads: the header
	// shows its mode, i cycles it, B and K set breakpoints. nil: intercept
	// is not available (the header says off).
	Intercept *model.Intercept
	// Holds are the exchanges the receiver holds for a decision: the
	// response editor opens on them and decides them. nil: nothing can be
	// edited.
	Holds *model.Holds
	// Rules are the response rules the receiver applies: r keeps an edit as
	// one, R lists, toggles and deletes them. nil: no rules.
	Rules *model.Rules
	// RulesFile is where the rules are saved automatically after every
	// change (--rules FILE), "" when they are not.
	RulesFile string
	// SaveRules writes rules to a file, for saving them from the rules
	// dialog when no RulesFile was given. It runs in a command, never in
	// Update. nil: the dialog cannot save.
	SaveRules func(path string, rules []model.Rule) error
	// Forward is the --forward target's URL ("" when none), so the editor
	// can say that its answer is still awaited.
	Forward string

	// Resend sends an exchange's request again (s, and S after the request
	// editor): to the --forward target, else back into hark. It runs in a
	// command. nil: resending is not available (a history).
	Resend func(ctx context.Context, r ResendRequest) (ResendResult, error)

	// Journal, when set, says how the journal is doing: while its writes
	// fail, the header shows a standing warning with the count of records
	// lost. It is called on every redraw, so it must be cheap.
	Journal func() JournalHealth

	// Export writes one session to a file in a format (har, md or ndjson)
	// and returns the file's path. It runs in a command. nil: no export.
	Export func(session model.SessionKey, format string) (path string, err error)

	// ReadOnly runs the monitor over a loaded history: no tunnel, ages
	// measured from the newest exchange. Source names what was loaded.
	ReadOnly bool
	Source   string
	// Note says what could not be read of the history (a torn or corrupt
	// journal): shown when the monitor starts and in the header.
	Note string
	// Title is shown next to the name in the header, e.g. "demo".
	Title string
	// Now is the clock (default time.Now); Location the zone times are shown
	// in (default time.Local).
	Now      func() time.Time
	Location *time.Location
	// BatchInterval is how often store changes reach the program (default
	// 20ms; kept within 16–33ms).
	BatchInterval time.Duration
	// NoColor draws without colours. Run sets it when NO_COLOR is set.
	NoColor bool
}

// DefaultBatchInterval is how often store changes are delivered by default.
const DefaultBatchInterval = 20 * time.Millisecond

// Run starts the monitor on the terminal and returns when the user quits or
// ctx is cancelled (which is not an error). progOpts are passed to
// tea.NewProgram, e.g. to set input and output in tests.
func Run(ctx context.Context, opts Options, progOpts ...tea.ProgramOption) error {
	if os.Getenv("NO_COLOR") != "" { // no-color.org: set and not empty
		opts.NoColor = true
	}
	m := New(opts)
	defer m.Close()
	_, err := runProgram(ctx, m, progOpts...)
	return err
}
