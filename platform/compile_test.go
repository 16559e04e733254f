package platform

import (
	"errors"
	"strings"
	"testing"
)

// minimal is the smallest profile the format accepts, which the cases
// below break one line at a time.
const minimal = `name: acme
title: Acme Voice
match:
  path: /acme/*
`

// TestCompileErrors: every mistake is reported at its line, in words that
// say what is wrong.
func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		want      string
	}{
		{"not yaml", "name: acme\ntitle: [oops\n", 0, "not valid YAML"},
		{"empty", "", 1, "the file is empty"},
		{"unknown key", minimal + "sesion: [id]\n", 5, `unknown key "sesion" in the profile (did you mean session?)`},
		{"unknown key far from any", minimal + "colour: red\n", 5, "known: name, title"},
		{"no name", "title: Acme\nmatch: {path: /x}\n", 1, "a profile needs a name"},
		{"bad name", "name: Acme Voice\ntitle: A\nmatch: {path: /x}\n", 1, `name "Acme Voice"`},
		{"no title", "name: acme\nmatch: {path: /x}\n", 1, "needs a title"},
		{"bad badge", minimal + "badge: acme\n", 5, `badge "acme"`},
		{"bad glob", "name: acme\ntitle: A\nmatch:\n  path: /acme/[a-\n", 4, "bad glob"},
		{"bad regexp", "name: acme\ntitle: A\nmatch:\n  json: {event: \"/call(/\"}\n", 4, "bad regular expression"},
		{"mixed negation", "name: acme\ntitle: A\nmatch:\n  json: {event: [a, \"!b\"]}\n", 4, "negate all the patterns"},
		{"bad gjson path", "name: acme\ntitle: A\nmatch:\n  json: {\"call.(id\": \"*\"}\n", 4, "bad gjson path"},
		{"bad modifier", minimal + "session: [\"@nope\"]\n", 5, "@nope is not a gjson modifier"},
		{"empty path part", minimal + "session: [call..id]\n", 5, "empty part"},
		{"match tests nothing", "name: acme\ntitle: A\nmatch:\n  strength: header\n", 3, "tests nothing"},
		{"bad strength", "name: acme\ntitle: A\nmatch:\n  path: /x\n  strength: strong\n", 5, "write path, shape or header"},
		{"bad body kind", "name: acme\ntitle: A\nmatch:\n  body: xml\n", 4, "write json, form, empty or other"},
		{"bad duration", minimal + "consumed:\n  call: {deadline: 5x, default: {}}\n", 6, `deadline "5x" is not a duration`},
		{"zero duration", minimal + "consumed:\n  call: {deadline: 0s, default: {}}\n", 6, "above 0"},
		{"no deadline", minimal + "consumed:\n  call: {default: {}}\n", 6, "has no deadline"},
		{"no default", minimal + "consumed:\n  call: {deadline: 5s}\n", 6, "has no default"},
		{"deadline of an ignored kind", minimal + "kinds:\n  call: {response: ignored, deadline: 5s}\n", 6, "only a consumed response has one"},
		{"bad use", minimal + "response: maybe\n", 5, "write consumed, ignored or unknown"},
		{"bad size", minimal + "limit: lots\n", 5, "a size is a positive number"},
		{"bad status", minimal + "default: {status: 99}\n", 5, "not an HTTP status"},
		{"unknown algorithm", minimal + "signature:\n  hmac: md5\n  header: X-Sig\n", 6, `unknown algorithm "md5"`},
		{"bad encoding", minimal + "signature:\n  hmac: sha1\n  header: X-Sig\n  encoding: hex64\n", 8, "write hex or base64"},
		{"hmac without header", minimal + "signature:\n  hmac: sha1\n", 5, "needs header"},
		{"hmac and token", minimal + "signature:\n  hmac: sha1\n  token: header:X\n", 5, "not both"},
		{"token in the body", minimal + "signature:\n  token: secret\n", 6, "write header:NAME or query:NAME"},
		{"bad payload placeholder", minimal + "signature:\n  hmac: sha256\n  header: X\n  payload: \"{bodyy}\"\n", 8, "unknown placeholder {bodyy}"},
		{"format without sig", minimal + "signature:\n  hmac: sha256\n  header: X\n  format: \"v={t}\"\n", 8, "{sig}"},
		{"format parts side by side", minimal + "signature:\n  hmac: sha256\n  header: X\n  format: \"{t}{sig}\"\n", 8, "side by side"},
		{"format part without a value", minimal + "signature:\n  hmac: sha256\n  header: X\n  format: \"t={t},s={sig}\"\n", 8, "say under parts"},
		{"handshake without match", minimal + "handshake:\n  echo: query:c\n", 5, "handshake needs match"},
		{"handshake answer without echo", minimal + "handshake:\n  match: {method: GET}\n  echo: query:c\n  answer: {text: hi}\n", 8, "must hold {echo}"},
		{"unknown kind in a rule", minimal + "kind:\n  - {when: {path: /x}, is: nope}\n", 6, `"nope" is not one of the profile's kinds`},
		{"unknown fallback", minimal + "kinds: {a: A}\nfallback: b\n", 6, `fallback "b"`},
		{"duplicate value", minimal + "kind: event\nkinds:\n  a: {values: [x]}\n  b: {values: [x]}\n", 8, "already names kind a"},
		{"kind name with a space", minimal + "kinds:\n  \"call started\": x\n", 6, "without spaces"},
		{"turn without text", minimal + "turns:\n  - role: who\n", 6, "needs text"},
		{"bad role", minimal + "turns:\n  - {text: t, as: bot}\n", 6, "user, ai or system"},
		{"bad marker", minimal + "turns:\n  - {marker: opened}\n", 6, "hark knows created and closed"},
		{"duplicate key", minimal + "title: again\n", 5, "key title is given twice"},
		{"simulate unknown placeholder", minimal + "simulate:\n  steps:\n    - {kind: webhook, json: {id: \"{sesion}\"}}\n", 7, "unknown placeholder {sesion}"},
		{"simulate unknown kind", minimal + "simulate:\n  steps:\n    - {kind: nope}\n", 7, `kind "nope" is not one of the profile's kinds`},
		{"simulate bad wait", minimal + "simulate:\n  steps:\n    - {kind: webhook, wait: 3s..1s}\n", 7, "write a wait like"},
		{"simulate each without scripts", minimal + "simulate:\n  steps:\n    - {kind: webhook, each: lines}\n", 7, "needs scripts"},
		{"script line", minimal + "simulate:\n  scripts:\n    - - {user: hi, ai: hello}\n  steps: [{kind: webhook}]\n", 7, "one speaker"},
		{"secret without use", minimal + "secret: {value: TOKEN}\n", 5, "no signature and no handshake token"},
		{"alias bomb", "name: a\ntitle: A\nmatch: {path: /x}\nx0: &a [1,1,1,1,1,1,1,1,1,1]\nx1: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nx2: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nx3: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\nx4: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nx5: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n", 0, "through its aliases"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile("acme.yaml", []byte(tt.src))
			var fe FormatErrors
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want FormatErrors", err)
			}
			for _, e := range fe {
				if strings.Contains(e.Msg, tt.want) && (tt.line == 0 || e.Line == tt.line) && e.File == "acme.yaml" {
					if !strings.HasPrefix(e.Error(), "acme.yaml:") {
						t.Errorf("error %q does not start with file:line", e.Error())
					}
					return
				}
			}
			t.Errorf("want line %d: …%s…, got:\n%v", tt.line, tt.want, err)
		})
	}
}

