package journal

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/harkhq/hark/model"
)

// ErrClosed is returned by writes to a closed Writer.
var ErrClosed = errors.New("journal: closed")

// errLocked says another process has the journal open for writing.
var errLocked = errors.New("locked")

// Options tune a Writer.
type Options struct {
	// Fast skips fsync: a request is then on its way to disk, in the
	// operating system's hands, when WriteRequest returns. A crash of the
	// machine (not of hark) can lose the last records.
	Fast bool
	// Now is the clock for the header's start time and the response
	// records' "at"; time.Now when nil.
	Now func() time.Time
	// Version is hark's version, written in the header record.
	Version string
}

// Stats count what a Writer did.
type Stats struct {
	Records uint64 // request and response records written
	Batches uint64 // write calls: group commits
	Syncs   uint64 // fsyncs
	Bytes   uint64 // bytes of those records
}

// file is what a Writer needs of its journal: an *os.File, or in tests a
// disk that fills up and is freed again.
type file interface {
	io.Writer
	io.ReaderAt
	Sync() error
	Close() error
	Stat() (fs.FileInfo, error)
	Truncate(size int64) error
}

// Writer appends records to a journal file. Any number of goroutines may
// write at once, with group commit: a writer that finds no write under way
// becomes the leader, takes every record queued so far, writes them in one
// call and makes them durable with one fsync, then wakes the writers of
// that batch. While one batch is being synced, the next can already be
// written and its own fsync started (two at most), since an fsync makes
// durable everything written before it began. No goroutine of the Writer
// sits between a writer and the disk, so a busy scheduler adds no hop to a
// webhook's wait.
//
// A write that fails (a full disk) loses its batch, whose writers get the
// error; the next batch reopens the file, cuts off what the failed write
// left of a record, and tries again, so the journal resumes by itself once
// the disk has room.
type Writer struct {
	path   string
	file   file
	open   func(path string) (file, error) // opens the journal again after a failure
	fast   bool
	now    func() time.Time
	lastID model.ExchangeID

	mu       sync.Mutex
	cond     *sync.Cond // signalled whenever a batch is written, synced or lost
	cur      *batch     // records queued for the next write
	spare    []byte     // a written batch's buffer, for reuse
	waiting  int        // WriteRequest calls waiting for the disk
	unsynced []*batch   // written batches waiting for an fsync, oldest first
	free     []*batch   // settled batches, for reuse
	writing  bool       // a leader is writing a batch (writes go one at a time)
	syncing  int        // fsyncs under way
	lastSync time.Time  // when the last fsync ended, to tell a busy journal
	broken   bool       // the last write or fsync failed: reopen before the next
	lastErr  error      // the last write or fsync error
	closing  bool

	// size is where the last good write ended: the file's real end, where
	// the next batch goes. Only the leader changes it.
	size int64

	// moved holds where the response records of batches that were not
	// written where WriteResponse said went instead (0: lost), by
	// exchange; see movedLocked.
	moved    map[model.ExchangeID]int64
	anyMoved atomic.Bool

	closeOnce sync.Once
	closed    error // what Close returns

	records, batches, syncs, bytes atomic.Uint64
	journaled, lost                atomic.Uint64
	failing                        atomic.Bool
}

// batch is the records written together, and what became of them.
type batch struct {
	seq      uint64 // batches are numbered in the order they are written
	buf      []byte
	records  uint64 // records in buf
	requests uint64 // request records in buf: the exchanges it journals
	durable  bool   // holds a request record: needs an fsync
	done     bool   // durable, or lost
	err      error  // why it was lost
	waiters  int    // WriteRequest calls waiting for it

	at    int64    // where in the file its records were said to start
	start int64    // where it was written: at, unless a write before it failed
	resps []placed // its response records, whose offsets were told at once
}

// placed is a response record in its batch.
type placed struct {
	id  model.ExchangeID
	off int64 // from the start of the batch
}

// maxSyncs is how many fsyncs may overlap.
const maxSyncs = 2

// commitDelay is how long at most a leader waits for company before an
// fsync, in steps of commitStep while records keep arriving. It waits only
// when the batch is small (fewer than smallBatch requests) and the journal
// busy — requests of an earlier batch are still waiting for the disk, and
// the previous fsync ended less than busyWindow ago — so a lone webhook
// never waits, and a batch that filled up during the previous fsync goes
// at once. (Sleeps this short are coarse on an idle machine, a millisecond
// on some; under load the scheduler wakes them on time.)
const (
	commitDelay = 400 * time.Microsecond
	commitStep  = 100 * time.Microsecond
	smallBatch  = 8
	busyWindow  = time.Millisecond
)

