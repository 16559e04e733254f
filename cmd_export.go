package main

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"hark/export"
	"hark/journal"
	"hark/model"
	"hark/sanitize"
)

// exportFormats are the values of export --format.
var exportFormats = []string{"har", "ndjson", "md"}

func newExportCommand(e *env) *cobra.Command {
	var format, session, out string
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
			"with a note on stderr. Output goes to stdout, or with -o to a file written atomically.",
		Example: "  hark export today.jsonl --format har -o today.har\n" +
			"  hark export today.jsonl --format md --session session_123 -o bug.md\n" +
			"  hark export today.jsonl --format ndjson | jq 'select(.status >= 400)'",
		Args: journalArg("export"),
		RunE: func(cmd *cobra.Command, args []string) error {
			format = strings.ToLower(strings.TrimSpace(format))
			if format == "markdown" {
				format = "md"
			}
			if format == "" {
				return usagef("--format is required: %s", strings.Join(exportFormats, ", "))
			}
			if !slices.Contains(exportFormats, format) {
				return usagef("--format %q: give one of %s", format, strings.Join(exportFormats, ", "))
			}
			loaded, err := loadJournal(e, args[0])
			if err != nil {
				return err
			}
			write, n, err := exportWriter(loaded, format, session)
			if err != nil {
				return err
			}
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
	fs.StringVarP(&out, "output", "o", "", "file to write (atomically) instead of stdout")
	return cmd
}

// journalArg checks that a command got exactly one journal file.
func journalArg(verb string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("give one journal file to %s, e.g. %s", verb, strings.TrimSpace(strings.Split(cmd.Example, "\n")[0]))
		}
		return nil
	}
}

// loadJournal reads a journal, saying on stderr what could not be read:
// a torn or damaged journal still gives what it holds.
func loadJournal(e *env, path string) (*journal.Loaded, error) {
	loaded, err := journal.Load(path)
	if err != nil {
		return nil, err
	}
	if note := loaded.Note(); note != "" {
		fmt.Fprintf(e.stderr, "hark: %s: %s; using the %s that could be read\n",
			sanitize.Line(path), sanitize.Line(note), plural(len(loaded.Exchanges), "exchange"))
	}
	if n := loaded.Unanswered; n > 0 {
		fmt.Fprintf(e.stderr, "hark: %s: %s no response record (hark stopped before answering?)\n",
			sanitize.Line(path), plural(n, "exchange has", "exchanges have"))
	}
	return loaded, nil
}

// exportWriter picks what to export and returns the function that writes
// it, and how many exchanges it holds.
func exportWriter(loaded *journal.Loaded, format, session string) (func(io.Writer) error, int, error) {
	sessions := sessionsOf(loaded.Exchanges)
	if format == "md" {
		key, err := pickSession(sessions, session, loaded.Path)
		if err != nil {
			return nil, 0, err
		}
		store := model.NewStore(model.StoreOptions{MaxBodies: -1})
		loaded.Fill(store)
		sess, _ := store.Session(key)
		exs := exchangesOf(loaded.Exchanges, func(k model.SessionKey) bool { return k == key })
		return func(w io.Writer) error {
			return export.WriteMarkdown(w, sess, exs, export.MarkdownOptions{Location: time.Local, Version: versionString()})
		}, len(exs), nil
	}
	exs := loaded.Exchanges
	if session != "" {
		keys, err := matchSessions(sessions, session, loaded.Path)
		if err != nil {
			return nil, 0, err
		}
		exs = exchangesOf(exs, func(k model.SessionKey) bool { return slices.Contains(keys, k) })
		sessions = slices.DeleteFunc(sessions, func(s model.Session) bool { return !slices.Contains(keys, s.Key) })
	}
	switch format {
	case "har":
		return func(w io.Writer) error {
			return export.WriteHAR(w, exs, export.HAROptions{Version: versionString(), Sessions: sessions})
		}, len(exs), nil
	default: // ndjson
		return func(w io.Writer) error {
			for _, ex := range exs {
				if err := export.WriteNDJSON(w, ex); err != nil {
					return err
				}
			}
			return nil
		}, len(exs), nil
	}
}

// sessionsOf lists the sessions of exchanges in the order they were first
// seen, with their first time and exchange ids.
func sessionsOf(exs []*model.Exchange) []model.Session {
	index := map[model.SessionKey]int{}
	var out []model.Session
	for _, ex := range exs {
		k := ex.Session()
		if k.ID == "" {
			k.ID = model.Unsorted // as the store files them
		}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, model.Session{Key: k, FirstSeen: ex.Received, LastSeen: ex.Received})
		}
		s := &out[i]
		s.Exchanges = append(s.Exchanges, ex.ID)
		if ex.Received.Before(s.FirstSeen) {
			s.FirstSeen = ex.Received
		}
		if ex.Received.After(s.LastSeen) {
			s.LastSeen = ex.Received
		}
	}
	return out
}