// TestCompileMinimal: a profile needs only a name, a title and a match;
// what it leaves out gets sensible defaults.
func TestCompileMinimal(t *testing.T) {
	p, err := Compile("acme.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if p.Badge != "ACM" || len(p.Kinds) != 1 || p.Kinds[0].Name != "webhook" || p.Verification != "none" || p.Secret != nil || !p.Common {
		t.Fatalf("%+v", p)
	}
	if k := p.Kinds[0]; k.Consumed() || k.Default.Status != 200 || k.Default.Body != "" {
		t.Fatalf("default kind %+v", k)
	}
	if len(p.detect) != 1 || p.detect[0].strength != byPath {
		t.Fatalf("detect %+v", p.detect)
	}
	if p.Simulated() || p.Resigns() {
		t.Fatal("a minimal profile simulates or signs")
	}
}

// TestBuiltinsCompile: every built-in file compiles, in its order, with
// its code, and the fallback last.
func TestBuiltinsCompile(t *testing.T) {
	r, err := compileBuiltins(builtinFiles)
	if err != nil {
		t.Fatal(err)
	}
	names := r.Names()
	if names[0] != "navtalk" || names[1] != "chatbot" || names[2] != "moveo" || names[len(names)-1] != "generic" {
		t.Fatalf("order %v", names)
	}
	for _, p := range r.Profiles() {
		if !p.Builtin() || p.File() != "built-in" || len(p.source) == 0 {
			t.Errorf("%s: builtin %v file %q", p.Name, p.Builtin(), p.File())
		}
		if c, ok := codeParts[p.Name]; ok && p.code != c {
			t.Errorf("%s: its code is not attached", p.Name)
		}
	}
	for name := range codeParts {
		if _, ok := r.Lookup(name); !ok {
			t.Errorf("code for %s, which no file describes", name)
		}
	}
}
