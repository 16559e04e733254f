package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/harkhq/hark/platform"
)

// The platform package tree is the single source of truth for a platform:
// outside it, hark reaches platforms through the registry and never names
// one. TestNoPlatformNamedOutsideProfiles holds that rule for non-test Go
// code: no identifier contains a platform's name, and no string literal is
// a platform's name or title (ignoring case). Comments and prose that
// mention a platform among other words are fine.
//
// The fallback profile's name ("generic") is an ordinary word, so an
// identifier is refused only when it is exactly that name (a field called
// generic), not when it merely contains it (genericError); its name and
// title as whole string literals are refused like the others'.

// platformWords are what the rule forbids, taken from the registry so that
// a new profile is covered without editing this test.
type platformWords struct {
	inIdent   []string // lower-case names no identifier may contain
	asIdent   []string // lower-case names no identifier may be
	asLiteral []string // names and titles no string literal may be
}

func registryWords() platformWords {
	var w platformWords
	for _, p := range platform.Profiles() {
		name := strings.ToLower(p.Name)
		if p == platform.Fallback() {
			w.asIdent = append(w.asIdent, name)
		} else {
			w.inIdent = append(w.inIdent, name)
		}
		w.asLiteral = append(w.asLiteral, p.Name, p.Title)
	}
	return w
}

// namings returns file:line of each place in a file that names a platform.
func (w platformWords) namings(fset *token.FileSet, f *ast.File) []string {
	var out []string
	report := func(pos token.Pos, what string) {
		out = append(out, fset.Position(pos).String()+": "+what)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			lower := strings.ToLower(n.Name)
			for _, name := range w.inIdent {
				if strings.Contains(lower, name) {
					report(n.Pos(), "identifier "+n.Name+" contains the platform name "+name)
					return true
				}
			}
			for _, name := range w.asIdent {
				if lower == name {
					report(n.Pos(), "identifier "+n.Name+" is the platform name "+name)
				}
			}
		case *ast.BasicLit:
			if n.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(n.Value)
			if err != nil {
				return true
			}
			for _, word := range w.asLiteral {
				if strings.EqualFold(s, word) {
					report(n.Pos(), "string "+n.Value+" names the platform "+word)
					break
				}
			}
		}
		return true
	})
	return out
}

// moduleNamings walks the module's non-test Go files outside the platform
// tree (and outside testdata and hidden directories).
func moduleNamings(t *testing.T, root string, w platformWords) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if rel == "platform" || name == "testdata" || name == "vendor" || (rel != "." && strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		out = append(out, w.namings(fset, f)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNoPlatformNamedOutsideProfiles(t *testing.T) {
	w := registryWords()
	for _, place := range moduleNamings(t, ".", w) {
		t.Errorf("%s: ask the registry (platform.Profiles, Lookup, Find) instead", place)
	}
}

// TestPlatformNamingsFound: the rule finds what it forbids, and lets
// comments, prose and ordinary words through.
func TestPlatformNamingsFound(t *testing.T) {
	w := platformWords{inIdent: []string{"acme"}, asIdent: []string{"generic"}, asLiteral: []string{"acme", "Acme Voice", "generic"}}
	src := `package x

// acme is fine in a comment; so is "acme" in one.
var (
	acmeColor   = 1                       // line 5: contains a name
	colorOfACME = 2                       // 6: contains a name, in capitals
	generic     = 3                       // 7: is the fallback's name
	genericErr  = 4                       // an ordinary word
	a           = "ACME VOICE"            // 9: a title
	b           = "acme is a platform"    // prose
	c           = ` + "`generic`" + `     // 11: the fallback's name
	d           = []string{"x", "acme"}   // 12: a name
)
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, place := range w.namings(fset, f) {
		rest := strings.TrimPrefix(place, "x.go:")
		n, _ := strconv.Atoi(rest[:strings.IndexByte(rest, ':')])
		lines = append(lines, n)
	}
	if want := []int{5, 6, 7, 9, 11, 12}; !slices.Equal(lines, want) {
		t.Errorf("found at lines %v, want %v", lines, want)
	}
}
