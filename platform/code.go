package platform

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
)

// code is what a built-in profile needs that its file cannot say. Each
// part says what it does, for `hark platforms show`.
type code struct {
	simulate simulator // builds conversations whose bodies a template cannot
	check    checker   // notes that compare fields with each other, or a check of a scheme the format lacks
	signSim  signer    // signs simulated requests as a scheme the format lacks requires
	secret   *Secret   // what --secret NAME=… is, for a scheme that check reads
	about    []string  // one line per part, for people
}

type (
	checker   func(in *input, c *Classification)
	simulator func(g *gen) []SimRequest
	signer    func(g *gen, r *SimRequest)
)

// codeParts attaches Go code to built-in profiles, by name: one line per
// profile that needs some. A profile file needs no line here.
var codeParts = map[string]*code{
	"botframework": &botframeworkCode,
	"chatbot":      &chatbotCode,
	"moveo":        &moveoCode,
	"generic":      &genericCode,
}

// builtinFiles are the built-in profiles. builtinOrder puts the first ones
// in the order that breaks their detection ties; the others follow in the
// order of their file names, and the fallback comes last.
var (
	//go:embed profiles/*.yaml
	builtinFiles embed.FS
	builtinOrder = []string{"navtalk", "chatbot", "moveo"}
)

// fallbackName is the profile of requests no other recognizes.
const fallbackName = "generic"

var builtin = sync.OnceValue(func() *Registry {
	r, err := compileBuiltins(builtinFiles)
	if err != nil {
		panic("a built-in profile does not compile (TestBuiltinsCompile says which): " + err.Error())
	}
	return r
})

// Builtin returns the registry of the profiles that ship with hark.
func Builtin() *Registry { return builtin() }

// compileBuiltins compiles the embedded profile files and attaches their
// code.
func compileBuiltins(fsys fs.FS) (*Registry, error) {
	files, err := fs.Glob(fsys, "profiles/*.yaml")
	if err != nil {
		return nil, err
	}
	var profiles []*Profile
	var fallback *Profile
	var errs FormatErrors
	for _, f := range files {
		src, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		p, err := Compile("built-in "+path.Base(f), src)
		if err != nil {
			errs = append(errs, err.(FormatErrors)...)
			continue
		}
		p.file, p.builtin = "built-in", true
		p.Common = p.Common && p.commonSet
		p.code = codeParts[p.Name]
		if p.code != nil && p.code.secret != nil && p.Secret == nil {
			secret := *p.code.secret
			p.Secret = &secret
		}
		if p.Name == fallbackName {
			fallback = p
			continue
		}
		profiles = append(profiles, p)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if fallback == nil {
		return nil, fmt.Errorf("no %s profile among the built-in files", fallbackName)
	}
	slices.SortStableFunc(profiles, func(a, b *Profile) int {
		ia, ib := slices.Index(builtinOrder, a.Name), slices.Index(builtinOrder, b.Name)
		switch {
		case ia >= 0 && ib >= 0:
			return ia - ib
		case ia >= 0:
			return -1
		case ib >= 0:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return newRegistry(profiles, fallback), nil
}
