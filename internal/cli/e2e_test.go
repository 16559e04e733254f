package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/harkhq/hark/journal"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
	"github.com/harkhq/hark/sim"
	"github.com/harkhq/hark/tunnel/fakeedge"
)

// TestSendReceiveJournalRoundTrip plays every platform's conversations
// through the receiver as `hark listen` wires it, then reads the journal
// back: every exchange must be there, answered, and in the right session.
func TestSendReceiveJournalRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rt.jsonl")
	secrets := platform.Secrets{"moveo": "moveo-token", "chatbot": "chatbot-token"}
	st, err := openStack(stackConfig{
		flags: receiverFlags{journal: path}, secrets: secrets, maxBody: 1 << 20,
		now: time.Now, logger: newLineLogger(io.Discard, 0), notice: io.Discard,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(st.receiver)
	var mu sync.Mutex
	var results []sim.Result
	rep, err := sim.Run(context.Background(), sim.Options{
		To: srv.URL, Sessions: 12, Secrets: secrets, Seed: 7,
		OnResult: func(r sim.Result) { mu.Lock(); results = append(results, r); mu.Unlock() },
	})
	srv.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.journal.Close(); err != nil {
		t.Fatal(err)
	}
	if rep.Failed != 0 || rep.Sent != len(results) {
		t.Fatalf("send report: %+v", rep)
	}

	loaded, err := journal.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Problems) != 0 || loaded.Unanswered != 0 {
		t.Fatalf("journal problems: %v, unanswered %d", loaded.Problems, loaded.Unanswered)
	}
	if len(loaded.Exchanges) != len(results) {
		t.Fatalf("journal holds %d exchanges, %d were sent", len(loaded.Exchanges), len(results))
	}

	// Every request sent is in the journal with its platform, kind and
	// session, answered with what the sender saw.
	type key struct{ platform, kind, session string }
	// Requests that carry no session id (the ChatBot.com verification, the
	// generic reachability check with no body) belong to no conversation.
	sessionOf := func(r sim.Result) string {
		if r.Kind == "verify" || r.Kind == "empty" {
			return ""
		}
		return r.SessionID
	}
	sent := map[key]int{}
	for _, r := range results {
		sent[key{r.Platform, r.Kind, sessionOf(r)}]++
	}
	got := map[key]int{}
	for _, ex := range loaded.Exchanges {
		session := ex.SessionID
		if ex.Kind == "verify" || session == model.Unsorted {
			session = ""
		}
		got[key{ex.Platform, ex.Kind, session}]++
		if ex.State != model.StateResponded || ex.Response == nil || ex.Response.Status != 200 {
			t.Errorf("%v %s/%s: state %s response %+v", ex.ID, ex.Platform, ex.Kind, ex.State, ex.Response)
		}
		if ex.Platform == "moveo" && ex.Signature.State != model.SigValid {
			t.Errorf("%v moveo signature %+v", ex.ID, ex.Signature)
		}
	}
	for k, n := range sent {
		if got[k] != n {
			t.Errorf("%+v: sent %d, journaled %d", k, n, got[k])
		}
	}

	// Rebuilt sessions group each conversation's requests together.
	store := model.NewStore(model.StoreOptions{})
	loaded.Fill(store)
	perSession := map[model.SessionKey]int{}
	for _, r := range results {
		if id := sessionOf(r); id != "" {
			perSession[model.SessionKey{Platform: r.Platform, ID: id}]++
		}
	}
	if len(perSession) < 12 {
		t.Fatalf("only %d conversations played", len(perSession))
	}
	for k, n := range perSession {
		sess, ok := store.Session(k)
		if !ok || len(sess.Exchanges) != n {
			t.Errorf("session %v: %d exchanges rebuilt, %d sent", k, len(sess.Exchanges), n)
		}
	}
}

