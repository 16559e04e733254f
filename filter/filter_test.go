package filter

import (
	"slices"
	"strings"
	"testing"

	"github.com/harkhq/hark/model"
)

func TestParse(t *testing.T) {
	q := Parse(`platform:moveo platform:NavTalk kind:pre "book a table" -state:held refund foo:bar`)
	if got := len(q.Fields["platform"]); got != 2 {
		t.Errorf("platform alternatives: %d, want 2", got)
	}
	if got := q.Fields["kind"]; len(got) != 1 || got[0].Value != "pre" {
		t.Errorf("kind: %+v", got)
	}
	var words []string
	for _, w := range q.Words {
		words = append(words, w.Value)
	}
	if want := []string{"book a table", "refund", "foo:bar"}; !slices.Equal(words, want) {
		t.Errorf("words %q, want %q", words, want)
	}
	if len(q.Negs) != 1 || q.Negs[0].Field != "state" || q.Negs[0].Value != "held" {
		t.Errorf("negations: %+v", q.Negs)
	}
	if q.Problem == "" || q.Err() == nil || !strings.Contains(q.Problem, "unknown field foo") {
		t.Errorf("an unknown field is not reported: %q", q.Problem)
	}
	if !Parse("   ").Empty() || !Parse("").Empty() {
		t.Error("a blank filter is not empty")
	}
	if Parse("kind:").Empty() {
		t.Error(`"kind:" with no value should match as a word`)
	}
}

// A value its field never takes is named, with what the field takes.
func TestParseBadValues(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{"status:abc", "status:abc (give a status like 200, a class like 4xx, err or none)"},
		{"status:42", "status:42"},
		{"state:done", "state:done (states are received, held"},
		{"-source:mine", "-source:mine (sources are"},
		{"colour:red status:4xx", "unknown field colour"},
	} {
		q := Parse(c.q)
		if !strings.Contains(q.Problem, c.want) {
			t.Errorf("%q: problem %q, want it to say %q", c.q, q.Problem, c.want)
		}
	}
	for _, ok := range []string{"status:200", "status:4xx", "status:err", "status:none", "state:h", "source:ed", "method:get",
		"platform:anything", "body:x", "-kind:session", "plain words"} {
		if q := Parse(ok); q.Problem != "" {
			t.Errorf("%q: unexpected problem %q", ok, q.Problem)
		}
	}
}

func TestMatch(t *testing.T) {
	held := &Row{Platform: "moveo", Kind: "pre_message", Method: "POST", Path: "/moveo?token=x", Session: "8563dcdf-64ef",
		State: model.StateHeld, Turns: []model.Turn{{Role: model.RoleUser, Text: "Can I get a REFUND for my order?"}},
		Notes: []string{"signature mismatch"}}
	done := &Row{Platform: "moveo", Kind: "post_message", Method: "POST", Path: "/moveo", Session: "8563dcdf-64ef",
		State: model.StateResponded, Status: 401, Failed: true}
	cases := []struct {
		q          string
		held, done bool
	}{
		{"", true, true},
		{"refund", true, false},
		{"Refund order", true, false},
		{`"refund for"`, true, false},
		{"platform:moveo", true, true},
		{"platform:mov", true, true},
		{"platform:moveo.ai", true, true},
		{"platform:navtalk", false, false},
		{"platform:navtalk platform:moveo", true, true},
		{"kind:pre", true, false},
		{"kind:post_message", false, true},
		{"status:4xx", false, true},
		{"status:401", false, true},
		{"status:200", false, false},
		{"status:err", false, true},
		{"status:none", true, false},
		{"state:held", true, false},
		{"-state:held", false, true},
		{"session:8563", true, true},
		{"session:ffff", false, false},
		{"method:post", true, true},
		{"mismatch", true, false},
		{"kind:pre refund -status:err", true, false},
		{"token", true, false}, // in the query string
		{"body:x", false, false},
	}
	for _, c := range cases {
		q := Parse(c.q)
		if got := q.Match(held, nil); got != c.held {
			t.Errorf("%q on the held pre_message: %v, want %v", c.q, got, c.held)
		}
		if got := q.Match(done, nil); got != c.done {
			t.Errorf("%q on the 401 post_message: %v, want %v", c.q, got, c.done)
		}
	}
}

