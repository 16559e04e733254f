package tui

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The filter language, typed after `/`:
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
// everything else must hold together. A session is listed when at least one
// of its exchanges matches; the transcript shows only matching exchanges.

// filterFields are the field names the language knows, in the order help
// lists them.
var filterFields = []string{"platform", "kind", "status", "state", "session", "method", "source", "body"}

type term struct {
	field string // "" for a plain word
	value string // lower case
	neg   bool
	num   int // value as a number, or -1
}

type query struct {
	raw     string
	terms   []term            // every term, in the order typed
	words   []term            // plain words, all must match
	fields  map[string][]term // alternatives per field
	negs    []term            // all must fail
	problem string            // what was not understood, for the filter bar
	bodies  *bodySearch       // how bodies are searched; nil: they are not
}

// parseQuery reads a filter. It never fails: what it does not understand is
// matched as plain text and reported in problem.
func parseQuery(s string) *query {
	q := &query{raw: s, fields: map[string][]term{}}
	var unknown []string
	for _, tok := range tokenize(s) {
		t := term{}
		if strings.HasPrefix(tok, "-") && len(tok) > 1 {
			t.neg = true
			tok = tok[1:]
		}
		if field, value, ok := strings.Cut(tok, ":"); ok && value != "" {
			f := strings.ToLower(field)
			if knownField(f) {
				t.field, t.value = f, strings.ToLower(unquote(value))
			} else {
				unknown = append(unknown, field)
				t.value = strings.ToLower(unquote(tok))
			}
		} else {
			t.value = strings.ToLower(unquote(tok))
		}
		if t.value == "" {
			continue
		}
		t.num = -1
		if n, err := strconv.Atoi(t.value); err == nil && n >= 0 {
			t.num = n
		}
		q.terms = append(q.terms, t)
		switch {
		case t.neg:
			q.negs = append(q.negs, t)
		case t.field == "":
			q.words = append(q.words, t)
		default:
			q.fields[t.field] = append(q.fields[t.field], t)
		}
	}
	if len(unknown) > 0 {
		q.problem = "unknown field " + strings.Join(unknown, ", ") + ": use " + strings.Join(filterFields, ", ")
	}
	return q
}

func knownField(f string) bool { return slices.Contains(filterFields, f) }

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

func unquote(s string) string { return strings.ReplaceAll(s, `"`, "") }

func (q *query) empty() bool {
	return q == nil || (len(q.words) == 0 && len(q.fields) == 0 && len(q.negs) == 0)
}

