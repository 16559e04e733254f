package platform

import (
	"errors"
	"net/textproto"
	"strings"

	"github.com/tidwall/gjson"
	"go.yaml.in/yaml/v3"

	"github.com/harkhq/hark/model"
)

var (
	condKeys  = []string{"method", "path", "word", "header", "query", "json", "form", "body"}
	matchKeys = append([]string{"strength"}, condKeys...)
	turnKeys  = []string{"when", "each", "where", "text", "role", "roles", "as", "time", "marker"}
	strengths = map[string]int{"path": byPath, "shape": byShape, "header": byHeader}
)

// detectors reads match: one condition, or a list of them (any may hold),
// each with a strength it states or that its strongest part gives.
func (c *compiler) detectors(n *yaml.Node) []detector {
	if n == nil {
		return nil
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []detector
	for _, it := range items {
		cd := c.cond(it, "match", true)
		d := detector{when: cd, strength: inferStrength(&cd)}
		if it.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(it.Content); i += 2 {
				if it.Content[i].Value != "strength" {
					continue
				}
				v := it.Content[i+1]
				s, ok := strengths[v.Value]
				if !ok {
					c.errf(v, "strength %q: write path, shape or header (how sure a match makes hark)", v.Value)
				}
				d.strength = s
			}
		}
		if cd.isZero() {
			c.errf(it, "a match condition that tests nothing would claim every request: give a path, header, query, json or form test")
		}
		out = append(out, d)
	}
	return out
}

// inferStrength is how sure a condition makes hark: a vendor header is
// surest, body fields or query parameters next, a path or method least.
func inferStrength(c *cond) int {
	switch {
	case len(c.header) > 0:
		return byHeader
	case len(c.json) > 0 || len(c.form) > 0 || len(c.query) > 0:
		return byShape
	}
	return byPath
}

func (c *cond) isZero() bool {
	return len(c.method) == 0 && c.path == nil && len(c.word) == 0 && len(c.header) == 0 && len(c.query) == 0 &&
		len(c.json) == 0 && len(c.form) == 0 && c.body == bodyAny
}

// cond reads a condition; withStrength allows the strength key of match.
func (c *compiler) cond(n *yaml.Node, what string, withStrength bool) cond {
	var out cond
	if n == nil {
		return out
	}
	keys := condKeys
	if withStrength {
		keys = matchKeys
	}
	o := c.object(n, what, keys...)
	out.method = o.strs("method")
	for i, m := range out.method {
		out.method[i] = strings.ToUpper(m)
	}
	if o.has("path") {
		m := c.matcher(o.val["path"], what+".path")
		out.path = &m
	}
	out.word = o.strs("word")
	if o.has("body") {
		b, ok := bodyKinds[o.str("body")]
		if !ok {
			c.errf(o.val["body"], "%s.body %q: write json, form, empty or other", what, o.val["body"].Value)
		}
		out.body = b
	}
	out.header = c.keyMatches(o.val["header"], what+".header", func(k string) (string, bool, error) {
		prefix := strings.HasSuffix(k, "*")
		k = strings.TrimSuffix(k, "*")
		if k == "" || strings.ContainsAny(k, " :*") {
			return "", false, errors.New("a header name")
		}
		if prefix {
			return k, true, nil
		}
		return textproto.CanonicalMIMEHeaderKey(k), false, nil
	})
	out.query = c.keyMatches(o.val["query"], what+".query", plainKey)
	out.form = c.keyMatches(o.val["form"], what+".form", plainKey)
	out.json = c.keyMatches(o.val["json"], what+".json", func(k string) (string, bool, error) {
		return k, false, checkPath(k)
	})
	return out
}

func plainKey(k string) (string, bool, error) {
	if k == "" {
		return "", false, errors.New("a name")
	}
	return k, false, nil
}

// keyMatches reads a mapping of keys to matchers.
func (c *compiler) keyMatches(n *yaml.Node, what string, key func(string) (string, bool, error)) []keyMatch {
	keys, vals := c.pairs(n, what)
	out := make([]keyMatch, 0, len(keys))
	for i, k := range keys {
		name, prefix, err := key(k.Value)
		if err != nil {
			c.errf(k, "%s: %q is not %v", what, k.Value, err)
			continue
		}
		out = append(out, keyMatch{key: name, prefix: prefix, hash: strings.Contains(name, "#"), m: c.matcher(vals[i], what+"."+k.Value)})
	}
	return out
}

// matcher reads a glob, a /regular expression/ or a list of them.
func (c *compiler) matcher(n *yaml.Node, what string) matcher {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return matcher{src: "null", absent: true}
	}
	pats := c.list(n, what)
	m, err := newMatcher(pats)
	if err != nil {
		c.errf(n, "%s: %v", what, err)
	}
	return m
}

