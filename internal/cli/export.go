package cli

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/export"
	"github.com/harkhq/hark/journal"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
)

func newExportCommand(e *env) *cobra.Command {
	var (
		format, session, out string
		raw                  bool
	)
	cmd := &cobra.Command{
		Use:   "export FILE --format har|ndjson|md",
		Short: "Export a journal as HAR, NDJSON or a Markdown transcript",
		Long: "Writes the exchanges of a journal in a format to keep or share:\n\n" +
			"  har     HAR 1.2, for browsers' and other tools' HAR viewers; one page per session\n" +
			"  ndjson  one JSON object per exchange, exactly as `hark listen --json` prints them\n" +
			"  md      a Markdown transcript of one session for a bug report: turns, hook exchanges,\n" +
			"          edited responses and their effect, the session record's comparison\n\n" +
			"--session keeps one conversation (its id, or PLATFORM/ID when two platforms share an id); " +
			"md needs one unless the journal holds a single session. A damaged journal exports what can be read, " +
			"with a note on stderr.\n\n" +
			"HAR and Markdown leave out credentials: the values of Authorization, Cookie, X-Api-Key and the " +
			"platforms' signature headers and token parameters read REDACTED; --raw keeps them (the journal always does).\n\n" +
			"Output goes to stdout (also with -o -). A file named with -o is replaced atomically; a symbolic link is " +
			"followed to its target; a FIFO or a device (/dev/stdout, a terminal) is written to, never replaced.",
		Example: "  hark export today.jsonl --format har -o today.har\n" +
			"  hark export today.jsonl --format md --session session_123 -o bug.md\n" +
			"  hark export today.jsonl --format ndjson | jq 'select(.status >= 400)'",
		Args: journalArg("export"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(format) == "" {
				return usagef("--format is required: %s", strings.Join(export.FormatNames(), ", "))
			}
			f, ok := export.LookupFormat(format)
			if !ok {
				return usagef("--format %q: give one of %s", format, strings.Join(export.FormatNames(), ", "))
			}
			loaded, err := loadJournal(e, args[0])
			if err != nil {
				return err
			}
			set, err := exportSet(loaded, f, session)
			if err != nil {
				return err
			}
			set.Raw = raw
			write := func(w io.Writer) error { return f.Write(w, set) }
			n := len(set.Exchanges)
			if out == "" || out == "-" {
				bw := bufio.NewWriterSize(e.stdout, 256<<10)
				if err := write(bw); err != nil {
					return err
				}
				return bw.Flush()
			}
			if err := export.WriteFile(out, write); err != nil {
				return fmt.Errorf("writing %s: %w", out, err)
			}
			fmt.Fprintf(e.stderr, "hark: wrote %s to %s\n", plural(n, "exchange"), out)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&format, "format", "", "what to write: har, ndjson or md (required)")
	fs.StringVar(&session, "session", "", "export one session: its id, or PLATFORM/ID")
	fs.StringVarP(&out, "output", "o", "", "where to write instead of stdout: a file (replaced atomically), a FIFO or a device")
	fs.BoolVar(&raw, "raw", false, "keep credentials (Authorization, Cookie, signatures, tokens) that HAR and Markdown redact")
	return cmd
}

// exportSet picks what to export from a journal: the sessions --session
// names (all without it), and for a one-session format exactly one of
// them, with its turns rebuilt as they were live.
func exportSet(loaded *journal.Loaded, f export.Format, session string) (export.Set, error) {
	sel, err := selectSessions(loaded, session)
	if err != nil {
		return export.Set{}, err
	}
	set := export.Set{Exchanges: sel.Exchanges, Sessions: sel.Sessions, Version: versionString(), Location: time.Local}
	if !f.OneSession {
		return set, nil
	}
	switch {
	case len(sel.Sessions) == 0:
		return set, fmt.Errorf("%s holds no exchanges: no session to export", sanitize.Line(loaded.Path))
	case len(sel.Sessions) > 1 && session == "":
		return set, usagef("a Markdown transcript is of one session: give --session ID; %s", journal.SessionList(sel.Sessions))
	case len(sel.Sessions) > 1:
		var names []string
		for _, s := range sel.Sessions {
			names = append(names, sanitize.Line(s.Key.String()))
		}
		return set, usagef(`--session "%s" is a session of several platforms: give one of %s`, sanitize.Line(session), strings.Join(names, ", "))
	}
	store := model.NewStore(model.StoreOptions{Keep: -1})
	loaded.Fill(store)
	sess, _ := store.Session(sel.Sessions[0].Key)
	set.Sessions = []model.Session{sess}
	return set, nil
}
