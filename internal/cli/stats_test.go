package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/journal"
	"github.com/harkhq/hark/model"
)

// handJournal writes a journal of two sessions whose figures are known:
// in "call-1", ten answers of 10, 20 … 100 ms, the sixth forwarded (the
// target took 40 ms), the ninth a 502; user turns answered by the bot 2 s
// and 4 s later; one consumed answer at 9 s of a 10 s deadline (near) and
// one at 12 s (missed). In "call-2", one answer, still held when hark
// stopped (no response record).
func handJournal(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hand.jsonl")
	w, err := journal.Open(path, journal.Options{Fast: true, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	add := func(id int, session string, at time.Duration, total time.Duration, turns []model.Turn, opts ...func(*model.Exchange)) {
		ex := &model.Exchange{ID: model.ExchangeID(id), Received: t0.Add(at), Platform: "generic", Kind: "message", SessionID: session,
			Request: model.Request{Method: "POST", Path: "/hook", Body: []byte(`{}`), Size: 2}, Turns: turns,
			State: model.StateResponded, Response: &model.Response{Status: 200, Body: []byte(`{}`), Source: model.SourceDefault},
			Timings: model.Timings{Total: total}}
		for _, o := range opts {
			o(ex)
		}
		if _, err := w.WriteRequest(ex); err != nil {
			t.Fatal(err)
		}
		if ex.State.Final() {
			if _, err := w.WriteResponse(ex); err != nil {
				t.Fatal(err)
			}
		}
	}
	say := func(role model.Role, text string, at time.Duration) []model.Turn {
		return []model.Turn{{Role: role, Text: text, Time: t0.Add(at)}}
	}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	add(1, "call-1", 0, ms(10), say(model.RoleUser, "hi", 0))
	add(2, "call-1", 2*time.Second, ms(20), say(model.RoleAI, "hello", 2*time.Second))
	add(3, "call-1", 3*time.Second, ms(30), say(model.RoleUser, "a table", 3*time.Second))
	add(4, "call-1", 7*time.Second, ms(40), say(model.RoleAI, "done", 7*time.Second))
	add(5, "call-1", 8*time.Second, ms(50), nil)
	add(6, "call-1", 9*time.Second, ms(60), nil, func(ex *model.Exchange) {
		ex.Forward = &model.Forward{URL: "http://localhost:3000/hook", Status: 200, Latency: ms(40)}
		ex.Timings.Forward = ms(40)
		ex.Response.Source = model.SourceForward
	})
	add(7, "call-1", 10*time.Second, ms(70), nil)
	add(8, "call-1", 11*time.Second, ms(80), nil)
	add(9, "call-1", 12*time.Second, ms(90), nil, func(ex *model.Exchange) { ex.Response.Status = 502 })
	add(10, "call-1", 13*time.Second, ms(100), nil)
	add(11, "call-1", 14*time.Second, 9*time.Second, nil, func(ex *model.Exchange) { ex.Use, ex.Deadline = model.UseConsumed, 10*time.Second })
	add(12, "call-1", 30*time.Second, 12*time.Second, nil, func(ex *model.Exchange) { ex.Use, ex.Deadline = model.UseConsumed, 10*time.Second })
	add(13, "call-2", 40*time.Second, 0, say(model.RoleUser, "anyone?", 40*time.Second), func(ex *model.Exchange) {
		ex.State, ex.Response = model.StateHeld, nil
	})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStatsCommand(t *testing.T) {
	path := handJournal(t)
	code, out, stderr := runCLI(t, nil, "stats", path, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	type dist struct {
		N             int
		P50, P95, Max float64
	}
	type figures struct {
		Platform, Session                     string
		Exchanges, Answered, Turns, Errors    int
		Answer                                dist `json:"answer_ms"`
		Forward                               dist `json:"forward_ms"`
		Gap                                   dist `json:"user_to_bot_ms"`
		DeadlineMisses, NearMisses, Fallbacks int
	}
	var got []figures
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var f figures
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		f.DeadlineMisses, f.NearMisses = figuresField(t, line, "deadline_misses"), figuresField(t, line, "near_misses")
		got = append(got, f)
	}
	want := []figures{
		{Platform: "generic", Session: "call-1", Exchanges: 12, Answered: 12, Turns: 4, Errors: 1,
			// 12 answers: 10…100 ms, 9 s, 12 s; the 6th of 12 is 60 ms, the 12th (⌈11.4⌉) is 12 s.
			Answer:  dist{N: 12, P50: 60, P95: 12000, Max: 12000},
			Forward: dist{N: 1, P50: 40, P95: 40, Max: 40},
			Gap:     dist{N: 2, P50: 2000, P95: 4000, Max: 4000}, DeadlineMisses: 1, NearMisses: 1},
		{Platform: "generic", Session: "call-2", Exchanges: 1, Turns: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("%d sessions:\n%s", len(got), out)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("session %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}

	code, out, _ = runCLI(t, nil, "stats", path, "--session", "call-1")
	if code != 0 || !strings.Contains(out, "1 session, 12 exchanges") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	lines := strings.Split(out, "\n")
	row := strings.Fields(lines[3])
	if wantRow := []string{"generic/call-1", "12", "4", "1", "60ms", "12.0s", "12.0s", "40ms", "40ms", "2.0s", "4.0s", "1", "1", "0"}; strings.Join(row, " ") != strings.Join(wantRow, " ") {
		t.Errorf("table row %q, want %q\n%s", row, wantRow, out)
	}
	if code, _, stderr := runCLI(t, nil, "stats", path, "--session", "nope"); code != exitUsage || !strings.Contains(stderr, `--session "nope": no such session`) {
		t.Errorf("unknown session: exit %d, %s", code, stderr)
	}
}

func figuresField(t *testing.T, line, name string) int {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatal(err)
	}
	n, _ := m[name].(float64)
	return int(n)
}
