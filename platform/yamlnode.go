package platform

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// FormatError is a mistake in a profile file: where it is, and what is
// wrong, in the words of the format (docs/platform-format.md).
type FormatError struct {
	File string
	Line int
	Msg  string
}

func (e *FormatError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// FormatErrors are every mistake found in one or more files, in order.
type FormatErrors []*FormatError

func (es FormatErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// compiler reads one file and collects its mistakes; reading goes on past
// a mistake, so that a user sees all of them at once.
type compiler struct {
	file   string
	errs   FormatErrors
	curSim *simSpec                  // the simulation being read, whose vars templates may use
	keyOf  map[*yaml.Node]*yaml.Node // a mapping's or list's key, whose line errors about it name
}

func (c *compiler) errf(n *yaml.Node, format string, args ...any) {
	line := 1
	if k := c.keyOf[n]; k != nil && n.Kind != yaml.ScalarNode {
		n = k // "signature needs header" is about the signature: line
	}
	if n != nil && n.Line > 0 {
		line = n.Line
	}
	c.errs = append(c.errs, &FormatError{File: c.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// obj is a YAML mapping whose keys are checked against those a part of
// the format knows.
type obj struct {
	c    *compiler
	n    *yaml.Node
	what string
	keys []string // in the file's order
	key  map[string]*yaml.Node
	val  map[string]*yaml.Node
}

// object reads a mapping; keys it does not list are reported, with the
// closest known key when one is close.
func (c *compiler) object(n *yaml.Node, what string, known ...string) *obj {
	o := &obj{c: c, n: n, what: what, key: map[string]*yaml.Node{}, val: map[string]*yaml.Node{}}
	if n == nil {
		return o
	}
	if n.Kind != yaml.MappingNode {
		c.errf(n, "%s must be a mapping of keys (%s), not %s", what, strings.Join(known, ", "), describeNode(n))
		return o
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		if _, dup := o.key[name]; dup {
			c.errf(k, "%s: key %s is given twice", what, name)
			continue
		}
		if !slices.Contains(known, name) {
			msg := fmt.Sprintf("unknown key %q in %s", name, what)
			if near := closest(name, known); near != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", near)
			} else {
				msg += " (known: " + strings.Join(known, ", ") + ")"
			}
			c.errf(k, "%s", msg)
			continue
		}
		o.keys = append(o.keys, name)
		o.key[name], o.val[name] = k, v
		c.remember(k, v)
	}
	return o
}

// pairs reads a mapping whose keys are the user's own (kind names, header
// names, paths), in order.
func (c *compiler) pairs(n *yaml.Node, what string) (keys []*yaml.Node, vals []*yaml.Node) {
	if n == nil {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		c.errf(n, "%s must be a mapping, not %s", what, describeNode(n))
		return nil, nil
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if seen[n.Content[i].Value] {
			c.errf(n.Content[i], "%s: %s is given twice", what, n.Content[i].Value)
			continue
		}
		seen[n.Content[i].Value] = true
		keys, vals = append(keys, n.Content[i]), append(vals, n.Content[i+1])
		c.remember(n.Content[i], n.Content[i+1])
	}
	return keys, vals
}

func (c *compiler) remember(k, v *yaml.Node) {
	if c.keyOf == nil {
		c.keyOf = map[*yaml.Node]*yaml.Node{}
	}
	if _, ok := c.keyOf[v]; !ok { // an aliased node keeps its first key
		c.keyOf[v] = k
	}
}

func (o *obj) has(key string) bool { return o.val[key] != nil }

// str reads a scalar as text ("" when the key is absent).
func (o *obj) str(key string) string {
	n := o.val[key]
	if n == nil {
		return ""
	}
	return o.c.scalar(n, o.what+"."+key)
}

func (c *compiler) scalar(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode {
		c.errf(n, "%s must be a single value, not %s", what, describeNode(n))
		return ""
	}
	return n.Value
}

// strs reads a value or a list of values.
func (o *obj) strs(key string) []string {
	n := o.val[key]
	if n == nil {
		return nil
	}
	return o.c.list(n, o.what+"."+key)
}

func (c *compiler) list(n *yaml.Node, what string) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		c.errf(n, "%s must be a value or a list of values, not %s", what, describeNode(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, el := range n.Content {
		out = append(out, c.scalar(el, what))
	}
	return out
}

func (o *obj) boolean(key string) bool {
	n := o.val[key]
	if n == nil {
		return false
	}
	b, err := strconv.ParseBool(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		o.c.errf(n, "%s.%s must be true or false, not %s", o.what, key, describeNode(n))
	}
	return b
}

// seq reads a list of nodes (a single mapping counts as a list of one).
func (o *obj) seq(key string) []*yaml.Node {
	n := o.val[key]
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.SequenceNode:
		return n.Content
	}
	return []*yaml.Node{n}
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Value == "" {
		return "an empty value"
	}
	return strconv.Quote(n.Value)
}

// closest returns the known word within two edits of w, if any.
func closest(w string, known []string) string {
	best, dist := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(w), k); d < dist {
			best, dist = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// yamlError turns the YAML parser's error into the file's error.
func (c *compiler) yamlError(err error) {
	msg := err.Error()
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if m[1] != "" {
			line, _ = strconv.Atoi(m[1])
		}
		msg = m[2]
	}
	c.errs = append(c.errs, &FormatError{File: c.file, Line: line, Msg: "not valid YAML: " + msg})
}
