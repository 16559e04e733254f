package filter

import (
	"strings"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
	"github.com/harkhq/hark/sanitize"
)

// Row is what the language reads of one exchange: its texts as a person
// reads them (sanitized, the path with its query), its state and its
// turns. Bodies are not in it: they are searched through Bodies.
type Row struct {
	Failed   bool
	Status   int // 0 before a response
	Path     string
	Kind     string
	Method   string
	Platform string
	State    model.State
	Source   model.Source // "" before a response
	Session  string       // the session id as received
	Turns    []model.Turn
	Notes    []string
	ID       model.ExchangeID
}

// RowOf is the Row of an exchange.
func RowOf(ex *model.Exchange) Row {
	r := Row{
		Failed: ex.Failed(), Path: PathOf(&ex.Request), Kind: sanitize.Line(ex.Kind), Method: sanitize.Line(ex.Request.Method),
		Platform: ex.Platform, State: ex.State, Session: ex.SessionID, Turns: ex.Turns, Notes: ex.Notes, ID: ex.ID,
	}
	if ex.Response != nil {
		r.Status, r.Source = ex.Response.Status, ex.Response.Source
	}
	return r
}

// PathOf is a request's path as a Row holds it: sanitized, with the query.
func PathOf(req *model.Request) string {
	p := sanitize.Line(req.Path)
	if req.RawQuery != "" {
		p += "?" + sanitize.Line(req.RawQuery)
	}
	return p
}

// Bodies searches exchanges' bodies for body: terms (and, over a history,
// plain words).
type Bodies interface {
	// Contain reports whether one of the exchange's bodies (request,
	// response, forward) contains v, which is lower case, ignoring case.
	Contain(r *Row, v string) bool
	// InWords reports whether plain words search bodies too.
	InWords() bool
}

// Match reports whether an exchange passes the query. b may be nil: then
// body terms match nothing.
func (q *Query) Match(r *Row, b Bodies) bool {
	for _, t := range q.Words {
		if !t.match(r, b) {
			return false
		}
	}
	for _, alts := range q.Fields {
		hit := false
		for _, t := range alts {
			if t.match(r, b) {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	for _, t := range q.Negs {
		if t.match(r, b) {
			return false
		}
	}
	return true
}

// MatchExchange matches an exchange whose bodies are at hand (a stream of
// exchanges, as `hark listen` prints them). Plain words do not search
// bodies, as in the live monitor.
func (q *Query) MatchExchange(ex *model.Exchange) bool {
	if q.Empty() {
		return true
	}
	r := RowOf(ex)
	return q.Match(&r, exchangeBodies{ex})
}

type exchangeBodies struct{ ex *model.Exchange }

func (b exchangeBodies) Contain(_ *Row, v string) bool { return ExchangeContains(b.ex, v) }
func (exchangeBodies) InWords() bool                   { return false }

// ExchangeContains reports whether one of an exchange's bodies contains v
// (lower case), ignoring case.
func ExchangeContains(ex *model.Exchange, v string) bool {
	if ContainsFoldBytes(ex.Request.Body, v) {
		return true
	}
	if ex.Response != nil && ContainsFoldBytes(ex.Response.Body, v) {
		return true
	}
	return ex.Forward != nil && ContainsFoldBytes(ex.Forward.Body, v)
}

func (t Term) match(r *Row, b Bodies) bool {
	v := t.Value
	switch t.Field {
	case "platform":
		return strings.HasPrefix(r.Platform, v) || HasPrefixFold(sanitize.Line(platform.TitleOf(r.Platform)), v)
	case "kind":
		return HasPrefixFold(r.Kind, v)
	case "status":
		return matchStatus(r, v, t.Num)
	case "state":
		return strings.HasPrefix(string(r.State), v)
	case "session":
		return ContainsFold(r.Session, v)
	case "method":
		return strings.EqualFold(r.Method, v)
	case "source":
		return r.Source != "" && strings.HasPrefix(string(r.Source), v)
	case "body":
		return b != nil && b.Contain(r, v)
	}
	return matchText(r, v, t.Num) || (b != nil && b.InWords() && b.Contain(r, v))
}

// statusWord names the status words: err, none.
func statusWord(v string) string {
	switch v {
	case "err", "error", "errors", "failed":
		return "err"
	case "none", "pending", "-":
		return "none"
	}
	return ""
}

// statusClass is 4 for "4xx", 0 when v is no class.
func statusClass(v string) int {
	if len(v) == 3 && strings.HasSuffix(v, "xx") && v[0] >= '1' && v[0] <= '5' {
		return int(v[0] - '0')
	}
	return 0
}

// matchStatus understands 200, 4xx, err and none.
func matchStatus(r *Row, v string, num int) bool {
	switch statusWord(v) {
	case "err":
		return r.Failed
	case "none":
		return r.Status == 0
	}
	if c := statusClass(v); c > 0 {
		return r.Status/100 == c
	}
	return num >= 0 && r.Status == num
}

// matchText looks for a plain word in everything a person would read.
func matchText(r *Row, v string, num int) bool {
	if ContainsFold(r.Path, v) || ContainsFold(r.Kind, v) || ContainsFold(r.Method, v) ||
		ContainsFold(r.Session, v) || strings.HasPrefix(r.Platform, v) ||
		ContainsFold(string(r.State), v) {
		return true
	}
	for i := range r.Turns {
		if ContainsFold(r.Turns[i].Text, v) || (r.Turns[i].Marker != "" && ContainsFold(r.Turns[i].Marker, v)) {
			return true
		}
	}
	for _, n := range r.Notes {
		if ContainsFold(n, v) {
			return true
		}
	}
	return num > 0 && r.Status == num
}
