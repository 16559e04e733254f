// Package filter is hark's filter language: what the monitor's `/` filters
// with and what `hark listen --filter` prints by. It parses a query into
// terms and matches one exchange against them, through a Row (the fields
// the language reads) and a Bodies searcher for `body:` terms; both users
// run this same code. The monitor keeps its own shortcuts over many rows
// (a session ruled out at once, results remembered while typing), and its
// tests hold them equal to Match.
//
// It does no I/O: bodies are searched through whoever keeps them.
package filter

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/harkhq/hark/model"
)

// The language:
//
//	refund                plain words match text: turns, path, kind, session id, notes
//	"book a table"        quotes keep a phrase together
//	platform:moveo        platform by name or title prefix (platform:chat → ChatBot.com)
//	kind:pre_message      kind prefix
//	status:200 status:4xx status:err status:none
//	state:held            received, held, responded, fallback, rejected, failed
//	session:8563dcdf      session id substring
//	method:get
//	source:edited         where the response came from: edited, rule, forward, default, fallback
//	body:"window seat"    text in the request, response or forward bodies
//	-kind:session         a leading minus excludes
//
// Over a history (read-only), plain words search the bodies too.
//
// Terms on the same field are alternatives (platform:moveo platform:navtalk);
// everything else must hold together.

// Fields are the field names the language knows, in the order help lists
// them.
var Fields = []string{"platform", "kind", "status", "state", "session", "method", "source", "body"}

// Term is one condition of a query.
type Term struct {
	Field string // "" for a plain word
	Value string // lower case
	Neg   bool
	Num   int // Value as a number, or -1
}

// Query is a parsed filter.
type Query struct {
	Raw    string
	Terms  []Term            // every term, in the order typed
	Words  []Term            // plain words, all must match
	Fields map[string][]Term // alternatives per field
	Negs   []Term            // all must fail
	// Problem says what was not understood, "" when all was: an unknown
	// field (then matched as a plain word), or a value its field never
	// takes (then matching nothing).
	Problem string
}

// Parse reads a filter. It never fails: what it does not understand is
// matched as plain text or matches nothing, and is reported in Problem.
func Parse(s string) *Query {
	q := &Query{Raw: s, Fields: map[string][]Term{}}
	var unknown, bad []string
	for _, tok := range tokenize(s) {
		t := Term{}
		if strings.HasPrefix(tok, "-") && len(tok) > 1 {
			t.Neg = true
			tok = tok[1:]
		}
		if field, value, ok := strings.Cut(tok, ":"); ok && value != "" {
			f := strings.ToLower(field)
			if slices.Contains(Fields, f) {
				t.Field, t.Value = f, strings.ToLower(unquote(value))
			} else {
				unknown = append(unknown, field)
				t.Value = strings.ToLower(unquote(tok))
			}
		} else {
			t.Value = strings.ToLower(unquote(tok))
		}
		if t.Value == "" {
			continue
		}
		t.Num = -1
		if n, err := strconv.Atoi(t.Value); err == nil && n >= 0 {
			t.Num = n
		}
		if why := badValue(t); why != "" {
			bad = append(bad, pick(t.Neg, "-", "")+t.Field+":"+t.Value+" ("+why+")")
		}
		q.Terms = append(q.Terms, t)
		switch {
		case t.Neg:
			q.Negs = append(q.Negs, t)
		case t.Field == "":
			q.Words = append(q.Words, t)
		default:
			q.Fields[t.Field] = append(q.Fields[t.Field], t)
		}
	}
	var problems []string
	if len(unknown) > 0 {
		problems = append(problems, "unknown field "+strings.Join(unknown, ", ")+": use "+strings.Join(Fields, ", "))
	}
	if len(bad) > 0 {
		problems = append(problems, "no exchange can match "+strings.Join(bad, ", "))
	}
	q.Problem = strings.Join(problems, "; ")
	return q
}

// Err is the query's Problem as an error, nil when it was all understood.
func (q *Query) Err() error {
	if q == nil || q.Problem == "" {
		return nil
	}
	return errors.New(q.Problem)
}

// states and sources are the values state: and source: take.
var (
	states  = []model.State{model.StateReceived, model.StateHeld, model.StateResponded, model.StateFallback, model.StateRejected, model.StateFailed}
	sources = []model.Source{model.SourceDefault, model.SourceRule, model.SourceForward, model.SourceEdited, model.SourceFallback}
)

// badValue says why a field's value can match no exchange, "" when it can.
func badValue(t Term) string {
	v := t.Value
	switch t.Field {
	case "status":
		if statusWord(v) != "" || statusClass(v) > 0 || (t.Num >= 100 && t.Num <= 999) {
			return ""
		}
		return "give a status like 200, a class like 4xx, err or none"
	case "state":
		for _, s := range states {
			if strings.HasPrefix(string(s), v) {
				return ""
			}
		}
		return "states are received, held, responded, fallback, rejected, failed"
	case "source":
		for _, s := range sources {
			if strings.HasPrefix(string(s), v) {
				return ""
			}
		}
		return "sources are default, rule, forward, edited, fallback"
	}
	return ""
}

// tokenize splits on spaces outside double quotes.
func tokenize(s string) []string {
	var out []string
	var b strings.Builder
	inQuote := false
	for _, r := range s {
		switch {
		case r == '"':
			inQuote = !inQuote
			b.WriteRune(r)
		case unicode.IsSpace(r) && !inQuote:
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

func unquote(s string) string { return strings.ReplaceAll(s, `"`, "") }

// Empty reports a query with no term: it matches everything.
func (q *Query) Empty() bool {
	return q == nil || (len(q.Words) == 0 && len(q.Fields) == 0 && len(q.Negs) == 0)
}

// Narrows reports whether every exchange q matches also matches prev, so
// that what prev did not match can be skipped: true when q only adds a
// condition, or lengthens the last word or prefix it was typing.
func (q *Query) Narrows(prev *Query) bool {
	if prev.Empty() || q.Empty() {
		return false
	}
	a, b := prev.Terms, q.Terms
	switch {
	case len(b) == len(a)+1 && slices.Equal(a, b[:len(a)]):
		t := b[len(a)]
		return t.Neg || t.Field == "" || len(prev.Fields[t.Field]) == 0
	case len(b) == len(a) && slices.Equal(a[:len(a)-1], b[:len(b)-1]):
		old, cur := a[len(a)-1], b[len(b)-1]
		return !old.Neg && !cur.Neg && old.Field == cur.Field && monotone(cur.Field) &&
			strings.HasPrefix(cur.Value, old.Value)
	}
	return false
}

// monotone fields match less as their value grows (substring or prefix).
func monotone(field string) bool {
	switch field {
	case "", "platform", "kind", "state", "session", "source", "body":
		return true
	}
	return false
}
