package replay

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Difference is one way the new response differs from the recorded one.
type Difference struct {
	Part     string `json:"part"`           // "status" or "body"
	Path     string `json:"path,omitempty"` // where in a JSON body, e.g. responses[0].text; "" for the whole
	Recorded string `json:"recorded"`       // the recorded value, short
	Got      string `json:"got"`            // the new value, short
}

// String reads like: body "responses[0].text": "Hi" → "Hello".
func (d Difference) String() string {
	s := d.Part
	if d.Path != "" {
		s += " " + strconv.Quote(d.Path)
	}
	return s + ": " + d.Recorded + " → " + d.Got
}

// maxShown bounds the differences a result lists; the others are counted.
const maxShown = 3

// maxCounted stops a comparison of two very different bodies early.
const maxCounted = 1000

// shortValue bounds how much of a value a difference shows, in runes.
const shortValue = 48

// compareBodies reports how two bodies differ: JSON bodies by meaning
// (white space and key order do not count; numbers compare by value), any
// other body byte for byte. It returns at most maxShown differences and
// how many there were in all (up to maxCounted).
func compareBodies(recorded, got []byte) ([]Difference, int) {
	if bytes.Equal(recorded, got) {
		return nil, 0
	}
	rv, rok := decodeJSON(recorded)
	gv, gok := decodeJSON(got)
	if rok && gok {
		c := &jsonDiff{}
		c.walk("", rv, gv)
		return c.shown, c.total
	}
	return []Difference{bytesDiff(recorded, got, rok, gok)}, 1
}

func decodeJSON(b []byte) (any, bool) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err == nil {
		return nil, false // more than one value: not a JSON document
	}
	return v, true
}

// bytesDiff describes two bodies that are not both JSON.
func bytesDiff(recorded, got []byte, recordedJSON, gotJSON bool) Difference {
	d := Difference{Part: "body", Recorded: sizeOf(recorded, recordedJSON), Got: sizeOf(got, gotJSON)}
	i := 0
	for i < len(recorded) && i < len(got) && recorded[i] == got[i] {
		i++
	}
	d.Got += ", first difference at byte " + strconv.Itoa(i)
	if i < len(got) {
		d.Got += " (" + clipRunes(string(got[i:]), 20, true) + ")"
	}
	return d
}

func sizeOf(b []byte, isJSON bool) string {
	switch {
	case len(b) == 0:
		return "empty"
	case isJSON:
		return strconv.Itoa(len(b)) + " bytes of JSON"
	case !utf8.Valid(b):
		return strconv.Itoa(len(b)) + " bytes of binary"
	}
	return strconv.Itoa(len(b)) + " bytes"
}

// jsonDiff walks two decoded JSON values side by side.
type jsonDiff struct {
	shown []Difference
	total int
}

func (c *jsonDiff) add(path string, recorded, got any, recordedOK, gotOK bool) {
	c.total++
	if len(c.shown) < maxShown {
		c.shown = append(c.shown, Difference{Part: "body", Path: path, Recorded: show(recorded, recordedOK), Got: show(got, gotOK)})
	}
}

func (c *jsonDiff) walk(path string, a, b any) {
	if c.total >= maxCounted {
		return
	}
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			c.add(path, a, b, true, true)
			return
		}
		keys := make([]string, 0, len(av)+len(bv))
		for k := range av {
			keys = append(keys, k)
		}
		for k := range bv {
			if _, dup := av[k]; !dup {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			x, inA := av[k]
			y, inB := bv[k]
			p := joinKey(path, k)
			if !inA || !inB {
				c.add(p, x, y, inA, inB)
				continue
			}
			c.walk(p, x, y)
		}
	case []any:
		bv, ok := b.([]any)
		if !ok {
			c.add(path, a, b, true, true)
			return
		}
		for i := range max(len(av), len(bv)) {
			p := path + "[" + strconv.Itoa(i) + "]"
			switch {
			case i >= len(bv):
				c.add(p, av[i], nil, true, false)
			case i >= len(av):
				c.add(p, nil, bv[i], false, true)
			default:
				c.walk(p, av[i], bv[i])
			}
		}
	case json.Number:
		bv, ok := b.(json.Number)
		if !ok || !sameNumber(av, bv) {
			c.add(path, a, b, true, true)
		}
	default: // string, bool, nil
		if a != b {
			c.add(path, a, b, true, true)
		}
	}
}

// sameNumber compares JSON numbers by value, exactly: 1, 1.0 and 1e0 are
// the same, 9007199254740993 and 9007199254740992 are not. It compares
// canonical decimal forms rather than doing arithmetic, so that a hostile
// answer such as 1e999999 costs no more than its length.
func sameNumber(a, b json.Number) bool {
	if a == b {
		return true
	}
	x, okA := canonicalNumber(string(a))
	y, okB := canonicalNumber(string(b))
	return okA && okB && x == y
}

// canonicalNumber writes a JSON number as sign, significant digits without
// leading or trailing zeros, and a power of ten: "-12.50e1" → "-125e0".
func canonicalNumber(s string) (string, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, expPart, hasExp := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	exp := int64(0)
	if hasExp {
		e, err := strconv.ParseInt(expPart, 10, 64)
		if err != nil || e > 1<<40 || e < -(1<<40) {
			return "", false
		}
		exp = e
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	exp -= int64(len(frac))
	if digits == "" {
		return "0", true // -0 and 0e5 are 0
	}
	trimmed := strings.TrimRight(digits, "0")
	exp += int64(len(digits) - len(trimmed))
	sign := ""
	if neg {
		sign = "-"
	}
	return sign + trimmed + "e" + strconv.FormatInt(exp, 10), true
}

var plainKey = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$-]*$`)

// joinKey extends a path with an object key: a.b, or a["odd key"].
func joinKey(path, key string) string {
	if plainKey.MatchString(key) {
		if path == "" {
			return key
		}
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

// show renders a value in a difference: compact JSON, cut short.
func show(v any, present bool) string {
	if !present {
		return "(absent)"
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "<b>" reads better than "\u003cb\u003e"
	if err := enc.Encode(v); err != nil {
		return "?"
	}
	return clipRunes(string(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), shortValue, false)
}

// clipRunes cuts s to n runes with an ellipsis; quoted, it is shown as a
// Go string literal (for bytes that may not be text).
func clipRunes(s string, n int, quoted bool) string {
	cut := false
	if utf8.RuneCountInString(s) > n {
		r := []rune(s)
		s, cut = string(r[:n]), true
	}
	if quoted {
		s = strconv.Quote(s)
	}
	if cut {
		s += "…"
	}
	return s
}