func exchangesOf(exs []*model.Exchange, keep func(model.SessionKey) bool) []*model.Exchange {
	var out []*model.Exchange
	for _, ex := range exs {
		k := ex.Session()
		if k.ID == "" {
			k.ID = model.Unsorted
		}
		if keep(k) {
			out = append(out, ex)
		}
	}
	return out
}

// matchSessions finds the sessions a --session value names: the id on any
// platform, or PLATFORM/ID.
func matchSessions(sessions []model.Session, want, path string) ([]model.SessionKey, error) {
	var keys []model.SessionKey
	for _, s := range sessions {
		if s.Key.ID == want || s.Key.String() == want {
			keys = append(keys, s.Key)
		}
	}
	if len(keys) == 0 {
		return nil, usagef("--session %q: no such session in %s; %s", sanitize.Line(want), sanitize.Line(path), sessionList(sessions))
	}
	return keys, nil
}

// pickSession is the one session a transcript is about.
func pickSession(sessions []model.Session, want, path string) (model.SessionKey, error) {
	if want == "" {
		switch len(sessions) {
		case 0:
			return model.SessionKey{}, fmt.Errorf("%s holds no exchanges: no session to export", sanitize.Line(path))
		case 1:
			return sessions[0].Key, nil
		}
		return model.SessionKey{}, usagef("a Markdown transcript is of one session: give --session ID; %s", sessionList(sessions))
	}
	keys, err := matchSessions(sessions, want, path)
	if err != nil {
		return model.SessionKey{}, err
	}
	if len(keys) > 1 {
		var names []string
		for _, k := range keys {
			names = append(names, sanitize.Line(k.String()))
		}
		return model.SessionKey{}, usagef("--session %q is a session of several platforms: give one of %s", sanitize.Line(want), strings.Join(names, ", "))
	}
	return keys[0], nil
}

// sessionList names a few sessions, the busiest first, for an error
// message.
func sessionList(sessions []model.Session) string {
	if len(sessions) == 0 {
		return "the journal holds no sessions"
	}
	sorted := slices.Clone(sessions)
	slices.SortStableFunc(sorted, func(a, b model.Session) int { return len(b.Exchanges) - len(a.Exchanges) })
	const shown = 8
	var names []string
	for _, s := range sorted[:min(shown, len(sorted))] {
		names = append(names, fmt.Sprintf("%s (%s)", sanitize.Line(s.Key.String()), plural(len(s.Exchanges), "exchange")))
	}
	list := strings.Join(names, ", ")
	if len(sorted) > shown {
		list += fmt.Sprintf(", and %d more", len(sorted)-shown)
	}
	return plural(len(sessions), "session is", "sessions are") + " in it: " + list
}

// plural is "1 exchange" or "2 exchanges"; with a second form, "1 session
// is" or "2 sessions are".
func plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// sessionExporter is what the monitor's export key calls (tui.Options
// Export): it writes one session of the store, in a format, to a new file
// in dir named after the session and the time, and returns its path.
// Exchanges whose bodies the store no longer holds are exported without
// them, marked so; the journal has them.
func sessionExporter(store *model.Store, dir string, now func() time.Time) func(model.SessionKey, string) (string, error) {
	return func(key model.SessionKey, format string) (string, error) {
		sess, ok := store.Session(key)
		if !ok {
			return "", fmt.Errorf("no session %s", sanitize.Line(key.String()))
		}
		exs := make([]*model.Exchange, 0, len(sess.Exchanges))
		for _, id := range sess.Exchanges {
			if ex, ok := store.Exchange(id); ok {
				exs = append(exs, &ex)
			}
		}
		var write func(io.Writer) error
		switch format {
		case "har":
			write = func(w io.Writer) error {
				return export.WriteHAR(w, exs, export.HAROptions{Version: versionString(), Sessions: []model.Session{sess}})
			}
		case "md":
			write = func(w io.Writer) error {
				return export.WriteMarkdown(w, sess, exs, export.MarkdownOptions{Location: time.Local, Version: versionString()})
			}
		case "ndjson":
			write = func(w io.Writer) error {
				for _, ex := range exs {
					if err := export.WriteNDJSON(w, ex); err != nil {
						return err
					}
				}
				return nil
			}
		default:
			return "", fmt.Errorf("unknown export format %q (give %s)", format, strings.Join(exportFormats, ", "))
		}
		path := filepath.Join(dir, exportFileName(key, format, now()))
		if err := export.WriteFile(path, write); err != nil {
			return "", err
		}
		return path, nil
	}
}

// exportFileName is hark-PLATFORM-ID-20060102-150405.EXT, with the id
// reduced to characters safe in a file name on every system.
func exportFileName(key model.SessionKey, format string, t time.Time) string {
	safe := func(s string, n int) string {
		b := []byte(s)
		for i, c := range b {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				b[i] = '_'
			}
		}
		return strings.Trim(string(b[:min(len(b), n)]), "._")
	}
	return fmt.Sprintf("hark-%s-%s-%s.%s", safe(key.Platform, 16), safe(key.ID, 48), t.Format("20060102-150405"), format)
}
