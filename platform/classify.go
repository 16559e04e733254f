package platform

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/harkhq/hark/model"
)

// panicNote starts the note of a request whose classification panicked; the
// fuzz test looks for it.
const panicNote = "hark could not classify this request (internal error): "

// Classify recognizes the platform, kind, session and turns of a request,
// and checks its signature or token with the configured secrets. It never
// panics and never fails: whatever it cannot read is said in Notes, and a
// request no profile recognizes goes to the generic profile.
func Classify(req *model.Request, secrets Secrets) (c Classification) {
	defer func() {
		// The code below is meant never to panic (FuzzClassify checks it);
		// this keeps a receiver alive if it ever does.
		if r := recover(); r != nil {
			k, _ := generic.Kind(kindNonJSON)
			c = Classification{Platform: generic.Name, Kind: k.Name, SessionID: model.Unsorted, Consumed: k.Consumed, Deadline: k.Deadline,
				Notes: []string{panicNote + fmt.Sprint(r)}}
		}
	}()
	if req == nil {
		req = &model.Request{}
	}
	in := newInput(req, secrets)
	return detect(in).classify(in)
}

// detect returns the profile whose strongest detection rule matches.
func detect(in *input) *Profile {
	best, strength := generic, 0
	for _, p := range registry {
		for _, d := range p.detect {
			if d.strength > strength && d.when.match(in) {
				best, strength = p, d.strength
			}
		}
	}
	return best
}

// classify reads a request known to be the profile's.
func (p *Profile) classify(in *input) Classification {
	in.secret = in.secrets[p.Name]
	kind := p.fallback
	for _, r := range p.kinds {
		if r.when.match(in) {
			kind = r.kind
			break
		}
	}
	k, ok := p.Kind(kind)
	if !ok { // a profile table names a kind it does not list; tests catch it
		k = &p.Kinds[len(p.Kinds)-1]
	}
	c := Classification{Platform: p.Name, Kind: k.Name, Consumed: k.Consumed, Record: k.record}
	if k.Consumed {
		c.Deadline = k.Deadline
	}
	c.SessionID = in.sessionID(p.session)
	if c.SessionID == "" {
		// Every session-less request lands in one session; this is the one
		// place that says so, so the store, the journal and every export
		// agree on it.
		c.SessionID = model.Unsorted
		if in.shape == shapeJSON {
			in.note("no session id in the request: filed under " + model.Unsorted)
		}
	}
	c.Turns = in.turns(p, k)
	if p.sign != nil {
		c.Signature = p.sign(in, c.Kind)
	}
	if p.check != nil {
		p.check(in, &c)
	}
	c.Notes = in.notes
	return c
}

// cond is a test on a request; every field set must hold, and the zero
// value matches any request.
type cond struct {
	method string   // the request method, e.g. GET
	suffix []string // the URL path ends with one of these (a trailing / aside)
	word   string   // the URL path has this word between / - _ . separators
	header string   // a header's name starts with this, case-insensitively
	query  []string // query parameters that must all be present
	body   shape    // the body is of this shape (any when 0)
	has    []string // body paths that must all exist (implies JSON)
	any    []string // body paths of which at least one exists (implies JSON)
	field  string   // a body path whose string value must be one of values
	values []string
}

func (c *cond) match(in *input) bool {
	if c.method != "" && !strings.EqualFold(in.req.Method, c.method) {
		return false
	}
	if c.body != 0 && in.shape != c.body {
		return false
	}
	if len(c.suffix) > 0 && !in.pathEndsWith(c.suffix) {
		return false
	}
	if c.word != "" && !in.pathHasWord(c.word) {
		return false
	}
	if c.header != "" && !in.hasHeaderPrefix(c.header) {
		return false
	}
	for _, q := range c.query {
		if !in.query().Has(q) {
			return false
		}
	}
	if len(c.has) > 0 || len(c.any) > 0 || c.field != "" {
		if in.shape != shapeJSON {
			return false
		}
	}
	for _, p := range c.has {
		if !in.get(p).Exists() {
			return false
		}
	}
	if len(c.any) > 0 {
		found := false
		for _, p := range c.any {
			if in.get(p).Exists() {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if c.field != "" {
		v := in.get(c.field)
		if v.Type != gjson.String || !slices.Contains(c.values, v.Str) {
			return false
		}
	}
	return true
}

// field says where a value is: a body path or a header.
type field struct {
	path   string
	header string
}

func atBody(path string) field   { return field{path: path} }
func atHeader(name string) field { return field{header: name} }
func atBodies(paths ...string) []field {
	fs := make([]field, len(paths))
	for i, p := range paths {
		fs[i] = atBody(p)
	}
	return fs
}

// value returns the field's text: a string, or a number's literal text.
func (in *input) value(f field) string {
	switch {
	case f.header != "":
		return in.req.Header(f.header)
	case in.shape == shapeJSON:
		return scalar(in.get(f.path))
	case in.form != nil: // form bodies use the flat names of the same fields
		return in.form.Get(f.path)
	}
	return ""
}

// scalar is the text of a string or number, "" for anything else.
func scalar(r gjson.Result) string {
	switch r.Type {
	case gjson.String:
		return r.Str
	case gjson.Number:
		return r.Raw // keeps big integer ids exact
	}
	return ""
}

// maxSessionID bounds a session id taken from the network; longer ones are
// cut, so a hostile body cannot make every view carry megabytes.
const maxSessionID = 200

// sessionID returns the first non-empty value among fields, cleaned.
func (in *input) sessionID(fields []field) string {
	for _, f := range fields {
		v := strings.TrimSpace(in.value(f))
		if v == "" {
			continue
		}
		v, cut := keep(lastSessionSegment(v), maxSessionID)
		if cut {
			in.note(fmt.Sprintf("session id cut to its first %d bytes", maxSessionID))
		}
		return v
	}
	return ""
}

// lastSessionSegment reduces a Dialogflow session path
// (projects/<p>/agent/sessions/<sid>, or the CX form with locations and
// agents) to the session's own id.
func lastSessionSegment(v string) string {
	if !strings.HasPrefix(v, "projects/") {
		return v
	}
	i := strings.LastIndex(v, "/sessions/")
	if i < 0 {
		return v
	}
	sid := v[i+len("/sessions/"):]
	if j := strings.IndexByte(sid, '/'); j >= 0 {
		sid = sid[:j]
	}
	if sid == "" {
		return v
	}
	return sid
}

// query parses the query string once; a malformed one yields what parsed.
func (in *input) query() url.Values {
	if in.queryVals == nil {
		in.queryVals, _ = url.ParseQuery(in.req.RawQuery)
		if in.queryVals == nil {
			in.queryVals = url.Values{}
		}
	}
	return in.queryVals
}

func (in *input) pathEndsWith(suffixes []string) bool {
	p := strings.TrimRight(in.req.Path, "/")
	for _, s := range suffixes {
		if strings.HasSuffix(p, s) {
			return true
		}
	}
	return false
}

func (in *input) pathHasWord(word string) bool {
	for _, w := range strings.FieldsFunc(in.req.Path, func(r rune) bool {
		return r == '/' || r == '-' || r == '_' || r == '.'
	}) {
		if strings.EqualFold(w, word) {
			return true
		}
	}
	return false
}

func (in *input) hasHeaderPrefix(prefix string) bool {
	for k := range in.req.Headers {
		if len(k) >= len(prefix) && strings.EqualFold(k[:len(prefix)], prefix) {
			return true
		}
	}
	return false
}
