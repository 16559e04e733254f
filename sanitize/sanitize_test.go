package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	cases := []struct{ in, want string }{
		{"hello world", "hello world"},
		{"", ""},
		{"\x1b[2J\x1b[31mred", `\x1b[2J\x1b[31mred`},
		{"a\nb\r\tc", `a\nb\r\tc`},
		{"bell\x07 del\x7f", `bell\x07 del\x7f`},
		{"8-bit csi \u009b31m", `8-bit csi \u009b31m`},
		{"abc\u202edcba", `abc\u202edcba`},
		{"iso\u2066late\u2069", `iso\u2066late\u2069`},
		{"mark\u200e\u200f", `mark\u200e\u200f`},
		{"sep\u2028x", `sep\u2028x`},
		{"bom\ufeff", `bom\ufeff`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`},
		{"héllo wörld 日本語 😀", "héllo wörld 日本語 😀"},
		{"family 👨\u200d👩\u200d👧", "family 👨\u200d👩\u200d👧"},
	}
	for _, c := range cases {
		if got := Line(c.in); got != c.want {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"one\ntwo", "one\ntwo"},
		{"crlf\r\nline", "crlf\nline"},
		{"lone\rcr", `lone\rcr`},
		{"tab\there", "tab    here"},
		{"\x1b]0;title\x07", `\x1b]0;title\x07`},
	}
	for _, c := range cases {
		if got := Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[31m", "\u202e", "\xff", "a\r\nb", "\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Line(s), Text(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 out of %q: %q", s, out)
			}
			for _, r := range out {
				if r == 0x1b || r == 0x7f || (r < 0x20 && r != '\n') || (r >= 0x80 && r <= 0x9f) || unsafeRune(r) {
					t.Fatalf("unsafe rune %U left in %q (from %q)", r, out, s)
				}
			}
		}
		if strings.Contains(Line(s), "\n") {
			t.Fatalf("Line kept a newline: %q", s)
		}
	})
}

func BenchmarkLineASCII(b *testing.B) {
	s := strings.Repeat("plain ascii text ", 8)
	for b.Loop() {
		_ = Line(s)
	}
}

func BenchmarkLineHostile(b *testing.B) {
	s := strings.Repeat("\x1b[31mred\u202e text \xff ", 8)
	for b.Loop() {
		_ = Line(s)
	}
}
