package replay

import (
	"testing"
	"unicode/utf8"
)

// FuzzCompareBodies: any two answers compare without panicking, a body
// equals itself, and what is reported is readable text.
func FuzzCompareBodies(f *testing.F) {
	f.Add([]byte(`{"a":[1,{"b":"x"}]}`), []byte(`{"a":[1,{"b":"y"}],"c":null}`))
	f.Add([]byte("\xff\x00"), []byte(`"x"`))
	f.Add([]byte(`1e400`), []byte(`1E400`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if d, n := compareBodies(a, a); len(d) != 0 || n != 0 {
			t.Fatalf("%q differs from itself: %v", a, d)
		}
		diffs, total := compareBodies(a, b)
		if len(diffs) > maxShown || total < len(diffs) || (len(diffs) == 0) != (total == 0) {
			t.Fatalf("%d shown of %d", len(diffs), total)
		}
		for _, d := range diffs {
			if !utf8.ValidString(d.String()) {
				t.Fatalf("not UTF-8: %q", d.String())
			}
		}
		if back, n := compareBodies(b, a); (n == 0) != (total == 0) {
			t.Fatalf("not symmetric: %d vs %d (%v)", total, n, back)
		}
	})
}
