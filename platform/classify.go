package platform

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/harkhq/hark/model"
)

// panicNote starts the note of a request whose classification panicked; the
// fuzz test looks for it.
const panicNote = "hark could not classify this request (internal error): "

// Classify recognizes the platform, kind, session and turns of a request
// with the profiles of the active registry, and checks its signature or
// token with the configured secrets. It never panics and never fails:
// whatever it cannot read is said in Notes, and a request no profile
// recognizes goes to the fallback profile.
func Classify(req *model.Request, secrets Secrets) Classification {
	return active().Classify(req, secrets)
}

// ClassifyAt is Classify for a request received at a known time: a
// signature that carries the time it was made (Retell's, Slack's) is then
// also checked against the platform's tolerance, as the platform's own
// libraries do, and a token's validity period (Bot Framework's) against
// it. Classify leaves those times unchecked, for requests read from files.
func ClassifyAt(req *model.Request, secrets Secrets, received time.Time) Classification {
	return active().ClassifyAt(req, secrets, received)
}

// Classify is the package's Classify with this registry's profiles.
func (r *Registry) Classify(req *model.Request, secrets Secrets) Classification {
	return r.ClassifyAt(req, secrets, time.Time{})
}

// ClassifyAt is the package's ClassifyAt with this registry's profiles.
func (r *Registry) ClassifyAt(req *model.Request, secrets Secrets, received time.Time) (c Classification) {
	defer func() {
		// The code below is meant never to panic (FuzzClassify checks it);
		// this keeps a receiver alive if it ever does.
		if e := recover(); e != nil {
			fb := r.Fallback()
			k, ok := fb.Kind(fb.fallback)
			if !ok {
				k = &fb.Kinds[len(fb.Kinds)-1]
			}
			c = Classification{Platform: fb.Name, Kind: k.Name, SessionID: model.Unsorted, Use: k.Use, Deadline: k.deadline(),
				Notes: []string{panicNote + fmt.Sprint(e)}}
		}
	}()
	if req == nil {
		req = &model.Request{}
	}
	in := newInput(req, secrets)
	defer in.release()
	in.at = received
	return r.detect(in).classify(in)
}

// classify reads a request known to be the profile's.
func (p *Profile) classify(in *input) Classification {
	in.secret = in.secrets[p.Name]
	in.quietTimes = p.guessed
	if in.formNoted && p.postsForms() {
		in.dropFormNote() // a form is what the platform sends: no news
	}
	batch := 0 // how many requests the body batches, when the profile reads batches
	if p.batch {
		batch = in.batchLen(p.batchAt)
	}
	if in.isArray && !(batch > 0 && p.batchAt == "") {
		in.note(fmt.Sprintf("body is a JSON array of %d items (a batch?): %s reads objects, so hark shows the array as is", in.array, p.Title))
	}
	target := in
	if batch > 0 {
		target = in.element(p.batchAt, 0)
	}
	k := p.kindOf(target)
	c := Classification{Platform: p.Name, Kind: k.Name, Use: k.Use, Record: k.record, Deadline: k.deadline()}
	if h := p.handshake; h != nil && k.Name == h.kind {
		c.Handshake = true
		c.echo = in.rootValue(&h.echo)
	}
	sessionAt := p.session
	if k.ownSession {
		sessionAt = k.session
	}
	c.SessionID = target.sessionID(sessionAt)
	if c.SessionID == "" {
		// Every session-less request lands in one session; this is the one
		// place that says so, so the store, the journal and every export
		// agree on it.
		c.SessionID = model.Unsorted
		// A handshake checks the URL and a kind with no session of its own
		// comes before the conversation: neither belongs to one.
		if in.shape == shapeJSON && !c.Handshake && !(k.ownSession && len(k.session) == 0) {
			in.note("no session id in the request: filed under " + model.Unsorted)
		}
	}
	c.Also = target.aliases(p.also, c.SessionID)
	c.Turns = target.turns(p, k)
	if batch > 1 {
		p.readBatch(in, batch, &c)
	}
	target.kindNotes(p, k)
	c.Signature = p.checkSignature(in, k)
	if p.code != nil && p.code.check != nil {
		p.code.check(in, &c)
	}
	if target != in {
		in.notes = append(in.notes, target.notes...)
	}
	c.Notes = in.notes
	return c
}

// postsForms reports whether the platform's requests are forms: its match
// reads form fields.
func (p *Profile) postsForms() bool {
	for i := range p.detect {
		if w := &p.detect[i].when; len(w.form) > 0 || w.body == bodyForm {
			return true
		}
	}
	return false
}

// kindOf decides a request's kind: the handshake's, else the first of the
// profile's steps that decides (a body value naming a kind, or a rule that
// holds; the kinds' own conditions come last), else the fallback.
func (p *Profile) kindOf(in *input) *Kind {
	name := ""
	if p.handshake != nil && p.handshake.when.match(in) {
		name = p.handshake.kind
	}
	var unknown *source // a value that names no kind, worth a note if nothing decides
	uv := ""
	for i := 0; name == "" && i < len(p.choose); i++ {
		st := &p.choose[i]
		if st.src == nil {
			if st.when.match(in) {
				name = st.kind
			}
			continue
		}
		v := strings.TrimSpace(in.rootValue(st.src))
		if v == "" {
			continue
		}
		if k, ok := p.byValue[v]; ok {
			name = k
		} else if unknown == nil {
			unknown, uv = st.src, v
		}
	}
	if name == "" {
		name = p.fallback
		if unknown != nil {
			in.note(fmt.Sprintf("%s %s is not a kind of webhook %s documents", unknown.key, quoteShort(strconv.Quote(uv)), p.Title))
		}
	}
	k, ok := p.Kind(name)
	if !ok { // compile checks every name; this keeps a bad table harmless
		k = &p.Kinds[len(p.Kinds)-1]
	}
	return k
}

