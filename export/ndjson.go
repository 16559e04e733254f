// Package export turns exchanges into the formats developers keep and share:
// NDJSON lines (what `hark listen --json` prints), HAR and Markdown
// transcripts.
package export

import (
	"encoding/json"
	"io"

	"github.com/harkhq/hark/model"
)

// WriteNDJSON writes one exchange as one JSON line: its model.Summary.
// An exchange read from a journal gives the same line as it did live.
func WriteNDJSON(w io.Writer, ex *model.Exchange) error {
	s := ex.Summarize()
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
