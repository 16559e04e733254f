package journal

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/harkhq/hark/model"
)

func smallExchange(id model.ExchangeID) *model.Exchange {
	return &model.Exchange{
		ID:       id,
		Received: t0,
		Request: model.Request{
			Method: "POST", Path: "/hook",
			Headers: map[string][]string{"Content-Type": {"application/json"}},
			Body:    []byte(fmt.Sprintf(`{"n":%d}`, id)),
		},
		Platform: "generic", SessionID: fmt.Sprintf("s%d", id%7),
		Turns: []model.Turn{{Role: model.RoleUser, Text: fmt.Sprintf("message %d", id), Time: t0}},
		State: model.StateResponded,
		Response: &model.Response{
			Status: 200, Body: []byte(`{"ok":true}`), Source: model.SourceDefault,
		},
	}
}

// Many goroutines write at once: every record lands, each request before
// its response, and they share fsyncs.
func TestConcurrentWriters(t *testing.T) {
	const writers, each = 64, 200
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for g := range writers {
		wg.Go(func() {
			for i := range each {
				ex := smallExchange(model.ExchangeID(g*each + i + 1))
				if _, err := w.WriteRequest(ex); err != nil {
					errs <- err
					return
				}
				if _, err := w.WriteResponse(ex); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st := w.Stats()
	const records = 2 * writers * each
	if st.Records != records {
		t.Errorf("stats count %d records, want %d", st.Records, records)
	}
	if st.Syncs >= records || st.Batches >= records {
		t.Errorf("no group commit: %d batches and %d fsyncs for %d records", st.Batches, st.Syncs, records)
	}
	t.Logf("%d records in %d batches, %d fsyncs, %d bytes", st.Records, st.Batches, st.Syncs, st.Bytes)

	// Request before response, line by line.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := make(map[model.ExchangeID]bool)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Bytes()
		id, ok := quickID(line)
		switch {
		case !ok:
		case bytes.HasPrefix(line, []byte(`{"t":"req"`)):
			if seen[id] {
				t.Fatalf("%s: a second request record", id)
			}
			seen[id] = true
		case !seen[id]:
			t.Fatalf("%s: response record before its request", id)
		}
	}
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Exchanges) != writers*each || l.Unanswered != 0 || len(l.Problems) != 0 {
		t.Fatalf("loaded %d exchanges, %d unanswered, problems %v", len(l.Exchanges), l.Unanswered, l.Problems)
	}
	for i, ex := range l.Exchanges {
		sameExchange(t, ex.ID.String(), *ex, *smallExchange(model.ExchangeID(i + 1)))
	}
}

// When WriteRequest returns, the record is in the file.
func TestWriteRequestIsDurableOnReturn(t *testing.T) {
	for _, fast := range []bool{false, true} {
		t.Run(fmt.Sprintf("fast=%v", fast), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "j.jsonl")
			w, err := Open(path, Options{Fast: fast})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			for id := model.ExchangeID(1); id <= 20; id++ {
				if _, err := w.WriteRequest(smallExchange(id)); err != nil {
					t.Fatal(err)
				}
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if want := fmt.Sprintf("{\"t\":\"req\",\"id\":%d,", id); !bytes.Contains(data, []byte(want)) {
					t.Fatalf("%s is not in the file when WriteRequest returns", id)
				}
			}
			if st := w.Stats(); !fast && st.Syncs != 20 || fast && st.Syncs != 0 {
				t.Errorf("fast=%v: %d fsyncs for 20 sequential requests", fast, st.Syncs)
			}
		})
	}
}

// Close writes the responses still queued, and later writes fail.
func TestCloseFlushesAndRefusesLaterWrites(t *testing.T) {
	for _, fast := range []bool{false, true} {
		t.Run(fmt.Sprintf("fast=%v", fast), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "j.jsonl")
			w, err := Open(path, Options{Fast: fast})
			if err != nil {
				t.Fatal(err)
			}
			const n = 500
			for id := model.ExchangeID(1); id <= n; id++ {
				if _, err := w.WriteRequest(smallExchange(id)); err != nil {
					t.Fatal(err)
				}
			}
			for id := model.ExchangeID(1); id <= n; id++ {
				if _, err := w.WriteResponse(smallExchange(id)); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			if _, err := w.WriteRequest(smallExchange(n + 1)); !errors.Is(err, ErrClosed) {
				t.Errorf("WriteRequest after Close: %v, want ErrClosed", err)
			}
			if _, err := w.WriteResponse(smallExchange(n + 1)); !errors.Is(err, ErrClosed) {
				t.Errorf("WriteResponse after Close: %v, want ErrClosed", err)
			}
			l, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Exchanges) != n || l.Unanswered != 0 || l.Responses != n {
				t.Errorf("after Close: %d exchanges, %d responses, %d unanswered", len(l.Exchanges), l.Responses, l.Unanswered)
			}
			if st := w.Stats(); fast && st.Syncs != 1 {
				t.Errorf("fast: %d fsyncs, want the one of Close", st.Syncs)
			}
		})
	}
}

