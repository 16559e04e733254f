package platform

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
)

// Detection decides whose request it is. Trying every detector of every
// profile on every request would cost what all the profiles add up to, and
// grow with each profile added. Instead, the registry indexes its detectors
// by something each one needs the request to have — a top-level JSON key,
// a header (or a header name prefix), a query parameter, a form field, a
// word of the path, the path or its last segment — and a request, read
// once for the keys it has, tries only the detectors it could satisfy (and
// the few that need nothing of the kind), strongest first: the first that
// matches decides. What wins is what trying them all would give: the
// strongest matching detector, ties to the earlier profile
// (TestDetectIndexAgrees, and the fuzz tests, hold it to that).

// gateKind is what kind of key gates a detector.
type gateKind uint8

const (
	gateJSON    gateKind = iota // a top-level member of a JSON body
	gateHeader                  // a header, by its name in lower case
	gateForm                    // a field of a form body
	gateQuery                   // a query parameter
	gatePrefix                  // a header whose name starts with this, in lower case
	gateWord                    // a word of the path, in lower case
	gateSegment                 // the last segment of the path (a trailing / aside)
	gatePath                    // the path (a trailing / aside)
	gateKinds
)

// detectIndex is a registry's detectors, indexed.
type detectIndex struct {
	order  []detRef                      // every detector, strongest first, then in registry order
	always []int32                       // positions in order tried on every request: nothing gates them
	gates  [gateKinds]map[string][]int32 // gate key → positions in order, by kind
	// prefixLens are the lengths of the gatePrefix keys, for looking
	// each header name's prefixes up.
	prefixLens []int
	// batchJSON are the positions of the detectors gated by a JSON key of
	// the profiles that read array bodies as batches: with an array body,
	// they test its first element, whose keys are not read for the index.
	batchJSON []int32
	// headerGated and wordGated are tried when a header name or a path
	// word is not ASCII: case folding beyond ASCII is left to the match.
	headerGated, wordGated []int32
}

// detRef is one detector: profile index in the registry, detector index
// in the profile.
type detRef struct{ profile, det int32 }

// gateOption is one way to gate a detector: any of its keys will do.
type gateOption struct {
	kind gateKind
	keys []string
}

func newDetectIndex(profiles []*Profile) *detectIndex {
	x := &detectIndex{}
	var options [][]gateOption
	for pi, p := range profiles {
		for di := range p.detect {
			if p.detect[di].strength <= 0 {
				continue // it could never win
			}
			x.order = append(x.order, detRef{int32(pi), int32(di)})
		}
	}
	slices.SortStableFunc(x.order, func(a, b detRef) int {
		return cmp.Compare(profiles[b.profile].detect[b.det].strength, profiles[a.profile].detect[a.det].strength)
	})
	// A key shared by many detectors gates poorly: each detector takes
	// its option whose keys are the least shared.
	shared := map[gateKind]map[string]int{}
	for _, ref := range x.order {
		opts := gateOptions(&profiles[ref.profile].detect[ref.det].when)
		options = append(options, opts)
		for _, o := range opts {
			if shared[o.kind] == nil {
				shared[o.kind] = map[string]int{}
			}
			for _, k := range o.keys {
				shared[o.kind][k]++
			}
		}
	}
	for pos, ref := range x.order {
		opts := options[pos]
		if len(opts) == 0 {
			x.always = append(x.always, int32(pos))
			continue
		}
		best, bestCost := 0, -1
		for i, o := range opts {
			cost := 0
			for _, k := range o.keys {
				cost += shared[o.kind][k]
			}
			if bestCost < 0 || cost < bestCost || cost == bestCost && o.kind < opts[best].kind {
				best, bestCost = i, cost
			}
		}
		o := opts[best]
		m := x.gates[o.kind]
		if m == nil {
			m = map[string][]int32{}
			x.gates[o.kind] = m
		}
		for _, k := range o.keys {
			if ps := m[k]; len(ps) == 0 || ps[len(ps)-1] != int32(pos) {
				m[k] = append(ps, int32(pos))
			}
			if o.kind == gatePrefix && !slices.Contains(x.prefixLens, len(k)) {
				x.prefixLens = append(x.prefixLens, len(k))
			}
		}
		switch o.kind {
		case gateJSON:
			if profiles[ref.profile].readsArrays() {
				x.batchJSON = append(x.batchJSON, int32(pos))
			}
		case gateHeader, gatePrefix:
			x.headerGated = append(x.headerGated, int32(pos))
		case gateWord:
			x.wordGated = append(x.wordGated, int32(pos))
		}
	}
	return x
}

