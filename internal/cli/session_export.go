package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/harkhq/hark/export"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
)

// sessionExporter is what the monitor's export key calls (tui.Options
// Export): it writes one session of the store, in a format, to a new file
// in dir named after the session and the time, and returns its path. It
// runs in a command, so it may read the journal: exchanges the store
// evicted are read back whole, and so are the turns a long session let go.
// Without a journal, evicted exchanges are exported as the index has them,
// marked so.
func sessionExporter(store *model.Store, dir string, now func() time.Time) func(model.SessionKey, string) (string, error) {
	return func(key model.SessionKey, format string) (string, error) {
		sess, ok := store.Session(key)
		if !ok {
			return "", fmt.Errorf("no session %s", sanitize.Line(key.String()))
		}
		exs := make([]*model.Exchange, 0, len(sess.Exchanges))
		var older []model.Turn // the turns the session let go
		for i, id := range sess.Exchanges {
			ex, err := store.Load(id)
			if err != nil {
				if ex, ok = store.Exchange(id); !ok {
					continue
				}
				if !errors.Is(err, model.ErrDropped) {
					ex.Notes = ex.WithNote(err.Error())
				}
			}
			if i < sess.TurnsFrom && !ex.Record {
				for _, t := range ex.Turns {
					t.Exchange = id
					older = append(older, t)
				}
			}
			exs = append(exs, &ex)
		}
		sess = sess.WithOlderTurns(older)
		f, ok := export.LookupFormat(format)
		if !ok {
			return "", fmt.Errorf("unknown export format %q (give %s)", format, strings.Join(export.FormatNames(), ", "))
		}
		set := export.Set{Exchanges: exs, Sessions: []model.Session{sess}, Version: versionString(), Location: time.Local}
		write := func(w io.Writer) error { return f.Write(w, set) }
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", err
		}
		path := filepath.Join(dir, exportFileName(key, f.Name, now()))
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
