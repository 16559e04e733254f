package journal

import (
	"errors"
	"fmt"
	"io"
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

// Writer appends records to a journal file. Any number of goroutines may
// write at once, with group commit: a writer that finds no write under way
// becomes the leader, takes every record queued so far, writes them in one
// call and makes them durable with one fsync, then wakes the writers of
// that batch. While one batch is being synced, the next can already be
// written and its own fsync started (two at most), since an fsync makes
// durable everything written before it began. No goroutine of the Writer
// sits between a writer and the disk, so a busy scheduler adds no hop to a
// webhook's wait.
type Writer struct {
	path   string
	file   *os.File
	fast   bool
	now    func() time.Time
	lastID model.ExchangeID

	mu       sync.Mutex
	end      int64      // where the next record queued will start in the file
	cond     *sync.Cond // signalled whenever a batch is written or synced
	pending  []byte     // records queued for the next batch
	spare    []byte     // a written batch's buffer, for reuse
	durable  bool       // a request record is pending: the batch needs an fsync
	queued   uint64     // records in pending
	waiting  int        // WriteRequest calls waiting for the disk
	requests int        // request records in pending
	next     uint64     // sequence number of the batch pending will become
	written  uint64     // highest batch written to the file
	synced   uint64     // highest batch known durable
	writing  bool       // a leader is writing a batch (writes go one at a time)
	syncing  int        // fsyncs under way
	lastSync time.Time  // when the last fsync ended, to tell a busy journal
	err      error      // the first write or fsync error, returned from then on
	failed   uint64     // the batch that got err: it and every later one fail
	closing  bool

	closeOnce sync.Once
	closed    error // what Close returns

	records, batches, syncs, bytes atomic.Uint64
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

// Open opens a journal for appending, creating it (mode 0600, directories
// 0700) when it does not exist. Appending to an existing journal, it reads
// the file once to find the highest exchange id (see LastID) and ends a
// torn last line, so the new records start on a line of their own. It then
// writes a header record. On systems that have flock, a journal is locked
// while it is open, so two harks never append to the same file.
func Open(path string, opts Options) (*Writer, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	w, err := start(path, f, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

func start(path string, f *os.File, opts Options) (*Writer, error) {
	if err := lockFile(f); err != nil {
		return nil, fmt.Errorf("journal: %s is in use by another hark", path)
	}
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	w := &Writer{
		path: path,
		file: f,
		fast: opts.Fast,
		now:  opts.Now,
		next: 1,
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
	w.end = info.Size() + int64(len(e.buf))
	if err == nil && !w.fast {
		err = f.Sync()
	}
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

// Err returns the write error that stopped the journal, if any.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// WriteRequest writes the request record of ex and returns once it is on
// disk (with Fast, once the operating system has it), with the offset in
// the file where the record starts (for ReadExchange). It reads ex only
// before it blocks, so the caller may change ex as soon as it returns.
func (w *Writer) WriteRequest(ex *model.Exchange) (int64, error) {
	e := getEncoder()
	e.request(ex)
	w.mu.Lock()
	seq, off, err := w.enqueueLocked(e.buf, true)
	putEncoder(e)
	if err == nil {
		w.waiting++
		err = w.waitLocked(seq)
		w.waiting--
	}
	w.mu.Unlock()
	return off, err
}

// WriteResponse queues the response record of ex and returns without
// waiting for the disk: the response has already gone back. The record
// rides with the next batch; when no batch is under way it is written at
// once, without an fsync (the next durable batch, or Close, syncs it). ex
// should be the exchange as it is in the store after its last update (its
// notes replace those of the request record). It returns the offset where
// the record will start in the file. The error is that of an earlier
// write, or ErrClosed.
func (w *Writer) WriteResponse(ex *model.Exchange) (int64, error) {
	e := getEncoder()
	e.response(ex, w.now())
	w.mu.Lock()
	defer w.mu.Unlock()
	_, off, err := w.enqueueLocked(e.buf, false)
	putEncoder(e)
	if err == nil && !w.writing && (!w.durable || w.syncing < maxSyncs) {
		w.leadLocked()
	}
	return off, err
}

// enqueueLocked adds an encoded record to the pending batch and returns
// that batch's sequence number and the record's offset in the file:
// batches are written in order, each at the end of the file, so a record
// starts where the records queued before it end.
func (w *Writer) enqueueLocked(rec []byte, durable bool) (uint64, int64, error) {
	if w.err != nil {
		return 0, 0, w.err
	}
	if w.closing {
		return 0, 0, ErrClosed
	}
	off := w.end
	w.end += int64(len(rec))
	w.pending = append(w.pending, rec...)
	w.queued++
	if durable {
		w.durable = true
		w.requests++
	}
	return w.next, off, nil
}

// waitLocked returns once batch seq is durable, leading batches itself
// whenever nobody else can.
func (w *Writer) waitLocked(seq uint64) error {
	for w.synced < seq && w.err == nil {
		if !w.writing && w.syncing < maxSyncs && w.written < seq {
			w.leadLocked()
			continue
		}
		w.cond.Wait()
	}
	if w.err != nil && seq >= w.failed {
		return w.err
	}
	return nil
}

// leadLocked writes the pending batch and, when it holds a request record,
// syncs it. The lock is released while writing and syncing, so the next
// batch gathers, and may be written, meanwhile.
func (w *Writer) leadLocked() {
	w.writing = true
	if w.durable && !w.fast && !w.closing && w.requests < smallBatch && w.waiting > w.requests && time.Since(w.lastSync) < busyWindow {
		// Under load, let more requests join this fsync — fewer, larger
		// commits cost less than many small ones — for as long as they keep
		// coming, up to commitDelay.
		for waited := time.Duration(0); waited < commitDelay; waited += commitStep {
			before := w.queued
			w.mu.Unlock()
			time.Sleep(commitStep)
			w.mu.Lock()
			if w.queued == before {
				break
			}
		}
	}
	buf, records, durable, seq := w.pending, w.queued, w.durable, w.next
	w.pending, w.spare, w.queued, w.durable, w.requests = w.spare[:0], nil, 0, false, 0
	w.next++
	err := w.err
	w.mu.Unlock()

	if err == nil && len(buf) > 0 {
		err = w.write(buf, records)
	}

	w.mu.Lock()
	if cap(buf) <= maxSpare {
		w.spare = buf[:0]
	}
	w.written = seq
	w.writing = false
	sync := err == nil && durable && !w.fast
	if err == nil && durable && w.fast {
		w.synced = max(w.synced, seq) // the operating system has it: enough for Fast
	}
	w.failLocked(err, seq)
	if sync {
		w.syncing++
	}
	w.cond.Broadcast()
	if !sync {
		return
	}

	// The fsync makes durable every batch written so far, up to seq.
	w.mu.Unlock()
	w.syncs.Add(1)
	if serr := w.file.Sync(); serr != nil {
		err = fmt.Errorf("journal: syncing %s: %w", w.path, serr)
	}
	done := time.Now()
	w.mu.Lock()
	w.syncing--
	w.lastSync = done
	if err == nil {
		w.synced = max(w.synced, seq)
	}
	w.failLocked(err, seq)
	w.cond.Broadcast()
}

func (w *Writer) failLocked(err error, seq uint64) {
	if err != nil && w.err == nil {
		w.err, w.failed = err, seq
	}
}

// write appends one batch to the file.
func (w *Writer) write(buf []byte, records uint64) error {
	n, err := w.file.Write(buf)
	w.bytes.Add(uint64(n))
	w.batches.Add(1)
	if err != nil {
		return fmt.Errorf("journal: writing %s: %w", w.path, err)
	}
	w.records.Add(records)
	return nil
}

// Close writes what is queued, makes it durable (also with Fast) and
// closes the file. Later writes return ErrClosed; later Closes return what
// the first returned.
func (w *Writer) Close() error {
	w.closeOnce.Do(func() {
		w.mu.Lock()
		w.closing = true
		for w.writing || w.syncing > 0 {
			w.cond.Wait()
		}
		if len(w.pending) > 0 {
			w.leadLocked()
			for w.syncing > 0 {
				w.cond.Wait()
			}
		}
		err := w.err
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
