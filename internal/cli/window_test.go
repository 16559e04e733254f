package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// longSession sends n webhooks of one conversation to a stack (each with a
// turn and a body of its own) and returns the bodies by exchange id.
func longSession(t *testing.T, st *stack, n int) map[model.ExchangeID][]byte {
	t.Helper()
	// Unflushed, the answer leaves once the exchange is recorded, so the
	// store is read as it is after each exchange.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st.receiver.ServeHTTP(struct{ http.ResponseWriter }{w}, r)
	}))
	defer srv.Close()
	bodies := map[model.ExchangeID][]byte{}
	for i := range n {
		body := fmt.Appendf(nil, "{\"conversation_id\":\"long\",\n \"text\":\"turn %d\", \"pad\":\"%s\u00e9\"}", i, strings.Repeat("x", i%50))
		resp, err := http.Post(srv.URL+"/bot", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		bodies[model.ExchangeID(i+1)] = body // one request at a time: ids in order, from 1
	}
	return bodies
}

func windowStack(t *testing.T, flags receiverFlags) *stack {
	t.Helper()
	st, err := openStack(stackConfig{flags: flags, maxBody: 1 << 20, now: time.Now,
		logger: newLineLogger(io.Discard, 0), notice: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.close(context.Background()) })
	return st
}

// Past --keep, exchanges are evicted from memory and read back from the
// journal whole; the monitor's export key reaches them, and the turns a
// long session let go.
func TestEvictedExchangesAreReadBackFromTheJournal(t *testing.T) {
	st := windowStack(t, receiverFlags{journal: filepath.Join(t.TempDir(), "j.jsonl"), fast: true, keep: 3})
	const n = 2*model.SessionTurns + 20
	sent := longSession(t, st, n)
	evicted := 0
	for id, want := range sent {
		ex, ok := st.store.Exchange(id)
		if !ok {
			t.Fatalf("%s is gone", id)
		}
		if !ex.Evicted {
			continue
		}
		evicted++
		whole, err := st.store.Load(ex.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(whole.Request.Body, want) || len(whole.Turns) != 1 || whole.Response == nil {
			t.Fatalf("%s read back: body %q (want %q), turns %v", ex.ID, whole.Request.Body, want, whole.Turns)
		}
	}
	if evicted != n-3 {
		t.Fatalf("%d exchanges evicted, want %d", evicted, n-3)
	}
	key := model.SessionKey{Platform: "generic", ID: "long"}
	if sess, _ := st.store.Session(key); sess.TurnsDropped == 0 {
		t.Fatal("the long session kept all its turns")
	}
	dir := t.TempDir()
	for _, format := range []string{"md", "har"} {
		file, err := sessionExporter(st.store, dir, time.Now)(key, format)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(file)
		for _, want := range []string{"turn 0", "turn 1", fmt.Sprint("turn ", n-1)} {
			if !strings.Contains(string(b), want) {
				t.Errorf("the %s export lacks %q", format, want)
			}
		}
		if format == "md" && !strings.Contains(string(b), fmt.Sprintf("%d spoken", n)) {
			t.Errorf("the transcript does not count %d turns:\n%.400s", n, b)
		}
	}
}

// Without a journal, evicted exchanges are dropped, and the start-up
// notice says so.
func TestWithoutJournalOldExchangesAreDropped(t *testing.T) {
	var notice bytes.Buffer
	st, err := openStack(stackConfig{flags: receiverFlags{noJournal: true, keep: 2}, maxBody: 1 << 20, now: time.Now,
		logger: newLineLogger(io.Discard, 0), notice: &notice})
	if err != nil {
		t.Fatal(err)
	}
	defer st.close(context.Background())
	if !strings.Contains(notice.String(), "only the newest 2 exchanges are kept; older ones are dropped") {
		t.Errorf("start-up notice: %q", notice.String())
	}
	longSession(t, st, 5)
	var first model.Exchange
	st.store.Exchanges(func(ex model.Exchange) bool { first = ex; return false })
	if _, err := st.store.Load(first.ID); !first.Evicted || !errors.Is(err, model.ErrDropped) {
		t.Fatalf("the first exchange: evicted %v, Load: %v", first.Evicted, err)
	}
}
