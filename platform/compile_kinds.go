package platform

import (
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/harkhq/hark/model"
)

var (
	kindKeys     = []string{"title", "values", "when", "response", "record", "turns", "session", "default", "templates", "deadline", "limit", "notes", "expect"}
	consumedKeys = []string{"title", "deadline", "default", "limit", "templates"}
	noteKeys     = []string{"when", "note"}
)

// kindSpec is a kind while its file is read: where its parts were given.
type kindSpec struct {
	k        Kind
	keyNode  *yaml.Node
	values   []string
	deadline *yaml.Node
	dflt     *yaml.Node
	ownTurns bool
	use      *model.ResponseUse
}

// kinds reads kinds, consumed, turns, default, response and fallback.
func (c *compiler) kinds(p *Profile, o *obj) {
	profileUse := model.UseIgnored
	if o.has("response") {
		profileUse = c.use(o.val["response"], "response")
	}
	var profileDefault *Template
	if o.has("default") {
		t := c.response(o.val["default"], "default", false)
		profileDefault = &t
	}
	profileTurns := c.turnRules(o.seq("turns"))

	var specs []*kindSpec
	byName := map[string]*kindSpec{}
	add := func(name string, key *yaml.Node) *kindSpec {
		if s, ok := byName[name]; ok {
			return s
		}
		if !validKindName(name) {
			c.errf(key, "kind %q: a kind's name is a word without spaces (it names the kind in breakpoints and rules)", name)
		}
		s := &kindSpec{k: Kind{Name: name, Title: name}, keyNode: key, values: []string{name}}
		specs = append(specs, s)
		byName[name] = s
		return s
	}
	keys, vals := c.pairs(o.val["kinds"], "kinds")
	for i, key := range keys {
		c.kind(add(key.Value, key), vals[i], "kinds."+key.Value)
	}
	keys, vals = c.pairs(o.val["consumed"], "consumed")
	for i, key := range keys {
		s := add(key.Value, key)
		co := c.object(vals[i], "consumed."+key.Value, consumedKeys...)
		u := model.UseConsumed
		if s.use != nil && *s.use != model.UseConsumed {
			c.errf(key, "kind %s is listed under consumed but its response is %s", key.Value, *s.use)
		}
		s.use = &u
		c.kindResponse(s, co)
	}
	switch {
	case len(specs) == 0: // one kind for everything
		add("webhook", o.n).k.Title = "webhook"
	case !o.has("fallback"): // a request none of the kinds describes is no kind of theirs
		if _, ok := byName["other"]; !ok {
			add("other", o.n).k.Title = "request of a kind the profile does not list"
		}
	}
	fallback := specs[len(specs)-1].k.Name
	if _, ok := byName["other"]; ok && !o.has("fallback") {
		fallback = "other"
	}
	if hs := o.val["handshake"]; hs != nil && hs.Kind == yaml.MappingNode {
		name, title := "verify", "verification request (hark answers it)"
		for i := 0; i+1 < len(hs.Content); i += 2 {
			switch hs.Content[i].Value {
			case "kind":
				name = hs.Content[i+1].Value
			case "title":
				title = hs.Content[i+1].Value
			}
		}
		if s, ok := byName[name]; !ok || s.k.Title == name {
			add(name, hs).k.Title = title
		}
		if name == fallback && len(specs) > 1 {
			fallback = specs[len(specs)-2].k.Name
		}
	}

	p.byValue = map[string]string{}
	hasSource := c.chooseSteps(p, o.val["kind"], func(name string, n *yaml.Node) {
		if _, ok := byName[name]; !ok {
			c.errf(n, "kind: %q is not one of the profile's kinds (%s)", name, kindNames(specs))
		}
	})
	for _, s := range specs {
		c.finishKind(p, s, profileUse, profileDefault, profileTurns)
	}
	p.fallback = fallback
	if o.has("fallback") {
		p.fallback = o.str("fallback")
		if _, ok := byName[p.fallback]; !ok {
			c.errf(o.val["fallback"], "fallback %q is not one of the profile's kinds (%s)", p.fallback, kindNames(specs))
		}
	}
	if !hasSource {
		p.byValue = nil // no value names a kind: kinds' values are just their names
	}
}

// chooseSteps reads kind: where the value naming the kind is (a path, or a
// list of them), and rules {when, is} in between, tried in order before
// the kinds' own when.
func (c *compiler) chooseSteps(p *Profile, n *yaml.Node, known func(string, *yaml.Node)) (hasSource bool) {
	if n == nil {
		return false
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	for _, it := range items {
		if it.Kind == yaml.MappingNode {
			ro := c.object(it, "a kind rule", "when", "is")
			if !ro.has("when") || !ro.has("is") {
				c.errf(it, "a kind rule is {when: CONDITION, is: KIND}")
			}
			p.choose = append(p.choose, kindStep{when: c.cond(ro.val["when"], "kind.when", false), kind: ro.str("is")})
			if ro.has("is") {
				known(ro.str("is"), ro.val["is"])
			}
			continue
		}
		src := c.source(it, "kind")
		p.choose = append(p.choose, kindStep{src: &src})
		hasSource = true
	}
	return hasSource
}

func validKindName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func kindNames(specs []*kindSpec) string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.k.Name
	}
	return strings.Join(names, ", ")
}

