package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
	"github.com/harkhq/hark/sanitize"
)

// HAROptions tune WriteHAR.
type HAROptions struct {
	// Version is hark's version, written as the creator's; "devel" when
	// empty.
	Version string
	// BaseURL is the scheme and host given to requests recorded without a
	// Host header (an HTTP/1.0 client); "http://localhost" when empty.
	// Requests with a Host keep it, with the scheme of X-Forwarded-Proto
	// (what ngrok sets), else http.
	BaseURL string
	// Sessions, when set, become the HAR's pages: one per conversation, so
	// that viewers group the entries as the monitor does. Entries whose
	// session is not among them get no page.
	Sessions []model.Session
	// Raw keeps credentials: without it, Authorization, Cookie, X-Api-Key
	// and the platforms' signature headers and token parameters are
	// REDACTED (platform.Redact), since HAR files are made to be shared.
	Raw bool
}

// The HAR 1.2 document (http://www.softwareishard.com/blog/har-12-spec/).
// Fields whose names start with "_" are hark's own, as the specification
// allows for custom fields.
type (
	harCreator struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	harPage struct {
		StartedDateTime string         `json:"startedDateTime"`
		ID              string         `json:"id"`
		Title           string         `json:"title"`
		PageTimings     harPageTimings `json:"pageTimings"`
		Platform        string         `json:"_platform"`
		Session         string         `json:"_session"`
	}
	harPageTimings struct {
		OnContentLoad float64 `json:"onContentLoad"`
		OnLoad        float64 `json:"onLoad"`
	}
	harEntry struct {
		Pageref         string      `json:"pageref,omitempty"`
		StartedDateTime string      `json:"startedDateTime"`
		Time            float64     `json:"time"`
		Request         harRequest  `json:"request"`
		Response        harResponse `json:"response"`
		Cache           struct{}    `json:"cache"`
		Timings         harTimings  `json:"timings"`

		ID        model.ExchangeID `json:"_id"`
		Platform  string           `json:"_platform"`
		Kind      string           `json:"_kind"`
		Session   string           `json:"_session"`
		State     model.State      `json:"_state"`
		Remote    string           `json:"_remoteAddress,omitempty"`
		Consumed  bool             `json:"_consumed,omitempty"`
		Deadline  float64          `json:"_deadlineMs,omitempty"`
		Turns     []model.Turn     `json:"_turns,omitempty"`
		Record    bool             `json:"_record,omitempty"`
		Signature *model.Signature `json:"_signature,omitempty"`
		HeldUntil string           `json:"_heldUntil,omitempty"`
		Forward   *harForward      `json:"_forward,omitempty"`
		Notes     []string         `json:"_notes,omitempty"`
		Error     string           `json:"_error,omitempty"`
		// Evicted: the monitor no longer held the bodies and headers in
		// memory when it exported; the journal has them.
		Evicted bool `json:"_evicted,omitempty"`
	}
	harRequest struct {
		Method      string         `json:"method"`
		URL         string         `json:"url"`
		HTTPVersion string         `json:"httpVersion"`
		Cookies     []harCookie    `json:"cookies"`
		Headers     []harNameValue `json:"headers"`
		QueryString []harNameValue `json:"queryString"`
		PostData    *harPostData   `json:"postData,omitempty"`
		HeadersSize int            `json:"headersSize"`
		BodySize    int64          `json:"bodySize"`
		Truncated   bool           `json:"_truncated,omitempty"`
	}
	harResponse struct {
		Status      int            `json:"status"`
		StatusText  string         `json:"statusText"`
		HTTPVersion string         `json:"httpVersion"`
		Cookies     []harCookie    `json:"cookies"`
		Headers     []harNameValue `json:"headers"`
		Content     harContent     `json:"content"`
		RedirectURL string         `json:"redirectURL"`
		HeadersSize int            `json:"headersSize"`
		BodySize    int64          `json:"bodySize"`
		Source      model.Source   `json:"_source,omitempty"`
		Rule        string         `json:"_rule,omitempty"`
	}
	harNameValue struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	harCookie struct {
		Name     string `json:"name"`
		Value    string `json:"value"`
		Path     string `json:"path,omitempty"`
		Domain   string `json:"domain,omitempty"`
		Expires  string `json:"expires,omitempty"`
		HTTPOnly bool   `json:"httpOnly,omitempty"`
		Secure   bool   `json:"secure,omitempty"`
	}
	harPostData struct {
		MimeType string         `json:"mimeType"`
		Params   []harNameValue `json:"params,omitempty"`
		Text     string         `json:"text"`
		// Encoding is "base64" when the body is not UTF-8 text. HAR 1.2
		// has this field on response content only; on postData it is
		// hark's, hence the underscore.
		Encoding string `json:"_encoding,omitempty"`
	}
	harContent struct {
		Size     int    `json:"size"`
		MimeType string `json:"mimeType"`
		Text     string `json:"text,omitempty"`
		Encoding string `json:"encoding,omitempty"`
	}
	harTimings struct {
		Blocked float64 `json:"blocked"`
		DNS     float64 `json:"dns"`
		Connect float64 `json:"connect"`
		Send    float64 `json:"send"`
		Wait    float64 `json:"wait"`
		Receive float64 `json:"receive"`
		SSL     float64 `json:"ssl"`
		// hark's own measures, inside wait.
		Journal float64 `json:"_journal,omitempty"`
		Hold    float64 `json:"_hold,omitempty"`
		Forward float64 `json:"_forward,omitempty"`
	}
	harForward struct {
		URL       string         `json:"url"`
		Status    int            `json:"status,omitempty"`
		Headers   []harNameValue `json:"headers,omitempty"`
		Content   *harContent    `json:"content,omitempty"`
		LatencyMS float64        `json:"latencyMs"`
		Error     string         `json:"error,omitempty"`
	}
)