// matchRow reports whether an exchange passes the filter.
func (q *query) matchRow(r *exRow) bool {
	for _, t := range q.words {
		if !q.match(t, r) {
			return false
		}
	}
	for _, alts := range q.fields {
		hit := false
		for _, t := range alts {
			if q.match(t, r) {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	for _, t := range q.negs {
		if q.match(t, r) {
			return false
		}
	}
	return true
}

func (q *query) match(t term, r *exRow) bool {
	v := t.value
	switch t.field {
	case "platform":
		return strings.HasPrefix(r.platform, v) || hasPrefixFold(platformTitle(r.platform), v)
	case "kind":
		return hasPrefixFold(r.kind, v)
	case "status":
		return matchStatus(r, v, t.num)
	case "state":
		return strings.HasPrefix(string(r.state), v)
	case "session":
		return containsFold(r.entry.key.ID, v)
	case "method":
		return strings.EqualFold(r.method, v)
	case "source":
		return r.source != "" && strings.HasPrefix(string(r.source), v)
	case "body":
		return q.bodies.row(r, v)
	}
	return matchText(r, v, t.num) || (q.bodies.inWords() && q.bodies.row(r, v))
}

// matchStatus understands 200, 4xx, err and none.
func matchStatus(r *exRow, v string, num int) bool {
	switch v {
	case "err", "error", "errors", "failed":
		return r.failed
	case "none", "pending", "-":
		return r.status == 0
	}
	if len(v) == 3 && strings.HasSuffix(v, "xx") && v[0] >= '1' && v[0] <= '5' {
		return r.status/100 == int(v[0]-'0')
	}
	return num >= 0 && r.status == num
}

// matchText looks for a plain word in everything a person would read.
func matchText(r *exRow, v string, num int) bool {
	if containsFold(r.path, v) || containsFold(r.kind, v) || containsFold(r.method, v) ||
		containsFold(r.entry.key.ID, v) || strings.HasPrefix(r.platform, v) ||
		containsFold(string(r.state), v) {
		return true
	}
	for i := range r.turns {
		if containsFold(r.turns[i].Text, v) || (r.turns[i].Marker != "" && containsFold(r.turns[i].Marker, v)) {
			return true
		}
	}
	for _, n := range r.notes {
		if containsFold(n, v) {
			return true
		}
	}
	return num > 0 && r.status == num
}

// rejects reports whether no exchange of a session can match, because a
// plain word occurs neither in the session's id or platform nor anywhere in
// its search text.
func (q *query) rejects(e *sessionEntry) bool {
	bodyTerms := q.fields["body"]
	if len(q.words) == 0 && len(bodyTerms) == 0 {
		return false
	}
	text := e.text.String()
	for _, t := range q.words {
		if containsFold(text, t.value) || containsFold(e.key.ID, t.value) || strings.HasPrefix(e.key.Platform, t.value) {
			continue
		}
		if q.bodies.inWords() && q.bodies.mayContain(e, t.value) {
			continue
		}
		return true
	}
	if len(bodyTerms) > 0 {
		for _, t := range bodyTerms {
			if q.bodies.mayContain(e, t.value) {
				return false
			}
		}
		return true
	}
	return false
}

// narrows reports whether every exchange q matches also matches prev, so
// that what prev did not match can be skipped: true when q only adds a
// condition, or lengthens the last word or prefix it was typing.
func (q *query) narrows(prev *query) bool {
	if prev.empty() || q.empty() {
		return false
	}
	a, b := prev.terms, q.terms
	switch {
	case len(b) == len(a)+1 && slices.Equal(a, b[:len(a)]):
		t := b[len(a)]
		return t.neg || t.field == "" || len(prev.fields[t.field]) == 0
	case len(b) == len(a) && slices.Equal(a[:len(a)-1], b[:len(b)-1]):
		old, cur := a[len(a)-1], b[len(b)-1]
		return !old.neg && !cur.neg && old.field == cur.field && monotone(cur.field) &&
			strings.HasPrefix(cur.value, old.value)
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

// containsFold reports whether sub (lower case) occurs in s, ignoring case,
// without allocating: filters run over every exchange on each keystroke, so
// candidates are found with strings.IndexByte (vectorized) for both cases of
// the first byte.
func containsFold(s, sub string) bool {
	n := len(sub)
	switch {
	case n == 0:
		return true
	case n > len(s):
		return false
	}
	c := sub[0]
	if c >= utf8.RuneSelf {
		return containsFoldSlow(s, sub)
	}
	lo, up := c, c
	if 'a' <= c && c <= 'z' {
		up = c - ('a' - 'A')
	}
	last := len(s) - n // the last index a match can start at
	hay := s[:last+1]
	nextLo, nextUp := -1, -1 // -1: not looked for past i yet
	for i := 0; i <= last; {
		if nextLo < i {
			nextLo = indexFrom(hay, lo, i)
		}
		if nextUp < i {
			nextUp = indexFrom(hay, up, i)
		}
		j := min(nextLo, nextUp)
		if j == notFound {
			return false
		}
		if strings.EqualFold(s[j:j+n], sub) {
			return true
		}
		i = j + 1
	}
	return false
}

const notFound = math.MaxInt

// indexFrom is the index of c in s at or after from, or notFound.
func indexFrom(s string, c byte, from int) int {
	if k := strings.IndexByte(s[from:], c); k >= 0 {
		return from + k
	}
	return notFound
}

// containsFoldSlow handles a search text starting with a non-ASCII rune.
func containsFoldSlow(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
