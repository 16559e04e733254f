package platform

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/harkhq/hark/model"
)

// simSpec is a profile's simulated conversation, as its file describes it:
// steps that each make one request (or one per line of a script), with
// bodies written as templates.
type simSpec struct {
	session tmpl     // the conversation's id: session_{digits:12}
	vars    []simVar // values made once per conversation, usable as {name}
	scripts []script
	roles   map[model.Role]string // how {role} is written for each speaker
	steps   []simStep
}

type simVar struct {
	name string
	t    tmpl
}

// simStep is one request, or, with each, one request per script line (or
// user/ai pair), or a group of sub-steps per line, each for one speaker.
type simStep struct {
	kind    string
	each    string     // "", "lines" or "pairs"
	role    model.Role // in a group: only lines of this speaker
	steps   []simStep  // a group's sub-steps
	wait    waitSpec
	method  string
	path    tmpl
	query   []kvTmpl
	headers []kvTmpl
	json    *jnode
	form    []kvTmpl
	text    *tmpl
}

type kvTmpl struct {
	key string
	t   tmpl
}

// waitSpec is a random delay before a request, maybe per speaker.
type waitSpec struct {
	lo, hi time.Duration
	byRole map[model.Role][2]time.Duration
}

// jnode is a JSON body template: objects and arrays of templates, literal
// values, and $lines, an array with one element per script line so far.
type jnode struct {
	kind  jkind
	keys  []string
	vals  []*jnode
	t     tmpl
	raw   string // a literal number, boolean or null
	lines *jnode
}

type jkind uint8

const (
	jObject jkind = iota
	jArray
	jString
	jRaw
	jLines
)

// simRun plays one conversation of a declarative profile.
type simRun struct {
	g      *gen
	p      *Profile
	start  time.Time
	vars   map[string]string
	lines  []simLine // the script's lines reached so far
	script script    // the conversation's script
	cur    *simLine  // the line being played
	pair   [2]string // user and ai text of the pair being played
}

type simLine struct {
	line
	at time.Time
	n  int
}

// numeric placeholders are written as JSON numbers when they make a value
// alone.
var numericPlaceholders = map[string]bool{"now:ms": true, "now:s": true, "start:ms": true, "start:s": true, "time:ms": true, "time:s": true, "n": true}

func (p *Profile) simulateDeclared(g *gen) []SimRequest {
	s := p.sim
	run := &simRun{g: g, p: p, start: g.now(), vars: map[string]string{}}
	g.sessionID(func() string { return run.text(&s.session) })
	for _, v := range s.vars {
		run.vars[v.name] = run.text(&v.t)
	}
	var lines script
	if len(s.scripts) > 0 {
		lines = g.script(s.scripts)
	}
	run.script = lines
	for i := range s.steps {
		run.step(&s.steps[i], lines)
	}
	return g.reqs
}

func (r *simRun) step(st *simStep, lines script) {
	switch st.each {
	case "lines":
		for i, l := range lines {
			r.lines = append(r.lines, simLine{line: l, n: i + 1})
			r.cur = &r.lines[len(r.lines)-1]
			r.playLine(st)
		}
		r.cur = nil
	case "pairs":
		for i := 0; i < len(lines); i++ {
			if lines[i].role != model.RoleUser { // said before any user line: in the record, with no request of its own
				r.lines = append(r.lines, simLine{line: lines[i], n: i + 1, at: r.g.now()})
				continue
			}
			r.pair = [2]string{lines[i].text, ""}
			r.lines = append(r.lines, simLine{line: lines[i], n: i + 1})
			if i+1 < len(lines) && lines[i+1].role == model.RoleAI {
				r.pair[1] = lines[i+1].text
				r.lines = append(r.lines, simLine{line: lines[i+1], n: i + 2})
				i++
			}
			r.cur = &r.lines[len(r.lines)-1]
			r.wait(st.wait, model.RoleUser)
			r.stampPair()
			r.g.add(r.request(st, st.kind))
		}
		r.cur, r.pair = nil, [2]string{}
	default:
		r.wait(st.wait, "")
		r.g.add(r.request(st, st.kind))
	}
}

