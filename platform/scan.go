package platform

import (
	"encoding/binary"

	"github.com/tidwall/gjson"
)

// A body is read once for every profile: scanJSON checks that it is JSON
// and, in the same pass, indexes the top-level members of an object body
// (what detection and most paths read first) or counts the elements of an
// array body. It accepts exactly what gjson.Valid accepts (FuzzScanJSON
// holds it to that), so a body is JSON for hark as it was before, and the
// members it gives are those gjson's ForEach gives: a key's text and its
// value's raw JSON.

// scanned is what scanJSON learned of a body.
type scanned struct {
	valid bool
	root  byte     // the first byte of the root value: '{', '[', '"', 't', ...
	top   []member // an object's members, in order (duplicates kept)
	count int      // an array's elements
}

// scanJSON reads s, appending an object's members to top.
func scanJSON(s string, top []member) scanned {
	out := scanned{top: top}
	i := skipSpace(s, 0)
	if i == len(s) {
		return out
	}
	out.root = s[i]
	var ok bool
	switch out.root {
	case '{':
		i, ok = out.object(s, i+1)
	case '[':
		i, ok = out.array(s, i+1)
	default:
		i, ok = skipValue(s, i)
	}
	out.valid = ok && skipSpace(s, i) == len(s)
	return out
}

// object reads the members of the root object from just after its {.
func (out *scanned) object(s string, i int) (int, bool) {
	i = skipSpace(s, i)
	if i < len(s) && s[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(s) || s[i] != '"' {
			return i, false
		}
		keyStart := i
		end, escaped, ok := skipString(s, i+1)
		if !ok {
			return end, false
		}
		key := s[keyStart+1 : end-1]
		if escaped {
			key = gjson.Parse(s[keyStart:end]).Str // unescaped as ForEach does
		}
		i = skipSpace(s, end)
		if i >= len(s) || s[i] != ':' {
			return i, false
		}
		i = skipSpace(s, i+1)
		valStart := i
		if i, ok = skipValue(s, i); !ok {
			return i, false
		}
		out.top = append(out.top, member{key, s[valStart:i]})
		i = skipSpace(s, i)
		switch {
		case i >= len(s):
			return i, false
		case s[i] == '}':
			return i + 1, true
		case s[i] != ',':
			return i, false
		}
		i = skipSpace(s, i+1)
	}
}

// array counts the elements of the root array from just after its [.
func (out *scanned) array(s string, i int) (int, bool) {
	i = skipSpace(s, i)
	if i < len(s) && s[i] == ']' {
		return i + 1, true
	}
	for {
		var ok bool
		if i, ok = skipValue(s, skipSpace(s, i)); !ok {
			return i, false
		}
		out.count++
		i = skipSpace(s, i)
		switch {
		case i >= len(s):
			return i, false
		case s[i] == ']':
			return i + 1, true
		case s[i] != ',':
			return i, false
		}
		i++
	}
}

// skipValue returns the end of the value that starts at s[i], and whether
// it is valid. Nesting is followed with a stack of the closing brackets
// still expected, so that no depth overflows the goroutine's stack.
func skipValue(s string, i int) (int, bool) {
	var buf [32]byte
	open := buf[:0] // the closing brackets expected, innermost last
	for {
		// A value starts at s[i].
		if i >= len(s) {
			return i, false
		}
		var ok bool
		switch c := s[i]; c {
		case '{':
			i = skipSpace(s, i+1)
			if i < len(s) && s[i] == '}' {
				i++
				break
			}
			open = append(open, '}')
			if i, ok = skipKey(s, i); !ok {
				return i, false
			}
			continue
		case '[':
			i = skipSpace(s, i+1)
			if i < len(s) && s[i] == ']' {
				i++
				break
			}
			open = append(open, ']')
			continue
		case '"':
			if i, _, ok = skipString(s, i+1); !ok {
				return i, false
			}
		case 't':
			if i, ok = skipLiteral(s, i, "true"); !ok {
				return i, false
			}
		case 'f':
			if i, ok = skipLiteral(s, i, "false"); !ok {
				return i, false
			}
		case 'n':
			if i, ok = skipLiteral(s, i, "null"); !ok {
				return i, false
			}
		default:
			if c != '-' && (c < '0' || c > '9') {
				return i, false
			}
			if i, ok = skipNumber(s, i); !ok {
				return i, false
			}
		}
		// A value ended at s[i]: close what it closes, then on to the
		// next one.
		for {
			if len(open) == 0 {
				return i, true
			}
			i = skipSpace(s, i)
			if i >= len(s) {
				return i, false
			}
			closer := open[len(open)-1]
			if s[i] == closer {
				open = open[:len(open)-1]
				i++
				continue
			}
			if s[i] != ',' {
				return i, false
			}
			i = skipSpace(s, i+1)
			if closer == '}' {
				if i, ok = skipKey(s, i); !ok {
					return i, false
				}
			}
			break
		}
	}
}

// skipKey reads an object's key and its colon, returning where the value
// starts.
func skipKey(s string, i int) (int, bool) {
	if i >= len(s) || s[i] != '"' {
		return i, false
	}
	i, _, ok := skipString(s, i+1)
	if !ok {
		return i, false
	}
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != ':' {
		return i, false
	}
	return skipSpace(s, i+1), true
}

// startsValue reports whether a JSON value can start with c.
func startsValue(c byte) bool {
	switch c {
	case '{', '[', '"', 't', 'f', 'n', '-':
		return true
	}
	return isDigit(c)
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
			continue
		}
		break
	}
	return i
}

// skipString returns the end of a string whose opening quote is just
// before s[i] (after its closing quote), and whether it holds escapes.
// As gjson, it checks escapes and control characters, not UTF-8.
func skipString(s string, i int) (end int, escaped, ok bool) {
	for {
		i = stringRun(s, i)
		if i >= len(s) {
			return i, escaped, false
		}
		switch c := s[i]; {
		case c == '"':
			return i + 1, escaped, true
		case c == '\\':
			escaped = true
			i++
			if i >= len(s) {
				return i, escaped, false
			}
			switch s[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				for range 4 {
					i++
					if i >= len(s) || !isHex(s[i]) {
						return i, escaped, false
					}
				}
				i++
			default:
				return i, escaped, false
			}
		default: // a control character
			return i, escaped, false
		}
	}
}

// stringRun returns the index of the first quote, backslash or control
// character at or after i, or len(s), eight bytes at a time.
func stringRun(s string, i int) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		q := w ^ ('"' * ones)
		b := w ^ ('\\' * ones)
		// Any byte below 0x20, or a zero byte of q or b, sets its high bit
		// (the classic has-less-than test, exact as a yes or no).
		if ((w-0x20*ones)&^w|(q-ones)&^q|(b-ones)&^b)&highs != 0 {
			break
		}
	}
	for i < len(s) {
		if c := s[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
		i++
	}
	return i
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func skipLiteral(s string, i int, lit string) (int, bool) {
	if len(s)-i >= len(lit) && s[i:i+len(lit)] == lit {
		return i + len(lit), true
	}
	return i, false
}

// skipNumber reads a number as JSON writes it: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func skipNumber(s string, i int) (int, bool) {
	if s[i] == '-' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return i, false
		}
	}
	if s[i] == '0' {
		i++
	} else {
		i = skipDigits(s, i)
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || !isDigit(s[i]) {
			return i, false
		}
		i = skipDigits(s, i)
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return i, false
		}
		i = skipDigits(s, i)
	}
	return i, true
}

func skipDigits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
