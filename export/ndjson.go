// Package export turns exchanges into the formats developers keep and share:
// NDJSON lines (what `hark listen --json` prints), HAR and Markdown
// transcripts.
package export

import (
	"encoding/json"
	"io"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
)

// WriteNDJSON writes one exchange as one JSON line: its model.Summary.
// An exchange read from a journal gives the same line as it did live.
func WriteNDJSON(w io.Writer, ex *model.Exchange) error {
	b, err := NDJSONLine(ex)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// NDJSONLine is the line WriteNDJSON writes, its newline included. C1 and
// bidi controls, and the other runes sanitize.Invisible reports, are \u
// escapes: the line is safe on a terminal and means the same to jq.
func NDJSONLine(ex *model.Exchange) ([]byte, error) {
	b, err := json.Marshal(ex.Summarize())
	if err != nil {
		return nil, err
	}
	return append(sanitize.JSON(b), '\n'), nil
}