// stampPair gives the pair's lines the time of its request.
func (r *simRun) stampPair() {
	for i := len(r.lines) - 1; i >= 0 && r.lines[i].at.IsZero(); i-- {
		r.lines[i].at = r.g.now()
	}
}

// playLine makes the request(s) of one line: the step itself, or the
// sub-steps for the line's speaker.
func (r *simRun) playLine(st *simStep) {
	if len(st.steps) == 0 {
		r.wait(st.wait, r.cur.role)
		r.cur.at = r.g.now()
		r.g.add(r.request(st, st.kind))
		return
	}
	for i := range st.steps {
		sub := &st.steps[i]
		if sub.role != "" && sub.role != r.cur.role {
			continue
		}
		r.wait(sub.wait, r.cur.role)
		if r.cur.at.IsZero() {
			r.cur.at = r.g.now()
		}
		r.g.add(r.request(sub, sub.kind))
	}
}

func (r *simRun) wait(w waitSpec, role model.Role) {
	lo, hi := w.lo, w.hi
	if d, ok := w.byRole[role]; ok {
		lo, hi = d[0], d[1]
	}
	if hi > 0 {
		r.g.wait(lo, hi)
	}
}

// request renders a step into a request, signed as the platform signs.
func (r *simRun) request(st *simStep, kind string) SimRequest {
	req := SimRequest{Kind: kind, Method: st.method, Path: r.text(&st.path), Headers: map[string][]string{}}
	if req.Method == "" {
		req.Method = "POST"
	}
	if len(st.query) > 0 {
		req.RawQuery = r.values(st.query).Encode()
	}
	for _, h := range st.headers {
		req.Headers[h.key] = []string{r.text(&h.t)}
	}
	setType := func(ct string) {
		if _, ok := req.Headers["Content-Type"]; !ok {
			req.Headers["Content-Type"] = []string{ct}
		}
	}
	switch {
	case st.json != nil:
		var b strings.Builder
		r.writeJSON(&b, st.json)
		req.Body = []byte(b.String())
		setType("application/json")
	case len(st.form) > 0:
		req.Body = []byte(r.values(st.form).Encode())
		setType("application/x-www-form-urlencoded")
	case st.text != nil:
		req.Body = []byte(r.text(st.text))
		setType("text/plain; charset=utf-8")
	}
	return req
}

func (r *simRun) values(kvs []kvTmpl) url.Values {
	v := url.Values{}
	for _, kv := range kvs {
		v.Add(kv.key, r.text(&kv.t))
	}
	return v
}

func (r *simRun) writeJSON(b *strings.Builder, n *jnode) {
	switch n.kind {
	case jObject:
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(k))
			b.WriteByte(':')
			r.writeJSON(b, n.vals[i])
		}
		b.WriteByte('}')
	case jArray:
		b.WriteByte('[')
		for i, v := range n.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			r.writeJSON(b, v)
		}
		b.WriteByte(']')
	case jRaw:
		b.WriteString(n.raw)
	case jLines:
		b.WriteByte('[')
		saved := r.cur
		lines := r.lines
		if len(lines) == 0 {
			lines = r.wholeScript()
		}
		for i := range lines {
			if i > 0 {
				b.WriteByte(',')
			}
			r.cur = &lines[i]
			r.writeJSON(b, n.lines)
		}
		r.cur = saved
		b.WriteByte(']')
	default:
		s := r.text(&n.t)
		if p, ok := n.t.single(); ok && r.numeric(p) {
			b.WriteString(s)
			return
		}
		b.WriteString(jsonQuote(s))
	}
}

// wholeScript is every line of the script, for a record made when no step
// played the lines one by one (a call's transcript at its end): their
// times are spread between the conversation's start and now.
func (r *simRun) wholeScript() []simLine {
	out := make([]simLine, len(r.script))
	span := r.g.now().Sub(r.start)
	for i, l := range r.script {
		at := r.start.Add(span * time.Duration(i+1) / time.Duration(len(r.script)+1)).Truncate(time.Millisecond)
		out[i] = simLine{line: l, n: i + 1, at: at}
	}
	return out
}

