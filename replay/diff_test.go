package replay

import (
	"strings"
	"testing"
)

func TestCompareBodies(t *testing.T) {
	cases := []struct {
		name, recorded, got string
		want                []string // Difference.String() of those shown
		total               int
	}{
		{"identical", `{"a":1}`, `{"a":1}`, nil, 0},
		{"white space and key order", `{"a":1,"b":[1,2]}`, "{ \"b\": [1, 2],\n \"a\": 1 }", nil, 0},
		{"numbers by value", `{"n":1,"f":0.5}`, `{"n":1.0,"f":5e-1}`, nil, 0},
		{"numbers in other notations", `[100,-0,1.50,0.001]`, `[1e2,0,15e-1,1E-3]`, nil, 0},
		{"huge exponents", `{"x":1e999999}`, `{"x":1e999998}`, []string{`body "x": 1e999999 → 1e999998`}, 1},
		{"big integers exactly", `{"id":9007199254740993}`, `{"id":9007199254740992}`, []string{`body "id": 9007199254740993 → 9007199254740992`}, 1},
		{"changed string", `{"r":[{"t":"Hi"}]}`, `{"r":[{"t":"Hello"}]}`, []string{`body "r[0].t": "Hi" → "Hello"`}, 1},
		{"absent and added keys", `{"a":1,"b":2}`, `{"b":2,"c":3}`, []string{`body "a": 1 → (absent)`, `body "c": (absent) → 3`}, 2},
		{"longer array", `[1]`, `[1,{"x":true}]`, []string{`body "[1]": (absent) → {"x":true}`}, 1},
		{"type change", `{"a":{"b":1}}`, `{"a":[1]}`, []string{`body "a": {"b":1} → [1]`}, 1},
		{"odd keys", `{"a b":{"x.y":1}}`, `{"a b":{"x.y":2}}`, []string{`body "[\"a b\"][\"x.y\"]": 1 → 2`}, 1},
		{"whole body", `1`, `"1"`, []string{`body: 1 → "1"`}, 1},
		{"html kept readable", `{"h":"<b>"}`, `{"h":"<i>"}`, []string{`body "h": "<b>" → "<i>"`}, 1},
		{"many", `{"a":1,"b":1,"c":1,"d":1,"e":1}`, `{"a":2,"b":2,"c":2,"d":2,"e":2}`, []string{`body "a": 1 → 2`, `body "b": 1 → 2`, `body "c": 1 → 2`}, 5},
		{"text", "hello world", "hello there", []string{`body: 11 bytes → 11 bytes, first difference at byte 6 ("there")`}, 1},
		{"json to text", `{"a":1}`, "Internal Server Error", []string{`body: 7 bytes of JSON → 21 bytes, first difference at byte 0 ("Internal Server Erro"…)`}, 1},
		{"to empty", `{"a":1}`, "", []string{`body: 7 bytes of JSON → empty, first difference at byte 0`}, 1},
		{"binary", "\xff\x00", "\xff\x01", []string{`body: 2 bytes of binary → 2 bytes of binary, first difference at byte 1 ("\x01")`}, 1},
		{"two JSON values are not one", `{"a":1}`, `{"a":1}{"a":1}`, []string{`body: 7 bytes of JSON → 14 bytes, first difference at byte 7 ("{\"a\":1}")`}, 1},
	}
	for _, c := range cases {
		diffs, total := compareBodies([]byte(c.recorded), []byte(c.got))
		var got []string
		for _, d := range diffs {
			got = append(got, d.String())
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") || total != c.total {
			t.Errorf("%s:\n got %q (%d)\nwant %q (%d)", c.name, got, total, c.want, c.total)
		}
	}
}

func TestResultLine(t *testing.T) {
	r := Result{ID: 18, Method: "POST", Path: "/moveo\x1b[2J", Query: "token=secret", Outcome: Differs, Recorded: 200, RecordedSource: "edited", Status: 200,
		Diffs: []Difference{{Part: "body", Path: "a", Recorded: "\"\u202e\"", Got: `"x"`}}, More: 2}
	want := `#18 POST /moveo\x1b[2J 200 (edited) → 200 differs: body "a": "\u202e" → "x"; and 2 more`
	if got := r.Line(); got != want {
		t.Errorf("line\n got %s\nwant %s", got, want)
	}
	b, err := r.MarshalJSON()
	if err != nil || !strings.Contains(string(b), `"query":"token=secret"`) || !strings.Contains(string(b), `"outcome":"differs"`) {
		t.Errorf("json %s %v", b, err)
	}
}
