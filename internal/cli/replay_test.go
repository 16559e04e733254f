package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/harkhq/hark/journal"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/receiver"
)

// TestReplayCommand replays a recorded journal at a new receiver (the
// same answers: exit 0), then at one that answers a webhook differently
// (exit 1, with the differing request said).
func TestReplayCommand(t *testing.T) {
	path := recordJournal(t)
	same := httptest.NewServer(receiver.New(receiver.Config{Store: model.NewStore(model.StoreOptions{}), Secrets: historySecrets, Responder: editingResponder{}}))
	defer same.Close()
	code, out, stderr := runCLI(t, nil, "replay", path, "--to", same.URL, "--speed", "0")
	if code != 0 {
		t.Fatalf("replay at the same handler: exit %d\n%s\n%s", code, out, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	summary := lines[len(lines)-1]
	if !strings.Contains(summary, " same, 0 differ, 0 failed") || !strings.HasPrefix(lines[0], "#1 ") || !strings.HasSuffix(lines[0], " same") {
		t.Errorf("output:\n%s", out)
	}

	changed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), "please edit") {
			io.WriteString(w, `{"reply":"still wrong"}`)
			return
		}
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		same.Config.Handler.ServeHTTP(w, r)
	}))
	defer changed.Close()
	code, out, _ = runCLI(t, nil, "replay", path, "--to", changed.URL, "--speed", "0", "--session", "edit-me")
	if code != exitFailure {
		t.Errorf("replay at a changed handler: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, `POST /bot 200 (edited) → 200 differs: body "reply": "edited by hand" → "still wrong"`) ||
		!strings.Contains(out, "2 sent in ") || !strings.Contains(out, "1 same, 1 differ, 0 failed") {
		t.Errorf("output:\n%s", out)
	}

	code, out, stderr = runCLI(t, nil, "replay", path, "--to", changed.URL, "--speed", "0", "--json", "--secret", "moveo=moveo-token")
	if code != exitFailure || !strings.Contains(stderr, "1 differ") {
		t.Errorf("--json: exit %d, stderr %q", code, stderr)
	}
	outcomes := map[string]int{}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var r struct {
			ID       int    `json:"id"`
			Outcome  string `json:"outcome"`
			Resigned string `json:"resigned"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.ID == 0 {
			t.Fatalf("not a result: %q (%v)", line, err)
		}
		outcomes[r.Outcome]++
		if r.Resigned != "" {
			outcomes["resigned"]++
		}
	}
	if outcomes["differs"] != 1 || outcomes["same"] == 0 || outcomes["resigned"] == 0 {
		t.Errorf("outcomes %v", outcomes)
	}
}

func TestReplayCommandErrors(t *testing.T) {
	path := recordJournal(t)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"replay", path}, exitUsage, "--to is required"},
		{[]string{"replay", "--to", "http://127.0.0.1:1"}, exitUsage, "give one journal file"},
		{[]string{"replay", path, "--to", "ftp://x"}, exitUsage, "http:// or https://"},
		{[]string{"replay", path, "--to", down.URL, "--speed", "-1"}, exitUsage, "--speed -1"},
		{[]string{"replay", path, "--to", down.URL, "--secret", "moveo"}, exitUsage, "expected PLATFORM=SECRET"},
		{[]string{"replay", path, "--to", down.URL, "--session", "nosuch"}, exitUsage, "no such session"},
		{[]string{"replay", path, "--to", down.URL, "--speed", "0", "--session", "edit-me"}, exitFailure, "2 of 2 requests got no answer"},
		{[]string{"replay", path, "--to", down.URL, "--id", "x"}, exitUsage, `--id "x": give exchange numbers`},
		{[]string{"replay", path, "--to", down.URL, "--id", "0"}, exitUsage, `--id "0"`},
		{[]string{"replay", path, "--to", down.URL, "--id", "99999"}, exitUsage, "--id 99999: no exchange #99999 in"},
		{[]string{"replay", path, "--to", down.URL, "--id", "1", "--session", "edit-me"}, exitUsage, "no exchange #1 in session edit-me of"},
	}
	for _, c := range cases {
		code, _, stderr := runCLI(t, nil, c.args...)
		if code != c.code || !strings.Contains(strings.ToLower(stderr), strings.ToLower(c.want)) {
			t.Errorf("%v: exit %d (want %d), stderr %q lacks %q", c.args, code, c.code, stderr, c.want)
		}
	}
}

// --id sends exactly the exchanges named, in journal order, and combines
// with --session.
func TestReplayChosenExchanges(t *testing.T) {
	path := recordJournal(t)
	loaded, err := journal.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.RequestURI()+" "+string(body))
		mu.Unlock()
	}))
	defer srv.Close()
	sent := func(exs ...*model.Exchange) []string {
		var out []string
		for _, ex := range exs {
			uri := ex.Request.Path
			if ex.Request.RawQuery != "" {
				uri += "?" + ex.Request.RawQuery
			}
			out = append(out, ex.Request.Method+" "+uri+" "+string(ex.Request.Body))
		}
		return out
	}
	var posts []*model.Exchange
	for _, ex := range loaded.Exchanges {
		if ex.Request.Method == "POST" && ex.SessionID != "edit-me" {
			posts = append(posts, ex)
		}
	}
	a, b := posts[len(posts)/2], posts[1]
	var editMe []*model.Exchange
	for _, ex := range loaded.Exchanges {
		if ex.SessionID == "edit-me" {
			editMe = append(editMe, ex)
		}
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--id", fmt.Sprintf("%d,%d", a.ID, b.ID)}, sent(b, a)}, // journal order, whatever the order given
		{[]string{"--id", fmt.Sprint(a.ID), "--id", fmt.Sprintf("#%d", b.ID)}, sent(b, a)},
		{[]string{"--id", fmt.Sprint(editMe[1].ID), "--session", "edit-me"}, sent(editMe[1])},
	} {
		mu.Lock()
		got = nil
		mu.Unlock()
		args := append([]string{"replay", path, "--to", srv.URL, "--speed", "0"}, c.args...)
		code, out, stderr := runCLI(t, nil, args...)
		if code != exitFailure && code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", c.args, code, out, stderr)
		}
		mu.Lock()
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%v sent:\n%s\nwant:\n%s", c.args, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
		mu.Unlock()
	}
}
