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
func WriteNDJSON(w io.Writer, ex *model.Exchange) error {
	b, err := json.Marshal(ex.Summarize())
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