// TestCrashKeepsAnsweredExchanges kills hark (SIGKILL) while it is under
// load: every exchange whose response reached the client must be in the
// journal, because its request record was made durable before answering.
func TestCrashKeepsAnsweredExchanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.jsonl")
	p := startHark(t, nil, "listen", "--json", "--local", "--port", "0", "--journal", path)
	go io.Copy(io.Discard, p.stdout)
	url := p.url(t)

	var answered sync.Map // message text → true, for requests that got a 200
	var count atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := &http.Client{Timeout: 5 * time.Second}
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				text := fmt.Sprintf("crash-%d-%d", w, i)
				body := fmt.Sprintf(`{"event":"conversation.output","sessionId":"crash-%d","role":"user","timestamp":"2026-11-21T10:00:00Z","message":%q}`, w, text)
				resp, err := client.Post(url+"/api/webhook/message", "application/json", strings.NewReader(body))
				if err != nil {
					return // hark is gone
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					answered.Store(text, true)
					count.Add(1)
				}
			}
		})
	}
	for count.Load() < 2000 {
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
	cancel()
	wg.Wait()

	loaded, err := journal.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	journaled := map[string]bool{}
	for _, ex := range loaded.Exchanges {
		for _, turn := range ex.Turns {
			journaled[turn.Text] = true
		}
	}
	missing := 0
	answered.Range(func(k, _ any) bool {
		if !journaled[k.(string)] {
			missing++
		}
		return true
	})
	t.Logf("answered %d, journal holds %d exchanges (%d unanswered, problems: %s)", count.Load(), len(loaded.Exchanges), loaded.Unanswered, loaded.Note())
	if missing > 0 {
		t.Fatalf("%d answered exchanges are missing from the journal after SIGKILL", missing)
	}
}

