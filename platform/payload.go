package platform

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/harkhq/hark/model"
)

// Sample is a request to try a profile on, as `hark platforms test` reads
// it from a file: a raw HTTP request (POST /path HTTP/1.1, headers, a blank
// line, the body), or a body alone (JSON, a form such as a=1&b=2, or text),
// which is POSTed to path with headers.
type Sample struct {
	Path    string              // for a body alone; "/" when empty
	Headers map[string][]string // for a body alone, added to its Content-Type
}

var requestLine = regexp.MustCompile(`^[A-Z]+ \S+ HTTP/\d(\.\d)?\r?\n`)

// Request reads a sample file into the request a receiver would record.
func (s Sample) Request(data []byte) (*model.Request, error) {
	data = bytes.TrimPrefix(data, bom)
	if requestLine.Match(data) {
		return rawRequest(data)
	}
	path := s.Path
	if path == "" {
		path = "/"
	}
	path, query, _ := strings.Cut(path, "?")
	req := &model.Request{Method: http.MethodPost, Path: path, RawQuery: query, Headers: map[string][]string{}, Body: data, Size: int64(len(data))}
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
	case gjson.ValidBytes(trimmed):
		req.Headers["Content-Type"] = []string{"application/json"}
	case looksLikeForm(trimmed):
		req.Body = trimmed // a form typed in a file ends with a newline its sender would not send
		req.Size = int64(len(trimmed))
		req.Headers["Content-Type"] = []string{"application/x-www-form-urlencoded"}
	default:
		req.Headers["Content-Type"] = []string{"text/plain; charset=utf-8"}
	}
	for k, v := range s.Headers {
		req.Headers[textproto.CanonicalMIMEHeaderKey(k)] = v
	}
	return req, nil
}

var formLike = regexp.MustCompile(`^[^=&\s]+=[^&\s]*(&[^=&\s]+=[^&\s]*)*$`)

func looksLikeForm(b []byte) bool { return formLike.Match(b) }

// rawRequest reads a request as it goes on the wire. A file typed by hand
// rarely says its Content-Length: the body is then what follows the blank
// line, without the file's last newline.
func rawRequest(data []byte) (*model.Request, error) {
	head, body, found := bytes.Cut(data, []byte("\n\n"))
	if i := bytes.Index(data, []byte("\r\n\r\n")); i >= 0 && (!found || i < len(head)) {
		head, body, found = data[:i], data[i+4:], true
	}
	if !found {
		head, body = bytes.TrimRight(data, "\r\n"), nil
	}
	// A copy: appending to head would write into the body that follows it.
	wire := append(bytes.Clone(bytes.TrimRight(head, "\r\n")), "\r\n\r\n"...)
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(wire)))
	if err != nil {
		return nil, fmt.Errorf("not an HTTP request hark can read: %v", err)
	}
	if cl := r.Header.Get("Content-Length"); cl != "" {
		n, err := strconv.Atoi(cl)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("Content-Length %q is not a length", cl)
		}
		if n > len(body) {
			return nil, fmt.Errorf("Content-Length %d, but the body has %d bytes", n, len(body))
		}
		body = body[:n]
	} else {
		body = bytes.TrimSuffix(bytes.TrimSuffix(body, []byte("\n")), []byte("\r"))
	}
	headers := map[string][]string(r.Header)
	if len(headers) == 0 {
		headers = nil
	}
	return &model.Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Proto: r.Proto, Host: r.Host,
		Headers: headers, Body: body, Size: int64(len(body))}, nil
}
