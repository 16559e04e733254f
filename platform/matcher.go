package platform

import (
	"errors"
	"regexp"
	"strings"
)

// A matcher tests a value read from a request (a path, a header, a body
// field) against what a profile wrote: a glob, a /regular expression/, a
// list of either (any may match), each optionally negated with a leading !
// (a value that is there and does not match). A value that is not there
// matches only the absent matcher, written null (~) in a file; a JSON null
// counts as absent.
type matcher struct {
	src    string // as written, for `hark platforms show` and messages
	neg    bool
	absent bool
	alts   []pattern
}

type patOp uint8

const (
	opAny      patOp = iota // *: anything, as long as it is there
	opExact                 // no wildcard
	opPrefix                // abc*
	opSuffix                // *abc
	opContains              // *abc*
	opRegexp                // any other glob, or a /regular expression/
)

type pattern struct {
	op patOp
	s  string
	re *regexp.Regexp
}

// test reports whether a value matches; exists is false when the request
// has no such value.
func (m *matcher) test(v string, exists bool) bool {
	if m.absent {
		return !exists || v == "null"
	}
	if !exists {
		return false
	}
	for i := range m.alts {
		if m.alts[i].test(v) {
			return !m.neg
		}
	}
	return m.neg
}

func (p *pattern) test(v string) bool {
	switch p.op {
	case opAny:
		return true
	case opExact:
		return v == p.s
	case opPrefix:
		return strings.HasPrefix(v, p.s)
	case opSuffix:
		return strings.HasSuffix(v, p.s)
	case opContains:
		return strings.Contains(v, p.s)
	}
	return p.re.MatchString(v)
}

// newMatcher compiles the patterns of one matcher, all negated or none: a
// list [a, b] matches a or b; "!a" matches anything but a.
func newMatcher(pats []string) (matcher, error) {
	m := matcher{src: strings.Join(pats, ", ")}
	if len(pats) == 0 {
		return m, errors.New("an empty list of patterns matches nothing")
	}
	for i, s := range pats {
		neg := strings.HasPrefix(s, "!")
		if neg {
			s = s[1:]
		}
		if i == 0 {
			m.neg = neg
		} else if neg != m.neg {
			return m, errors.New("negate all the patterns of a list or none (a list matches any of them)")
		}
		p, err := compilePattern(s)
		if err != nil {
			return m, err
		}
		m.alts = append(m.alts, p)
	}
	return m, nil
}

// compilePattern reads one glob (* any run of characters, also /; ? one
// character; [abc] [a-z] [!a] a class; \ quotes the next character) or a
// /regular expression/ (Go syntax, unanchored).
func compilePattern(s string) (pattern, error) {
	if len(s) >= 2 && s[0] == '/' && s[len(s)-1] == '/' {
		re, err := regexp.Compile(s[1 : len(s)-1])
		if err != nil {
			return pattern{}, errors.New("bad regular expression " + s + ": " + strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
		return pattern{op: opRegexp, re: re}, nil
	}
	if s == "*" {
		return pattern{op: opAny}, nil
	}
	if !strings.ContainsAny(s, `*?[\`) {
		return pattern{op: opExact, s: s}, nil
	}
	// Common shapes without a regular expression: abc*, *abc, *abc*.
	inner := strings.Trim(s, "*")
	if !strings.ContainsAny(inner, `*?[\`) {
		lead, trail := strings.HasPrefix(s, "*"), strings.HasSuffix(s, "*")
		switch {
		case lead && trail:
			return pattern{op: opContains, s: inner}, nil
		case lead:
			return pattern{op: opSuffix, s: inner}, nil
		default:
			return pattern{op: opPrefix, s: inner}, nil
		}
	}
	expr, err := globRegexp(s)
	if err != nil {
		return pattern{}, err
	}
	return pattern{op: opRegexp, re: regexp.MustCompile(expr)}, nil
}

// globRegexp translates a glob into an anchored regular expression.
func globRegexp(g string) (string, error) {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	for i := 0; i < len(g); i++ {
		switch c := g[i]; c {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '\\':
			if i+1 == len(g) {
				return "", errors.New("bad glob " + quote(g) + `: it ends with a lone \`)
			}
			i++
			b.WriteString(regexp.QuoteMeta(g[i : i+1]))
		case '[':
			end := strings.IndexByte(g[i+1:], ']')
			if end < 0 {
				return "", errors.New("bad glob " + quote(g) + ": [ without its ]")
			}
			class := g[i+1 : i+1+end]
			if class == "" || class == "!" {
				return "", errors.New("bad glob " + quote(g) + ": an empty [] class")
			}
			if class[0] == '!' {
				class = "^" + class[1:]
			}
			if _, err := regexp.Compile("[" + class + "]"); err != nil {
				return "", errors.New("bad glob " + quote(g) + ": the class [" + g[i+1:i+1+end] + "] does not parse")
			}
			b.WriteString("[" + class + "]")
			i += end + 1
		default:
			b.WriteString(regexp.QuoteMeta(g[i : i+1]))
		}
	}
	b.WriteString(`)$`)
	return b.String(), nil
}

func quote(s string) string { return `"` + s + `"` }