// TestListenJSONPrintsEachExchange runs `hark listen --json` as a user
// would and reads its stdout.
func TestListenJSONPrintsEachExchange(t *testing.T) {
	p := startHark(t, nil, "listen", "--json", "--local", "--port", "0", "--no-journal")
	url := p.url(t)
	for _, path := range []string{"/api/webhook/message", "/moveo/pre-message"} {
		// An escape sequence, and raw C1 and bidi controls.
		body := `{"event":"conversation.output","sessionId":"s-1","role":"user","timestamp":"2026-11-21T10:00:00Z","message":"hello \u001b[31m` + "\u202e\u0085" + `"}`
		if strings.HasPrefix(path, "/moveo") {
			body = `{"channel":"web","session_id":"m-1","brain_id":"b","input":{"text":"hi"},"timestamp":1761045302529}`
		}
		resp, err := http.Post(url+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	sc := bufio.NewScanner(p.stdout)
	var lines []model.Summary
	for len(lines) < 2 && sc.Scan() {
		var s model.Summary
		if bytes.Contains(sc.Bytes(), []byte("\u202e")) || bytes.Contains(sc.Bytes(), []byte("\u0085")) {
			t.Errorf("raw bidi or C1 control on stdout: %q", sc.Text())
		}
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("stdout line is not JSON: %q", sc.Text())
		}
		lines = append(lines, s)
	}
	if len(lines) != 2 {
		t.Fatalf("got %d lines; stderr:\n%s", len(lines), p.stderr.String())
	}
	// Each line is printed once its exchange is recorded, which happens
	// after its answer has left: the second webhook may be printed first.
	nav, mov := lines[0], lines[1]
	if nav.Platform == "moveo" {
		nav, mov = mov, nav
	}
	if nav.Platform != "navtalk" || nav.Session != "s-1" || len(nav.Turns) != 1 || nav.Turns[0].Text != "hello \x1b[31m\u202e\u0085" || nav.Status != 200 {
		t.Errorf("navtalk line = %+v", nav)
	}
	if mov.Platform != "moveo" || mov.Kind != "pre_message" || mov.Session != "m-1" || mov.Consumed == nil || !*mov.Consumed {
		t.Errorf("moveo line = %+v", mov)
	}
	// The human log on stderr shows the escape sequence made visible.
	if _, ok := p.stderr.waitFor(regexpQuote(`user: "hello \x1b[31m\u202e\u0085"`), 10*time.Second); !ok {
		t.Errorf("stderr lacks the sanitized log line:\n%s", p.stderr.String())
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("hark listen did not exit cleanly on SIGINT: %v\n%s", err, p.stderr.String())
	}
}

// TestListenThroughFakeEdge runs `hark listen --json` as a user with an
// ngrok config would, against a fake ngrok edge: a webhook posted through
// the edge reaches hark in-process and comes out on stdout, with the
// visitor's address; a bad token fails fast with a coded, redacted error.
func TestListenThroughFakeEdge(t *testing.T) {
	edge, err := fakeedge.Start(fakeedge.Config{Authtoken: "good-token-1234567890"})
	if err != nil {
		t.Fatal(err)
	}
	defer edge.Close()
	cfg, err := edge.WriteConfig(t.TempDir(), "good-token-1234567890")
	if err != nil {
		t.Fatal(err)
	}
	p := startHark(t, nil, "listen", "--json", "--no-journal", "--port", "0", "--ngrok-config", cfg, "--basic-auth", "dev:correct-horse")
	url := p.url(t)
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("listening on %s, want the public URL", url)
	}
	// With ngrok, hark serves on 127.0.0.1 as well.
	localLine, ok := p.stderr.waitFor(regexp.MustCompile(`also on (http://127\.0\.0\.1:\d+)`), 5*time.Second)
	if !ok {
		t.Fatalf("no local URL on stderr:\n%s", p.stderr.String())
	}
	if _, ok := p.stderr.waitFor(regexpQuote(url+"/api/webhook/message"), 5*time.Second); !ok {
		t.Errorf("no paste URL for NavTalk on stderr:\n%s", p.stderr.String())
	}
	binds := edge.Binds()
	if len(binds) != 1 || !strings.Contains(binds[0].TrafficPolicy, "basic-auth") {
		t.Errorf("binds = %+v", binds)
	}

	body := `{"event":"conversation.output","sessionId":"edge-1","role":"user","timestamp":"2026-11-21T10:00:00Z","message":"through the edge"}`
	resp, err := edge.Client("203.0.113.9:5555").Post(url+"/api/webhook/message", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var line model.Summary
	if err := json.NewDecoder(p.stdout).Decode(&line); err != nil {
		t.Fatalf("no JSON line on stdout: %v\n%s", err, p.stderr.String())
	}
	if line.Session != "edge-1" || line.Remote != "203.0.113.9:5555" || line.Status != 200 {
		t.Errorf("line = %+v", line)
	}

	// The same receiver answers on 127.0.0.1 for local tools.
	local := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(localLine)
	resp, err = http.Post(local+"/api/webhook/message", "application/json", strings.NewReader(strings.Replace(body, "edge-1", "local-1", 1)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := json.NewDecoder(p.stdout).Decode(&line); err != nil || line.Session != "local-1" {
		t.Errorf("local request: %+v %v", line, err)
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("exit after SIGINT: %v\n%s", err, p.stderr.String())
	}

	// A revoked token: exit 1 at once, with the ngrok code and no token.
	edge.SetAuthFailure(&fakeedge.Failure{Code: 107, Message: "The authtoken you specified does not look like a proper ngrok tunnel authtoken.\nYour authtoken: good-token-1234567890"})
	bad := startHark(t, nil, "listen", "--json", "--no-journal", "--ngrok-config", cfg)
	err = bad.cmd.Wait()
	stderr := bad.stderr.String()
	if code := bad.cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("exit %d (%v), want 1\n%s", code, err, stderr)
	}
	if !strings.Contains(stderr, "ERR_NGROK_107") || strings.Contains(stderr, "good-token-1234567890") {
		t.Errorf("stderr should name ERR_NGROK_107 and never the token:\n%s", stderr)
	}
}
