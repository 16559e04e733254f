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

	"hark/model"
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
// write at once: one goroutine of the Writer takes whatever is queued, writes
// it in one call and makes it durable with one fsync (group commit), then
// wakes every WriteRequest of that batch.
type Writer struct {
	path   string
	file   *os.File
	fast   bool
	now    func() time.Time
	lastID model.ExchangeID

	wake chan struct{} // a batch is waiting, or Close was called
	done chan struct{} // the writing goroutine has ended

	mu      sync.Mutex
	pending []byte // records queued for the next batch
	spare   []byte // the previous batch's buffer, for reuse
	batch   *batch // the waiters of pending
	err     error  // the first write or fsync error, returned from then on
	closing bool

	closeOnce sync.Once
	closed    error // what Close returns

	records, batches, syncs, bytes atomic.Uint64
}

// batch is one group commit: whoever waits on done gets err.
type batch struct {
	done    chan struct{}
	err     error
	records uint64
	// durable is set when a request record is in the batch. A batch of
	// response records only is written without an fsync: nobody waits for
	// it, and the next durable batch (or Close) syncs it along.
	durable bool
}

func newBatch() *batch { return &batch{done: make(chan struct{})} }

// commitDelay is how long a durable batch waits for company when the
// previous fsync ended less than busyWindow ago: only under load, so a lone
// webhook never waits.
const (
	commitDelay = 200 * time.Microsecond
	busyWindow  = time.Millisecond
)

// maxSpare is the largest batch buffer kept for the next batch.
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
		path:  path,
		file:  f,
		fast:  opts.Fast,
		now:   opts.Now,
		wake:  make(chan struct{}, 1),
		done:  make(chan struct{}),
		batch: newBatch(),
	}
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
	putEncoder(e)
	if err != nil {
		return nil, fmt.Errorf("journal: writing %s: %w", path, err)
	}
	go w.run()
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
// disk (with Fast, once the operating system has it). It reads ex only
// before it blocks, so the caller may change ex as soon as it returns.
func (w *Writer) WriteRequest(ex *model.Exchange) error {
	e := getEncoder()
	e.request(ex)
	b, err := w.enqueue(e.buf, true)
	putEncoder(e)
	if err != nil {
		return err
	}
	<-b.done
	return b.err
}

// WriteResponse queues the response record of ex, to be written with the
// next batch, and returns without waiting for it: the response has already
// gone back. ex should be the exchange as it is in the store after its last
// update (its notes replace those of the request record). The error is that
// of an earlier write, or ErrClosed.
func (w *Writer) WriteResponse(ex *model.Exchange) error {
	e := getEncoder()
	e.response(ex, w.now())
	_, err := w.enqueue(e.buf, false)
	putEncoder(e)
	return err
}

// enqueue adds an encoded record to the next batch and returns the batch.
// durable says that someone will wait for the record to be on disk.
func (w *Writer) enqueue(rec []byte, durable bool) (*batch, error) {
	w.mu.Lock()
	if w.err != nil {
		w.mu.Unlock()
		return nil, w.err
	}
	if w.closing {
		w.mu.Unlock()
		return nil, ErrClosed
	}
	w.pending = append(w.pending, rec...)
	b := w.batch
	b.records++
	b.durable = b.durable || durable
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default: // already woken; the record rides on the coming batch
	}
	return b, nil
}

// run is the writing goroutine: one batch at a time, each with one write
// and one fsync, until Close and nothing is left.
func (w *Writer) run() {
	defer close(w.done)
	var lastSync time.Time
	for {
		w.mu.Lock()
		for len(w.pending) == 0 && !w.closing {
			w.mu.Unlock()
			<-w.wake
			w.mu.Lock()
		}
		if len(w.pending) == 0 { // closing, and all is written
			w.mu.Unlock()
			return
		}
		if w.batch.durable && !w.fast && !w.closing && time.Since(lastSync) < busyWindow {
			// Under load, wait a moment so that more requests share this
			// fsync: fewer, larger commits cost less than many small ones.
			w.mu.Unlock()
			time.Sleep(commitDelay)
			w.mu.Lock()
		}
		buf, b, failed := w.pending, w.batch, w.err
		w.pending, w.batch = w.spare[:0], newBatch()
		w.spare = nil
		w.mu.Unlock()

		err := failed
		if err == nil {
			err = w.flush(buf, b.records, b.durable)
		}
		if b.durable {
			lastSync = time.Now()
		}

		w.mu.Lock()
		if err != nil && w.err == nil {
			w.err = err
		}
		if cap(buf) <= maxSpare {
			w.spare = buf[:0]
		}
		w.mu.Unlock()
		b.err = err
		close(b.done)
	}
}

// flush writes one batch and makes it durable.
func (w *Writer) flush(buf []byte, records uint64, durable bool) error {
	n, err := w.file.Write(buf)
	w.bytes.Add(uint64(n))
	w.batches.Add(1)
	if err != nil {
		return fmt.Errorf("journal: writing %s: %w", w.path, err)
	}
	w.records.Add(records)
	if w.fast || !durable {
		return nil
	}
	w.syncs.Add(1)
	if err := w.file.Sync(); err != nil {
		return fmt.Errorf("journal: syncing %s: %w", w.path, err)
	}
	return nil
}

// Close writes what is queued, makes it durable (also with Fast) and closes
// the file. Later writes return ErrClosed; later Closes return what the
// first returned.
func (w *Writer) Close() error {
	w.closeOnce.Do(func() {
		w.mu.Lock()
		w.closing = true
		w.mu.Unlock()
		select {
		case w.wake <- struct{}{}:
		default:
		}
		<-w.done

		err := w.Err()
		if w.fast && err == nil {
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
