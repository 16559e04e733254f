// JSON text, both ways: strings with the lone-surrogate convention of
// format.go, and the tokens the decoder reads.

package journal

import (
	"encoding/binary"
	"fmt"
	"unicode/utf8"

	"github.com/harkhq/hark/sanitize"
)

const hexDigits = "0123456789abcdef"

// plain marks the ASCII bytes a JSON string holds as they are.
var plain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != 0x7f
	}
	return t
}()

// appendString appends s as a JSON string. Bytes that are not part of valid
// UTF-8 are written as the lone surrogates \udc80–\udcff, which decodeString
// turns back into the same bytes; the runes sanitize.Invisible reports are
// written as \u escapes.
func appendString[T string | []byte](b []byte, s T) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', 'd', 'c', hexDigits[c>>4], hexDigits[c&0xf])
		case sanitize.Invisible(r):
			// C1 and bidi controls, line separators, other invisible
			// format characters: escaped, so a journal printed on a
			// terminal shows them rather than obeying them.
			b = append(b, s[start:i]...)
			b = sanitize.AppendJSONEscape(b, r)
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// syntaxError says where and why a line is not a record.
type syntaxError struct {
	offset int
	msg    string
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("%s (column %d)", e.msg, e.offset+1)
}

// maxDepth bounds the nesting of values skipped as unknown.
const maxDepth = 64

func (d *decoder) bool() (bool, error) {
	d.ws()
	switch {
	case d.literal("true"):
		return true, nil
	case d.literal("false"), d.literal("null"):
		return false, nil
	}
	return false, d.errorf("want true or false")
}

func (d *decoder) int() (int64, error) {
	if d.null() {
		return 0, nil
	}
	neg := d.i < len(d.data) && d.data[d.i] == '-'
	if neg {
		d.i++
	}
	n, err := d.digits()
	switch {
	case err != nil:
		return 0, err
	case neg && n <= 1<<63:
		return -int64(n), nil // 1<<63 wraps to the smallest int64, as wanted
	case !neg && n < 1<<63:
		return int64(n), nil
	}
	return 0, d.errorf("number out of range")
}

// uint reads a non-negative integer.
func (d *decoder) uint() (uint64, error) {
	d.ws()
	return d.digits()
}

// digits reads the digits of an integer.
func (d *decoder) digits() (uint64, error) {
	start := d.i
	var n uint64
	for d.i < len(d.data) && isDigit(d.data[d.i]) {
		c := uint64(d.data[d.i] - '0')
		if n > (1<<64-1-c)/10 {
			return 0, d.errorf("number out of range")
		}
		n = n*10 + c
		d.i++
	}
	switch {
	case d.i == start:
		return 0, d.errorf("want an integer")
	case d.data[start] == '0' && d.i-start > 1:
		return 0, &syntaxError{start, "number with a leading zero"}
	case d.i < len(d.data) && (d.data[d.i] == '.' || d.data[d.i] == 'e' || d.data[d.i] == 'E'):
		return 0, d.errorf("want an integer")
	}
	return n, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// str reads a JSON string. The result aliases the line or the decoder's
// scratch buffer; it is valid until the next string is read.
func (d *decoder) str() ([]byte, error) {
	d.ws()
	if d.i >= len(d.data) || d.data[d.i] != '"' {
		return nil, d.errorf("want a string")
	}
	d.i++
	start := d.i
	d.escaped = false
	for d.i < len(d.data) {
		d.i = plainRun(d.data, d.i)
		if d.i == len(d.data) {
			break
		}
		switch c := d.data[d.i]; {
		case c == '"':
			d.i++
			return d.data[start : d.i-1], nil
		case c == '\\':
			return d.unescape(start)
		default:
			return nil, d.errorf("control character in a string")
		}
	}
	return nil, d.errorf("unterminated string")
}

// stop marks the bytes that end a run of plain string bytes.
var stop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// plainRun returns the index of the first byte at or after i that ends a
// run of plain string bytes (a quote, a backslash or a control character),
// or len(b). It tests eight bytes at a time: long bodies are mostly plain.
func plainRun(b []byte, i int) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		q := w ^ ('"' * ones)  // zero bytes where w has '"'
		s := w ^ ('\\' * ones) // zero bytes where w has '\\'
		// A byte below 0x20, or a zero byte of q or s, sets its high bit
		// here (the classic has-less-than test, exact as a yes or no).
		if ((w-0x20*ones)&^w|(q-ones)&^q|(s-ones)&^s)&highs != 0 {
			break
		}
	}
	for i < len(b) && !stop[b[i]] {
		i++
	}
	return i
}

// unescape continues str from the first backslash, building the string in
// the scratch buffer.
func (d *decoder) unescape(start int) ([]byte, error) {
	d.escaped = true
	b := append(d.scratch[:0], d.data[start:d.i]...)
	defer func() { d.scratch = b[:0] }()
	for d.i < len(d.data) {
		c := d.data[d.i]
		if !stop[c] {
			run := d.i
			d.i = plainRun(d.data, d.i)
			b = append(b, d.data[run:d.i]...)
			continue
		}
		switch c {
		case '"':
			d.i++
			return b, nil
		case '\\':
		default:
			return nil, d.errorf("control character in a string")
		}
		if d.i+1 >= len(d.data) {
			return nil, d.errorf("unterminated string")
		}
		e := d.data[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return nil, d.errorf(`bad \u escape`)
			}
			switch {
			case 0xD800 <= r && r < 0xDC00: // high surrogate: a pair, or invalid
				if lo, ok := d.lowSurrogate(); ok {
					b = utf8.AppendRune(b, 0x10000+(r-0xD800)<<10+(lo-0xDC00))
				} else {
					b = utf8.AppendRune(b, utf8.RuneError)
				}
			case 0xDC80 <= r && r <= 0xDCFF: // a byte that was not UTF-8
				b = append(b, byte(r-0xDC00))
			case 0xDC00 <= r && r < 0xE000:
				b = utf8.AppendRune(b, utf8.RuneError)
			default:
				b = utf8.AppendRune(b, r)
			}
		default:
			return nil, d.errorf("bad escape \\%c", e)
		}
	}
	return nil, d.errorf("unterminated string")
}

