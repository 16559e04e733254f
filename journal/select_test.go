package journal

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harkhq/hark/model"
)

// An id that hark shows escaped (a control character, a bidi override)
// can be typed back as shown.
func TestSelectEscapedIDs(t *testing.T) {
	a, b := smallExchange(1), smallExchange(2)
	a.SessionID, b.SessionID = "tab\there", "abc\u202edcba"
	l, err := Load(writeJournal(t, a, b))
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Select("nosuch")
	var none *NoSessionError
	if !errors.As(err, &none) || !strings.Contains(err.Error(), `generic/tab\there`) || !strings.Contains(err.Error(), `--session "nosuch"`) {
		t.Fatalf("error lists %v", err)
	}
	for want, id := range map[string]model.ExchangeID{
		`tab\there`: 1, "tab\there": 1, `generic/tab\there`: 1,
		`abc\u202edcba`: 2, "generic/abc\u202edcba": 2,
	} {
		sel, err := l.Select(want)
		if err != nil || len(sel.Exchanges) != 1 || sel.Exchanges[0].ID != id {
			t.Errorf("Select(%q): %v %v", want, sel.Exchanges, err)
		}
	}
}

// A file none of whose lines is a record is not a journal: reading it is
// an error, not an empty history.
func TestLoadRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"empty.jsonl": "",
		"notes.txt":   "my notes\n{\"not\":\"a record\"}\n",
		"data.json":   `[{"a":1}]`,
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(content), 0o600)
		if _, err := Load(path); !errors.Is(err, ErrNotJournal) {
			t.Errorf("Load(%s): %v, want ErrNotJournal", name, err)
		}
	}
	// A journal whose records are all damaged but for one is one.
	path := filepath.Join(dir, "damaged.jsonl")
	os.WriteFile(path, []byte("garbage\n"+string(encodeRequest(smallExchange(1)))+"more garbage\n"), 0o600)
	if l, err := Load(path); err != nil || len(l.Exchanges) != 1 {
		t.Errorf("damaged journal: %v", err)
	}
}