// Appending to a journal continues its ids and keeps earlier records.
func TestAppendContinuesIDs(t *testing.T) {
	path := writeJournal(t, smallExchange(1), smallExchange(2), smallExchange(9), smallExchange(4))
	w, err := Open(path, Options{Now: fixedClock(), Version: "second run"})
	if err != nil {
		t.Fatal(err)
	}
	if w.LastID() != 9 {
		t.Errorf("LastID %v, want #9", w.LastID())
	}
	if w.Path() != path {
		t.Errorf("Path %q, want %q", w.Path(), path)
	}
	ex := smallExchange(w.LastID() + 1)
	if _, err := w.WriteRequest(ex); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteResponse(ex); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []model.ExchangeID
	for _, ex := range l.Exchanges {
		ids = append(ids, ex.ID)
	}
	if fmt.Sprint(ids) != "[#1 #2 #4 #9 #10]" || len(l.Problems) != 0 {
		t.Errorf("ids %v, problems %v", ids, l.Problems)
	}
	if len(l.Runs) != 2 || l.Runs[0].Version != "test" || l.Runs[1].Version != "second run" || l.Runs[1].Line != 10 {
		t.Errorf("runs %+v", l.Runs)
	}
}

// Appending after a crash mid-write leaves the torn line on its own.
func TestAppendAfterTornLine(t *testing.T) {
	path := writeJournal(t, smallExchange(1), smallExchange(2))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	torn := encodeRequest(smallExchange(3))
	torn = torn[:len(torn)/2]
	if err := os.WriteFile(path, append(data, torn...), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w.LastID() != 3 {
		t.Errorf("LastID %v, want #3 (the torn record's id is not used again)", w.LastID())
	}
	if _, err := w.WriteRequest(smallExchange(4)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteResponse(smallExchange(4)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Exchanges) != 3 || len(l.Problems) != 1 || l.Problems[0].Line != 6 ||
		!strings.Contains(l.Problems[0].Reason, "not a journal record") {
		t.Errorf("%d exchanges, problems %v", len(l.Exchanges), l.Problems)
	}
}

// LastID reads past records of any length and any form.
func TestLastIDScan(t *testing.T) {
	big := smallExchange(7)
	big.Request.Body = bytes.Repeat([]byte("x"), 3<<20) // longer than the reader's buffer
	path := writeJournal(t, smallExchange(5), big)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Written by hand, fields in another order: still counted.
	fmt.Fprintln(f, `{ "id": 12, "t": "resp" }`)
	fmt.Fprintln(f, `{"t":"note","id":99}`) // not an exchange
	fmt.Fprintln(f, `{"t":"req","id":100`)  // corrupt, id unsure
	fmt.Fprintln(f, `{"t":"req","id":30,"`) // corrupt, id sure
	f.Close()
	w, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.LastID() != 30 {
		t.Errorf("LastID %v, want #30", w.LastID())
	}
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	path := filepath.Join(t.TempDir(), "a", "b", "j.jsonl")
	w, err := Open(path, Options{Version: "v"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700 | os.ModeDir} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, info.Mode(), want)
		}
	}
	if w.LastID() != 0 {
		t.Errorf("LastID of a new journal: %v", w.LastID())
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if runtime.GOOS == "linux" {
		path := filepath.Join(dir, "j.jsonl")
		w, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = Open(path, Options{})
		if err == nil || !strings.Contains(err.Error(), "in use by another hark") {
			t.Errorf("second Open of an open journal: %v", err)
		}
		w.Close()
		w, err = Open(path, Options{}) // the lock went with Close
		if err != nil {
			t.Errorf("Open after Close: %v", err)
		} else {
			w.Close()
		}
	}
	if _, err := Open(dir, Options{}); err == nil {
		t.Error("Open of a directory: no error")
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	if _, err := Open(filepath.Join(file, "j.jsonl"), Options{}); err == nil {
		t.Error("Open under a file: no error")
	}
}

// A file that is not a journal is left alone.
func TestOpenRefusesOtherFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	text := "my notes\n{\"not\":\"a record\"}\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), "not a hark journal") {
		t.Errorf("Open of a text file: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != text {
		t.Errorf("the file changed: %q", data)
	}
	// A journal whose records are all damaged but for a header is one.
	if err := os.WriteFile(path, []byte(`{"t":"hark","v":1}`+"\ngarbage\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open of a journal: %v", err)
	}
	w.Close()
}
