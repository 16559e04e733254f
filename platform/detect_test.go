package platform

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/harkhq/hark/model"
)

// detectEach is detection as the index must give it: every detector of
// every profile tried in registry order, the strongest match winning, ties
// to the earlier profile.
func (r *Registry) detectEach(in *input) *Profile {
	best, strength := r.fallback, 0
	for _, p := range r.profiles {
		target := in
		if p.readsArrays() && in.array > 0 {
			target = in.element("", 0)
		}
		for i := range p.detect {
			d := &p.detect[i]
			if d.strength > strength && d.when.match(target) {
				best, strength = p, d.strength
			}
		}
	}
	return best
}

// checkDetect fails when the index and trying every detector disagree.
func checkDetect(t *testing.T, r *Registry, req *model.Request) {
	t.Helper()
	got, want := r.detect(newInput(req, nil)), r.detectEach(newInput(req, nil))
	if got != want {
		t.Fatalf("%s %s %q headers %q body %q: the index detects %s, trying every detector gives %s",
			req.Method, req.Path, req.RawQuery, req.Headers, req.Body, got.Name, want.Name)
	}
}

// TestDetectIndexAgrees holds the index to trying every detector, on the
// requests of every profile's conversations and on requests built to
// sit on the edges of the gates: header names in other cases and beyond
// ASCII, paths with trailing slashes, batches, forms, queries, words.
func TestDetectIndexAgrees(t *testing.T) {
	r := detectRegistry(t, 4)
	useRegistry(t, r)
	var reqs []*model.Request
	for _, p := range r.profiles {
		if !p.Simulated() {
			continue
		}
		conv, err := Conversation(p.Name, seeded(3), "", simStart, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, sr := range conv {
			reqs = append(reqs, toRequest(sr))
		}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, post("/hook", b), post("/api/webhook/message/", b), post("/x", append(append([]byte("["), b...), ']')))
	}
	moveo := []byte(`{"session_id":"s","brain_id":"b","input":{"text":"hi"}}`)
	reqs = append(reqs,
		post("/hook", moveo, "x-moveo-signature", "00"),
		post("/hook", moveo, "X-MOVEO-SESSION-ID", "s"),
		post("/hook", moveo, "X-Moveo", "short of the prefix"),
		post("/hook", []byte(`{"a":1}`), "x-MOVEO-request-id", "r"),
		post("/hook", []byte(`{"a":1}`), "X-Moveo-", ""),
		post("/hook", []byte(`{"a":1}`), "X-Retell-Signature", "00", "X-Synth2-Signature", "00"),
		post("/hook", []byte(`{}`), "X-Slac\u212a-Signature", "a Kelvin sign folds to k"),
		post("/hooks/ra\u017fa", []byte(`{}`)), // a long s folds to s
		post("/hook", []byte(`{}`), "X-Slack-Signature", "v0=00"),
		post("/hook", []byte(`{}`), "x-slack-signature", "v0=00"),
		post("/slack/events", []byte(`{"type":"event_callback","api_app_id":"A1","event":{"type":"message"}}`)),
		post("/api/webhook/session", []byte(`not json`)),
		post("/API/Webhook/Message", []byte(`{}`)),
		post("/ａpi/webhook", []byte(`{}`)),
		post("/x", []byte(`[{"message":{"type":"status-update","call":{"id":"c"}}}]`)),
		post("/x", []byte(`[]`)),
		post("/x", []byte(`[1,2]`)),
		post("/x", []byte("EventType=onMessageAdded&ConversationSid=CH1&Body=hi"), "Content-Type", "application/x-www-form-urlencoded"),
		&model.Request{Method: "GET", Path: "/whatsapp", RawQuery: "hub.mode=subscribe&hub.challenge=1&hub.verify_token=x"},
		&model.Request{Method: "GET", Path: "/chatbot", RawQuery: "challenge=abc&token=t"},
		&model.Request{Method: "GET", Path: "/", RawQuery: "challenge=abc"},
		&model.Request{Method: "POST", Path: ""},
	)
	for _, req := range reqs {
		checkDetect(t, r, req)
	}
}

// detectRegistry is the built-in profiles, the format's test profiles, the
// Intercom example, the throwaway profiles of detect_bench_test.go and
// extra synthetic ones, in that order, the fallback last. It is built as
// Load would, without Load's checks: the test profiles imitate platforms
// that are built in, badges included, which is what a detector must sort
// out.
func detectRegistry(tb testing.TB, extra int) *Registry {
	tb.Helper()
	base := Builtin()
	files, _ := filepath.Glob(filepath.Join("testdata", "format", "*.yaml"))
	users := append(slices.Clone(base.profiles[:len(base.profiles)-1]),
		compileFiles(tb, append(files, filepath.Join("..", "examples", "platforms", "intercom.yaml"))...)...)
	for _, src := range benchProfiles {
		p, err := Compile("bench.yaml", []byte(src))
		if err != nil {
			tb.Fatal(err)
		}
		users = append(users, p)
	}
	for i := range extra {
		p, err := Compile("synthetic.yaml", []byte(syntheticProfile(i)))
		if err != nil {
			tb.Fatal(err)
		}
		users = append(users, p)
	}
	return newRegistry(users, base.fallback)
}

// TestClassifyForgetsThePreviousRequest classifies every profile's
// conversations in one order, then in the other: inputs are reused from
// request to request, and no classification may depend on the one before.
func TestClassifyForgetsThePreviousRequest(t *testing.T) {
	var reqs []*model.Request
	for _, p := range Profiles() {
		if !p.Simulated() {
			continue
		}
		conv, err := Conversation(p.Name, seeded(5), "", simStart, DemoSecrets())
		if err != nil {
			t.Fatal(err)
		}
		for _, sr := range conv {
			reqs = append(reqs, toRequest(sr))
		}
	}
	reqs = append(reqs, post("/x", []byte(`[{"a":1},{"b":2}]`)), post("/x", []byte("not json")),
		post("/x", []byte("a=1&b=2"), "Content-Type", "application/x-www-form-urlencoded"))
	want := make([]Classification, len(reqs))
	for i, req := range reqs {
		want[i] = Classify(req, DemoSecrets())
	}
	for i := len(reqs) - 1; i >= 0; i-- {
		if got := Classify(reqs[i], DemoSecrets()); !reflect.DeepEqual(got, want[i]) {
			t.Errorf("%s %s: classified after the next request:\n%+v\nbefore it:\n%+v", reqs[i].Method, reqs[i].Path, got, want[i])
		}
	}
}

// compileFiles compiles profile files.
func compileFiles(tb testing.TB, files ...string) []*Profile {
	tb.Helper()
	var out []*Profile
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		p, err := Compile(f, src)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}