// harTime is the HAR's date format: ISO 8601 with milliseconds and a zone.
const harTime = "2006-01-02T15:04:05.000Z07:00"

// unknownMime is what HAR writers (browsers among them) put in a required
// mimeType when the message had no Content-Type.
const unknownMime = "x-unknown"

// WriteHAR writes exchanges as a HAR 1.2 document, one entry per exchange
// in the order given, that browsers' and other tools' HAR viewers open.
//
// HAR describes an exchange from the client's side; hark saw it from the
// server's. The timings say so: send is the time hark took to read the
// request, wait everything until the response was written (journal, hold,
// forward: also given apart as _journal, _hold, _forward), receive 0;
// blocked, dns, connect and ssl are -1 (not applicable).
//
// Bodies are kept byte for byte: a response body that is not UTF-8 text is
// in content.text as base64 with content.encoding "base64", as the
// specification says. postData has no such field in HAR 1.2, so a request
// body that is not UTF-8 is written as base64 in postData.text with
// hark's own postData._encoding "base64"; readers that do not know it see
// base64 text rather than corrupted bytes. Headers, paths and queries that
// hold bytes other than UTF-8 show U+FFFD in their place (JSON strings are
// Unicode); the journal keeps the exact bytes.
//
// Entries are written one at a time, one a line, so memory does not grow
// with the number of exchanges; the output depends only on the exchanges
// and opts.
func WriteHAR(w io.Writer, exchanges []*model.Exchange, opts HAROptions) error {
	version := opts.Version
	if version == "" {
		version = "devel"
	}
	base := opts.BaseURL
	if base == "" {
		base = "http://localhost"
	}
	base = strings.TrimRight(base, "/")

	out := &harWriter{w: bufio.NewWriterSize(w, 64<<10)}
	out.enc = json.NewEncoder(&out.buf)
	out.enc.SetEscapeHTML(false)

	pages := make(map[model.SessionKey]string, len(opts.Sessions))
	var list []harPage
	for _, s := range opts.Sessions {
		id := s.Key.String()
		pages[s.Key] = id
		list = append(list, harPage{
			StartedDateTime: s.FirstSeen.UTC().Format(harTime),
			ID:              id,
			Title:           sessionTitle(s.Key),
			PageTimings:     harPageTimings{OnContentLoad: -1, OnLoad: -1},
			Platform:        s.Key.Platform,
			Session:         s.Key.ID,
		})
	}
	out.raw("{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": ")
	out.value(harCreator{Name: "hark", Version: version})
	if len(list) > 0 {
		out.raw(",\n    \"pages\": [")
		for i := range list {
			if i > 0 {
				out.raw(",")
			}
			out.raw("\n      ")
			out.value(&list[i])
		}
		out.raw("\n    ]")
	}
	out.raw(",\n    \"entries\": [")
	for i, ex := range exchanges {
		if i > 0 {
			out.raw(",")
		}
		out.raw("\n      ")
		if !opts.Raw {
			ex = platform.Redact(ex)
		}
		e := harEntryOf(ex, base)
		if id, ok := pages[ex.Session()]; ok {
			e.Pageref = id
		}
		out.value(&e)
		if out.err != nil {
			return out.err
		}
	}
	if len(exchanges) > 0 {
		out.raw("\n    ")
	}
	out.raw("]\n  }\n}\n")
	if out.err != nil {
		return out.err
	}
	return out.w.Flush()
}

// harWriter writes the document's frame indented and each page and entry
// on a line of its own: readable, easy to grep, and twice as fast to write
// as indenting every entry.
type harWriter struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	err error
}

func (h *harWriter) raw(s string) {
	if h.err == nil {
		_, h.err = h.w.WriteString(s)
	}
}

// value encodes v without the newline json.Encoder ends values with.
func (h *harWriter) value(v any) {
	if h.err != nil {
		return
	}
	h.buf.Reset()
	if h.err = h.enc.Encode(v); h.err != nil {
		return
	}
	// C1 and bidi controls as \u escapes, like every machine-readable
	// output of hark: a HAR file shown in a terminal is then safe.
	_, h.err = h.w.Write(sanitize.JSON(bytes.TrimSuffix(h.buf.Bytes(), []byte("\n"))))
}
