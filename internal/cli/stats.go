package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
	"github.com/harkhq/hark/stats"
)

func newStatsCommand(e *env) *cobra.Command {
	var (
		session string
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "stats FILE",
		Short: "Where the time went, per session of a journal: answer times, forward times, user→bot gaps, deadlines",
		Long: "Prints, for every session of a journal (or one --session), the exchanges, turns and errors; how long hark took " +
			"to answer (p50, p95, max) and the forward target to reply (p50, p95); the time between a user's turn and the " +
			"bot's next one (p50, p95); and how many answers went back after the platform's deadline (missed), after " +
			"80% of it (near), or as the fallback of a hold that ran out. The monitor shows the same figures in each " +
			"session's header.",
		Example: "  hark stats today.jsonl\n  hark stats today.jsonl --session session_123\n  hark stats today.jsonl --json | jq 'select(.deadline_misses > 0)'",
		Args:    journalArg("stats"),
		RunE: func(cmd *cobra.Command, args []string) error {
			loaded, err := loadJournal(e, args[0])
			if err != nil {
				return err
			}
			sel, err := selectSessions(loaded, session)
			if err != nil {
				return err
			}
			store := model.NewStore(model.StoreOptions{Keep: -1})
			loaded.Fill(store)
			keys := make([]model.SessionKey, 0, len(sel.Sessions))
			for _, s := range sel.Sessions {
				keys = append(keys, s.Key)
			}
			figs := stats.OfStore(store, keys)
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetEscapeHTML(false)
				for _, f := range figs {
					if err := enc.Encode(f); err != nil {
						return err
					}
				}
				return nil
			}
			fmt.Fprintf(e.stdout, "%s: %s, %s\n\n", sanitize.Line(args[0]), plural(len(figs), "session"), plural(len(sel.Exchanges), "exchange"))
			return stats.WriteTable(e.stdout, figs)
		},
	}
	cmd.Flags().StringVar(&session, "session", "", "one session: its id, or PLATFORM/ID")
	cmd.Flags().BoolVar(&asJSON, "json", false, "one JSON object per session (durations in milliseconds)")
	return cmd
}
