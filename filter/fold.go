package filter

import (
	"math"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// ContainsFold reports whether sub (lower case) occurs in s, ignoring
// case, without allocating: filters run over every exchange on each
// keystroke, so candidates are found with strings.IndexByte (vectorized)
// for both cases of the first byte.
func ContainsFold(s, sub string) bool {
	n := len(sub)
	switch {
	case n == 0:
		return true
	case n > len(s):
		return false
	}
	c := sub[0]
	if c >= utf8.RuneSelf {
		return containsFoldSlow(s, sub)
	}
	lo, up := c, c
	if 'a' <= c && c <= 'z' {
		up = c - ('a' - 'A')
	}
	last := len(s) - n // the last index a match can start at
	hay := s[:last+1]
	nextLo, nextUp := -1, -1 // -1: not looked for past i yet
	for i := 0; i <= last; {
		if nextLo < i {
			nextLo = indexFrom(hay, lo, i)
		}
		if nextUp < i {
			nextUp = indexFrom(hay, up, i)
		}
		j := min(nextLo, nextUp)
		if j == notFound {
			return false
		}
		if strings.EqualFold(s[j:j+n], sub) {
			return true
		}
		i = j + 1
	}
	return false
}

const notFound = math.MaxInt

// indexFrom is the index of c in s at or after from, or notFound.
func indexFrom(s string, c byte, from int) int {
	if k := strings.IndexByte(s[from:], c); k >= 0 {
		return from + k
	}
	return notFound
}

// containsFoldSlow handles a search text starting with a non-ASCII rune.
func containsFoldSlow(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// HasPrefixFold reports whether s starts with prefix, ignoring case.
func HasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// ContainsFoldBytes is ContainsFold for a body. It reads the bytes as a
// string without copying them: bodies are never written once captured
// (model's rule for stored exchanges), and filters scan every body on each
// keystroke.
func ContainsFoldBytes(s []byte, sub string) bool {
	return ContainsFold(unsafe.String(unsafe.SliceData(s), len(s)), sub)
}
