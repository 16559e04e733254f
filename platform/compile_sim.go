package platform

import (
	"fmt"
	"net/textproto"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/harkhq/hark/model"
)

var (
	simulateKeys = []string{"session", "vars", "scripts", "roles", "steps"}
	stepKeys     = []string{"kind", "each", "role", "steps", "wait", "method", "path", "query", "headers", "json", "form", "text"}
)

// simulate reads simulate: the conversation `hark send` and the demo play.
func (c *compiler) simulate(n *yaml.Node, p *Profile) *simSpec {
	o := c.object(n, "simulate", simulateKeys...)
	s := &simSpec{roles: map[model.Role]string{}}
	c.curSim = s
	defer func() { c.curSim = nil }()
	s.session = c.simTmpl(o.val["session"], "simulate.session", "{uuid}")
	keys, vals := c.pairs(o.val["vars"], "simulate.vars")
	for i, k := range keys {
		if !nameRe.MatchString(strings.ReplaceAll(k.Value, "_", "-")) {
			c.errf(k, "simulate.vars: %q is not a plain name (letters, digits, _ and -)", k.Value)
		}
		// a var may use the vars before it
		s.vars = append(s.vars, simVar{name: k.Value, t: c.simTmpl(vals[i], "simulate.vars."+k.Value, "")})
	}
	for _, sn := range o.seq("scripts") {
		s.scripts = append(s.scripts, c.script(sn))
	}
	keys, vals = c.pairs(o.val["roles"], "simulate.roles")
	for i, k := range keys {
		s.roles[c.role(k, "simulate.roles")] = c.scalar(vals[i], "simulate.roles."+k.Value)
	}
	for _, sn := range o.seq("steps") {
		st := c.simStep(sn, p, "simulate.steps", true, "")
		if st.each != "" && len(s.scripts) == 0 {
			c.errf(sn, "a step with each: %s needs scripts to play", st.each)
		}
		s.steps = append(s.steps, st)
	}
	if len(s.steps) == 0 {
		c.errf(n, "simulate needs steps: the requests of a conversation")
	}
	return s
}

// script reads one conversation: a list of {user: text} and {ai: text}.
func (c *compiler) script(n *yaml.Node) script {
	if n.Kind != yaml.SequenceNode {
		c.errf(n, "a script is a list of lines such as - user: Hello, not %s", describeNode(n))
		return nil
	}
	var out script
	for _, ln := range n.Content {
		keys, vals := c.pairs(ln, "a script line")
		if len(keys) != 1 {
			c.errf(ln, "a script line is one speaker and what they say: - user: Hello, or - ai: Hi!")
			continue
		}
		text := c.scalar(vals[0], "a script line")
		if t, err := parseTmpl(text); err != nil {
			c.errf(vals[0], "%v", err)
		} else if err := t.check(func(name, arg string) error {
			if scriptValues[name] && arg == "" {
				return nil
			}
			return fmt.Errorf("unknown placeholder {%s} in a script line: scripts may use {%s}", joinArg(name, arg), strings.Join(sortedKeys(scriptValues), "}, {"))
		}); err != nil {
			c.errf(vals[0], "%v", err)
		}
		out = append(out, line{role: c.role(keys[0], "a script line's speaker"), text: text})
	}
	if len(out) == 0 {
		c.errf(n, "an empty script")
	}
	return out
}

// simStep reads a step; each allows each: and sub-steps.
func (c *compiler) simStep(n *yaml.Node, p *Profile, what string, each bool, parentKind string) simStep {
	o := c.object(n, what, stepKeys...)
	st := simStep{kind: or(o.str("kind"), parentKind), each: o.str("each"), method: strings.ToUpper(o.str("method"))}
	if st.kind == "" && len(o.seq("steps")) == 0 && what != "handshake.simulate" {
		c.errf(n, "%s: each step names the kind of request it makes (kind:)", what)
	} else if _, ok := p.Kind(st.kind); st.kind != "" && !ok {
		c.errf(o.val["kind"], "%s: kind %q is not one of the profile's kinds", what, st.kind)
	}
	switch st.each {
	case "", "lines", "pairs":
	default:
		c.errf(o.val["each"], "%s.each %q: write lines (a request per script line) or pairs (a request per user line and the ai's answer)", what, st.each)
	}
	if st.each != "" && !each {
		c.errf(o.key["each"], "%s: each is for steps of simulate", what)
	}
	if o.has("role") {
		st.role = c.role(o.val["role"], what+".role")
	}
	for _, sub := range o.seq("steps") {
		if st.each != "lines" {
			c.errf(sub, "%s: sub-steps go under a step with each: lines", what)
			break
		}
		ss := c.simStep(sub, p, what+".steps", false, st.kind)
		st.steps = append(st.steps, ss)
	}
	if o.has("wait") {
		st.wait = c.wait(o.val["wait"], what+".wait")
	}
	dflt := "/"
	if len(p.Paths) > 0 {
		dflt = p.Paths[0].Path
	}
	st.path = c.simTmpl(o.val["path"], what+".path", dflt)
	st.query = c.simKVs(o.val["query"], what+".query", false)
	st.headers = c.simKVs(o.val["headers"], what+".headers", true)
	st.form = c.simKVs(o.val["form"], what+".form", false)
	bodies := 0
	if o.has("json") {
		st.json = c.jnode(o.val["json"], what+".json")
		bodies++
	}
	if o.has("form") {
		bodies++
	}
	if o.has("text") {
		t := c.simTmpl(o.val["text"], what+".text", "")
		st.text = &t
		bodies++
	}
	if bodies > 1 {
		c.errf(n, "%s: give one body: json, form or text", what)
	}
	return st
}

