package cli

import (
	"errors"
	"fmt"

	"github.com/harkhq/hark/journal"
	"github.com/harkhq/hark/sanitize"
)

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

// selectSessions is loaded.Select with an unknown session as a usage
// error.
func selectSessions(loaded *journal.Loaded, session string) (journal.Selection, error) {
	sel, err := loaded.Select(session)
	var none *journal.NoSessionError
	if errors.As(err, &none) {
		return sel, usageError{err}
	}
	return sel, err
}
