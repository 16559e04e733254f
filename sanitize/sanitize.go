// Package sanitize makes untrusted text safe to draw on a terminal. Anything
// from the network may carry control characters, ANSI escape sequences, bidi
// overrides or invalid UTF-8; written raw, they could move the cursor,
// recolour or rewrite the screen, or reorder what the user reads. Here they
// become visible escapes such as `\x1b` or `\u202e`, so the user sees that
// they were there, and widths can be measured on the result.
//
// Widths must also be the same however they are measured. Terminals, and
// Bubble Tea's renderer unless the terminal says otherwise, give each code
// point its own width (wcwidth), while layout code measures grapheme
// clusters: an emoji joined with ZWJ is 2 cells to one and 6 to the other,
// enough to push a pane's border. Where the two disagree, the runes that
// join the cluster are escaped too (`👨\u200d👩`), so no webhook text can
// move a border.
//
// JSON escapes the same invisible runes in machine-readable output.
package sanitize

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Line returns s as one safe line: every control character, newlines and
// tabs included, is escaped.
func Line(s string) string {
	if plainASCII(s) {
		return s
	}
	return sameWidths(escape(s, false))
}

// Text returns s safe to draw over several lines: newlines are kept (a CRLF
// becomes one newline), tabs become four spaces, and every other control
// character is escaped.
func Text(s string) string {
	if plainASCII(s) {
		return s
	}
	return sameWidths(escape(s, true))
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
		case Invisible(r):
			writeEscape(&b, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// writeEscape writes r as Go writes it: \u and four hex digits, or \U and
// eight past U+FFFF, so an escape never runs into the text after it
// (`\u1f3fd` would read as U+1F3F and a "d").
func writeEscape(b *strings.Builder, r rune) {
	prefix, width := `\u`, 4
	if r > 0xffff {
		prefix, width = `\U`, 8
	}
	b.WriteString(prefix)
	h := strconv.FormatInt(int64(r), 16)
	for n := len(h); n < width; n++ {
		b.WriteByte('0')
	}
	b.WriteString(h)
}

// Invisible reports runes past ASCII that must not reach a terminal, nor a
// JSON output, raw: C1 controls (U+0080–U+009F, among them the 8-bit
// CSI), bidi controls (U+202A–U+202E, U+2066–U+2069, the marks), line and
// paragraph separators, and other invisible format characters — except
// the zero-width joiner and tag characters that emoji sequences need.
func Invisible(r rune) bool {
	switch {
	case r < 0x80:
		return false
	case r <= 0x9f:
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	case r == 0x200d || (r >= 0xe0020 && r <= 0xe007f):
		return false
	case r < 0xad:
		return false
	}
	// Every bidi control is a format character (Cf) too.
	return unicode.Is(unicode.Cf, r)
}

// sameWidths escapes the runes that join a grapheme cluster whose width
// differs between the two ways of measuring it (per cluster, per code
// point), so that the text is as wide to a terminal as to the layout:
// `👨\u200d👩\u200d👧`, `👍\U0001f3fd`, `❤\ufe0f`, `क\u094dष`. Should that
// leave a difference, a second pass keeps no rune past ASCII of such a
// cluster.
func sameWidths(s string) string {
	if !mayCluster(s) {
		return s
	}
	s, changed := escapeClusters(s, false)
	if changed && ansi.StringWidth(s) != ansi.StringWidthWc(s) {
		s, _ = escapeClusters(s, true)
	}
	return s
}

// mayCluster reports whether s holds a rune that can join a grapheme
// cluster: none does below U+0300 (combining marks start there).
func mayCluster(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xcc { // the lead byte of U+0300 and above
			return true
		}
	}
	return false
}

func escapeClusters(s string, all bool) (string, bool) {
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		cluster, w := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
		if len(cluster) == 0 {
			break
		}
		if len(cluster) == 1 || w == ansi.StringWidthWc(cluster) {
			b.WriteString(cluster)
			i += len(cluster)
			continue
		}
		// The first rune stays when it stands alone the same way, and the
		// rune that joins it to the rest is escaped, with the runes that
		// would join the escape's text; what follows is measured afresh,
		// as the clusters it makes on its own.
		changed = true
		r, size := utf8.DecodeRuneInString(cluster)
		if r < utf8.RuneSelf || !all && standsAlone(r) {
			b.WriteString(cluster[:size])
			i += size
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		writeEscape(&b, r)
		i += size
		for i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
			if !joinsPrevious(r) {
				break
			}
			writeEscape(&b, r)
			i += size
		}
	}
	if !changed {
		return s, false
	}
	return b.String(), true
}

// standsAlone reports a rune that measures the same both ways on its own,
// and does not join what follows it (as a prepended mark would).
func standsAlone(r rune) bool {
	one := string(r)
	w := ansi.StringWidth(one)
	if w == 0 || w != ansi.StringWidthWc(one) {
		return false
	}
	c, _ := ansi.FirstGraphemeCluster(one+"x", ansi.GraphemeWidth)
	return c == one
}

// joinsPrevious reports a rune that would join the text before it into one
// cluster (a combining or spacing mark, a joiner).
func joinsPrevious(r rune) bool {
	if r < utf8.RuneSelf {
		return false
	}
	c, _ := ansi.FirstGraphemeCluster("x"+string(r), ansi.GraphemeWidth)
	return c != "x"
}

// JSON returns JSON text with every Invisible rune written as a \u escape,
// which any JSON reader turns back into the same text: outside its
// strings, JSON text is ASCII, so such a rune is always inside one. b must
// be valid UTF-8, as encoding/json writes it; it is returned as it is when
// there is nothing to escape.
func JSON(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] < utf8.RuneSelf {
		i++
	}
	if i == len(b) {
		return b
	}
	var out []byte
	start := 0
	for i < len(b) {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if !Invisible(r) {
			i += size
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(b)+16)
		}
		out = append(out, b[start:i]...)
		out = AppendJSONEscape(out, r)
		i += size
		start = i
	}
	if out == nil {
		return b
	}
	return append(out, b[start:]...)
}

// AppendJSONEscape appends r as a JSON \u escape (a surrogate pair past
// U+FFFF).
func AppendJSONEscape(b []byte, r rune) []byte {
	const digits = "0123456789abcdef"
	u4 := func(b []byte, c rune) []byte {
		return append(b, '\\', 'u', digits[c>>12&0xf], digits[c>>8&0xf], digits[c>>4&0xf], digits[c&0xf])
	}
	if r > 0xffff {
		hi, lo := utf16.EncodeRune(r)
		return u4(u4(b, hi), lo)
	}
	return u4(b, r)
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}
