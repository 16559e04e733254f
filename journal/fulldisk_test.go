package journal

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/harkhq/hark/model"
)

// disk is the space left on a file system that fills up: once full, a
// write keeps what fits and fails with ENOSPC, as Linux does, until space
// is freed.
type disk struct {
	mu   sync.Mutex
	room int64 // bytes that still fit; < 0: no limit
}

func (d *disk) set(room int64) {
	d.mu.Lock()
	d.room = room
	d.mu.Unlock()
}

// diskFile is a journal file on d.
type diskFile struct {
	*os.File
	d *disk
}

func (f diskFile) Write(p []byte) (int, error) {
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	if f.d.room < 0 || int64(len(p)) <= f.d.room {
		n, err := f.File.Write(p)
		if f.d.room >= 0 {
			f.d.room -= int64(n)
		}
		return n, err
	}
	n, _ := f.File.Write(p[:f.d.room])
	f.d.room = 0
	return n, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
}

// onDisk opens a journal at path on d.
func onDisk(t *testing.T, path string, d *disk, opts Options) *Writer {
	t.Helper()
	w, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	w.file = diskFile{w.file.(*os.File), d}
	w.open = func(path string) (file, error) {
		f, err := openFile(path)
		if err != nil {
			return nil, err
		}
		return diskFile{f, d}, nil
	}
	return w
}

// A journal on a disk that fills up loses what cannot be written, says so,
// and journals again once space is freed: the file then holds whole
// records only, those of every exchange whose writer was told it was
// journaled.
func TestJournalResumesAfterFullDisk(t *testing.T) {
	for _, fast := range []bool{false, true} {
		t.Run(map[bool]string{false: "fsync", true: "fast"}[fast], func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "j.jsonl")
			d := &disk{room: -1}
			w := onDisk(t, path, d, Options{Fast: fast})
			var journaled []model.ExchangeID
			write := func(from, to model.ExchangeID, wantErr bool) {
				t.Helper()
				for id := from; id <= to; id++ {
					ex := smallExchange(id)
					_, err := w.WriteRequest(ex)
					if wantErr != (err != nil) {
						t.Fatalf("%s: WriteRequest error %v, want an error: %v", id, err, wantErr)
					}
					if err == nil {
						journaled = append(journaled, id)
					} else if !errors.Is(err, syscall.ENOSPC) {
						t.Fatalf("%s: %v, want ENOSPC", id, err)
					}
					_, _ = w.WriteResponse(ex) // its error is the one above
				}
			}
			write(1, 10, false)
			d.set(150) // room for part of one record
			write(11, 30, true)
			h := w.Health()
			if !h.Failing || h.Lost < 20 || h.Journaled != 10 || !errors.Is(h.Err, syscall.ENOSPC) {
				t.Errorf("while the disk is full: %+v", h)
			}
			// What the full disk let through of a record is cut off at once:
			// the file ends on a whole line even if hark stopped now.
			if data, _ := os.ReadFile(path); len(data) == 0 || data[len(data)-1] != '\n' {
				t.Errorf("the file ends in a torn record: %q", data[max(0, len(data)-40):])
			}
			d.set(-1) // space freed
			write(31, 50, false)
			h = w.Health()
			if h.Failing || h.Journaled != 30 || !errors.Is(h.Err, syscall.ENOSPC) {
				t.Errorf("after space was freed: %+v", h)
			}
			if err := w.Close(); err != nil {
				t.Fatalf("Close after recovery: %v", err)
			}
			l, ids := loadIDs(t, path)
			if !slices.Equal(ids, journaled) || len(l.Problems) != 0 || l.Unanswered != 0 {
				t.Errorf("the journal holds %v (problems %v, %d unanswered), want %v", ids, l.Problems, l.Unanswered, journaled)
			}
		})
	}
}

// A journal that is still failing when hark exits says so from Close.
func TestCloseOnFullDisk(t *testing.T) {
	d := &disk{room: -1}
	w := onDisk(t, filepath.Join(t.TempDir(), "j.jsonl"), d, Options{})
	d.set(0)
	if _, err := w.WriteRequest(smallExchange(1)); err == nil {
		t.Fatal("no error on a full disk")
	}
	if err := w.Close(); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Close: %v, want ENOSPC", err)
	}
	if h := w.Health(); h.Journaled != 0 || h.Lost != 1 || !h.Failing {
		t.Errorf("health %+v", h)
	}
}

// Concurrent waiters of a failing batch all get its error.
func TestWriteErrorReachesEveryWaiter(t *testing.T) {
	d := &disk{room: 0}
	w := onDisk(t, filepath.Join(t.TempDir(), "j.jsonl"), d, Options{})
	var wg sync.WaitGroup
	var failures sync.Map
	for i := range 32 {
		wg.Go(func() {
			if _, err := w.WriteRequest(smallExchange(model.ExchangeID(i + 1))); err != nil {
				failures.Store(i, err)
			}
		})
	}
	wg.Wait()
	n := 0
	failures.Range(func(any, any) bool { n++; return true })
	if n != 32 {
		t.Errorf("%d of 32 writers got the error", n)
	}
	if h := w.Health(); h.Lost != 32 {
		t.Errorf("lost %d records, want 32", h.Lost)
	}
	w.Close()
}

// The file taken away from under the journal (closed, deleted) comes back
// at the next write.
func TestJournalReopensItsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteRequest(smallExchange(1)); err != nil {
		t.Fatal(err)
	}
	w.file.Close() // the file goes bad
	if _, err := w.WriteRequest(smallExchange(2)); err == nil {
		t.Fatal("no error writing to a closed file")
	}
	if _, err := w.WriteRequest(smallExchange(3)); err != nil {
		t.Fatalf("the next write did not reopen the file: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ids := loadIDs(t, path); !slices.Equal(ids, []model.ExchangeID{1, 3}) {
		t.Errorf("journal holds %v, want #1 #3", ids)
	}
}

// loadIDs reads a journal and lists its exchanges' ids.
func loadIDs(t *testing.T, path string) (*Loaded, []model.ExchangeID) {
	t.Helper()
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []model.ExchangeID
	for _, ex := range l.Exchanges {
		ids = append(ids, ex.ID)
	}
	return l, ids
}

// Only a regular file can be a journal, with or without --fast: a FIFO
// would stall every webhook, a device swallow them.
func TestOpenRefusesNonRegularFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, link, os.DevNull, dir} {
		for _, fast := range []bool{false, true} {
			w, err := Open(path, Options{Fast: fast})
			if err == nil {
				w.Close()
				t.Errorf("Open(%s, fast=%v): no error", path, fast)
				continue
			}
			if want := "not a regular file"; !strings.Contains(err.Error(), want) {
				t.Errorf("Open(%s): %v, want %q", path, err, want)
			}
		}
	}
	if info, err := os.Lstat(fifo); err != nil || info.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO changed: %v %v", info, err)
	}
}
