package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/export"
	"github.com/harkhq/hark/filter"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/tunnel"
)

func newListenCommand(e *env) *cobra.Command {
	var (
		rf     receiverFlags
		tf     tunnelFlags
		pf     policyFlags
		asJSON bool
		query  string
	)
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Receive webhooks without the TUI: one line per exchange",
		Long: "Starts the receiver (on a public ngrok URL when an authtoken is found, else on 127.0.0.1) and prints one line " +
			"per completed exchange: with --json, one JSON object per line on stdout (platform, kind, session, turns, " +
			"status, timings, signature), and human logs on stderr. With --filter, only the exchanges that match are " +
			"printed, in the monitor's filter language; every exchange is still answered, and journaled unless --no-journal.",
		Example: "  hark listen --json\n  hark listen --json --local --port 9000 | jq .turns\n  hark listen --json --secret " + secretExample("") +
			"\n  hark listen --json --filter 'status:4xx status:5xx'\n  hark listen --json --filter 'kind:pre body:refund -state:held'",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			only := filter.Parse(query)
			if err := only.Err(); err != nil {
				return usagef("--filter %q: %v", query, err)
			}
			return runListen(cmd.Context(), e, rf, tf, pf, asJSON, only)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per exchange on stdout (logs go to stderr)")
	cmd.Flags().StringVar(&query, "filter", "", "print only the exchanges that match, as the monitor's / filters: words, "+strings.Join(filter.Fields, ":, ")+":, -word")
	rf.register(cmd, defaultPort)
	tf.register(cmd)
	pf.register(cmd, false)
	return cmd
}

func runListen(ctx context.Context, e *env, rf receiverFlags, tf tunnelFlags, pf policyFlags, asJSON bool, only *filter.Query) error {
	secrets, maxBody, err := rf.validate()
	if err != nil {
		return err
	}
	policy, err := pf.validate()
	if err != nil {
		return err
	}
	logger := newLineLogger(e.stderr, slog.LevelInfo)
	plan, err := tf.plan(e, rf.port, logger)
	if err != nil {
		return err
	}
	st, err := openStack(stackConfig{flags: rf, secrets: secrets, maxBody: maxBody, now: time.Now, logger: logger, notice: e.stderr, policy: policy})
	if err != nil {
		return err
	}
	if plan.Notice != "" {
		logger.Warn(plan.Notice)
	}
	for _, n := range plan.Notes {
		logger.Info(n)
	}

	// Subscribe before serving, so no exchange is missed.
	sub := st.store.Subscribe()
	ep, err := startEndpoint(ctx, plan, rf.port, st.receiver, logger, func(s tunnel.Status) { logStatus(logger, plan, s) })
	if err != nil {
		_ = st.close(context.Background())
		return err
	}
	st.endpoint = ep
	fmt.Fprintf(e.stderr, "hark: listening on %s\n", ep.url())
	if ep.localURL != "" {
		fmt.Fprintf(e.stderr, "hark: also on %s for local tools (hark send, curl)\n", ep.localURL)
	}
	writePasteURLs(e.stderr, ep.url())

	out, human := e.stdout, io.Writer(nil)
	if asJSON {
		human = e.stderr
	}
	q := newOutQueue(maxQueued)
	kept := " (the journal has them)"
	if st.journal == nil {
		kept = " (with --no-journal they are not kept anywhere)"
	}
	followCtx, stopFollow := context.WithCancel(context.Background())
	followed := make(chan error, 1)
	var warned bool
	go func() {
		followed <- export.FollowBatches(followCtx, sub, func(batch []model.Exchange) error {
			// One write per batch for each writer, not one per exchange:
			// under a flood of webhooks a write costs more than its line.
			// The lines go to the queue, which owns them from here on.
			lines, logs := q.buffer(), q.buffer()
			n := 0
			for i := range batch {
				ex := &batch[i]
				if !only.MatchExchange(ex) {
					continue // answered and journaled all the same
				}
				n++
				if !asJSON {
					lines = append(export.AppendLogLine(lines, ex), '\n')
					continue
				}
				lines = export.AppendNDJSON(lines, ex)
				logs = append(export.AppendLogLine(logs, ex), '\n')
			}
			if n == 0 {
				q.recycle(lines, logs)
				return nil
			}
			queued := queuedLines{{out, lines}}
			if len(logs) > 0 {
				queued = append(queued, queuedLines{{human, logs}}...)
			} else {
				q.recycle(logs)
			}
			if !q.add(queued, n) && !warned {
				warned = true
				logger.Warn("stdout is not being read: exchanges are not printed until it is" + kept)
			}
			return nil
		})
	}()

	var runErr error
	select {
	case <-ctx.Done():
	case err := <-ep.stopped():
		runErr = serveErr(err)
	case <-q.failed:
		runErr = fmt.Errorf("writing exchanges: %w", q.writeErr()) // stdout closed, e.g. a pipe's reader quit
	}
	logger.Info("stopping: finishing exchanges in flight")
	giveUp := time.Now().Add(shutdownGrace)
	closeErr := st.closeWithin(shutdownGrace)
	stopFollow()
	if err := <-followed; err != nil && runErr == nil {
		runErr = fmt.Errorf("writing exchanges: %w", err)
	}
	sub.Close()
	dropped, err := q.close(time.Until(giveUp))
	if err != nil && runErr == nil {
		runErr = fmt.Errorf("writing exchanges: %w", err)
	}
	if dropped > 0 {
		logger.Warn(plural(dropped, "exchange was", "exchanges were") + " not printed: stdout was not read in time" + kept)
	}
	if st.journal != nil {
		fmt.Fprintln(e.stderr, journalLine(st.journal.Path(), st.journal.Health()))
	}
	if runErr != nil {
		return runErr
	}
	return closeErr
}

// maxQueued bounds the lines waiting for a slow stdout.
const maxQueued = 16 << 20