// sources reads a list of places to read a value from (a single one is a
// list of one); inSession allows joined lists ([channel, thread_ts]).
func (c *compiler) sources(n *yaml.Node, what string, joins bool) []source {
	if n == nil {
		return nil
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []source
	for _, it := range items {
		if joins && it.Kind == yaml.SequenceNode {
			j := source{from: srcBody}
			for _, part := range it.Content {
				j.join = append(j.join, c.source(part, what))
			}
			if len(j.join) < 2 {
				c.errf(it, "%s: a joined id lists two or more places, e.g. [event.channel, event.thread_ts]", what)
			}
			out = append(out, j)
			continue
		}
		out = append(out, c.source(it, what))
	}
	return out
}

// alsoSources reads also: a list of places, each shown under its path, or
// a mapping of labels to places ({customer: [contacts.#.profile.name]}),
// each shown under its label with the first value found among its places.
func (c *compiler) alsoSources(n *yaml.Node) []source {
	if n == nil || n.Kind != yaml.MappingNode {
		return c.sources(n, "also", false)
	}
	var out []source
	keys, vals := c.pairs(n, "also")
	for i, k := range keys {
		for _, s := range c.sources(vals[i], "also."+k.Value, false) {
			s.label = k.Value
			out = append(out, s)
		}
	}
	return out
}

func (c *compiler) source(n *yaml.Node, what string) source {
	s := parseSource(c.scalar(n, what))
	if s.key == "" {
		c.errf(n, "%s: an empty place: write a body path, or header:NAME, query:NAME, form:NAME", what)
		return s
	}
	if s.readsJSON() {
		if err := checkPath(s.key); err != nil {
			c.errf(n, "%s: %v", what, err)
		}
	}
	return s
}

// checkPath rejects what gjson would read as something else than the
// writer meant: empty parts, unbalanced brackets, unknown @modifiers.
func checkPath(p string) error {
	bad := func(why string) error { return errors.New("bad gjson path " + quote(p) + ": " + why) }
	switch {
	case strings.TrimSpace(p) == "":
		return bad("it is empty")
	case strings.HasSuffix(p, ".") && !strings.HasSuffix(p, `\.`):
		return bad("it ends with a dot")
	case strings.HasPrefix(p, ".") && !strings.HasPrefix(p, ".."):
		return bad("it starts with a dot")
	case strings.HasSuffix(p, "|"):
		return bad("it ends with |")
	}
	if strings.Contains(strings.TrimPrefix(p, ".."), "..") {
		return bad("it has an empty part (..)")
	}
	var stack []byte
	pairs := map[byte]byte{')': '(', ']': '[', '}': '{'}
	inQuote := false
	for i := 0; i < len(p); i++ {
		ch := p[i]
		switch {
		case ch == '\\':
			i++
		case ch == '"':
			inQuote = !inQuote
		case inQuote:
		case ch == '(' || ch == '[' || ch == '{':
			stack = append(stack, ch)
		case ch == ')' || ch == ']' || ch == '}':
			if len(stack) == 0 || stack[len(stack)-1] != pairs[ch] {
				return bad("a " + string(ch) + " that closes nothing")
			}
			stack = stack[:len(stack)-1]
		case ch == '@' && (i == 0 || p[i-1] == '.' || p[i-1] == '|'):
			end := i + 1
			for end < len(p) && p[end] != '.' && p[end] != '|' && p[end] != ':' {
				end++
			}
			if name := p[i+1 : end]; name != "this" && !gjson.ModifierExists(name, nil) {
				return bad("@" + name + " is not a gjson modifier")
			}
		}
	}
	if len(stack) > 0 || inQuote {
		return bad("a " + string(stack[len(stack)-1:]) + " that is never closed")
	}
	return nil
}

// turnRules reads a list of turn rules.
func (c *compiler) turnRules(nodes []*yaml.Node) []turnRule {
	var out []turnRule
	for _, n := range nodes {
		o := c.object(n, "a turn rule", turnKeys...)
		r := turnRule{each: o.str("each")}
		if r.each != "" {
			if err := checkPath(r.each); err != nil {
				c.errf(o.val["each"], "turns.each: %v", err)
			}
		}
		if o.has("when") {
			w := c.cond(o.val["when"], "turns.when", false)
			r.when = &w
		}
		r.where = c.keyMatches(o.val["where"], "turns.where", func(k string) (string, bool, error) { return k, false, checkPath(k) })
		r.text = c.sources(o.val["text"], "turns.text", false)
		r.roleAt = c.sources(o.val["role"], "turns.role", false)
		r.time = c.sources(o.val["time"], "turns.time", false)
		if o.has("as") {
			r.role = c.role(o.val["as"], "turns.as")
		}
		keys, vals := c.pairs(o.val["roles"], "turns.roles")
		for i, k := range keys {
			m, err := newMatcher([]string{k.Value})
			if err != nil {
				c.errf(k, "turns.roles: %v", err)
			}
			r.roles = append(r.roles, roleMatch{m: m, role: c.role(vals[i], "turns.roles."+k.Value)})
		}
		if o.has("marker") {
			c.marker(o.val["marker"], &r)
		}
		if len(r.text) == 0 && r.marker == "" && r.markers == nil {
			c.errf(n, "a turn rule needs text (where the words are) or marker")
		}
		out = append(out, r)
	}
	return out
}

func (c *compiler) role(n *yaml.Node, what string) model.Role {
	switch v := c.scalar(n, what); v {
	case "user", "ai", "system":
		return model.Role(v)
	}
	c.errf(n, "%s %q: a speaker is user, ai or system", what, n.Value)
	return model.RoleUser
}

// marker reads marker: created, or {at: PATH, values: {VALUE: created}}.
func (c *compiler) marker(n *yaml.Node, r *turnRule) {
	if n.Kind == yaml.ScalarNode {
		r.marker = c.markerName(n)
		return
	}
	o := c.object(n, "turns.marker", "at", "values")
	if o.has("at") {
		r.markerAt = c.source(o.val["at"], "turns.marker.at")
	} else {
		c.errf(n, "turns.marker needs at: the path whose value names the marker")
	}
	keys, vals := c.pairs(o.val["values"], "turns.marker.values")
	r.markers = map[string]string{}
	for i, k := range keys {
		r.markers[k.Value] = c.markerName(vals[i])
	}
}

func (c *compiler) markerName(n *yaml.Node) string {
	switch v := c.scalar(n, "marker"); v {
	case model.MarkerCreated, model.MarkerClosed:
		return v
	}
	c.errf(n, "marker %q: hark knows created and closed", n.Value)
	return ""
}
