package journal

import (
	"bytes"
	"os"
	"testing"
)

// invisible are runes a journal must never hold raw: C1 controls (NEL, the
// 8-bit CSI) and bidi controls.
var invisible = []string{"\u0085", "\u009b", "\u202a", "\u202e", "\u2066", "\u2069", "\u200f"}

// Every string of a record, bodies included, has them as \u escapes, as
// format.go promises, and reads back the same.
func TestRecordsEscapeInvisibleRunes(t *testing.T) {
	ex := smallExchange(1)
	evil := "x\u0085\u009b31m\u202ereversed\u202c \u2066iso\u2069\u200f"
	ex.Request.Body = []byte(`{"text":"` + evil + `"}`)
	ex.Request.Headers = map[string][]string{"X-Evil": {evil}}
	ex.Request.Path = "/" + evil
	ex.SessionID = evil
	ex.Turns[0].Text = evil
	ex.Response.Body = []byte(evil)
	path := writeJournal(t, ex)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range invisible {
		if bytes.Contains(data, []byte(r)) {
			t.Errorf("raw %+q in the journal", r)
		}
	}
	if !bytes.Contains(data, []byte(`\u202e`)) || !bytes.Contains(data, []byte(`\u009b`)) {
		t.Errorf("no escapes in the journal:\n%s", data)
	}
	l, err := Load(path)
	if err != nil || len(l.Exchanges) != 1 {
		t.Fatal(err)
	}
	sameExchange(t, "read back", *l.Exchanges[0], *ex)
}
