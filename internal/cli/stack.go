package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/harkhq/hark/journal"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
	"github.com/harkhq/hark/receiver"
	"github.com/harkhq/hark/rules"
	"github.com/harkhq/hark/sanitize"
)

// stackConfig is what the receiving side needs, from flags.
type stackConfig struct {
	flags   receiverFlags
	secrets platform.Secrets
	maxBody int64
	now     func() time.Time
	logger  *slog.Logger
	// notice is where start-up facts go (journal path, URLs): stderr.
	notice io.Writer
	policy policyConfig
}

// stack is a running receiver: journal, store, handler and the listener it
// is served on.
type stack struct {
	store     *model.Store
	journal   *journal.Writer  // nil with --no-journal
	archive   *journal.Archive // reads evicted exchanges back; nil with --no-journal
	receiver  *receiver.Receiver
	endpoint  *endpoint
	intercept *model.Intercept
	holds     *model.Holds
	rules     *model.Rules
	stopRules func() // ends saving rules to --rules FILE
	// resender sends exchanges again from the monitor: to --forward, else
	// into the receiver once it listens (listening).
	resender *receiver.Resender
}

// openStack opens the journal and builds the store and the receiver; it
// does not listen yet.
func openStack(cfg stackConfig) (*stack, error) {
	st := &stack{}
	var firstID model.ExchangeID = 1
	if !cfg.flags.noJournal {
		path := cfg.flags.journal
		if path == "" {
			p, err := journal.DefaultPath(cfg.now())
			if err != nil {
				return nil, fmt.Errorf("cannot place the journal (use --journal FILE or --no-journal): %w", err)
			}
			path = p
		}
		w, err := journal.Open(path, journal.Options{Fast: cfg.flags.fast, Now: cfg.now, Version: versionString()})
		if err != nil {
			return nil, fmt.Errorf("cannot open the journal: %w", err)
		}
		st.journal = w
		firstID = w.LastID() + 1
		if st.archive, err = w.OpenArchive(); err != nil {
			st.closeJournal()
			return nil, fmt.Errorf("cannot read the journal back: %w", err)
		}
		fmt.Fprintf(cfg.notice, "hark: journal %s\n", w.Path())
	} else {
		fmt.Fprintf(cfg.notice, "hark: no journal (--no-journal): only the newest %s are kept; older ones are dropped, but for a line in the lists\n",
			plural(keepOrDefault(cfg.flags.keep), "exchange"))
	}
	opts := model.StoreOptions{FirstID: firstID, Keep: cfg.flags.keep}
	// Archive is an interface: a nil *journal.Archive must stay out of it.
	if st.archive != nil {
		opts.Archive = st.archive
	}
	st.store = model.NewStore(opts)
	st.intercept = model.NewIntercept(cfg.policy.intercept)
	st.holds = model.NewHolds()
	var loaded []model.Rule
	if path := cfg.policy.rulesFile; path != "" {
		var err error
		if loaded, err = rules.Load(path); err != nil {
			st.closeJournal()
			return nil, err
		}
		fmt.Fprintf(cfg.notice, "hark: %s from %s (changes are saved there)\n", plural(len(loaded), "rule"), path)
	}
	st.rules = model.NewRules(loaded)
	if path := cfg.policy.rulesFile; path != "" {
		st.stopRules = rules.Autosave(st.rules, path, cfg.logger)
	}
	rcfg := receiver.Config{
		Store:     st.store,
		Secrets:   cfg.secrets,
		Deadlines: cfg.policy.deadlines,
		MaxBody:   cfg.maxBody,
		Now:       cfg.now,
		Logger:    cfg.logger,
		Responder: &receiver.Policy{
			Store: st.store, Intercept: st.intercept, Holds: st.holds, Rules: st.rules,
			Forward: cfg.policy.forward, Deadlines: cfg.policy.deadlines, Now: cfg.now,
		},
	}
	if fw := cfg.policy.forward; fw != nil {
		fmt.Fprintf(cfg.notice, "hark: forwarding every webhook to %s\n", fw.URL())
	}
	// Journal is an interface: assigning a nil *journal.Writer would make
	// it a non-nil interface holding nil, and the receiver would call it.
	if st.journal != nil {
		rcfg.Journal = st.journal
	}
	st.receiver = receiver.New(rcfg)
	st.resender = receiver.NewResender(st.receiver, cfg.policy.forward)
	return st, nil
}

// listening tells the resender where the receiver is served: hark's own
// local URL when it has one besides the tunnel, else the tunnel's.
func (st *stack) listening(ep *endpoint) {
	self := ep.localURL
	if self == "" {
		self = ep.url()
	}
	_ = st.resender.SetSelf(self) // an endpoint's URL is always http(s)
}

// close ends the stack: held exchanges are released with their fallback,
// the server stops so exchanges in flight finish and are journaled, then
// the journal and the rules file are closed.
func (st *stack) close(ctx context.Context) error {
	st.holds.ReleaseAll()
	var errs []error
	if st.endpoint != nil {
		errs = append(errs, st.endpoint.close(ctx))
	}
	errs = append(errs, st.closeJournal())
	if st.stopRules != nil {
		st.stopRules()
	}
	st.resender.Close()
	return errors.Join(errs...)
}

func (st *stack) closeJournal() error {
	if st.journal == nil {
		return nil
	}
	if st.archive != nil {
		st.archive.Close()
	}
	return st.journal.Close()
}

// closeWithin is close bounded by grace: held exchanges are released at
// once, and what is still stuck when grace runs out (a journal on a disk
// that stopped answering, an exchange that never ends) is given up on, so
// that hark ends anyway.
func (st *stack) closeWithin(grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- st.close(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	select {
	case err := <-done:
		return err
	case <-time.After(100 * time.Millisecond): // close's own calls end with ctx
		return fmt.Errorf("gave up after %s: exchanges in flight or the journal did not finish", grace)
	}
}

// journalLine says what reached the journal, for the exit: the exchanges
// whose records are on disk, and the records a failing disk lost.
func journalLine(path string, h journal.Health) string {
	line := fmt.Sprintf("hark: %s journaled in %s", plural(int(h.Journaled), "exchange"), sanitize.Line(path))
	if h.Lost > 0 {
		line += fmt.Sprintf("; %s could not be written (%s)", plural(int(h.Lost), "record"), rootCause(h.Err))
	}
	return line
}

// rootCause is the innermost error's message: "no space left on device"
// rather than the paths around it.
func rootCause(err error) string {
	if err == nil {
		return "unknown error"
	}
	for {
		inner := errors.Unwrap(err)
		if inner == nil {
			return err.Error()
		}
		err = inner
	}
}

// serveErr reports a server that stopped on its own.
func serveErr(err error) error {
	if err == nil || errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("the receiver stopped: %w", err)
}

// shutdownGrace bounds how long exiting waits for exchanges in flight.
const shutdownGrace = 10 * time.Second
