package journal

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/harkhq/hark/model"
)

// A journal is a regular file, and one that may fail: what the Writer does
// when a write fails (a full disk), and how it says so.

// Health says how the journal is doing.
type Health struct {
	// Journaled counts the exchanges whose request record reached the
	// disk (the file, with Fast).
	Journaled uint64
	// Lost counts the records that could not be written.
	Lost uint64
	// Failing is set while writes fail: the last one did.
	Failing bool
	// Err is the last write error, also once writes work again.
	Err error
}

// Health says what reached the disk, what was lost and whether writes fail
// now. It takes no lock the writers hold for long, so a screen may ask it
// on every redraw.
func (w *Writer) Health() Health {
	h := Health{Journaled: w.journaled.Load(), Lost: w.lost.Load(), Failing: w.failing.Load()}
	if h.Lost > 0 {
		w.mu.Lock()
		h.Err = w.lastErr
		w.mu.Unlock()
	}
	return h
}

// openFile opens path for appending and locks it; it must be a regular
// file (checked on the open file, so nothing can swap it in between).
func openFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = notRegular(path, info)
	}
	if err == nil && lockFile(f) != nil {
		err = fmt.Errorf("journal: %s is in use by another hark", path)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func notRegular(path string, info fs.FileInfo) error {
	what := "not a regular file"
	switch m := info.Mode(); {
	case m.IsDir():
		what = "a folder"
	case m&fs.ModeNamedPipe != 0:
		what = "a FIFO"
	case m&fs.ModeDevice != 0:
		what = "a device"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	}
	return fmt.Errorf("journal: %s is %s, not a regular file: give a file name for the journal", path, what)
}

// reopen opens the journal again after a failed write, and ends it where
// the last good write ended: what a full disk let through of a record is
// cut off, so the file holds whole records only. Only the leader calls it,
// while no fsync is under way.
func (w *Writer) reopen() error {
	w.file.Close() // its lock goes with it, for the new one to take
	f, err := w.open(w.path)
	if err != nil {
		w.file = failedFile{err}
		return err
	}
	w.file = f
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	switch size := info.Size(); {
	case size > w.size:
		if err := f.Truncate(w.size); err != nil {
			return fmt.Errorf("journal: cutting off the record a failed write left in %s: %w", w.path, err)
		}
	case size < w.size:
		// Shortened behind hark's back: go on at its end, on a line of
		// its own.
		w.size = size
		var last [1]byte
		if _, err := f.ReadAt(last[:], size-1); err == nil && last[0] != '\n' {
			if _, err := f.Write([]byte{'\n'}); err != nil {
				return fmt.Errorf("journal: writing %s: %w", w.path, err)
			}
			w.size++
		}
	}
	return nil
}

// maxMoved bounds the moved response records remembered. Few are: only
// the responses queued while a write was failing, and while the disk is
// full, requests (whose responses follow them) are not journaled.
const maxMoved = 1 << 16

// movedLocked notes where the response records of batch b went when that
// is not where WriteResponse said: b was lost (err), or written elsewhere
// than at b.at because a write before it failed and took back its bytes.
// The batch after b is then placed at the file's real end again, so only
// the batch queued while the write failed moves.
func (w *Writer) movedLocked(b *batch, err error) {
	if len(b.resps) == 0 || (err == nil && b.start == b.at) {
		return
	}
	if w.moved == nil {
		w.moved = make(map[model.ExchangeID]int64)
	}
	for _, p := range b.resps {
		if len(w.moved) >= maxMoved {
			break
		}
		var off int64 // lost
		if err == nil {
			off = b.start + p.off
		}
		w.moved[p.id] = off
	}
	w.anyMoved.Store(true)
}

// MovedResponse says where the response record of exchange id really
// starts when that is not the offset WriteResponse returned (a write
// before it failed): ok, with 0 when the record was lost.
func (w *Writer) MovedResponse(id model.ExchangeID) (offset int64, ok bool) {
	if !w.anyMoved.Load() {
		return 0, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	offset, ok = w.moved[id]
	return offset, ok
}

// failedFile stands for a journal that could not be opened again.
type failedFile struct{ err error }

func (f failedFile) Write([]byte) (int, error)         { return 0, f.err }
func (f failedFile) ReadAt([]byte, int64) (int, error) { return 0, f.err }
func (f failedFile) Sync() error                       { return f.err }
func (f failedFile) Close() error                      { return nil }
func (f failedFile) Stat() (fs.FileInfo, error)        { return nil, f.err }
func (f failedFile) Truncate(int64) error              { return f.err }