// wait reads 1s..3s, 500ms, or {user: 1.5s..4s, ai: 600ms..2s}.
func (c *compiler) wait(n *yaml.Node, what string) waitSpec {
	if n.Kind == yaml.MappingNode {
		w := waitSpec{byRole: map[model.Role][2]time.Duration{}}
		keys, vals := c.pairs(n, what)
		for i, k := range keys {
			lo, hi := c.waitRange(vals[i], what+"."+k.Value)
			w.byRole[c.role(k, what)] = [2]time.Duration{lo, hi}
		}
		return w
	}
	lo, hi := c.waitRange(n, what)
	return waitSpec{lo: lo, hi: hi}
}

func (c *compiler) waitRange(n *yaml.Node, what string) (time.Duration, time.Duration) {
	s := c.scalar(n, what)
	a, b, isRange := strings.Cut(s, "..")
	lo, err := time.ParseDuration(strings.TrimSpace(a))
	hi := lo
	if err == nil && isRange {
		hi, err = time.ParseDuration(strings.TrimSpace(b))
	}
	if err != nil || lo < 0 || hi < lo || hi > time.Hour {
		c.errf(n, "%s %q: write a wait like 500ms, or a range like 1s..3s", what, s)
	}
	if hi == 0 {
		hi = time.Nanosecond // a zero wait still counts as a wait given
	}
	return lo, hi
}

func (c *compiler) simTmpl(n *yaml.Node, what, dflt string) tmpl {
	s := dflt
	if n != nil {
		s = c.scalar(n, what)
	}
	t, err := parseTmpl(s)
	if err == nil && c.curSim != nil {
		err = t.check(c.curSim.simPlaceholder)
	} else if err == nil {
		err = t.check((&simSpec{}).simPlaceholder)
	}
	if err != nil {
		c.errf(n, "%s: %v", what, err)
	}
	return t
}

func (c *compiler) simKVs(n *yaml.Node, what string, header bool) []kvTmpl {
	keys, vals := c.pairs(n, what)
	out := make([]kvTmpl, 0, len(keys))
	for i, k := range keys {
		key := k.Value
		if header {
			key = textproto.CanonicalMIMEHeaderKey(key)
		}
		out = append(out, kvTmpl{key: key, t: c.simTmpl(vals[i], what+"."+k.Value, "")})
	}
	return out
}

// jnode reads a JSON body template.
func (c *compiler) jnode(n *yaml.Node, what string) *jnode {
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 2 && n.Content[0].Value == "$lines" {
			return &jnode{kind: jLines, lines: c.jnode(n.Content[1], what+".$lines")}
		}
		j := &jnode{kind: jObject}
		keys, vals := c.pairs(n, what)
		for i, k := range keys {
			j.keys = append(j.keys, k.Value)
			j.vals = append(j.vals, c.jnode(vals[i], what+"."+k.Value))
		}
		return j
	case yaml.SequenceNode:
		j := &jnode{kind: jArray}
		for _, el := range n.Content {
			j.vals = append(j.vals, c.jnode(el, what))
		}
		return j
	case yaml.ScalarNode:
		if n.ShortTag() == "!!str" {
			return &jnode{kind: jString, t: c.simTmpl(n, what, "")}
		}
		return &jnode{kind: jRaw, raw: c.scalarJSON(n)}
	}
	c.errf(n, "%s: aliases are not read in a body template: write the value out", what)
	return &jnode{kind: jRaw, raw: "null"}
}
