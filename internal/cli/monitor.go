package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/receiver"
	"github.com/harkhq/hark/rules"
	"github.com/harkhq/hark/tui"
	"github.com/harkhq/hark/tunnel"
)

func newMonitorCommand(e *env) *cobra.Command {
	var (
		rf receiverFlags
		tf tunnelFlags
		pf policyFlags
		ed string
	)
	cmd := &cobra.Command{
		Use:   "hark",
		Short: "Watch, inspect and steer the webhooks of a conversational-AI platform",
		Long: "hark opens a public ngrok URL served in-process (or 127.0.0.1 without an authtoken), receives every webhook, " +
			"groups them into one pane per conversation, and shows each request and the response that went back.\n\n" +
			"Paste the URL it shows into " + platformTitles("or", notFallback) + " (`hark platforms` lists the paths). " +
			"No account? Try `hark demo`.",
		Example: "  hark\n  hark --local --port 9000\n  hark --url example.ngrok.app --basic-auth user:longpassword\n  hark demo",
		Args:    unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			secrets, maxBody, err := rf.validate()
			if err != nil {
				return err
			}
			policy, err := pf.validate()
			if err != nil {
				return err
			}
			logs := tui.NewLogSink(500)
			logger := slog.New(logs.Handler())
			exports, err := exportDir(ed)
			if err != nil {
				return err
			}
			plan, err := tf.plan(e, rf.port, logger)
			if err != nil {
				return err
			}
			return runMonitor(cmd.Context(), e, monitorConfig{
				stack: stackConfig{flags: rf, secrets: secrets, maxBody: maxBody, now: time.Now, logger: logger, policy: policy},
				plan:  plan, logs: logs, exportDir: exports,
			})
		},
	}
	rf.register(cmd, defaultPort)
	tf.register(cmd)
	pf.register(cmd, true)
	registerExportDir(cmd, &ed)
	return cmd
}

// monitorConfig is what runMonitor starts.
type monitorConfig struct {
	stack stackConfig
	plan  tunnel.Plan
	logs  *tui.LogSink
	title string
	// exportDir is where `e` writes exported sessions.
	exportDir string
	// feed, when set, runs beside the monitor with the receiver's URL (the
	// demo's simulator) until the monitor ends.
	feed func(ctx context.Context, url string)
}

// runMonitor runs receiver, tunnel and TUI until the user quits. The tunnel
// connects while the monitor is already up, so its progress and failures
// are shown there.
func runMonitor(ctx context.Context, e *env, cfg monitorConfig) error {
	logger := cfg.stack.logger
	cfg.stack.notice = logWriter{logger}
	st, err := openStack(cfg.stack)
	if err != nil {
		return err
	}
	if cfg.plan.Notice != "" {
		logger.Warn(cfg.plan.Notice)
	}
	for _, n := range cfg.plan.Notes {
		logger.Info(n)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	endpoints := make(chan tui.Endpoint, 16)
	initial := tui.Endpoint{State: tui.EndpointConnecting}
	if cfg.plan.Mode == tunnel.ModeLocal {
		initial.State = tui.EndpointLocal
	}
	started := make(chan *endpoint, 1)
	go func() {
		defer close(started)
		ep, err := startEndpoint(ctx, cfg.plan, cfg.stack.flags.port, st.receiver, logger, func(s tunnel.Status) {
			logStatus(logger, cfg.plan, s)
			if s.State == tunnel.Closed {
				return
			}
			select {
			case endpoints <- endpointView(s, cfg.plan):
			case <-ctx.Done():
			}
		})
		if err != nil {
			if ctx.Err() == nil {
				logger.Error(err.Error())
			}
			return
		}
		st.listening(ep)
		started <- ep
		if ep.localURL != "" {
			logger.Info("also serving on " + ep.localURL + " for local tools (hark send, curl)")
		}
		if cfg.feed != nil {
			go cfg.feed(ctx, ep.url())
		}
	}()

	opts := tui.Options{
		Store: st.store, Endpoint: initial, Endpoints: endpoints, Logs: cfg.logs,
		Intercept: st.intercept, Holds: st.holds, Rules: st.rules,
		RulesFile: cfg.stack.policy.rulesFile, SaveRules: rules.Save,
		Export: sessionExporter(st.store, cfg.exportDir, time.Now),
		Resend: resendWith(st.resender),
		Title:  cfg.title, NoColor: e.getenv("NO_COLOR") != "",
	}
	if fw := cfg.stack.policy.forward; fw != nil {
		opts.Forward = fw.URL()
	}
	if j := st.journal; j != nil {
		opts.Journal = func() tui.JournalHealth {
			h := j.Health()
			return tui.JournalHealth{Failing: h.Failing, Lost: h.Lost, Reason: rootCause(h.Err)}
		}
	}
	runErr := tui.Run(ctx, opts)
	cancel() // stops the feed, or a connect still under way
	giveUp := time.Now().Add(shutdownGrace)
	select {
	case ep := <-started:
		if ep != nil {
			st.endpoint = ep
		}
	case <-time.After(shutdownGrace):
	}
	closeErr := st.closeWithin(time.Until(giveUp))
	if st.journal != nil {
		fmt.Fprintln(e.stderr, journalLine(st.journal.Path(), st.journal.Health()))
	}
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		return runErr
	}
	return closeErr
}

// resendWith is the monitor's Resend option, done by the receiver's
// resender.
func resendWith(s *receiver.Resender) func(context.Context, tui.ResendRequest) (tui.ResendResult, error) {
	return func(ctx context.Context, r tui.ResendRequest) (tui.ResendResult, error) {
		res, err := s.Resend(ctx, &r.Of, r.Request, r.Edited)
		return tui.ResendResult{ID: res.ID, To: res.To, Status: res.Status, Latency: res.Latency, Resigned: res.Resigned, Failure: res.Failure}, err
	}
}
