package receiver

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
)

// What is kept of the forward target's answer. An answer of at most
// maxForwardBody bytes goes back to the platform as it is. A larger one
// is no answer a platform takes: the platform gets its default at once,
// and only the first keptPrefix bytes are kept, to show and to journal,
// so that a handler that answers 50 MB costs 64 KiB per exchange, not
// the whole answer in memory and on disk. An answer cut short by an error
// is kept the same way.
const (
	maxForwardBody = 1 << 20
	keptPrefix     = 64 << 10
)

// readAnswer reads the target's answer body. cut says it was larger than
// maxForwardBody: body is then its first keptPrefix bytes, and the rest is
// never read. An answer whose Content-Length says it is too large is not
// read past the prefix.
func readAnswer(resp *http.Response) (body []byte, cut bool, err error) {
	if resp.ContentLength > maxForwardBody {
		body, _ = io.ReadAll(io.LimitReader(resp.Body, keptPrefix)) // what came of it is all there is to show
		return body, true, nil
	}
	body, err = io.ReadAll(io.LimitReader(resp.Body, maxForwardBody+1))
	switch {
	case len(body) > maxForwardBody:
		return bytes.Clone(body[:keptPrefix]), true, nil
	case err != nil && len(body) > keptPrefix:
		return bytes.Clone(body[:keptPrefix]), false, err
	}
	return body, false, err
}

// byteCount is 64 KiB, 1 MiB.
func byteCount(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}
