package platform

import (
	"encoding/json"
	"math"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/pretty"
	"go.yaml.in/yaml/v3"
)

// responseKeys are the keys of a response written out; any other mapping
// is a JSON body.
var responseKeys = []string{"name", "title", "unverified", "status", "headers", "json", "text"}

// response reads a response: a JSON body written as YAML ({accept: true}),
// or {status, headers, json | text} with, for templates, name, title and
// unverified. named requires a template's name.
func (c *compiler) response(n *yaml.Node, what string, named bool) Template {
	t := Template{Name: "pass", Title: "Pass-through default", Status: http.StatusOK}
	if !isResponseObject(n) {
		if named {
			c.errf(n, "%s: a template is {name, title, json or text}", what)
			return t
		}
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" { // a text body
			t.Body, t.Headers = n.Value, map[string][]string{"Content-Type": {"text/plain; charset=utf-8"}}
			return t
		}
		t.Body, t.Headers = c.jsonText(n, false), map[string][]string{"Content-Type": {"application/json"}}
		return t
	}
	o := c.object(n, what, responseKeys...)
	if named {
		t.Name, t.Title = o.str("name"), o.str("title")
		if t.Name == "" {
			c.errf(n, "%s needs a name (a short word the editor lists it by)", what)
		}
		if t.Title == "" {
			t.Title = t.Name
		}
	} else if o.has("name") || o.has("title") {
		t.Name, t.Title = or(o.str("name"), t.Name), or(o.str("title"), t.Title)
	}
	t.Unverified = o.boolean("unverified")
	if o.has("status") {
		st, err := strconv.Atoi(o.str("status"))
		if err != nil || st < 100 || st > 599 {
			c.errf(o.val["status"], "%s: status %q is not an HTTP status (100 to 599)", what, o.val["status"].Value)
		}
		t.Status = st
	}
	t.Headers = map[string][]string{}
	keys, vals := c.pairs(o.val["headers"], what+".headers")
	for i, k := range keys {
		t.Headers[textproto.CanonicalMIMEHeaderKey(k.Value)] = []string{c.scalar(vals[i], what+".headers")}
	}
	switch {
	case o.has("json") && o.has("text"):
		c.errf(n, "%s: give json or text, not both", what)
	case o.has("json"):
		t.Body = c.jsonText(o.val["json"], named)
		setDefaultHeader(t.Headers, "application/json")
	case o.has("text"):
		t.Body = o.str("text")
		setDefaultHeader(t.Headers, "text/plain; charset=utf-8")
	}
	if len(t.Headers) == 0 {
		t.Headers = nil
	}
	return t
}

func setDefaultHeader(h map[string][]string, contentType string) {
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = []string{contentType}
	}
}

func or(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// isResponseObject tells {status, json, text...} from a JSON body: a
// mapping of response keys only, with one of status, json or text. A body
// that is made of those keys alone is written under json:.
func isResponseObject(n *yaml.Node) bool {
	if n.Kind != yaml.MappingNode {
		return false
	}
	body := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if !slices.Contains(responseKeys, k) {
			return false
		}
		body = body || k == "status" || k == "json" || k == "text" || k == "name"
	}
	return body
}

// jsonText writes a YAML value as JSON, keys in the file's order: compact,
// or indented for a template the editor shows.
func (c *compiler) jsonText(n *yaml.Node, indent bool) string {
	var b strings.Builder
	c.writeJSON(&b, n)
	if !indent {
		return b.String()
	}
	return strings.TrimSuffix(string(pretty.PrettyOptions([]byte(b.String()), &pretty.Options{Width: 72, Indent: "  "})), "\n")
}

func (c *compiler) writeJSON(b *strings.Builder, n *yaml.Node) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			c.writeJSON(b, n.Content[0])
		}
	case yaml.AliasNode:
		c.errf(n, "aliases (*name) are not read in a JSON body: write the value out")
		b.WriteString("null")
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(jsonQuote(n.Content[i].Value))
			b.WriteByte(':')
			c.writeJSON(b, n.Content[i+1])
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, el := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			c.writeJSON(b, el)
		}
		b.WriteByte(']')
	default:
		b.WriteString(c.scalarJSON(n))
	}
}

// scalarJSON writes a YAML scalar as the JSON value YAML reads it as: 42,
// 7.5, true, null, or a string.
func (c *compiler) scalarJSON(n *yaml.Node) string {
	switch n.ShortTag() {
	case "!!null":
		return "null"
	case "!!bool":
		var v bool
		if err := n.Decode(&v); err == nil {
			return strconv.FormatBool(v)
		}
	case "!!int":
		var v int64
		if err := n.Decode(&v); err == nil {
			return strconv.FormatInt(v, 10)
		}
	case "!!float":
		var v float64
		if err := n.Decode(&v); err == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
			out, _ := json.Marshal(v)
			return string(out)
		}
		c.errf(n, "%s is not a number JSON can hold", n.Value)
		return "null"
	}
	return jsonQuote(n.Value)
}