// numeric reports whether a placeholder alone makes a JSON number.
func (r *simRun) numeric(p tpart) bool {
	key := p.name
	if p.arg != "" {
		key += ":" + p.arg
	}
	if numericPlaceholders[key] || p.name == "digits" {
		return true
	}
	for _, v := range r.p.sim.vars {
		if v.name == p.name {
			if q, ok := v.t.single(); ok {
				return q.name != p.name && r.numeric(q)
			}
		}
	}
	return false
}

func jsonQuote(s string) string { return `"` + jsonStringContent(s) + `"` }

// text expands a template with the conversation's values.
func (r *simRun) text(t *tmpl) string {
	return t.expand(r.placeholder)
}

func (r *simRun) placeholder(name, arg string) string {
	g := r.g
	switch name {
	case "session":
		return g.session
	case "secret":
		return g.secret
	case "uuid":
		return g.uuid()
	case "hex":
		n, _ := strconv.Atoi(arg)
		return g.hex(n)
	case "digits":
		n, _ := strconv.Atoi(arg)
		return g.digits(n)
	case "now":
		return stamp(g.now(), arg)
	case "start":
		return stamp(r.start, arg)
	case "time":
		if r.cur != nil {
			return stamp(r.cur.at, arg)
		}
		return stamp(g.now(), arg)
	case "text":
		if r.cur != nil {
			return r.cur.text
		}
	case "role":
		if r.cur != nil {
			if s, ok := r.p.sim.roles[r.cur.role]; ok {
				return s
			}
			return string(r.cur.role)
		}
	case "n":
		if r.cur != nil {
			return strconv.Itoa(r.cur.n)
		}
		return "0"
	case "user":
		return r.pair[0]
	case "ai":
		return r.pair[1]
	}
	if v, ok := r.vars[name]; ok {
		return v
	}
	return g.values.Replace("{" + name + "}") // the scripts' values: {name}, {order}...
}

// stamp writes a time as a placeholder asks: RFC 3339 (seconds), iso (with
// milliseconds), ms or s since the epoch.
func stamp(t time.Time, format string) string {
	switch format {
	case "ms":
		return strconv.FormatInt(t.UnixMilli(), 10)
	case "s":
		return strconv.FormatInt(t.Unix(), 10)
	case "iso":
		return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	return t.UTC().Format(time.RFC3339)
}

// simPlaceholder checks the placeholders a simulated request may use.
func (s *simSpec) simPlaceholder(name, arg string) error {
	switch name {
	case "session", "secret", "uuid", "text", "role", "n", "user", "ai":
		if arg == "" {
			return nil
		}
	case "now", "start", "time":
		if arg == "" || arg == "ms" || arg == "s" || arg == "iso" {
			return nil
		}
		return fmt.Errorf("{%s:%s}: the formats are {%s}, {%s:iso}, {%s:ms} and {%s:s}", name, arg, name, name, name, name)
	case "hex", "digits":
		if n, err := strconv.Atoi(arg); err == nil && n > 0 && n <= 64 {
			return nil
		}
		return fmt.Errorf("{%s:%s}: give a length from 1 to 64, e.g. {%s:12}", name, arg, name)
	default:
		for _, v := range s.vars {
			if v.name == name && arg == "" {
				return nil
			}
		}
		if scriptValues[name] && arg == "" {
			return nil
		}
	}
	return fmt.Errorf("unknown placeholder {%s}: a simulated request may use {session}, {secret}, {uuid}, {hex:N}, {digits:N}, {now}, {start}, {time} (with :iso, :ms or :s), {text}, {role}, {n}, {user}, {ai}, its vars and the scripts' values (%s)",
		joinArg(name, arg), strings.Join(sortedKeys(scriptValues), ", "))
}

func joinArg(name, arg string) string {
	if arg == "" {
		return name
	}
	return name + ":" + arg
}
