package sanitize

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
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
		{"family 👨\u200d👩\u200d👧", `family 👨\u200d👩\u200d👧`},
		{"thumb 👍🏽 heart ❤️ flag 🇫🇷", `thumb 👍\U0001f3fd heart ❤\ufe0f flag 🇫🇷`},
		{"rainbow 🏳️\u200d🌈", `rainbow 🏳\ufe0f\u200d🌈`},
		{"क्ष กำ", `क\u094dष ก\u0e33`},
		{"नमस्ते", `नमस\u094dते`}, // only the joiner: ते measures the same both ways
		{"café e\u0301 한국", "café e\u0301 한국"},
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
	for _, s := range []string{"plain", "\x1b[31m", "\u202e", "\xff", "a\r\nb", "\u009b",
		"👨\u200d👩\u200d👧", "👍🏽", "❤️", "🇫🇷🇩", "क्ष", "กำ", "\u1100\u1161\u11a8", "\u0d4ea", "e\u0301\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Line(s), Text(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 out of %q: %q", s, out)
			}
			for _, r := range out {
				if r == 0x1b || r == 0x7f || (r < 0x20 && r != '\n') || (r >= 0x80 && r <= 0x9f) || Invisible(r) {
					t.Fatalf("unsafe rune %U left in %q (from %q)", r, out, s)
				}
			}
		}
		if strings.Contains(Line(s), "\n") {
			t.Fatalf("Line kept a newline: %q", s)
		}
		// As wide to a terminal (a width per code point) as to the layout
		// (a width per grapheme cluster), line by line.
		for _, line := range append(strings.Split(Text(s), "\n"), Line(s)) {
			if g, wc := ansi.StringWidth(line), ansi.StringWidthWc(line); g != wc {
				t.Fatalf("%q is %d cells by grapheme, %d by code point (from %q)", line, g, wc, s)
			}
		}
	})
}

func TestJSON(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"a":"plain"}`, `{"a":"plain"}`},
		{"{\"a\":\"8-bit csi \u009b31m\"}", `{"a":"8-bit csi \u009b31m"}`},
		{"{\"a\":\"abc\u202edcba \u2066x\u2069\"}", `{"a":"abc\u202edcba \u2066x\u2069"}`},
		{"{\"a\":\"tag \U000e0001 日本 😀 👨\u200d👩\"}", "{\"a\":\"tag \\udb40\\udc01 日本 😀 👨\u200d👩\"}"},
	}
	for _, c := range cases {
		got := JSON([]byte(c.in))
		if string(got) != c.want {
			t.Errorf("JSON(%q) = %q, want %q", c.in, got, c.want)
		}
		var in, out any
		if json.Unmarshal([]byte(c.in), &in) != nil || json.Unmarshal(got, &out) != nil || !reflect.DeepEqual(in, out) {
			t.Errorf("JSON(%q) changed the meaning: %v, was %v", c.in, out, in)
		}
	}
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

func BenchmarkLineEmoji(b *testing.B) {
	s := strings.Repeat("family 👨\u200d👩\u200d👧 thumbs 👍🏽 日本語 ", 8)
	for b.Loop() {
		_ = Line(s)
	}
}

// Text made of the runes that join clusters, at random: every output is
// as wide by grapheme cluster as by code point.
func TestSameWidthsOnJoiningRunes(t *testing.T) {
	pool := []rune("ax1 \u200d\u200c\ufe0f\ufe0e\u0301\u0903\u094d\u0e33\u0d81\u0d4e\u20e3👨👩👧👍🏽🏻🇫🇷🏳🌈❤☝क्षतेกำ\u1100\u1161\u11a8\uac00\U000e0067\U000e007f🏴")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var sb strings.Builder
		for range 1 + rng.IntN(12) {
			sb.WriteRune(pool[rng.IntN(len(pool))])
		}
		in := sb.String()
		if out := Line(in); ansi.StringWidth(out) != ansi.StringWidthWc(out) {
			t.Fatalf("Line(%+q) = %+q: %d cells by grapheme, %d by code point", in, out, ansi.StringWidth(out), ansi.StringWidthWc(out))
		}
	}
}
