// Package export turns exchanges into the formats developers keep and share:
// NDJSON lines (what `hark listen --json` prints), HAR and Markdown
// transcripts.
package export

import (
	"encoding/json"
	"io"

	"hark/model"
)

// WriteNDJSON writes one exchange as one JSON line: its model.Summary.
// An exchange read from a journal gives the same line as it did live: one
// without a session id is in the "unsorted" session, as the store files it.
func WriteNDJSON(w io.Writer, ex *model.Exchange) error {
	s := ex.Summarize()
	if s.Session == "" {
		s.Session = model.Unsorted
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
