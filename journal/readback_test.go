package journal

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/harkhq/hark/model"
)

// An exchange the store evicted is read back from the journal byte for
// byte: bodies of every kind (JSON, text with escapes, invalid UTF-8,
// binary), headers and every other field, while many writers append and
// the journal was appended to before (offsets continue after the file's
// end).
func TestEvictedExchangeReadBackByteForByte(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	prior := writeJournal(t, fullExchange(1)) // a journal appended to
	data, _ := os.ReadFile(prior)
	os.WriteFile(path, data, 0o600)

	w, err := Open(path, Options{Now: fixedClock(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	arc, err := OpenArchive(path)
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	store := model.NewStore(model.StoreOptions{Keep: 4, Archive: arc, FirstID: w.LastID() + 1})

	rng := rand.New(rand.NewPCG(7, 7))
	bodies := map[model.ExchangeID][]byte{}
	finals := map[model.ExchangeID]model.Exchange{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 25 {
				ex := fullExchange(store.NextID())
				// Resent from the exchange of the earlier run, which is not
				// in the store: the link reads back, and no back-link grows
				// on an exchange of this test.
				ex.Resent = &model.Resent{Of: 1, Edited: true}
				mu.Lock()
				ex.Request.Body = oddBody(rng)
				bodies[ex.ID] = ex.Request.Body
				mu.Unlock()
				ex.State, ex.Response = model.StateReceived, nil
				off, err := w.WriteRequest(ex)
				if err != nil {
					t.Error(err)
					return
				}
				ex.Journal.Request = off
				store.Add(ex)
				var final model.Exchange
				store.Update(ex.ID, func(e *model.Exchange) {
					e.State, e.Response = model.StateResponded, fullExchange(0).Response
					final = *e
				})
				mu.Lock()
				finals[ex.ID] = final
				mu.Unlock()
				roff, err := w.WriteResponse(&final)
				if err != nil {
					t.Error(err)
					return
				}
				store.JournaledResponse(ex.ID, roff)
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	evicted := 0
	for id, body := range bodies {
		ex, _ := store.Exchange(id)
		if !ex.Evicted {
			continue
		}
		evicted++
		got, err := store.Load(id)
		if err != nil {
			t.Fatalf("Load(%s): %v", id, err)
		}
		if !bytes.Equal(got.Request.Body, body) {
			t.Fatalf("%s: body read back %q, want %q", id, got.Request.Body, body)
		}
		want := finals[id]
		got.Journal, want.Journal = model.JournalRef{}, model.JournalRef{}
		sameExchange(t, id.String(), got, want)
	}
	if evicted != len(bodies)-4 {
		t.Fatalf("%d of %d exchanges evicted, want all but 4", evicted, len(bodies))
	}
}

// oddBody is a request body of one of the kinds a journal must keep exactly.
func oddBody(rng *rand.Rand) []byte {
	switch rng.IntN(4) {
	case 0:
		return fmt.Appendf(nil, `{"text":"%s","n":%d}`, strings.Repeat("é\\n\u2028", rng.IntN(50)), rng.Int())
	case 1:
		return []byte("line one\nline two\t\x1b[31m\x00 ") // text with controls
	case 2:
		b := make([]byte, 1+rng.IntN(3000)) // binary: base64 in the journal
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	return bytes.Repeat([]byte(`{"k":"v"},`), 1+rng.IntN(2000)) // long, past the first read
}

func TestReadExchangeRefusesWhatIsNotThere(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w, err := Open(path, Options{Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	ex := fullExchange(5)
	reqOff, _ := w.WriteRequest(ex)
	respOff, _ := w.WriteResponse(ex)
	w.Close()
	arc, err := OpenArchive(path)
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()

	if _, err := arc.ReadExchange(6, model.JournalRef{Request: reqOff, Response: respOff}); err == nil || !strings.Contains(err.Error(), "expected") {
		t.Errorf("another exchange's records: %v", err)
	}
	if _, err := arc.ReadExchange(5, model.JournalRef{Request: respOff, Response: reqOff}); err == nil {
		t.Error("a response record read as a request")
	}
	if _, err := arc.ReadExchange(5, model.JournalRef{Request: reqOff + 3}); err == nil {
		t.Error("the middle of a line read as a record")
	}
	info, _ := os.Stat(path)
	if _, err := arc.ReadExchange(5, model.JournalRef{Request: info.Size() + 10}); err == nil {
		t.Error("an offset past the end read")
	}
	got, err := arc.ReadExchange(5, model.JournalRef{Request: reqOff})
	if err != nil || !strings.Contains(strings.Join(got.Notes, ";"), NoteNoResponse) {
		t.Errorf("no response record: %+v, %v", got.Notes, err)
	}
}
