package journal

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/harkhq/hark/model"
)

// Notes the reader puts on exchanges it could only partly rebuild.
const (
	NoteNoResponse = "no response record (hark stopped before answering?)"
	NoteNoRequest  = "no request record: only the response could be read"
)

// Problem is a part of a journal that could not be read.
type Problem struct {
	Line   int   // 1-based line number
	Offset int64 // byte offset of the line's start
	Reason string
}

func (p Problem) String() string {
	return fmt.Sprintf("line %d (byte %d): %s", p.Line, p.Offset, p.Reason)
}

// Run is one run of hark that wrote to a journal, from its header record.
type Run struct {
	Line    int
	Started time.Time
	Version string // hark's version
	Format  int    // the header's "v"
}

// Report says what reading a journal found.
type Report struct {
	Runs       []Run
	Lines      int   // lines read, blank and unreadable ones included
	Bytes      int64 // bytes read
	Requests   int   // request records read
	Responses  int   // response records read
	Exchanges  int   // exchanges delivered
	Unanswered int   // exchanges that have no response record
	LastID     model.ExchangeID
	Problems   []Problem
}

// Note says in one line what could not be read, or "" when all could.
func (r *Report) Note() string {
	switch n := len(r.Problems); n {
	case 0:
		return ""
	case 1:
		return "could not read " + r.Problems[0].String()
	default:
		return fmt.Sprintf("could not read %d parts of the journal; first, %s", n, r.Problems[0])
	}
}

func (r *Report) problem(line int, off int64, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Line: line, Offset: off, Reason: fmt.Sprintf(format, args...)})
}

// Read rebuilds the exchanges of a journal as it streams through it, calling
// fn with each exchange once its response record has been read, so in the
// order of the responses; exchanges without a response record, and
// responses whose request was not found, come last in id order, with a note
// saying what is missing. Lines that cannot be read (a torn last line, a
// corrupt line) are skipped and listed in the report's Problems.
//
// fn is called on Read's goroutine, one exchange at a time, while other
// goroutines decode what comes next. The exchanges may share header maps and
// strings: like every model.Exchange, they are never to be modified in
// place.
//
// Read returns an error only when r fails or fn does; the report then covers
// what was read until then.
func Read(r io.Reader, fn func(*model.Exchange) error) (*Report, error) {
	rep := &Report{}
	err := read(r, rep, func(e *entry) error { return fn(e.ex) })
	return rep, err
}

// Loaded is a whole journal in memory.
type Loaded struct {
	Path string
	Report
	// Exchanges in id order, each with its request and response merged.
	Exchanges []*model.Exchange

	entries []*entry // the same exchanges, with what Fill needs
}

// ErrNotJournal is what Load says of a file none of whose lines is a
// journal record.
var ErrNotJournal = errors.New("not a hark journal")

func notJournal(path string, size int64) error {
	if size == 0 {
		return fmt.Errorf("journal: %s is empty: %w", path, ErrNotJournal)
	}
	return fmt.Errorf("journal: %s is %w: none of its lines is a journal record", path, ErrNotJournal)
}

