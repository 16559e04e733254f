package platform

import (
	"strings"

	"github.com/tidwall/gjson"
)

// cond is a test on a request; every part set must hold, and the zero
// value matches any request. It is what a profile's match, a kind's when
// and a handshake's match compile to.
type cond struct {
	method []string   // one of these methods
	path   *matcher   // the URL path (a trailing / aside)
	word   []string   // the URL path has one of these words between / - _ . separators
	header []keyMatch // headers; a key ending in * is a prefix of header names
	query  []keyMatch // query parameters
	json   []keyMatch // body paths (implies a JSON body)
	form   []keyMatch // form fields (implies a form-encoded body)
	body   bodyKind   // the body is of this kind (any when 0)
}

// keyMatch tests the value at one key.
type keyMatch struct {
	key    string
	prefix bool // header names starting with key
	hash   bool // a body path through arrays (#): any element may match
	m      matcher
}

// bodyKind is what a condition can ask of a body.
type bodyKind uint8

const (
	bodyAny   bodyKind = iota
	bodyJSON           // valid JSON
	bodyForm           // application/x-www-form-urlencoded
	bodyEmpty          // nothing, or white space
	bodyOther          // anything else: text, binary, malformed JSON
)

var bodyKinds = map[string]bodyKind{"json": bodyJSON, "form": bodyForm, "empty": bodyEmpty, "other": bodyOther}

func (in *input) bodyKind() bodyKind {
	switch {
	case in.shape == shapeJSON:
		return bodyJSON
	case in.shape == shapeEmpty:
		return bodyEmpty
	case in.form != nil:
		return bodyForm
	}
	return bodyOther
}

// bodiless reports whether the condition reads nothing of the body, so
// that it can be tested before the body is parsed.
func (c *cond) bodiless() bool { return c.body == bodyAny && len(c.json) == 0 && len(c.form) == 0 }

func (c *cond) match(in *input) bool {
	if len(c.method) > 0 && !equalFoldAny(in.req.Method, c.method) {
		return false
	}
	if c.body != bodyAny && in.bodyKind() != c.body {
		return false
	}
	if c.path != nil && !c.path.test(strings.TrimRight(in.req.Path, "/"), true) {
		return false
	}
	if len(c.word) > 0 && !in.pathHasWord(c.word) {
		return false
	}
	for i := range c.header {
		if !in.matchHeader(&c.header[i]) {
			return false
		}
	}
	for i := range c.query {
		k := &c.query[i]
		vals, ok := in.query()[k.key]
		v := ""
		if ok && len(vals) > 0 {
			v = vals[0]
		}
		if !k.m.test(v, ok) {
			return false
		}
	}
	if len(c.json) > 0 && (in.shape != shapeJSON || !matchJSON(&node{in: in}, c.json)) {
		return false
	}
	for i := range c.form {
		k := &c.form[i]
		if in.form == nil {
			return false
		}
		vals, ok := in.form[k.key]
		v := ""
		if ok && len(vals) > 0 {
			v = vals[0]
		}
		if !k.m.test(v, ok) {
			return false
		}
	}
	return true
}

// matchJSON tests body paths of a node (the body, or an array element).
func matchJSON(n *node, ms []keyMatch) bool {
	for i := range ms {
		k := &ms[i]
		r := n.get(k.key)
		if k.hash && r.IsArray() {
			found := false // an element matches
			eachLeaf(r, func(el gjson.Result) bool {
				found = k.m.test(valueText(el), true)
				return !found
			})
			if !found {
				return false
			}
			continue
		}
		if !k.m.test(valueText(r), r.Exists()) {
			return false
		}
	}
	return true
}

// valueText is how a matcher sees a JSON value: a string's text, any other
// value's JSON (42, true, null, {...}).
func valueText(r gjson.Result) string {
	if r.Type == gjson.String {
		return r.Str
	}
	return r.Raw
}

// eachLeaf calls fn with every element of an array, descending into arrays
// of arrays (what a path like entry.#.changes.#.value gives), until fn
// returns false.
func eachLeaf(r gjson.Result, fn func(gjson.Result) bool) bool {
	if !r.IsArray() {
		return fn(r)
	}
	ok := true
	r.ForEach(func(_, el gjson.Result) bool {
		ok = eachLeaf(el, fn)
		return ok
	})
	return ok
}

func (in *input) matchHeader(k *keyMatch) bool {
	if !k.prefix {
		v, ok := in.header(k.key)
		return k.m.test(v, ok)
	}
	seen := false
	for name, vals := range in.req.Headers {
		if len(name) >= len(k.key) && strings.EqualFold(name[:len(k.key)], k.key) {
			v := ""
			if len(vals) > 0 {
				v = vals[0]
			}
			if k.m.test(v, true) {
				return true
			}
			seen = true
		}
	}
	return !seen && k.m.test("", false)
}

// header returns a header's first value and whether the request has it.
func (in *input) header(name string) (string, bool) {
	if vals, ok := in.req.Headers[name]; ok { // profiles write canonical names
		if len(vals) > 0 {
			return vals[0], true
		}
		return "", true
	}
	for k, vals := range in.req.Headers {
		if strings.EqualFold(k, name) {
			if len(vals) > 0 {
				return vals[0], true
			}
			return "", true
		}
	}
	return "", false
}

func (in *input) pathHasWord(words []string) bool {
	path := in.req.Path
	for len(path) > 0 {
		i := strings.IndexAny(path, "/-_.")
		w := path
		if i >= 0 {
			w, path = path[:i], path[i+1:]
		} else {
			path = ""
		}
		if w != "" && equalFoldAny(w, words) {
			return true
		}
	}
	return false
}

func equalFoldAny(s string, list []string) bool {
	for _, w := range list {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}
