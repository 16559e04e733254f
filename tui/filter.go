package tui

import "github.com/harkhq/hark/filter"

// Filtering, the monitor's side: the language and what an exchange must be
// to match are package filter's (the same code `hark listen --filter`
// runs); here are the shortcuts that spare looking at every exchange of a
// long history on each keystroke. A session is listed when at least one
// of its exchanges matches; the transcript shows only matching exchanges.

// rejects reports whether no exchange of a session can match q, because a
// plain word occurs neither in the session's id or platform nor anywhere in
// its search text (or, over a history, its bodies).
func (ix *index) rejects(q *filter.Query, e *sessionEntry) bool {
	bodyTerms := q.Fields["body"]
	if len(q.Words) == 0 && len(bodyTerms) == 0 {
		return false
	}
	text := e.text.String()
	for _, t := range q.Words {
		if filter.ContainsFold(text, t.Value) || filter.ContainsFold(e.key.ID, t.Value) || hasPrefix(e.key.Platform, t.Value) {
			continue
		}
		if ix.bodies.InWords() && ix.bodies.mayContain(e, t.Value) {
			continue
		}
		return true
	}
	if len(bodyTerms) > 0 {
		for _, t := range bodyTerms {
			if ix.bodies.mayContain(e, t.Value) {
				return false
			}
		}
		return true
	}
	return false
}

func hasPrefix(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }
