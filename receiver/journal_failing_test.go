package receiver

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/harkhq/hark/model"
)

// flakyJournal fails while full is set.
type flakyJournal struct {
	mu   sync.Mutex
	full bool
}

var errFull = errors.New("no space left on device")

func (j *flakyJournal) err() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.full {
		return errFull
	}
	return nil
}
func (j *flakyJournal) WriteRequest(*model.Exchange) (int64, error)  { return 0, j.err() }
func (j *flakyJournal) WriteResponse(*model.Exchange) (int64, error) { return 0, j.err() }

// A journal that fails, then works again: each exchange it missed says
// so, and the log says when it starts failing and when it works again,
// once each.
func TestJournalFailureAndRecoveryAreLogged(t *testing.T) {
	var log bytes.Buffer
	var mu sync.Mutex
	j := &flakyJournal{}
	store := model.NewStore(model.StoreOptions{})
	srv := httptest.NewServer(settled(New(Config{Store: store, Journal: j,
		Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: &log, mu: &mu}, nil))})))
	defer srv.Close()
	post := func() {
		resp, err := http.Post(srv.URL+"/hook", "application/json", strings.NewReader(`{"session_id":"s"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	post()
	j.mu.Lock()
	j.full = true
	j.mu.Unlock()
	post()
	post()
	j.mu.Lock()
	j.full = false
	j.mu.Unlock()
	post()
	mu.Lock()
	out := log.String()
	mu.Unlock()
	if strings.Count(out, "journal write failed") != 1 || strings.Count(out, "journal writes work again") != 1 {
		t.Errorf("log:\n%s", out)
	}
	notJournaled := 0
	store.Exchanges(func(ex model.Exchange) bool {
		if strings.Contains(strings.Join(ex.Notes, " "), "not journaled") {
			notJournaled++
		}
		return true
	})
	if notJournaled != 2 {
		t.Errorf("%d exchanges noted as not journaled, want 2", notJournaled)
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// queuedAfterFailure is a journal whose writes failed before: it queues
// the response record all the same, at an offset, and says why writes
// fail.
type queuedAfterFailure struct{ fakeJournal }

func (j *queuedAfterFailure) WriteResponse(ex *model.Exchange) (int64, error) {
	off, _ := j.fakeJournal.WriteResponse(ex)
	return 1000 + off, errFull
}

// The store learns where each record is: the request's offset once it is
// durable, the response's whenever the journal queued the record, even
// with the error of an earlier write (the record may yet land; the
// journal knows where it went if not there).
func TestStoreKeepsWhereTheRecordsAre(t *testing.T) {
	for _, j := range []Journal{&fakeJournal{}, &queuedAfterFailure{}} {
		h := newHarness(t, Config{Journal: j})
		h.do(t, "POST", "/hook", "application/json", `{"session_id":"s"}`)
		want := model.JournalRef{Request: 1, Response: 2}
		if _, failing := j.(*queuedAfterFailure); failing {
			want.Response += 1000
		}
		if ex := h.only(t); ex.Journal != want {
			t.Errorf("%T: journal ref %+v, want %+v", j, ex.Journal, want)
		}
	}
}
