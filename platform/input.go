package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/harkhq/hark/model"
)

// shape is what a request body is, as far as classification cares.
type shape uint8

const (
	shapeJSON  shape = iota + 1 // valid JSON
	shapeEmpty                  // no body, or only white space
	shapeOther                  // anything else: malformed JSON, form, text, binary
)

// input is a request prepared once for every profile's rules.
type input struct {
	req       *model.Request
	secrets   Secrets
	secret    string    // the secret of the profile reading the request (classify sets it)
	at        time.Time // when the request was received; zero when unknown (a sample file)
	formNoted bool      // notes hold formNote
	scheme    string    // the scheme of the public URL when the request does not say it (signature.verify tries https)
	shape     shape
	json      string      // the JSON body as text (a UTF-8 byte order mark removed)
	form      url.Values  // the fields of a form-encoded body
	formList  [][2]string // its fields' names and first values, for formValue
	notes     []string

	quietTimes bool // unreadable times are not worth a note (the generic profile's guesses)

	isArray bool     // the body is a JSON array
	array   int      // how many elements it has
	elems   []*input // a batch's elements, read as bodies of their own on first use
	elemsAt string   // the path of the batch elems holds ("" = the body)

	queryVals url.Values // parsed on first use
	top       []member   // the top-level members of a JSON object body, read on first use
	topRead   bool
	topBuf    [32]member    // room for top, so that typical bodies index without allocating
	arrays    []arrayResult // what paths through arrays read, each read once
}

// member is one top-level member of a JSON object body: its key and its raw
// JSON value.
type member struct {
	key, raw string
}

// inputs are inputs classified before, for the next requests: with room
// for the index of a body's members, an input is over a kilobyte, which a
// busy receiver would otherwise allocate for every webhook.
var inputs = sync.Pool{New: func() any { return new(input) }}

func newInput(req *model.Request, secrets Secrets) *input {
	in := inputs.Get().(*input)
	in.req, in.secrets = req, secrets
	if req.Truncated {
		if req.Size > int64(len(req.Body)) {
			in.note(fmt.Sprintf("body cut at %d bytes by the size limit (the client sent %d): hark read only what it kept", len(req.Body), req.Size))
		} else {
			in.note(fmt.Sprintf("body cut at %d bytes by the size limit: hark read only what it kept", len(req.Body)))
		}
	}
	in.readBody()
	return in
}

// release hands the input back for another request. Nothing the
// classification returns points into it (its notes are handed over, not
// reused), so Classify releases it once done.
func (in *input) release() {
	*in = input{}
	inputs.Put(in)
}

func (in *input) note(s string) { in.notes = append(in.notes, s) }

// get reads a path of the JSON body (a non-existing result when the body is
// not JSON). Profiles ask for dozens of paths, most of them absent, so the
// top-level members are indexed by the scan that checks the body
// (scanJSON) and a path only reads the member it starts with; reading
// each path from the start of the body costs ten times more on real
// payloads.
func (in *input) get(path string) gjson.Result {
	if in.shape != shapeJSON {
		return gjson.Result{}
	}
	if !in.topRead { // an array element: the body's scan indexed only the body
		in.topRead = true
		if sc := scanJSON(in.json, in.topBuf[:0]); sc.valid && sc.root == '{' {
			in.top = sc.top
		}
	}
	// A path through arrays builds a new array each time, and profiles
	// read the same one for their match, kind, session and every turn
	// rule (WhatsApp's entry.#.changes.#.value.messages): once is enough.
	through := strings.IndexByte(path, '#') >= 0
	if through {
		for i := range in.arrays {
			if in.arrays[i].path == path {
				return in.arrays[i].r
			}
		}
	}
	r := gjson.Result{}
	head, rest, nested := strings.Cut(path, ".")
	for i := range in.top {
		if in.top[i].key == head {
			if nested {
				r = gjson.Get(in.top[i].raw, rest)
			} else {
				r = gjson.Parse(in.top[i].raw)
			}
			break
		}
	}
	if through {
		in.arrays = append(in.arrays, arrayResult{path, r})
	}
	return r
}

