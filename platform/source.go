package platform

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/tidwall/gjson"
)

// source says where a value is: a body path (a gjson path in a JSON body,
// the field of that name in a form body), or explicitly a JSON path, a
// form field, a header or a query parameter. A joined source is several
// values that must all be there, joined with "/" (a Slack channel and
// thread).
type source struct {
	from  srcKind
	key   string
	join  []source
	label string // what people see it as (also's labels); "" = its key
}

type srcKind uint8

const (
	srcBody   srcKind = iota // json:path on JSON, form:name on forms
	srcJSON                  // json:path
	srcForm                  // form:name
	srcHeader                // header:Name
	srcQuery                 // query:name
)

var srcPrefixes = []struct {
	prefix string
	kind   srcKind
}{{"json:", srcJSON}, {"form:", srcForm}, {"header:", srcHeader}, {"query:", srcQuery}}

// parseSource reads "path", "json:path", "form:Name", "header:Name" or
// "query:name".
func parseSource(s string) source {
	for _, p := range srcPrefixes {
		if rest, ok := strings.CutPrefix(s, p.prefix); ok {
			return source{from: p.kind, key: rest}
		}
	}
	return source{from: srcBody, key: s}
}

func (s source) String() string {
	if len(s.join) > 0 {
		parts := make([]string, len(s.join))
		for i, j := range s.join {
			parts[i] = j.String()
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	for _, p := range srcPrefixes {
		if p.kind == s.from {
			return p.prefix + s.key
		}
	}
	return s.key
}

// readsJSON reports whether the source reads a JSON body path.
func (s source) readsJSON() bool { return s.from == srcBody || s.from == srcJSON }

// value returns the text at a source of a node: a string, or a number's
// literal text (big integer ids stay exact); the first such leaf of an
// array a path reaches through #. "" when there is none.
func (in *input) value(s *source, n *node) string {
	switch s.from {
	case srcHeader:
		v, _ := in.header(s.key)
		return v
	case srcQuery:
		return in.query().Get(s.key)
	}
	if len(s.join) > 0 {
		parts := make([]string, 0, len(s.join))
		for i := range s.join {
			v := strings.TrimSpace(in.value(&s.join[i], n))
			if v == "" {
				return ""
			}
			parts = append(parts, v)
		}
		return strings.Join(parts, "/")
	}
	switch {
	case n.in != nil && in.shape != shapeJSON:
		if in.form != nil && s.from != srcJSON { // form bodies: the field of that name
			return in.formValue(s.key)
		}
		return ""
	case s.from == srcForm:
		return ""
	case n.in != nil: // the body, through its index (no node in between: this is the hot path)
		return scalar(in.get(s.key))
	}
	return scalar(n.r.Get(s.key))
}

// scalar is the text of a string or number, or of the first non-empty one
// among an array's leaves; "" for anything else.
func scalar(r gjson.Result) string {
	switch r.Type {
	case gjson.String:
		return r.Str
	case gjson.Number:
		return r.Raw
	}
	if !r.IsArray() {
		return ""
	}
	out := ""
	eachLeaf(r, func(el gjson.Result) bool {
		if el.Type == gjson.String || el.Type == gjson.Number {
			out = scalar(el)
		}
		return strings.TrimSpace(out) == ""
	})
	return out
}

// first returns the first non-empty value among sources, and which one
// held it.
func (in *input) first(srcs []source, n *node) (string, int) {
	for i := range srcs {
		if v := strings.TrimSpace(in.value(&srcs[i], n)); v != "" {
			return v, i
		}
	}
	return "", -1
}

// maxSessionID bounds a session id taken from the network; longer ones are
// cut, so a hostile body cannot make every view carry megabytes.
const maxSessionID = 200

// sessionID returns the first non-empty value among sources, cleaned.
func (in *input) sessionID(srcs []source) string {
	root := in.root()
	v, _ := in.first(srcs, &root)
	if v == "" {
		return ""
	}
	return in.cleanID(v)
}

func (in *input) cleanID(v string) string {
	v, cut := keep(lastSessionSegment(v), maxSessionID)
	if cut {
		in.noteOnce(fmt.Sprintf("session id cut to its first %d bytes", maxSessionID))
	}
	return v
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
		if in.req.RawQuery == "" {
			in.queryVals = noQuery // most webhooks: no map to make
		} else if in.queryVals, _ = url.ParseQuery(in.req.RawQuery); in.queryVals == nil {
			in.queryVals = noQuery
		}
	}
	return in.queryVals
}

// noQuery is the parameters of a request without any; nobody writes to it.
var noQuery = url.Values{}

// rootValue is value read from the whole body.
func (in *input) rootValue(s *source) string {
	root := in.root()
	return in.value(s, &root)
}

// formValue is a form field's first value. Profiles try dozens of names,
// most of them absent, on forms of a few fields: a scan of the fields,
// made once, costs less than hashing every name.
func (in *input) formValue(key string) string {
	if len(in.form) > 16 {
		return in.form.Get(key)
	}
	if in.formList == nil {
		in.formList = make([][2]string, 0, len(in.form))
		for k, v := range in.form {
			if len(v) > 0 {
				in.formList = append(in.formList, [2]string{k, v[0]})
			}
		}
	}
	for _, kv := range in.formList {
		if len(kv[0]) == len(key) && kv[0] == key {
			return kv[1]
		}
	}
	return ""
}