// hex4 reads the four hex digits of a \u escape.
func (d *decoder) hex4() (rune, bool) {
	if d.i+4 > len(d.data) {
		return 0, false
	}
	var r rune
	for _, c := range d.data[d.i : d.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.i += 4
	return r, true
}

// lowSurrogate reads a \uDC00–\uDFFF escape that completes a pair, leaving
// anything else unread.
func (d *decoder) lowSurrogate() (rune, bool) {
	if d.i+6 > len(d.data) || d.data[d.i] != '\\' || d.data[d.i+1] != 'u' {
		return 0, false
	}
	save := d.i
	d.i += 2
	r, ok := d.hex4()
	if !ok || r < 0xDC00 || r >= 0xE000 {
		d.i = save
		return 0, false
	}
	return r, true
}

// skip reads and discards one value of any kind.
func (d *decoder) skip(depth int) error {
	if depth > maxDepth {
		return d.errorf("values nested too deeply")
	}
	d.ws()
	if d.i >= len(d.data) {
		return d.errorf("want a value")
	}
	switch c := d.data[d.i]; {
	case c == '"':
		_, err := d.str()
		return err
	case c == '{':
		empty, err := d.enter('{')
		for more := !empty; more && err == nil; {
			if _, err = d.key(); err == nil {
				if err = d.skip(depth + 1); err == nil {
					more, err = d.next('}')
				}
			}
		}
		return err
	case c == '[':
		empty, err := d.enter('[')
		for more := !empty; more && err == nil; {
			if err = d.skip(depth + 1); err == nil {
				more, err = d.next(']')
			}
		}
		return err
	case d.literal("true"), d.literal("false"), d.literal("null"):
		return nil
	case c == '-' || isDigit(c):
		return d.number()
	}
	return d.errorf("want a value")
}

// number reads a JSON number of any form.
func (d *decoder) number() error {
	start := d.i
	if d.data[d.i] == '-' {
		d.i++
	}
	digits := func() int {
		n := 0
		for d.i < len(d.data) && isDigit(d.data[d.i]) {
			d.i++
			n++
		}
		return n
	}
	intStart := d.i
	switch n := digits(); {
	case n == 0:
		return &syntaxError{start, "bad number"}
	case n > 1 && d.data[intStart] == '0':
		return &syntaxError{start, "number with a leading zero"}
	}
	if d.i < len(d.data) && d.data[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return &syntaxError{start, "bad number"}
		}
	}
	if d.i < len(d.data) && (d.data[d.i] == 'e' || d.data[d.i] == 'E') {
		d.i++
		if d.i < len(d.data) && (d.data[d.i] == '+' || d.data[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return &syntaxError{start, "bad number"}
		}
	}
	return nil
}

// enter reads the opening of an object or array, and its closing too when
// it is empty.
func (d *decoder) enter(open byte) (empty bool, err error) {
	d.ws()
	if d.i >= len(d.data) || d.data[d.i] != open {
		if open == '{' {
			return false, d.errorf("want an object")
		}
		return false, d.errorf("want an array")
	}
	d.i++
	d.ws()
	if d.i < len(d.data) && d.data[d.i] == open+2 { // '}' and ']' follow '{' and '[' by two
		d.i++
		return true, nil
	}
	return false, nil
}

// next reads the comma before another member (true) or the closing (false).
func (d *decoder) next(close byte) (bool, error) {
	d.ws()
	if d.i < len(d.data) {
		switch d.data[d.i] {
		case ',':
			d.i++
			return true, nil
		case close:
			d.i++
			return false, nil
		}
	}
	return false, d.errorf("want ',' or '%c'", close)
}

// key reads a member name and its colon. Unlike other strings, the name
// stays valid while its value is read.
func (d *decoder) key() ([]byte, error) {
	k, err := d.str()
	if err != nil {
		return nil, err
	}
	if d.escaped { // k is in the scratch buffer the value may reuse
		k = append([]byte(nil), k...)
	}
	d.ws()
	if d.i >= len(d.data) || d.data[d.i] != ':' {
		return nil, d.errorf("want ':'")
	}
	d.i++
	return k, nil
}

// null reads a null if one comes next.
func (d *decoder) null() bool {
	d.ws()
	return d.literal("null")
}

func (d *decoder) literal(word string) bool {
	if len(d.data)-d.i >= len(word) && string(d.data[d.i:d.i+len(word)]) == word {
		d.i += len(word)
		return true
	}
	return false
}

func (d *decoder) ws() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\r', '\n':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) errorf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if d.i >= len(d.data) {
		msg += ", found the end of the line"
	}
	return &syntaxError{d.i, msg}
}
