package platform

import (
	"strings"
	"testing"

	"github.com/harkhq/hark/model"
)

// batchProfile reads the array at items as its batch, with the session per
// element.
const batchProfile = `name: wrapped
title: Wrapped Events
match:
  json: {source: wrapped, items: "*"}
batch: items
session: [conv]
kind: type
kinds:
  said:
    turns:
      - {text: text, as: user}
  seen: a receipt
`

// TestBatchAtAPath: the elements of the array at a body path are the
// batch; match reads the wrapper; an element of another session keeps its
// turns out of the transcript, and the note says so.
func TestBatchAtAPath(t *testing.T) {
	useRegistry(t, withProfile(t, "wrapped.yaml", []byte(batchProfile)))
	for _, tt := range []struct {
		name, body, kind, session string
		texts                     []string
		notes                     []string
	}{
		{"one event", `{"source":"wrapped","items":[{"type":"said","conv":"c1","text":"hi"}]}`, "said", "c1", []string{"hi"}, nil},
		{"two of one session", `{"source":"wrapped","items":[{"type":"said","conv":"c1","text":"hi"},{"type":"said","conv":"c1","text":"again"}]}`,
			"said", "c1", []string{"hi", "again"}, nil},
		{"two kinds", `{"source":"wrapped","items":[{"type":"seen","conv":"c1"},{"type":"said","conv":"c1","text":"hi"}]}`,
			"seen", "c1", []string{"hi"}, []string{"a batch of 2 events of 2 kinds: the exchange is shown as the first's (seen)"}},
		{"two sessions", `{"source":"wrapped","items":[{"type":"said","conv":"c1","text":"hi"},{"type":"said","conv":"c2","text":"not here"},{"type":"seen","conv":"c2"},{"type":"said","conv":"c2","text":"nor here"}]}`,
			"said", "c1", []string{"hi"}, []string{"a batch of 4 events of 2 kinds: the exchange is shown as the first's (said)",
				"a batch of 4 events of 2 sessions: filed under the first's; the others' 2 turns are in the body, not in this transcript"}},
		{"no array", `{"source":"wrapped","items":{"type":"said"}}`, "other", model.Unsorted, nil, []string{"no session id in the request: filed under unsorted"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := Classify(post("/hook", []byte(tt.body)), nil)
			if c.Platform != "wrapped" || c.Kind != tt.kind || c.SessionID != tt.session {
				t.Fatalf("%s/%s %q notes %q", c.Platform, c.Kind, c.SessionID, c.Notes)
			}
			var texts []string
			for _, turn := range c.Turns {
				texts = append(texts, turn.Text)
			}
			if strings.Join(texts, "|") != strings.Join(tt.texts, "|") || strings.Join(c.Notes, "|") != strings.Join(tt.notes, "|") {
				t.Errorf("turns %q notes %q", texts, c.Notes)
			}
		})
	}
	// A JSON array body is not this profile's batch: it does not match.
	if c := Classify(post("/hook", []byte(`[{"source":"wrapped","items":[]}]`)), nil); c.Platform == "wrapped" {
		t.Error("an array body matched a profile whose batch is at a path")
	}
}
