package journal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/harkhq/hark/model"
)

// Archive reads single exchanges back from a journal by the offsets of
// their records (Writer.WriteRequest and WriteResponse return them): the
// store's model.Archive, which brings back an exchange it evicted from
// memory. It reads through a descriptor of its own, so it never disturbs
// the Writer appending to the same file, and any number of goroutines may
// read at once.
type Archive struct {
	path string
	f    *os.File
	w    *Writer // the Writer appending to the file, which knows what moved; or nil
}

// OpenArchive opens the Writer's journal for reading exchanges back. Such
// an Archive also finds the response records that a failed write moved
// (MovedResponse).
func (w *Writer) OpenArchive() (*Archive, error) {
	a, err := OpenArchive(w.path)
	if err == nil {
		a.w = w
	}
	return a, err
}

// OpenArchive opens a journal for reading exchanges back.
func OpenArchive(path string) (*Archive, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return &Archive{path: path, f: f}, nil
}

// Close closes the file; later reads fail.
func (a *Archive) Close() error { return a.f.Close() }

// ReadExchange reads the exchange id whose request record starts at
// ref.Request and whose response record, when it has one, at ref.Response,
// and merges them as Read does.
func (a *Archive) ReadExchange(id model.ExchangeID, ref model.JournalRef) (*model.Exchange, error) {
	d := decoders.Get().(*decoder)
	defer decoders.Put(d)
	var rec record
	if err := a.readRecord(d, ref.Request, typeRequest, id, &rec); err != nil {
		return nil, err
	}
	ex := rec.request()
	if a.w != nil {
		if off, ok := a.w.MovedResponse(id); ok {
			ref.Response = off
		}
	}
	if ref.Response == 0 {
		ex.Notes = ex.WithNote(NoteNoResponse)
		return ex, nil
	}
	if err := a.readRecord(d, ref.Response, typeResponse, id, &rec); err != nil {
		return nil, err
	}
	rec.response().apply(ex)
	return ex, nil
}

// decoders are reused across reads: a decoder's interned strings and
// shared header maps serve the next exchange as well.
var decoders = sync.Pool{New: func() any { return newDecoder() }}

// readRecord decodes the line at off and checks that it is the record
// expected there.
func (a *Archive) readRecord(d *decoder, off int64, typ string, id model.ExchangeID, rec *record) error {
	buf := lineBufs.Get().(*[]byte)
	defer lineBufs.Put(buf)
	line, err := a.line(buf, off)
	if err != nil {
		return err
	}
	if err := d.decode(line, rec); err != nil {
		return fmt.Errorf("journal: %s, byte %d: not a journal record: %w", a.path, off, err)
	}
	if rec.typ != typ || !rec.hasID || rec.id != id {
		return fmt.Errorf("journal: %s, byte %d: expected the %q record of %s, found another (was the file changed?)", a.path, off, typ, id)
	}
	return nil
}

var lineBufs = sync.Pool{New: func() any { b := make([]byte, 8<<10); return &b }}

// maxPooledLine is the largest line buffer kept for reuse.
const maxPooledLine = 1 << 20

// line reads the line that starts at off, without its "\n", into *buf
// (grown as needed). A line without its end was not completely written.
func (a *Archive) line(buf *[]byte, off int64) ([]byte, error) {
	b := *buf
	read := 0
	for {
		n, err := a.f.ReadAt(b[read:], off+int64(read))
		if i := bytes.IndexByte(b[read:read+n], '\n'); i >= 0 {
			return b[:read+i], nil
		}
		read += n
		switch {
		case errors.Is(err, io.EOF):
			return nil, fmt.Errorf("journal: %s, byte %d: the record is not complete on disk", a.path, off)
		case err != nil:
			return nil, fmt.Errorf("journal: %w", err)
		case read >= maxLine:
			return nil, fmt.Errorf("journal: %s, byte %d: a line longer than %d bytes", a.path, off, maxLine)
		}
		if read == len(b) {
			b = append(b, make([]byte, len(b))...)
			if len(b) <= maxPooledLine {
				*buf = b
			}
		}
	}
}
