package cli

import (
	"bufio"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/harkhq/hark/journal"
	"github.com/harkhq/hark/model"
)

// listen --filter prints only the exchanges that match, and still answers
// and journals every one.
func TestListenFilterPrintsMatchesJournalsAll(t *testing.T) {
	path := filepath.Join(t.TempDir(), "listen.jsonl")
	p := startHark(t, nil, "listen", "--json", "--local", "--port", "0", "--journal", path, "--fast",
		"--filter", `kind:pre body:"terrace" -state:held`)
	url := p.url(t)
	posts := []struct{ path, body string }{
		{"/api/webhook/message", `{"event":"conversation.output","sessionId":"s-1","role":"user","timestamp":"2026-11-21T10:00:00Z","message":"the terrace?"}`},
		{"/moveo/pre-message", `{"channel":"web","session_id":"m-1","brain_id":"b","input":{"text":"is the terrace open?"},"timestamp":1761045302529}`},
		{"/moveo/pre-message", `{"channel":"web","session_id":"m-1","brain_id":"b","input":{"text":"and for lunch?"},"timestamp":1761045303529}`},
		{"/hook", `{"session_id":"g-1","text":"terrace"}`},
	}
	for _, post := range posts {
		resp, err := http.Post(url+post.path, "application/json", strings.NewReader(post.body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s answered %d", post.path, resp.StatusCode)
		}
	}
	// Every exchange is answered before hark is told to stop, so each one
	// it would print is printed before stdout closes.
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	sc := bufio.NewScanner(p.stdout)
	var printed []model.Summary
	for sc.Scan() {
		var s model.Summary
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("stdout line is not JSON: %q", sc.Text())
		}
		printed = append(printed, s)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("hark listen: %v\n%s", err, p.stderr.String())
	}
	if len(printed) != 1 || printed[0].Kind != "pre_message" || printed[0].Session != "m-1" || printed[0].ID != 2 {
		t.Errorf("printed %+v, want only exchange #2", printed)
	}
	loaded, err := journal.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Exchanges) != len(posts) || loaded.Unanswered != 0 {
		t.Errorf("journal holds %d exchanges (%d unanswered), want %d", len(loaded.Exchanges), loaded.Unanswered, len(posts))
	}
}

// A query the language does not take is refused before anything starts,
// naming what is wrong.
func TestListenBadFilter(t *testing.T) {
	for q, want := range map[string]string{
		"colour:red":       `--filter "colour:red": unknown field colour`,
		"status:teapot":    "status:teapot (give a status like 200",
		"kind:pre state:x": "state:x (states are",
	} {
		code, _, stderr := runCLI(t, nil, "listen", "--json", "--local", "--no-journal", "--filter", q)
		if code != exitUsage || !strings.Contains(stderr, want) {
			t.Errorf("--filter %q: exit %d, stderr %q lacks %q", q, code, stderr, want)
		}
	}
}