// deadline is how long the platform waits for the response: known only
// when it consumes it.
func (k *Kind) deadline() time.Duration {
	if k.Use == model.UseConsumed {
		return k.Deadline
	}
	return 0
}

// aliases reads the conversation's other ids, leaving out those equal to
// the session id.
func (in *input) aliases(srcs []source, session string) []model.Alias {
	var out []model.Alias
	for i := range srcs {
		s := &srcs[i]
		name := s.key
		if s.label != "" {
			name = s.label
			if slices.ContainsFunc(out, func(a model.Alias) bool { return a.Name == name }) {
				continue // a label shows the first value found among its places
			}
		}
		v := strings.TrimSpace(in.rootValue(s))
		if v == "" {
			continue
		}
		if v = in.cleanID(v); v != session {
			out = append(out, model.Alias{Name: name, Value: v})
		}
	}
	return out
}

// kindNotes adds the notes a kind asks for: its conditional notes, and a
// note for each field it expects that is missing.
func (in *input) kindNotes(p *Profile, k *Kind) {
	for i := range k.notes {
		n := &k.notes[i]
		if n.when.match(in) {
			in.note(n.text.expandRequest(in))
		}
	}
	if in.shape != shapeJSON && in.form == nil {
		return
	}
	for i := range k.expect {
		s := &k.expect[i]
		if !in.has(s) {
			in.note(fmt.Sprintf("%s without %s", k.Name, s.key))
		}
	}
}

// readBatch adds the turns of a batch's other elements, each read as a
// request of its own kind. An element of another session keeps its turns
// out: they are another conversation's, which this exchange is not filed
// under (Sunshine Conversations batches events of several conversations).
func (p *Profile) readBatch(in *input, n int, c *Classification) {
	kinds, sessions := map[string]bool{c.Kind: true}, map[string]bool{c.SessionID: true}
	elsewhere := 0 // turns of other sessions' elements, left out
	for i := 1; i < n; i++ {
		el := in.element(p.batchAt, i)
		k := p.kindOf(el)
		kinds[k.Name] = true
		turns := el.turns(p, k)
		if s := el.sessionID(p.session); s != "" && s != c.SessionID {
			sessions[s] = true
			elsewhere += len(turns)
			turns = nil
		}
		c.Turns = append(c.Turns, turns...)
		in.notes = append(in.notes, el.notes...)
	}
	// A batch is how the platform delivers: worth a note only when its
	// events disagree on what the exchange is filed as.
	if len(kinds) > 1 {
		in.note(fmt.Sprintf("a batch of %d events of %d kinds: the exchange is shown as the first's (%s)", n, len(kinds), c.Kind))
	}
	if len(sessions) > 1 {
		note := fmt.Sprintf("a batch of %d events of %d sessions: filed under the first's", n, len(sessions))
		switch {
		case elsewhere == 1:
			note += "; the others' turn is in the body, not in this transcript"
		case elsewhere > 1:
			note += fmt.Sprintf("; the others' %d turns are in the body, not in this transcript", elsewhere)
		}
		in.note(note)
	}
}

// batchLen is how many elements a batch has: a JSON array body's (at ""),
// or the array's at a body path; 0 when there is no such array.
func (in *input) batchLen(at string) int {
	if at == "" {
		return in.array
	}
	r := in.get(at)
	if !r.IsArray() {
		return 0
	}
	return int(r.Get("#").Int())
}

// element is the i-th element of a batch (see batchLen), read as a body of
// its own (same method, path and headers).
func (in *input) element(at string, i int) *input {
	if in.elems == nil || in.elemsAt != at {
		src := gjson.Parse(in.json)
		if at != "" {
			src = in.get(at)
		}
		in.elems, in.elemsAt = in.elems[:0], at
		src.ForEach(func(_, v gjson.Result) bool {
			in.elems = append(in.elems, &input{req: in.req, secrets: in.secrets, secret: in.secret, shape: shapeJSON,
				json: v.Raw, quietTimes: in.quietTimes, queryVals: in.queryVals, at: in.at})
			return true
		})
	}
	if i >= len(in.elems) { // readBody counted what gjson reads: never
		return &input{req: in.req, secrets: in.secrets, shape: shapeEmpty}
	}
	el := in.elems[i]
	el.secret, el.quietTimes = in.secret, in.quietTimes
	return el
}

// has reports whether the request carries a value at a source, whatever
// its type (a list, an object).
func (in *input) has(s *source) bool {
	switch {
	case s.from == srcHeader:
		_, ok := in.header(s.key)
		return ok
	case s.from == srcQuery:
		return in.query().Has(s.key)
	case in.shape == shapeJSON && s.from != srcForm:
		return in.get(s.key).Exists()
	case in.form != nil && s.from != srcJSON:
		return in.form.Has(s.key)
	}
	return false
}