// kind reads one entry of kinds.
func (c *compiler) kind(s *kindSpec, n *yaml.Node, what string) {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" { // name: Title
		s.k.Title = n.Value
		return
	}
	ko := c.object(n, what, kindKeys...)
	if t := ko.str("title"); t != "" {
		s.k.Title = t
	}
	if ko.has("values") {
		s.values = ko.strs("values")
	}
	for _, w := range ko.seq("when") { // a list: any of them
		s.k.whens = append(s.k.whens, c.cond(w, what+".when", false))
	}
	if ko.has("response") {
		u := c.use(ko.val["response"], what+".response")
		s.use = &u
	}
	s.k.record = ko.boolean("record")
	if ko.has("turns") {
		s.k.turns = c.turnRules(ko.seq("turns"))
		s.ownTurns = true
	}
	for _, nn := range ko.seq("notes") {
		no := c.object(nn, what+".notes", noteKeys...)
		t, err := parseTmpl(no.str("note"))
		if err == nil {
			err = t.check(requestPlaceholder)
		}
		if err != nil || no.str("note") == "" {
			if err == nil {
				c.errf(nn, "%s.notes: each note needs its text under note:", what)
			} else {
				c.errf(no.val["note"], "%s.notes: %v", what, err)
			}
		}
		s.k.notes = append(s.k.notes, kindNote{when: c.cond(no.val["when"], what+".notes.when", false), text: t})
	}
	s.k.expect = c.sources(ko.val["expect"], what+".expect", false)
	if ko.has("session") {
		// Where this kind's session id is, in place of the profile's; []
		// for a kind that comes before the conversation has an id
		// (Retell's call_inbound), which is then unsorted without a note.
		s.k.session = c.sources(ko.val["session"], what+".session", true)
		s.k.ownSession = true
	}
	c.kindResponse(s, ko)
}

// kindResponse reads the parts of a kind about its response.
func (c *compiler) kindResponse(s *kindSpec, o *obj) {
	if t := o.str("title"); t != "" {
		s.k.Title = t
	}
	if o.has("deadline") {
		if s.deadline != nil {
			c.errf(o.key["deadline"], "kind %s: its deadline is given twice (here and on line %d)", s.k.Name, s.deadline.Line)
		}
		s.deadline = o.val["deadline"]
		s.k.Deadline = c.duration(s.deadline, "kind "+s.k.Name+": deadline", maxDeadline)
	}
	if o.has("limit") {
		s.k.MaxResponse = c.size(o.val["limit"], "kind "+s.k.Name+": limit")
	}
	if o.has("default") {
		if s.dflt != nil {
			c.errf(o.key["default"], "kind %s: its default is given twice (here and on line %d)", s.k.Name, s.dflt.Line)
		}
		s.dflt = o.val["default"]
		s.k.Default = c.response(s.dflt, "kind "+s.k.Name+": default", false)
	}
	for _, tn := range o.seq("templates") {
		s.k.Templates = append(s.k.Templates, c.response(tn, "kind "+s.k.Name+": template", true))
	}
}

// finishKind settles a kind's use, default and turns, and checks them.
func (c *compiler) finishKind(p *Profile, s *kindSpec, use model.ResponseUse, dflt *Template, turns []turnRule) {
	k := &s.k
	switch {
	case s.use != nil:
		k.Use = *s.use
	case s.deadline != nil:
		k.Use = model.UseConsumed
	default:
		k.Use = use
	}
	if k.Use == model.UseConsumed {
		if s.deadline == nil {
			c.errf(s.keyNode, "kind %s is consumed but has no deadline: give how long the platform waits (your best guess, said in unverified, when its documentation is silent)", k.Name)
		}
		if s.dflt == nil {
			c.errf(s.keyNode, "kind %s is consumed but has no default: give the response that changes nothing (hark sends it when nobody edits)", k.Name)
		}
	} else if s.deadline != nil {
		c.errf(s.deadline, "kind %s has a deadline but its response is %s: only a consumed response has one", k.Name, k.Use)
	}
	if s.dflt == nil {
		if dflt != nil {
			k.Default = *dflt
		} else {
			k.Default = Template{Name: "ack", Title: "Acknowledge (200, empty body)", Status: 200}
		}
	}
	if !s.ownTurns {
		k.turns = turns
	}
	for _, w := range k.whens {
		p.choose = append(p.choose, kindStep{when: w, kind: k.Name})
	}
	for _, v := range s.values {
		if prev, dup := p.byValue[v]; dup && prev != k.Name {
			c.errf(s.keyNode, "kind %s: the value %q already names kind %s", k.Name, v, prev)
		}
		p.byValue[v] = k.Name
	}
	p.Kinds = append(p.Kinds, *k)
}