// gateOptions lists what a condition needs the request to have, each a
// key (or a list of keys, any of which) without which it cannot hold.
func gateOptions(c *cond) []gateOption {
	var out []gateOption
	for i := range c.json {
		if k := &c.json[i]; !k.m.absent {
			// get reads a path's first part as a top-level key, as it is.
			head, _, _ := strings.Cut(k.key, ".")
			out = append(out, gateOption{gateJSON, []string{head}})
		}
	}
	for i := range c.header {
		k := &c.header[i]
		if k.m.absent || !isASCII(k.key) {
			continue
		}
		kind := gateHeader
		if k.prefix {
			kind = gatePrefix
		}
		out = append(out, gateOption{kind, []string{strings.ToLower(k.key)}})
	}
	for i := range c.form {
		if k := &c.form[i]; !k.m.absent {
			out = append(out, gateOption{gateForm, []string{k.key}})
		}
	}
	for i := range c.query {
		if k := &c.query[i]; !k.m.absent {
			out = append(out, gateOption{gateQuery, []string{k.key}})
		}
	}
	if len(c.word) > 0 && allASCII(c.word) {
		words := make([]string, len(c.word))
		for i, w := range c.word {
			words[i] = strings.ToLower(w)
		}
		out = append(out, gateOption{gateWord, words})
	}
	if o, ok := pathGate(c.path); ok {
		out = append(out, o)
	}
	return out
}

// pathGate gates a path matcher by the paths it accepts (exact patterns),
// or the last segments they end with (patterns *…/segment). Other
// patterns gate nothing.
func pathGate(m *matcher) (gateOption, bool) {
	if m == nil || m.neg || m.absent || len(m.alts) == 0 {
		return gateOption{}, false
	}
	exact := true
	for _, a := range m.alts {
		switch {
		case a.op == opExact:
		case a.op == opSuffix && strings.Contains(a.s, "/"):
			exact = false
		default:
			return gateOption{}, false
		}
	}
	o := gateOption{kind: gatePath}
	if !exact {
		o.kind = gateSegment
	}
	for _, a := range m.alts {
		if exact {
			o.keys = append(o.keys, a.s)
		} else {
			o.keys = append(o.keys, lastSegment(a.s))
		}
	}
	return o, true
}

// readsArrays reports whether the profile reads a JSON array body as a
// batch, and so tests its detectors on the first element.
func (p *Profile) readsArrays() bool { return p.batch && p.batchAt == "" }

// lastSegment is what follows the last / of a path.
func lastSegment(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// detect returns the profile whose strongest detector matches, the
// fallback when none does. A profile that reads JSON array bodies as
// batches tests its detectors on a batch's first element; one whose batch
// is an array in the body (events) tests them on the body that wraps it.
func (r *Registry) detect(in *input) *Profile {
	x := r.index
	var small [4]uint64 // room for 256 detectors without allocating
	set := candidates(small[:])
	if n := (len(x.order) + 63) / 64; n > len(small) {
		set = make(candidates, n)
	} else {
		set = set[:n]
	}
	x.mark(set, in)
	for w, word := range set {
		for ; word != 0; word &= word - 1 {
			ref := x.order[w*64+bits.TrailingZeros64(word)]
			p := r.profiles[ref.profile]
			target := in
			if p.readsArrays() && in.array > 0 {
				target = in.element("", 0)
			}
			if p.detect[ref.det].when.match(target) {
				return p
			}
		}
	}
	return r.fallback
}

// candidates is a set of detector positions.
type candidates []uint64

func (c candidates) add(ps []int32) {
	for _, p := range ps {
		c[p>>6] |= 1 << (p & 63)
	}
}

// mark adds the detectors a request could satisfy, from one look at each
// of its keys.
func (x *detectIndex) mark(set candidates, in *input) {
	set.add(x.always)
	if m := x.gates[gateJSON]; m != nil {
		if in.shape == shapeJSON {
			for i := range in.top {
				set.add(m[in.top[i].key])
			}
		}
		if in.array > 0 {
			set.add(x.batchJSON)
		}
	}
	var buf [128]byte
	if x.gates[gateHeader] != nil || x.gates[gatePrefix] != nil {
		for name := range in.req.Headers {
			lower, ok := lowerASCII(buf[:0], name)
			if !ok {
				set.add(x.headerGated)
				continue
			}
			set.add(x.gates[gateHeader][string(lower)])
			for _, n := range x.prefixLens {
				if n <= len(lower) {
					set.add(x.gates[gatePrefix][string(lower[:n])])
				}
			}
		}
	}
	if m := x.gates[gateForm]; m != nil {
		for k := range in.form {
			set.add(m[k])
		}
	}
	if m := x.gates[gateQuery]; m != nil && in.req.RawQuery != "" {
		for k := range in.query() {
			set.add(m[k])
		}
	}
	if m := x.gates[gateWord]; m != nil {
		for path := in.req.Path; len(path) > 0; {
			w := path
			if i := strings.IndexAny(path, "/-_."); i >= 0 {
				w, path = path[:i], path[i+1:]
			} else {
				path = ""
			}
			lower, ok := lowerASCII(buf[:0], w)
			if !ok {
				set.add(x.wordGated)
				continue
			}
			set.add(m[string(lower)])
		}
	}
	if x.gates[gatePath] != nil || x.gates[gateSegment] != nil {
		p := strings.TrimRight(in.req.Path, "/")
		set.add(x.gates[gatePath][p])
		set.add(x.gates[gateSegment][lastSegment(p)])
	}
}

// lowerASCII appends s in lower case to b, reporting false when s is not
// ASCII.
func lowerASCII(b []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return b, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func allASCII(list []string) bool {
	for _, s := range list {
		if !isASCII(s) {
			return false
		}
	}
	return true
}
