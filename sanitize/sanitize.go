// Package sanitize makes untrusted text safe to draw on a terminal. Anything
// from the network may carry control characters, ANSI escape sequences, bidi
// overrides or invalid UTF-8; written raw, they could move the cursor,
// recolour or rewrite the screen, or reorder what the user reads. Here they
// become visible escapes such as `\x1b` or `\u202e`, so the user sees that
// they were there, and widths can be measured on the result.
package sanitize

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line returns s as one safe line: every control character, newlines and
// tabs included, is escaped.
func Line(s string) string {
	if plainASCII(s) {
		return s
	}
	return escape(s, false)
}

// Text returns s safe to draw over several lines: newlines are kept (a CRLF
// becomes one newline), tabs become four spaces, and every other control
// character is escaped.
func Text(s string) string {
	if plainASCII(s) {
		return s
	}
	return escape(s, true)
}

// Bytes is Line for raw bytes.
func Bytes(b []byte) string { return Line(string(b)) }

// plainASCII reports whether s is printable ASCII only, the common case that
// needs no copy.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

func escape(s string, multiline bool) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case multiline && r == '\n':
			b.WriteByte('\n')
		case multiline && r == '\r' && i+1 < len(s) && s[i+1] == '\n':
			// CRLF: the LF that follows is written on its own.
		case multiline && r == '\t':
			b.WriteString("    ")
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			b.WriteString(hex2(byte(r)))
		case unsafeRune(r):
			b.WriteString(`\u`)
			h := strconv.FormatInt(int64(r), 16)
			for n := len(h); n < 4; n++ {
				b.WriteByte('0')
			}
			b.WriteString(h)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafeRune reports runes past ASCII that must not reach the terminal raw:
// C1 controls (U+0080–U+009F, among them the 8-bit CSI), bidi controls, line
// and paragraph separators, and invisible format characters — except the
// zero-width joiner and tag characters that emoji sequences need.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	case unicode.Is(unicode.Bidi_Control, r):
		return true
	case r == 0x200d || (r >= 0xe0020 && r <= 0xe007f):
		return false
	case unicode.Is(unicode.Cf, r):
		return true
	}
	return false
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}
