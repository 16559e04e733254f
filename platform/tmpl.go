package platform

import (
	"errors"
	"strings"
)

// tmpl is a text with {placeholders}: {name} or {name:argument}. {{ and }}
// stand for literal braces. What a placeholder may name depends on where
// the template is used (a signed payload, a note, a simulated body); the
// compiler checks the names, so expanding never meets an unknown one.
type tmpl struct {
	src   string
	parts []tpart
}

type tpart struct {
	lit       string
	name, arg string
	ph        bool // a placeholder, not literal text
}

func parseTmpl(s string) (tmpl, error) {
	t := tmpl{src: s}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t.parts = append(t.parts, tpart{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '{' && i+1 < len(s) && s[i+1] == '{':
			lit.WriteByte('{')
			i++
		case c == '}' && i+1 < len(s) && s[i+1] == '}':
			lit.WriteByte('}')
			i++
		case c == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return t, errors.New("{ without its } in " + quote(s) + " (write {{ for a literal brace)")
			}
			inner := s[i+1 : i+end]
			if inner == "" {
				return t, errors.New("an empty {} in " + quote(s))
			}
			flush()
			name, arg, _ := strings.Cut(inner, ":")
			t.parts = append(t.parts, tpart{name: name, arg: arg, ph: true})
			i += end
		case c == '}':
			return t, errors.New("} without its { in " + quote(s) + " (write }} for a literal brace)")
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return t, nil
}

// check calls ok for every placeholder and returns its first error.
func (t *tmpl) check(ok func(name, arg string) error) error {
	for _, p := range t.parts {
		if p.ph {
			if err := ok(p.name, p.arg); err != nil {
				return err
			}
		}
	}
	return nil
}

// uses reports whether the template has a placeholder of that name.
func (t *tmpl) uses(name string) bool {
	for _, p := range t.parts {
		if p.ph && p.name == name {
			return true
		}
	}
	return false
}

// single is the placeholder a template is made of alone, if it is.
func (t *tmpl) single() (tpart, bool) {
	if len(t.parts) == 1 && t.parts[0].ph {
		return t.parts[0], true
	}
	return tpart{}, false
}

// expand fills the placeholders with fn's values.
func (t *tmpl) expand(fn func(name, arg string) string) string {
	if len(t.parts) == 1 && !t.parts[0].ph {
		return t.parts[0].lit
	}
	var b strings.Builder
	for _, p := range t.parts {
		if p.ph {
			b.WriteString(fn(p.name, p.arg))
		} else {
			b.WriteString(p.lit)
		}
	}
	return b.String()
}

// requestPlaceholder checks the placeholders a note may use: values of the
// request.
func requestPlaceholder(name, arg string) error {
	switch name {
	case "json", "form", "header", "query":
		if arg == "" {
			return errors.New("{" + name + ":…} needs a name after the colon")
		}
		return nil
	case "method", "path":
		return nil
	}
	return errors.New("unknown placeholder {" + name + "}: a note may use {json:PATH}, {form:NAME}, {header:NAME}, {query:NAME}, {method}, {path}")
}

// expandRequest fills a note's placeholders from the request; values are
// quoted and cut short, since they come from the network.
func (t *tmpl) expandRequest(in *input) string {
	return t.expand(func(name, arg string) string {
		switch name {
		case "method":
			return quoteShort(in.req.Method)
		case "path":
			return quoteShort(in.req.Path)
		case "json":
			if r := in.get(arg); r.Exists() {
				return quoteShort(r.Raw)
			}
			return "(none)"
		}
		v := in.rootValue(&source{from: map[string]srcKind{"form": srcForm, "header": srcHeader, "query": srcQuery}[name], key: arg})
		return quoteShort(`"` + v + `"`)
	})
}