// Load reads a journal file; see Read for what it does with damaged parts.
// A file none of whose lines is a record is ErrNotJournal.
func Load(path string) (*Loaded, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	l := &Loaded{Path: path}
	err = read(f, &l.Report, func(e *entry) error {
		l.entries = append(l.entries, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("journal: reading %s: %w", path, err)
	}
	if len(l.Runs) == 0 && l.Requests == 0 && l.Responses == 0 {
		return nil, notJournal(path, l.Bytes)
	}
	slices.SortStableFunc(l.entries, func(a, b *entry) int { return cmp.Compare(a.ex.ID, b.ex.ID) })
	l.Exchanges = make([]*model.Exchange, len(l.entries))
	for i, e := range l.entries {
		l.Exchanges[i] = e.ex
	}
	return l, nil
}

// Fill puts the loaded exchanges into a store, in id order, so that its
// sessions and transcripts come back as they were live. The store gets
// copies; the loaded exchanges stay as they are.
func (l *Loaded) Fill(store *model.Store) {
	for _, e := range l.entries {
		ex := *e.ex
		if e.answered && !ex.Record {
			store.Add(&ex)
			continue
		}
		// Live, the store noted how a session record compares with the turns
		// seen before it; let it do so again, then restore the final notes.
		ex.Notes = e.reqNotes
		store.Add(&ex)
		final, answered := e.ex.Notes, e.answered
		store.Update(ex.ID, func(x *model.Exchange) {
			if answered {
				x.Notes = final
			} else {
				x.Notes = x.WithNote(NoteNoResponse)
			}
		})
	}
}

// read runs the reading pipeline: a goroutine cuts blocks of lines,
// workers decode them (one per CPU), and this goroutine pairs their records
// in file order and emits the exchanges.
func read(r io.Reader, rep *Report, emit func(*entry) error) error {
	type job struct {
		b     *block
		items chan []item
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *job, workers)
	order := make(chan *job, 2*workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			d := newDecoder()
			for j := range jobs {
				j.items <- d.block(j.b)
			}
		})
	}
	var readErr error
	wg.Go(func() {
		defer close(order)
		defer close(jobs)
		c := newChunker(r)
		for {
			b, err := c.next()
			if err != nil {
				if err != io.EOF {
					readErr = err
				}
				return
			}
			j := &job{b: b, items: make(chan []item, 1)}
			select {
			case order <- j:
			case <-stop:
				b.release()
				return
			}
			select {
			case jobs <- j:
			case <-stop:
				b.release()
				return
			}
		}
	})

	m := &merger{
		rep:     rep,
		emit:    emit,
		pending: make(map[model.ExchangeID]*entry),
		orphans: make(map[model.ExchangeID]*entry),
		done:    make(map[model.ExchangeID]int),
	}
	var err error
	for j := range order {
		items := <-j.items
		for i := range items {
			if err = m.add(&items[i]); err != nil {
				break
			}
		}
		rep.Lines = j.b.line + j.b.lines - 1
		rep.Bytes = j.b.off + j.b.size
		if err != nil {
			break
		}
	}
	close(stop)
	for range order { // let the chunker finish; the workers finish with it
	}
	wg.Wait()
	switch {
	case err != nil:
		return err
	case readErr != nil:
		return readErr
	}
	return m.finish()
}

// item is what one line of a journal says, decoded.
type item struct {
	kind itemKind
	line int
	off  int64
	id   model.ExchangeID // of a request or response
	ex   *model.Exchange  // a request's exchange
	resp *response        // a response's side of its exchange
	run  Run
	why  string // of a problem
}

type itemKind uint8

const (
	itemRun itemKind = iota
	itemRequest
	itemResponse
	itemProblem
)

// block decodes the lines of a block and releases it.
func (d *decoder) block(b *block) []item {
	defer b.release()
	const tooLong = "a line of %d bytes, longer than a record may be; skipped"
	if b.skipped > 0 {
		return []item{{kind: itemProblem, line: b.line, off: b.off, why: fmt.Sprintf(tooLong, b.skipped)}}
	}
	items := make([]item, 0, b.lines)
	var rec record
	b.eachLine(func(line []byte, num int, off int64, complete bool) {
		if blank(line) {
			return
		}
		problem := func(format string, args ...any) {
			items = append(items, item{kind: itemProblem, line: num, off: off, why: fmt.Sprintf(format, args...)})
		}
		if len(line) > maxLine { // the chunker skips only lines longer than its buffer
			problem(tooLong, len(line))
			return
		}
		if err := d.decode(line, &rec); err != nil {
			if complete {
				problem("not a journal record: %v", err)
			} else {
				problem("the last line is cut short (%d bytes without an ending; hark stopped while writing it?)", len(line))
			}
			return
		}
		switch rec.typ {
		case typeHeader:
			items = append(items, item{kind: itemRun, line: num, off: off,
				run: Run{Line: num, Started: rec.started, Version: rec.version, Format: int(rec.format)}})
			if rec.format > FormatVersion {
				problem("written by a newer hark (format %d; this one reads %d): fields it does not know are left out", rec.format, FormatVersion)
			}
		case typeRequest, typeResponse:
			if !rec.hasID {
				problem(`a %q record without an "id"; skipped`, rec.typ)
			} else if rec.typ == typeRequest {
				items = append(items, item{kind: itemRequest, line: num, off: off, ex: rec.request(), id: rec.id})
			} else {
				items = append(items, item{kind: itemResponse, line: num, off: off, resp: rec.response(), id: rec.id})
			}
		case "":
			problem(`a record without a "t" field; skipped`)
		default:
			problem("a record of unknown type %q; skipped", rec.typ)
		}
	})
	return items
}

func blank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}