// maxSpare bounds the batch buffer kept for reuse.
const maxSpare = 4 << 20

// maxFree bounds the settled batches kept for reuse: about as many as can
// be waited on at once under load.
const maxFree = 64

// Open opens a journal for appending, creating it (mode 0600, directories
// 0700) when it does not exist. Only a regular file can be a journal: a
// FIFO or a device would stall or swallow every webhook's record. Appending
// to an existing journal, it reads the file once to find the highest
// exchange id (see LastID) and ends a torn last line, so the new records
// start on a line of their own. It then writes a header record. On systems
// that have flock, a journal is locked while it is open, so two harks never
// append to the same file.
func Open(path string, opts Options) (*Writer, error) {
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
		return nil, notRegular(path, info)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	w, err := start(path, f, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

func start(path string, f *os.File, opts Options) (*Writer, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	w := &Writer{
		path: path,
		file: f,
		open: func(path string) (file, error) { return openFile(path) },
		fast: opts.Fast,
		now:  opts.Now,
	}
	w.cond = sync.NewCond(&w.mu)
	if w.now == nil {
		w.now = time.Now
	}
	var head []byte
	if size := info.Size(); size > 0 {
		last, records, torn, err := scanLastID(f, size)
		if err != nil {
			return nil, fmt.Errorf("journal: reading %s: %w", path, err)
		}
		if records == 0 {
			return nil, fmt.Errorf("journal: %s is not a hark journal (none of its lines is a journal record); leaving it alone", path)
		}
		w.lastID = last
		if torn {
			head = append(head, '\n')
		}
	} else if err := syncDir(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	e := getEncoder()
	e.buf = append(e.buf, head...)
	e.header(w.now(), opts.Version)
	_, err = f.Write(e.buf)
	if err == nil && !w.fast {
		err = f.Sync()
	}
	w.size = info.Size() + int64(len(e.buf))
	w.cur = &batch{at: w.size}
	putEncoder(e)
	if err != nil {
		return nil, fmt.Errorf("journal: writing %s: %w", path, err)
	}
	return w, nil
}

// Path is the journal's file name.
func (w *Writer) Path() string { return w.path }

// LastID is the highest exchange id the file held when it was opened, 0 for
// a new file. Damaged records whose id can be read count too, so that no id
// is used twice in a file. New exchanges should be numbered after it
// (model.StoreOptions.FirstID = LastID()+1).
func (w *Writer) LastID() model.ExchangeID { return w.lastID }

// Stats returns what the Writer has done so far.
func (w *Writer) Stats() Stats {
	return Stats{
		Records: w.records.Load(),
		Batches: w.batches.Load(),
		Syncs:   w.syncs.Load(),
		Bytes:   w.bytes.Load(),
	}
}

// WriteRequest writes the request record of ex and returns once it is on
// disk (with Fast, once the operating system has it), with the offset in
// the file where the record starts (for ReadExchange). It reads ex only
// before it blocks, so the caller may change ex as soon as it returns.
func (w *Writer) WriteRequest(ex *model.Exchange) (int64, error) {
	e := getEncoder()
	e.request(ex)
	w.mu.Lock()
	b, off, err := w.enqueueLocked(e.buf, true)
	putEncoder(e)
	var start int64
	if err == nil {
		w.waiting++
		start, err = w.waitLocked(b)
		w.waiting--
	}
	w.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return start + off, nil
}

// WriteResponse queues the response record of ex and returns without
// waiting for the disk: the response has already gone back. The record
// rides with the next batch; when no batch is under way it is written at
// once, without an fsync (the next durable batch, or Close, syncs it). ex
// should be the exchange as it is in the store after its last update (its
// notes replace those of the request record). It returns the offset where
// the record will start in the file: batches are written in order, each
// at the end of the file, so a record starts where the records queued
// before it end. Should a write before it fail, the record lands earlier
// or not at all, and MovedResponse says where it went. The offset is 0
// when the record was not queued (ErrClosed). The error is that of the
// last write when writes are failing: the record is queued all the same.
func (w *Writer) WriteResponse(ex *model.Exchange) (int64, error) {
	e := getEncoder()
	e.response(ex, w.now())
	w.mu.Lock()
	defer w.mu.Unlock()
	b, off, err := w.enqueueLocked(e.buf, false)
	putEncoder(e)
	if err != nil {
		return 0, err
	}
	b.resps = append(b.resps, placed{ex.ID, off})
	off += b.at
	if !w.writing && (!w.cur.durable || w.syncing < maxSyncs) {
		w.leadLocked()
	}
	if w.broken {
		return off, w.lastErr
	}
	return off, nil
}

// enqueueLocked adds an encoded record to the pending batch and returns
// that batch and where the record starts in it.
func (w *Writer) enqueueLocked(rec []byte, durable bool) (*batch, int64, error) {
	if w.closing {
		return nil, 0, ErrClosed
	}
	b := w.cur
	off := int64(len(b.buf))
	b.buf = append(b.buf, rec...)
	b.records++
	if durable {
		b.durable = true
		b.requests++
	}
	return b, off, nil
}

// waitLocked returns once batch b is durable or lost, leading batches
// itself whenever nobody else can, with where in the file b was written.
func (w *Writer) waitLocked(b *batch) (int64, error) {
	b.waiters++
	for !b.done {
		if b == w.cur && !w.writing && w.syncing < maxSyncs {
			w.leadLocked()
			continue
		}
		w.cond.Wait()
	}
	start, err := b.start, b.err
	b.waiters--
	w.releaseLocked(b)
	return start, err
}

// newBatchLocked returns an empty batch, a used one when there is.
func (w *Writer) newBatchLocked(seq uint64, buf []byte) *batch {
	var b *batch
	if n := len(w.free); n > 0 {
		b, w.free = w.free[n-1], w.free[:n-1]
	} else {
		b = new(batch)
	}
	b.seq, b.buf = seq, buf
	return b
}

// releaseLocked keeps a batch for reuse once it is settled and its last
// writer has read what became of it (no writer can join a batch once it
// is no longer the pending one).
func (w *Writer) releaseLocked(b *batch) {
	if b.done && b.waiters == 0 && len(w.free) < maxFree {
		*b = batch{resps: b.resps[:0]}
		w.free = append(w.free, b)
	}
}

// leadLocked writes the pending batch and, when it holds a request record,
// syncs it. The lock is released while writing and syncing, so the next
// batch gathers, and may be written, meanwhile.
func (w *Writer) leadLocked() {
	w.writing = true
	b := w.cur
	if b.durable && !w.fast && !w.closing && b.requests < smallBatch && w.waiting > int(b.requests) && time.Since(w.lastSync) < busyWindow {
		// Under load, let more requests join this fsync — fewer, larger
		// commits cost less than many small ones — for as long as they keep
		// coming, up to commitDelay.
		for waited := time.Duration(0); waited < commitDelay; waited += commitStep {
			before := b.records
			w.mu.Unlock()
			time.Sleep(commitStep)
			w.mu.Lock()
			if b.records == before {
				break
			}
		}
	}
	w.cur = w.newBatchLocked(b.seq+1, w.spare[:0])
	// The next batch goes where this one will end, unless this one is
	// lost (or the file was cut short behind hark's back): the offsets
	// WriteResponse tells then move (movedLocked), for that batch only.
	w.cur.at = w.size + int64(len(b.buf))
	w.spare = nil
	broken := w.broken
	for broken && w.syncing > 0 {
		w.cond.Wait() // the file is about to be reopened: let its fsyncs end
	}
	w.mu.Unlock()

	var err error
	if broken {
		err = w.reopen()
	}
	wrote := len(b.buf) > 0
	b.start = w.size
	if err == nil && wrote {
		err = w.write(b)
	}

	w.mu.Lock()
	w.movedLocked(b, err)
	if cap(b.buf) <= maxSpare {
		w.spare = b.buf[:0]
	}
	b.buf = nil
	w.writing = false
	defer w.cond.Broadcast()
	switch {
	case err != nil:
		w.loseLocked(b, err)
		return
	case broken && !wrote:
		// Nothing was written: whether writes work again is still unknown.
	default:
		w.broken = false
		w.failing.Store(false)
	}
	if !b.durable || w.fast {
		w.settleLocked(b) // the operating system has it: enough without fsync
		return
	}
	w.unsynced = append(w.unsynced, b)
	w.syncing++
	f, seq := w.file, b.seq // b may be reused once settled
	w.cond.Broadcast()

	// The fsync makes durable every batch written before it began.
	w.mu.Unlock()
	w.syncs.Add(1)
	serr := f.Sync()
	done := time.Now()
	w.mu.Lock()
	w.syncing--
	w.lastSync = done
	n := 0
	for _, u := range w.unsynced {
		switch {
		case u.seq > seq: // written after the fsync began
			w.unsynced[n] = u
			n++
		case serr != nil:
			w.loseLocked(u, fmt.Errorf("journal: syncing %s: %w", w.path, serr))
		default:
			w.settleLocked(u)
		}
	}
	clear(w.unsynced[n:])
	w.unsynced = w.unsynced[:n]
}

// settleLocked marks a batch durable.
func (w *Writer) settleLocked(b *batch) {
	b.done = true
	w.journaled.Add(b.requests)
	w.releaseLocked(b)
}

// loseLocked marks a batch lost: its writers get err, and the next batch
// reopens the file first.
func (w *Writer) loseLocked(b *batch, err error) {
	b.done, b.err = true, err
	w.lost.Add(b.records)
	w.broken, w.lastErr = true, err
	w.failing.Store(true)
	w.releaseLocked(b)
}

// write appends one batch to the file. Only the leader calls it.
func (w *Writer) write(b *batch) error {
	n, err := w.file.Write(b.buf)
	w.bytes.Add(uint64(n))
	w.batches.Add(1)
	if err != nil {
		if n > 0 {
			// A full disk took part of the batch: cut it off now, so the
			// file ends on a whole record even if hark stops here.
			_ = w.file.Truncate(w.size)
		}
		return fmt.Errorf("journal: writing %s: %w", w.path, err)
	}
	w.size += int64(n)
	w.records.Add(b.records)
	return nil
}

// Close writes what is queued, makes it durable (also with Fast) and
// closes the file. Later writes return ErrClosed; later Closes return what
// the first returned. Close fails when the journal ends failing: the last
// records could not be written.
func (w *Writer) Close() error {
	w.closeOnce.Do(func() {
		w.mu.Lock()
		w.closing = true
		for w.writing || w.syncing > 0 {
			w.cond.Wait()
		}
		if w.cur.records > 0 {
			w.leadLocked()
			for w.syncing > 0 {
				w.cond.Wait()
			}
		}
		var err error
		if w.broken {
			err = w.lastErr
		}
		w.mu.Unlock()

		if err == nil {
			if err = w.file.Sync(); err != nil {
				err = fmt.Errorf("journal: syncing %s: %w", w.path, err)
			} else {
				w.syncs.Add(1)
			}
		}
		if cerr := w.file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("journal: %w", cerr)
		}
		w.closed = err
	})
	return w.closed
}

// scanLastID reads a journal once to find its highest exchange id, how
// many of its lines are records, and whether its last line lacks its "\n".
// Records this package wrote start with their type and id, so most lines
// are read no further than that.
func scanLastID(f io.ReaderAt, size int64) (last model.ExchangeID, records int, torn bool, err error) {
	var tail [1]byte
	if _, err := f.ReadAt(tail[:], size-1); err != nil {
		return 0, 0, false, err
	}
	torn = tail[0] != '\n'
	c := newChunker(io.NewSectionReader(f, 0, size))
	d := newDecoder()
	var rec record
	for {
		b, err := c.next()
		if err == io.EOF {
			return last, records, torn, nil
		}
		if err != nil {
			return 0, 0, false, err
		}
		b.eachLine(func(line []byte, _ int, _ int64, _ bool) {
			id, ok := quickID(line)
			if !ok && d.decode(line, &rec) == nil {
				switch rec.typ {
				case typeHeader:
					records++
				case typeRequest, typeResponse:
					id, ok = rec.id, rec.hasID
				}
			}
			if ok {
				records++
				last = max(last, id)
			}
		})
		b.release()
	}
}

// quickID reads the id of a record line in the form the encoder writes:
// {"t":"req","id":17,... or {"t":"resp","id":17,...
func quickID(line []byte) (model.ExchangeID, bool) {
	var rest []byte
	switch {
	case hasPrefix(line, `{"t":"req","id":`):
		rest = line[len(`{"t":"req","id":`):]
	case hasPrefix(line, `{"t":"resp","id":`):
		rest = line[len(`{"t":"resp","id":`):]
	default:
		return 0, false
	}
	var n uint64
	i := 0
	for ; i < len(rest) && isDigit(rest[i]) && i < 19; i++ {
		n = n*10 + uint64(rest[i]-'0')
	}
	if i == 0 || i >= len(rest) || rest[i] != ',' || (rest[0] == '0' && i > 1) {
		return 0, false
	}
	return model.ExchangeID(n), true
}

func hasPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix
}
