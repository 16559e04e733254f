package platform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// gjsonScan is what the body's scan replaced: gjson's validation, then its
// ForEach over an object's members or its count of an array's elements.
func gjsonScan(s string) scanned {
	want := scanned{valid: gjson.Valid(s)}
	if !want.valid {
		return want
	}
	root := gjson.Parse(s)
	want.root = strings.TrimLeft(s, " \t\r\n")[0]
	switch {
	case root.IsObject():
		root.ForEach(func(k, v gjson.Result) bool {
			want.top = append(want.top, member{k.Str, v.Raw})
			return true
		})
	case root.IsArray():
		want.count = int(gjson.Get(s, "#").Int())
	}
	return want
}

func checkScan(t *testing.T, s string) {
	t.Helper()
	got, want := scanJSON(s, nil), gjsonScan(s)
	if got.valid != want.valid {
		t.Fatalf("%q: valid %v, gjson says %v", s, got.valid, want.valid)
	}
	if !got.valid {
		return
	}
	if got.root != want.root || got.count != want.count || len(got.top) != len(want.top) {
		t.Fatalf("%q: root %q count %d members %q; gjson: root %q count %d members %q", s, got.root, got.count, got.top, want.root, want.count, want.top)
	}
	for i := range got.top {
		if got.top[i] != want.top[i] {
			t.Fatalf("%q: member %d is %q, gjson says %q", s, i, got.top[i], want.top[i])
		}
	}
}

func TestScanJSONAgreesWithGJSON(t *testing.T) {
	cases := []string{
		``, ` `, `{}`, `[]`, ` { } `, `[ ]`, `{"a":1}`, `{"a":1,}`, `{,}`, `[1,]`, `[,1]`, `{"a" 1}`, `{"a":}`, `{"a":1 "b":2}`,
		`{"a":{"b":[1,2,{"c":null}]},"d":"x"}`, `[{"a":1},{"b":2},3,"4",[5]]`, `"text"`, `42`, `-0.5e+10`, `true`, `false`, `null`,
		`nul`, `tru`, `falsey`, `01`, `-`, `-a`, `1.`, `1.e5`, `1e`, `1e+`, `.5`, `+1`, `1E5`, `0.0`, `-0`,
		`"\u00e9\n\"\\\/\b\f\r\t"`, `"\u12"`, `"\x"`, "\"a\x01b\"", "\"a\x7fb\xff\"", `"unterminated`, `"a\`,
		`{"k\"ey":1,"k\u00e9y":2,"k":3,"k":4}`, "{\"a\":[1,2]}\n", "\t[1]\r\n", `{"a":[1,2]}x`, `[1]]`, `{"a":1}}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`, `[[[`, `{"a":{"b":{"c":`,
		`{"a" : [ 1 , { "b" : "c" } ] , "d" : { } }`, "\"\\u00e9\"", `{"":""}`, `{"a":"0123456789abcdef0123456789abcdef"}`,
		"{\"long\":\"" + strings.Repeat("x", 100) + "\\\"" + strings.Repeat("y", 50) + "\"}",
	}
	for _, s := range cases {
		checkScan(t, s)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkScan(t, string(b))
	}
}

// FuzzScanJSON holds the body's scan to gjson: the same bodies are JSON,
// with the same members or the same count.
func FuzzScanJSON(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{`{"a":[1,2,{"b":"\u00e9"}],"c":-1.5e3}`, `[1,"x",{},[]]`, `"\ud800"`, "{\"a\":\"\xff\"}", `{"a":1,}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkScan(t, string(b))
	})
}
