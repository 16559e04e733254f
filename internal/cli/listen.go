package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/export"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/tunnel"
)

func newListenCommand(e *env) *cobra.Command {
	var (
		rf     receiverFlags
		tf     tunnelFlags
		pf     policyFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Receive webhooks without the TUI: one line per exchange",
		Long: "Starts the receiver (on a public ngrok URL when an authtoken is found, else on 127.0.0.1) and prints one line " +
			"per completed exchange: with --json, one JSON object per line on stdout (platform, kind, session, turns, " +
			"status, timings, signature), and human logs on stderr. Every exchange is journaled unless --no-journal.",
		Example: "  hark listen --json\n  hark listen --json --local --port 9000 | jq .turns\n  hark listen --json --secret " + secretExample(""),
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runListen(cmd.Context(), e, rf, tf, pf, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object per exchange on stdout (logs go to stderr)")
	rf.register(cmd, defaultPort)
	tf.register(cmd)
	pf.register(cmd, false)
	return cmd
}

func runListen(ctx context.Context, e *env, rf receiverFlags, tf tunnelFlags, pf policyFlags, asJSON bool) error {
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
	var mu sync.Mutex // stdout and stderr may be the same terminal
	followCtx, stopFollow := context.WithCancel(context.Background())
	followed := make(chan error, 1)
	go func() {
		var lines, logs []byte // reused from batch to batch
		followed <- export.FollowBatches(followCtx, sub, func(batch []model.Exchange) error {
			mu.Lock()
			defer mu.Unlock()
			lines, logs = lines[:0], logs[:0]
			for i := range batch {
				ex := &batch[i]
				if !asJSON {
					lines = append(export.AppendLogLine(lines, ex), '\n')
					continue
				}
				lines = export.AppendNDJSON(lines, ex)
				logs = append(export.AppendLogLine(logs, ex), '\n')
			}
			if _, err := out.Write(lines); err != nil {
				return err
			}
			if len(logs) > 0 {
				_, err := human.Write(logs)
				return err
			}
			return nil
		})
	}()

	var runErr error
	select {
	case <-ctx.Done():
	case err := <-ep.stopped():
		runErr = serveErr(err)
	case err := <-followed:
		runErr = fmt.Errorf("writing exchanges: %w", err) // stdout closed, e.g. a pipe's reader quit
		// The follower has ended and its error is taken; the shutdown
		// below waits on followed once more, so give it a value to read
		// (the channel's one slot is free again).
		followed <- nil
	}
	logger.Info("stopping: finishing exchanges in flight")
	closeCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	closeErr := st.close(closeCtx)
	stopFollow()
	if err := <-followed; err != nil && runErr == nil {
		runErr = fmt.Errorf("writing exchanges: %w", err)
	}
	sub.Close()
	if runErr != nil {
		return runErr
	}
	return closeErr
}
