package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/replay"
	"github.com/harkhq/hark/sanitize"
)

// replayFailed is a replay that ran but found answers that differ or
// failed: exit code 1, the summary already printed.
type replayFailed struct{ rep *replay.Report }

func (r replayFailed) Error() string {
	var parts []string
	if r.rep.Differ > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d answers differ from the recording", r.rep.Differ, r.rep.Sent))
	}
	if r.rep.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d requests got no answer", r.rep.Failed, r.rep.Sent))
	}
	return strings.Join(parts, "; ")
}

func newReplayCommand(e *env) *cobra.Command {
	var (
		to, session string
		speed       float64
		maxGap      time.Duration
		timeout     time.Duration
		secrets     []string
		rejected    bool
		asJSON      bool
		ids         []string
	)
	cmd := &cobra.Command{
		Use:   "replay FILE --to URL",
		Short: "Send a journal's requests again to a URL and compare the answers with the recorded ones",
		Long: "Sends the recorded requests of a journal (or of one --session, or the exchanges --id names, or both) in order to a URL, with their method, path, " +
			"query, headers and exact body, keeping the recorded time between them scaled by --speed. " +
			"With --secret, requests of signed platforms are signed again (" + resignedHelp() + "). " +
			"Each answer is compared with the recorded response: the status, and the body (JSON by meaning: white space " +
			"and key order do not count). One line per request, then a summary; exits 1 when any answer differs or fails, " +
			"so it can guard a handler in CI. Exchanges without a recorded response, and those hark rejected, are skipped.",
		Example: "  hark replay today.jsonl --to http://localhost:3000 --speed 0\n" +
			"  hark replay today.jsonl --to http://localhost:3000 --session session_123 --speed 2\n" +
			"  hark replay today.jsonl --to http://localhost:3000 --id 12,15\n" +
			"  hark replay today.jsonl --to https://staging.example.com/hooks --secret " + secretExample("") + " --json",
		Args: journalArg("replay"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validateTarget(to); err != nil {
				return err
			}
			switch {
			case speed < 0:
				return usagef("--speed %g: give a positive factor (2 = twice as fast), or 0 for as fast as possible", speed)
			case maxGap < 0:
				return usagef("--max-gap %s: give a duration, or 0 to keep every pause", maxGap)
			case timeout < 0:
				return usagef("--timeout %s: give a duration", timeout)
			}
			sec, err := parseSecrets(secrets)
			if err != nil {
				return err
			}
			want, err := parseIDs(ids)
			if err != nil {
				return err
			}
			loaded, err := loadJournal(e, args[0])
			if err != nil {
				return err
			}
			sel, err := selectSessions(loaded, session)
			if err != nil {
				return err
			}
			exs, err := pickExchanges(sel.Exchanges, want, args[0], session)
			if err != nil {
				return err
			}
			var werr error
			enc := json.NewEncoder(e.stdout)
			enc.SetEscapeHTML(false)
			rep, err := replay.Run(cmd.Context(), replay.Options{
				Exchanges: exs, To: to, Speed: speed, MaxGap: maxGap, Secrets: sec, Rejected: rejected, Timeout: timeout,
				OnResult: func(r replay.Result) {
					if werr != nil {
						return
					}
					if asJSON {
						werr = enc.Encode(r)
					} else {
						_, werr = fmt.Fprintln(e.stdout, r.Line())
					}
				},
			})
			if werr != nil {
				return fmt.Errorf("writing results: %w", werr)
			}
			summary := io.Writer(e.stdout)
			if asJSON {
				summary = e.stderr
			}
			fmt.Fprintln(summary, rep.Summary())
			switch {
			case err != nil && errors.Is(err, cmd.Context().Err()):
				return fmt.Errorf("interrupted after %d of %d exchanges", len(rep.Results), len(exs))
			case err != nil:
				return err
			case rep.Sent == 0:
				return fmt.Errorf("nothing was replayed: %s skipped", plural(rep.Skipped, "exchange was", "exchanges were"))
			case !rep.OK():
				return replayFailed{&rep}
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&to, "to", "", "base URL to send to; each request's path is appended (required)")
	fs.StringVar(&session, "session", "", "replay one session: its id, or PLATFORM/ID")
	fs.StringSliceVar(&ids, "id", nil, "replay only these exchanges, by number: --id 12,15 (repeatable; with --session, of that session)")
	fs.Float64Var(&speed, "speed", 1, "scale the recorded time between requests: 1 as recorded, 2 twice as fast, 0 as fast as possible")
	fs.DurationVar(&maxGap, "max-gap", 10*time.Second, "longest recorded pause kept between two requests (0 = keep all)")
	fs.DurationVar(&timeout, "timeout", 30*time.Second, "how long to wait for each answer")
	fs.StringArrayVar(&secrets, "secret", nil, "sign again as the platform would, PLATFORM=SECRET (repeatable): "+signHelp(true))
	fs.BoolVar(&rejected, "rejected", false, "also replay the exchanges hark rejected (413, 405...)")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object per request on stdout (the summary goes to stderr)")
	return cmd
}

// parseIDs reads --id values: exchange numbers, comma-separated or
// repeated, in the order given.
func parseIDs(values []string) ([]model.ExchangeID, error) {
	var out []model.ExchangeID
	for _, v := range values {
		n, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimSpace(v), "#"), 10, 64)
		if err != nil || n == 0 {
			return nil, usagef("--id %q: give exchange numbers as the monitor shows them, e.g. --id 12 or --id 12,15", v)
		}
		out = append(out, model.ExchangeID(n))
	}
	return out, nil
}

// pickExchanges keeps the exchanges with the wanted ids, in journal
// order; none wanted keeps all. A wanted id that is not there is a usage
// error that says where it was looked for.
func pickExchanges(exs []*model.Exchange, want []model.ExchangeID, path, session string) ([]*model.Exchange, error) {
	if len(want) == 0 {
		return exs, nil
	}
	wanted := make(map[model.ExchangeID]bool, len(want))
	for _, id := range want {
		wanted[id] = true
	}
	var out []*model.Exchange
	for _, ex := range exs {
		if wanted[ex.ID] {
			out = append(out, ex)
			delete(wanted, ex.ID)
		}
	}
	for _, id := range want {
		if wanted[id] {
			where := sanitize.Line(path)
			if session != "" {
				where = "session " + sanitize.Line(session) + " of " + where
			}
			return nil, usagef("--id %d: no exchange %s in %s", id, id, where)
		}
	}
	return out, nil
}