// arrayResult is what a path through arrays read of the body.
type arrayResult struct {
	path string
	r    gjson.Result
}

// root is the body as a node for turn rules.
func (in *input) root() node { return node{in: in} }

// node is where a turn rule reads: the whole body (through its index) or
// an element of an array in it.
type node struct {
	in *input
	r  gjson.Result
}

func (n *node) get(path string) gjson.Result {
	if n.in != nil {
		return n.in.get(path)
	}
	return n.r.Get(path)
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// readBody decides the body's shape and says what is odd about it.
func (in *input) readBody() {
	body := in.req.Body
	if bytes.HasPrefix(body, bom) {
		body = body[len(bom):]
		in.note("body starts with a UTF-8 byte order mark")
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		in.shape = shapeEmpty
		if len(body) > 0 {
			in.note("body is only white space")
		} else if m := strings.ToUpper(in.req.Method); m == http.MethodPost || m == http.MethodPut || m == http.MethodPatch {
			in.note("empty body")
		}
		return
	}
	if startsValue(trimmed[0]) { // not a form or text, which are not worth a copy to scan
		js := string(body)
		if sc := scanJSON(js, in.topBuf[:0]); sc.valid {
			in.shape = shapeJSON
			in.json = js
			in.topRead = true
			switch sc.root {
			case '{':
				in.top = sc.top
			case '[':
				in.isArray, in.array = true, sc.count
			}
			return
		}
	}
	in.shape = shapeOther
	n := describeNonJSON(body, trimmed, in.req.Header("Content-Type"), &in.form)
	in.note(n)
	if in.form != nil && strings.HasPrefix(n, formNote) {
		in.formNoted = true
	}
}

// formNote starts the note of a form body that parsed: news for a profile
// that reads JSON, none for one whose platform posts forms (dropFormNote).
const formNote = "body is not JSON: form data with "

// dropFormNote removes the note that the body is a form.
func (in *input) dropFormNote() {
	if !in.formNoted {
		return
	}
	in.formNoted = false
	in.notes = slices.DeleteFunc(in.notes, func(n string) bool { return strings.HasPrefix(n, formNote) })
}

// describeNonJSON says in plain words what a body that is not valid JSON
// is, and parses form fields so that session ids can still be found.
func describeNonJSON(body, trimmed []byte, contentType string, form *url.Values) string {
	media, _, _ := mime.ParseMediaType(contentType)
	looksJSON := trimmed[0] == '{' || trimmed[0] == '[' || strings.HasSuffix(media, "json")
	switch {
	case looksJSON:
		return "body is not valid JSON: " + jsonError(body)
	case media == "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(body))
		*form = vals
		if err != nil {
			return fmt.Sprintf("body is not JSON: form data that does not fully parse (%d bytes)", len(body))
		}
		return fmt.Sprintf(formNote+"%d fields", len(vals))
	case media == "multipart/form-data":
		return fmt.Sprintf("body is not JSON: multipart form data (%d bytes)", len(body))
	case isText(body):
		if media != "" {
			return fmt.Sprintf("body is not JSON: %s text (%d bytes)", media, len(body))
		}
		return fmt.Sprintf("body is not JSON: text (%d bytes)", len(body))
	}
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(body))
	return fmt.Sprintf("body is not JSON: binary data, looks like %s (%d bytes)", sniffed, len(body))
}

// jsonError describes why a body is not valid JSON, with the byte offset
// when encoding/json can tell it.
func jsonError(body []byte) string {
	var raw json.RawMessage
	err := json.Unmarshal(body, &raw)
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%s (at byte %d)", syn.Error(), syn.Offset)
	case err != nil:
		return err.Error()
	}
	// encoding/json accepts what gjson rejects only in corner cases, such
	// as invalid UTF-8 inside strings.
	if !utf8.Valid(body) {
		return "it holds invalid UTF-8"
	}
	return "it does not parse"
}

// isText reports whether b is UTF-8 without control characters other than
// white space.
func isText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
		if c == 0x7f {
			return false
		}
	}
	return true
}
