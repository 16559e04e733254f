package platform

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

func compileT(t *testing.T, file, src string) *Profile {
	t.Helper()
	p, err := Compile(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadUsersProfiles(t *testing.T) {
	acme := compileT(t, "acme.yaml", minimal+"kind: event\nkinds: {call.started: started}\n")
	r, err := Load([]*Profile{acme}, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := r.Names()
	if names[len(names)-2] != "acme" || names[len(names)-1] != "generic" {
		t.Fatalf("order %v: users' profiles go after the built-ins, before the fallback", names)
	}
	c := r.Classify(post("/acme/calls", []byte(`{"event":"call.started"}`)), nil)
	if c.Platform != "acme" || c.Kind != "call.started" {
		t.Fatalf("%s/%s", c.Platform, c.Kind)
	}
	if acme.Builtin() || acme.File() != "acme.yaml" || !acme.Common {
		t.Fatalf("user profile %v %q %v", acme.Builtin(), acme.File(), acme.Common)
	}
	// The built-in registry is not changed by loading.
	if _, ok := Builtin().Lookup("acme"); ok {
		t.Fatal("Load changed the built-in registry")
	}
}

func TestLoadRefusesClashes(t *testing.T) {
	tests := []struct {
		name  string
		srcs  []string
		want  string
		file  string
		line  int
		clean bool // no error: a notice instead
	}{
		{"built-in name", []string{"name: navtalk\ntitle: Mine\nmatch: {path: /x}\n"}, "name of a built-in profile", "u0.yaml", 1, false},
		{"fallback", []string{"name: generic\ntitle: Mine\noverride: true\nmatch: {path: /x}\n"}, "fallback profile", "u0.yaml", 1, false},
		{"override of nothing", []string{minimal + "override: true\n"}, "not the name of a built-in", "u0.yaml", 1, false},
		{"two files, one name", []string{minimal, "# again\nname: acme\ntitle: Other\nbadge: OTH\nmatch: {path: /y}\n"}, "also the name of the profile in u0.yaml", "u1.yaml", 2, false},
		{"title of a built-in", []string{"name: mine\ntitle: moveo.AI\nmatch: {path: /x}\n"}, "title", "u0.yaml", 1, false},
		{"badge of another", []string{minimal, "name: acme2\ntitle: Acme Two\nmatch: {path: /y}\n"}, "badge ACM", "u1.yaml", 1, false},
		{"override", []string{"name: navtalk\ntitle: NavTalk\nbadge: NAV\noverride: true\nmatch: {path: /x}\n"}, "replaces the built-in", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var users []*Profile
			for i, src := range tt.srcs {
				users = append(users, compileT(t, "u"+string(rune('0'+i))+".yaml", src))
			}
			r, err := Load(users, nil)
			if tt.clean {
				if err != nil || len(r.Notices()) != 1 || !strings.Contains(r.Notices()[0], tt.want) {
					t.Fatalf("err %v notices %q", err, r.Notices())
				}
				p, _ := r.Lookup("navtalk")
				if p.Builtin() || r.Names()[0] != "navtalk" {
					t.Fatalf("the override does not take the built-in's place: %v", r.Names())
				}
				return
			}
			var fe FormatErrors
			if !errors.As(err, &fe) || len(fe) != 1 {
				t.Fatalf("error %v", err)
			}
			if e := fe[0]; e.File != tt.file || e.Line != tt.line || !strings.Contains(e.Msg, tt.want) {
				t.Fatalf("%s:%d: %s, want %s:%d …%s…", e.File, e.Line, e.Msg, tt.file, tt.line, tt.want)
			}
		})
	}
}

// TestRegistryConcurrentReaders: once loaded, a registry is read by any
// number of goroutines (the race detector watches).
func TestRegistryConcurrentReaders(t *testing.T) {
	r, err := Load([]*Profile{compileT(t, "acme.yaml", minimal)}, map[string]string{"chatbot": "conversationId"})
	if err != nil {
		t.Fatal(err)
	}
	useRegistry(t, r)
	body := testdata(t, "chatbot_old.json")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				c := Classify(post("/chatbot", body), nil)
				DefaultResponse(c)
				Profiles()
				Lookup("acme")
				TitleOf("acme")
			}
		})
	}
	wg.Wait()
}
