package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/platform"
	"github.com/harkhq/hark/sim"
	"github.com/harkhq/hark/tui"
)

func newDemoCommand(e *env) *cobra.Command {
	var (
		rf       receiverFlags
		pf       policyFlags
		sessions int
		speed    float64
		ed       string
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "The monitor on a local receiver fed with simulated conversations of every platform",
		Long: "Starts the monitor on a local receiver and plays simulated " + platformTitles("and", (*platform.Profile).Simulated) +
			" conversations into it at a real conversation's pace, so everything hark shows can be seen without any " +
			"account. The receiver is a real one: `hark send` or curl can reach it too.",
		Example: "  hark demo\n  hark demo --sessions 12 --speed 3",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("no-journal") && rf.journal == "" {
				rf.noJournal = true // a demo's traffic does not belong in the user's history
			}
			secrets, maxBody, err := rf.validate()
			if err != nil {
				return err
			}
			policy, err := pf.validate()
			if err != nil {
				return err
			}
			if sessions < 1 {
				return usagef("--sessions %d: give at least 1", sessions)
			}
			if speed <= 0 {
				return usagef("--speed %g: give a positive factor", speed)
			}
			// The simulator signs as the platforms would, with these
			// secrets, so the monitor shows verified signatures.
			for name, demo := range platform.DemoSecrets() {
				if _, set := secrets[name]; !set {
					secrets[name] = demo
				}
			}
			exports, err := exportDir(ed)
			if err != nil {
				return err
			}
			logs := tui.NewLogSink(500)
			logger := slog.New(logs.Handler())
			plan, err := (&tunnelFlags{local: true}).plan(e, rf.port, logger)
			if err != nil {
				return err
			}
			feed := func(ctx context.Context, url string) {
				_, err := sim.Run(ctx, sim.Options{To: url, Sessions: sessions, Paced: true, Speed: speed, Loop: true, Secrets: secrets, Seed: uint64(time.Now().UnixNano())})
				if err != nil && ctx.Err() == nil {
					logger.Error("the demo's simulator stopped", "err", err)
				}
			}
			return runMonitor(cmd.Context(), e, monitorConfig{
				stack: stackConfig{flags: rf, secrets: secrets, maxBody: maxBody, now: time.Now, logger: logger, policy: policy},
				plan:  plan, logs: logs, title: "demo", feed: feed, exportDir: exports,
			})
		},
	}
	// Any free port: a demo must start even while a real hark holds 8787.
	rf.register(cmd, 0)
	pf.register(cmd, true)
	registerExportDir(cmd, &ed)
	cmd.Flags().IntVar(&sessions, "sessions", 6, "conversations playing at once")
	cmd.Flags().Float64Var(&speed, "speed", 1, "play the conversations this many times faster")
	return cmd
}
