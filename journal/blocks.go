package journal

import (
	"bytes"
	"io"
	"slices"
)

// A journal is read in blocks of whole lines, so that several goroutines
// can decode it at once while one pairs the records in file order.

// A block is read into a buffer of minBlock bytes at first, then of twice
// the size for each next block up to maxBlock: small files are read with
// little memory, large ones in few large blocks.
const (
	minBlock = 64 << 10
	maxBlock = 1 << 20
)

// maxLine is the longest line the reader keeps; a longer one is skipped and
// reported. It leaves room for a 128 MiB body in base64. (A variable, so
// that tests can lower it.)
var maxLine = 256 << 20

// block is a run of whole lines of a journal, or one line too long to keep.
type block struct {
	data    []byte      // the lines, each ended by "\n" but for the file's last
	buf     []byte      // the buffer data lives in
	free    chan []byte // where buf goes back for reuse
	line    int         // number of the first line (from 1)
	off     int64       // offset of the first line
	lines   int         // how many lines the block holds
	size    int64       // how many bytes of the file the block covers
	skipped int         // when not 0, the block is one line of this many bytes, skipped
}

// release gives the block's buffer back for reuse; data is then invalid.
func (b *block) release() {
	if b.buf != nil && cap(b.buf) <= maxBlock {
		select {
		case b.free <- b.buf[:0]:
		default:
		}
	}
	b.buf, b.data = nil, nil
}

// chunker cuts what it reads into blocks.
type chunker struct {
	r    io.Reader
	free chan []byte // buffers of released blocks
	size int         // of the next new buffer
	rest []byte      // the start of a line the previous block cut off
	line int         // number of the next line
	off  int64       // offset of the next line
	eof  bool        // nothing more to read
	err  error       // why, when not the end of the file
}

func newChunker(r io.Reader) *chunker {
	return &chunker{r: r, line: 1, size: minBlock, free: make(chan []byte, 8)}
}

// buffer returns an empty buffer for a block.
func (c *chunker) buffer() []byte {
	select {
	case buf := <-c.free:
		if cap(buf) >= c.size {
			return buf
		}
	default:
	}
	buf := make([]byte, 0, c.size)
	c.size = min(2*c.size, maxBlock)
	return buf
}

// next returns the next block, or io.EOF after the last.
func (c *chunker) next() (*block, error) {
	buf := append(c.buffer(), c.rest...)
	c.rest = c.rest[:0]
	for !c.eof {
		if len(buf) == cap(buf) {
			if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
				c.rest = append(c.rest, buf[i+1:]...)
				buf = buf[:i+1]
				break
			}
			if len(buf) >= maxLine {
				return c.skipLine(len(buf))
			}
			buf = slices.Grow(buf, len(buf)) // a line longer than the buffer
		}
		n, err := c.r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			c.eof = true
		case err != nil:
			// Deliver the whole lines read so far, then the error.
			c.err, c.eof = err, true
			buf = buf[:bytes.LastIndexByte(buf, '\n')+1]
		}
	}
	if len(buf) == 0 {
		if c.err != nil {
			return nil, c.err
		}
		return nil, io.EOF
	}
	b := &block{data: buf, buf: buf, free: c.free, line: c.line, off: c.off, size: int64(len(buf))}
	b.lines = bytes.Count(buf, []byte{'\n'})
	if buf[len(buf)-1] != '\n' {
		b.lines++
	}
	c.line += b.lines
	c.off += b.size
	return b, nil
}

// skipLine reads past a line too long to keep, of which n bytes are read.
func (c *chunker) skipLine(n int) (*block, error) {
	buf := make([]byte, 64<<10)
	size := n
	for !c.eof {
		m, err := c.r.Read(buf)
		if i := bytes.IndexByte(buf[:m], '\n'); i >= 0 {
			c.rest = append(c.rest, buf[i+1:m]...)
			n += i
			size = n + 1
			break
		}
		n += m
		size = n
		switch {
		case err == io.EOF:
			c.eof = true
		case err != nil:
			c.err, c.eof = err, true
		}
	}
	b := &block{line: c.line, off: c.off, lines: 1, size: int64(size), skipped: n}
	c.line++
	c.off += int64(size)
	return b, nil
}

// eachLine calls fn with every line of a block, without its "\n", its
// number and offset, and whether it had its "\n".
func (b *block) eachLine(fn func(line []byte, num int, off int64, complete bool)) {
	data, num, off := b.data, b.line, b.off
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			fn(data, num, off, false)
			return
		}
		fn(data[:i], num, off, true)
		data = data[i+1:]
		num++
		off += int64(i + 1)
	}
}
