package journal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// gatedFile is a journal file on a disk whose every write waits for the
// test: it says that a write began (entered), then waits for the room the
// disk has for it (proceed), so a test can queue records while a write is
// under way and choose whether that write fails.
type gatedFile struct {
	diskFile
	entered chan struct{}
	proceed chan int64
}

func (f gatedFile) Write(p []byte) (int, error) {
	f.entered <- struct{}{}
	f.d.set(<-f.proceed)
	return f.diskFile.Write(p)
}

// gated opens a journal at path whose writes wait for the test.
func gated(t *testing.T, path string) (*Writer, chan struct{}, chan int64) {
	t.Helper()
	d := &disk{room: -1}
	entered, proceed := make(chan struct{}), make(chan int64)
	w := onDisk(t, path, d, Options{Fast: true, Now: fixedClock()})
	w.file = gatedFile{w.file.(diskFile), entered, proceed}
	open := w.open
	w.open = func(path string) (file, error) {
		f, err := open(path)
		if err != nil {
			return nil, err
		}
		return gatedFile{f.(diskFile), entered, proceed}, nil
	}
	return w, entered, proceed
}

// A write that fails part way through its batch takes its bytes back, so
// the records queued meanwhile land earlier in the file than the offsets
// WriteResponse told; every later record lands where it was told. Read
// back by offset, each exchange comes back byte for byte: the response
// records of the batch queued during the failure are found where they
// went, the one lost with the failed batch reads back as never written.
func TestOffsetsHoldAfterAFailedWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w, entered, proceed := gated(t, path)
	arc, err := w.OpenArchive()
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()

	exs := map[model.ExchangeID]*model.Exchange{}
	refs := map[model.ExchangeID]*model.JournalRef{}
	newEx := func(id model.ExchangeID) *model.Exchange {
		ex := fullExchange(id)
		ex.Request.Body = fmt.Appendf(nil, `{"n":%d,"pad":"%s"}`, id, strings.Repeat("x", int(id)*37))
		exs[id], refs[id] = ex, &model.JournalRef{}
		return ex
	}
	// One write at a time, each let through whole.
	request := func(id model.ExchangeID) {
		t.Helper()
		done := make(chan error)
		go func() {
			off, err := w.WriteRequest(newEx(id))
			refs[id].Request = off
			done <- err
		}()
		<-entered
		proceed <- -1
		if err := <-done; err != nil {
			t.Fatalf("%s: %v", id, err)
		}
	}
	response := func(id model.ExchangeID) {
		t.Helper()
		done := make(chan struct{})
		go func() {
			off, err := w.WriteResponse(exs[id])
			if err != nil {
				t.Errorf("response %s: %v", id, err)
			}
			refs[id].Response = off
			close(done)
		}()
		<-entered
		proceed <- -1
		<-done
	}
	queued := func(records uint64) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
			w.mu.Lock()
			n := w.cur.records
			w.mu.Unlock()
			if n == records {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d records queued, want %d", n, records)
			}
		}
	}

	for id := model.ExchangeID(1); id <= 3; id++ {
		request(id)
		response(id)
	}
	request(4)
	request(5)

	// The response of #4 is written alone, and fails part way through.
	lostDone := make(chan int64)
	go func() {
		off, _ := w.WriteResponse(exs[4])
		lostDone <- off
	}()
	<-entered
	// Meanwhile the response of #5 and the request of #6 are queued for
	// the next batch, after bytes that will not be there.
	off5, err := w.WriteResponse(exs[5])
	if err != nil {
		t.Fatalf("response #5 queued: %v", err)
	}
	refs[5].Response = off5
	req6 := make(chan error)
	go func() {
		off, err := w.WriteRequest(newEx(6))
		refs[6].Request = off
		req6 <- err
	}()
	queued(2)
	proceed <- 40 // the disk fills 40 bytes into the batch
	refs[4].Response = <-lostDone
	<-entered // the next batch, once the disk has room again
	proceed <- -1
	if err := <-req6; err != nil {
		t.Fatalf("request #6 after the disk had room again: %v", err)
	}
	if h := w.Health(); h.Lost != 1 || !errors.Is(h.Err, syscall.ENOSPC) {
		t.Fatalf("health %+v, want the one response lost", h)
	}
	response(6)
	for id := model.ExchangeID(7); id <= 12; id++ {
		request(id)
		response(id)
	}

	// Only the batch queued during the failure was written elsewhere than
	// it was told: later offsets are right as WriteResponse gave them.
	if off, ok := w.MovedResponse(5); !ok || off >= off5 {
		t.Errorf("response #5 moved to %d (%v), told %d", off, ok, off5)
	}
	if off, ok := w.MovedResponse(4); !ok || off != 0 {
		t.Errorf("the lost response of #4: moved to %d (%v), want lost", off, ok)
	}
	for id := model.ExchangeID(6); id <= 12; id++ {
		if off, ok := w.MovedResponse(id); ok {
			t.Errorf("response of %s moved to %d: offsets drift after the failure", id, off)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for id := model.ExchangeID(1); id <= 12; id++ {
		ref := *refs[id]
		if id != 4 && id != 5 {
			// The offsets point at the records themselves.
			for typ, at := range map[string]int64{"req": ref.Request, "resp": ref.Response} {
				if want := fmt.Sprintf(`{"t":%q,"id":%d,`, typ, id); !strings.HasPrefix(string(data[at:]), want) {
					t.Errorf("%s: offset %d is not its %s record: %.40q", id, at, typ, data[at:])
				}
			}
		}
		got, err := arc.ReadExchange(id, ref)
		if err != nil {
			t.Errorf("reading %s back: %v", id, err)
			continue
		}
		want := *exs[id]
		if id == 4 {
			if got.Response != nil || !strings.Contains(strings.Join(got.Notes, ";"), NoteNoResponse) {
				t.Errorf("#4, whose response was lost: response %+v, notes %q", got.Response, got.Notes)
			}
			sameExchange(t, "#4's request", model.Exchange{Request: got.Request}, model.Exchange{Request: want.Request})
			continue
		}
		sameExchange(t, id.String(), *got, want)
	}
}

// Many writers: with no write failing, no offset WriteResponse tells moves.
func TestNoOffsetMovesWithoutFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w, err := Open(path, Options{Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				ex := fullExchange(model.ExchangeID(g*100 + i + 1))
				if _, err := w.WriteRequest(ex); err != nil {
					t.Error(err)
				}
				if _, err := w.WriteResponse(ex); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if w.anyMoved.Load() {
		t.Errorf("offsets moved without a failure: %v", w.moved)
	}
	w.Close()
}