// MatchExchange reads an exchange as the monitor's rows do, and searches
// its bodies for body: terms only.
func TestMatchExchange(t *testing.T) {
	ex := &model.Exchange{ID: 3, Platform: "generic", Kind: "message\x1b[1m", SessionID: "s-1", State: model.StateResponded,
		Request:  model.Request{Method: "POST", Path: "/hook", RawQuery: "a=1", Body: []byte(`{"text":"Window seat please"}`)},
		Response: &model.Response{Status: 502, Source: model.SourceForward, Body: []byte("upstream down")},
		Forward:  &model.Forward{Body: []byte(`{"why":"Overloaded"}`)}}
	for q, want := range map[string]bool{
		"body:window": true, `body:"window seat"`: true, "body:upstream": true, "body:overloaded": true, "body:nothing": false,
		"window": false, "status:5xx": true, "status:err": true, "source:forward": true, "kind:message": true,
		"a=1": true, "session:s-": true, "-body:window": false, "": true,
	} {
		if got := Parse(q).MatchExchange(ex); got != want {
			t.Errorf("%q: %v, want %v", q, got, want)
		}
	}
	if r := RowOf(ex); r.Kind != `message\x1b[1m` || r.Path != "/hook?a=1" || !r.Failed || r.ID != 3 {
		t.Errorf("row %+v", r)
	}
}

func TestNarrows(t *testing.T) {
	for _, c := range []struct {
		prev, cur string
		want      bool
	}{
		{"ref", "refund", true},
		{"refund", "refund kind:pre", true},
		{"kind:pre", "kind:pre_message", true},
		{"status:4", "status:40", false},
		{"kind:pre", "kind:pre kind:post", false},
		{"refund", "ref", false},
		{"", "refund", false},
		{"-state:h", "-state:held", false},
	} {
		if got := Parse(c.cur).Narrows(Parse(c.prev)); got != c.want {
			t.Errorf("%q after %q: narrows %v, want %v", c.cur, c.prev, got, c.want)
		}
	}
}

func TestContainsFold(t *testing.T) {
	for _, c := range []struct {
		s, sub string
		want   bool
	}{
		{"Hello World", "world", true},
		{"Hello World", "lo w", true},
		{"Hello World", "worlds", false},
		{"Hello", "hello!", false},
		{"", "", true},
		{"", "a", false},
		{"abc", "", true},
		{"aaaaaaaaab", "aab", true},
		{"AAAAAAAAAB", "aab", true},
		{"ÉCOLE maternelle", "école", true},
		{"naïve", "ïve", true},
		{"Straße", "straße", true},
		{"naïve Café", "café", true},
		{"naïve Café", "cafe", false},
		{"short", "longer than it", false},
	} {
		if got := ContainsFold(c.s, c.sub); got != c.want {
			t.Errorf("ContainsFold(%q, %q) = %v", c.s, c.sub, got)
		}
		if got := ContainsFoldBytes([]byte(c.s), c.sub); got != c.want {
			t.Errorf("ContainsFoldBytes(%q, %q) = %v", c.s, c.sub, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "platform:moveo status:4xx", `"a b" -kind:x`, "-", ":", `"`, "status:", "a:b:c", "body:x -body:y"} {
		f.Add(s)
	}
	ex := &model.Exchange{Platform: "moveo", Kind: "pre_message", State: model.StateHeld,
		Request: model.Request{Body: []byte("hello")}, Turns: []model.Turn{{Text: "hello"}}}
	f.Fuzz(func(t *testing.T, s string) {
		q := Parse(s)
		q.MatchExchange(ex)
		q.Narrows(Parse(s + "x"))
		if q.Empty() && !q.MatchExchange(ex) {
			t.Errorf("%q is empty and matches nothing", s)
		}
	})
}
