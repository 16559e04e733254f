package tui

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
)

// Checking what the editor holds, as the user types: the status is an HTTP
// status, each header line is `Name: value`, the body is JSON when the
// platform expects JSON, and it fits the platform's size limit. A response
// that fails any of these is not sent.

// verdict is the editor's content, parsed and checked.
type verdict struct {
	status  int
	headers map[string][]string
	body    []byte

	statusErr, headersErr, bodyErr string
	summary                        string // what the body is: "valid JSON · 231 B of 100 000 B"
}

// refusal is why the response cannot be sent, "" when it can.
func (v *verdict) refusal() string {
	for _, s := range []string{v.statusErr, v.headersErr, v.bodyErr} {
		if s != "" {
			return s
		}
	}
	return ""
}

// short names what is wrong in a few words, for the refusal message.
func (v *verdict) short() string {
	switch {
	case v.statusErr != "":
		return "the status is not an HTTP status"
	case v.headersErr != "":
		return "a header line is not Name: value"
	case strings.HasPrefix(v.bodyErr, "too large"):
		return "the body is too large"
	case v.bodyErr != "":
		return "the body is not valid JSON"
	}
	return ""
}

// decision is the response to send.
func (v *verdict) decision() model.Decision {
	return model.Decision{Status: v.status, Headers: v.headers, Body: v.body, Source: model.SourceEdited}
}

// bodyRules say what a body must be for the platform.
type bodyRules struct {
	json     bool   // the platform reads JSON
	limit    int    // bytes, 0 when none is known
	platform string // its title, for messages
}

func checkResponse(status, headers, body string, rules bodyRules) verdict {
	v := verdict{body: []byte(body)}
	v.status, v.statusErr = parseStatus(status)
	v.headers, v.headersErr = parseHeaders(headers)
	wantJSON := rules.json || isJSONType(v.headers)
	n := len(v.body)
	size := byteCount(n)
	if rules.limit > 0 {
		size += " of " + byteCount(rules.limit)
	}
	switch problem := jsonProblem(v.body); {
	case rules.limit > 0 && n > rules.limit:
		v.bodyErr = "too large for " + rules.platform + " (" + byteCount(rules.limit) + "): " + byteCount(n)
	case problem == "":
		v.summary = "valid JSON · " + size
	case wantJSON:
		v.bodyErr = problem
	case n == 0:
		v.summary = "empty body"
	default:
		v.summary = "text · " + size
	}
	return v
}

func parseStatus(s string) (int, string) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 100 || n > 599 {
		return 0, "status: give a number from 100 to 599"
	}
	return n, ""
}

// parseHeaders reads one `Name: value` a line; blank lines are skipped.
func parseHeaders(text string) (map[string][]string, string) {
	h := map[string][]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		at := "header line " + strconv.Itoa(i+1) + ": "
		switch {
		case !ok || !validHeaderName(name):
			return nil, at + "write it as Name: value"
		case setByHark(name):
			return nil, at + "hark sets " + textproto.CanonicalMIMEHeaderKey(name) + " itself; remove the line"
		}
		k := textproto.CanonicalMIMEHeaderKey(name)
		h[k] = append(h[k], strings.TrimSpace(value))
	}
	return h, ""
}

// validHeaderName is RFC 9110's token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// setByHark are headers the receiver computes for the body it sends, or
// that concern one connection only.
func setByHark(name string) bool {
	switch strings.ToLower(name) {
	case "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade":
		return true
	}
	return false
}

func isJSONType(h map[string][]string) bool {
	for _, v := range h["Content-Type"] {
		if strings.Contains(strings.ToLower(v), "json") {
			return true
		}
	}
	return false
}

// jsonProblem says where and why a body is not JSON, "" when it is.
func jsonProblem(b []byte) string {
	if json.Valid(b) {
		return ""
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return "invalid JSON: the body is empty"
	}
	var v any
	err := json.Unmarshal(b, &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return "invalid JSON: " + oneLine(err.Error())
	}
	if se.Offset >= int64(len(b)) {
		return "invalid JSON: it ends too early (a } ] or \" is missing)"
	}
	line, col := position(b, int(se.Offset)-1)
	return "invalid JSON at line " + strconv.Itoa(line) + " col " + strconv.Itoa(col) + ": " + oneLine(se.Error())
}

// position is the line and column (in characters, from 1) of byte i.
func position(b []byte, i int) (line, col int) {
	i = min(max(i, 0), len(b))
	start := bytes.LastIndexByte(b[:i], '\n') + 1
	return bytes.Count(b[:i], []byte{'\n'}) + 1, utf8.RuneCount(b[start:i]) + 1
}

// byteCount writes a size in bytes with grouped thousands: 100 000 B.
func byteCount(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s + " B"
}

// editableBody turns a body into text the editor can show and the user
// can edit safely. JSON is indented when it is all on one line, and
// characters a terminal must not draw raw (bidi overrides, C1 controls,
// invalid UTF-8) are written as \u escapes, which inside JSON strings mean
// the same. Other text has such characters made visible (`\x1b`); changed
// says so, since what is sent is then what is shown.
func editableBody(b []byte) (text string, changed bool) {
	if len(b) == 0 {
		return "", false
	}
	if json.Valid(b) {
		safe, esc := escapeUnsafeJSON(b)
		if !bytes.ContainsRune(safe, '\n') {
			var buf bytes.Buffer
			if json.Indent(&buf, safe, "", "  ") == nil {
				safe = buf.Bytes()
			}
		}
		return string(safe), esc
	}
	t := sanitize.Text(string(b))
	return t, t != string(b)
}

// escapeUnsafeJSON rewrites unsafe runes of a valid JSON text as \u
// escapes. In valid JSON they can only be inside strings, where the escape
// means the same character.
func escapeUnsafeJSON(b []byte) ([]byte, bool) {
	out := make([]byte, 0, len(b))
	changed := false
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out = append(out, `\ufffd`...)
			changed = true
		case unsafeShellRune(r):
			out = append(out, `\u`...)
			out = append(out, hex4(r)...)
			changed = true
		default:
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out, changed
}

func hex4(r rune) string {
	s := strconv.FormatInt(int64(r), 16)
	return strings.Repeat("0", max(0, 4-len(s))) + s
}

// headerText writes headers one `Name: value` a line, sorted, as the
// editor shows them.
func headerText(h map[string][]string) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	var lines []string
	for _, k := range names {
		for _, v := range h[k] {
			lines = append(lines, sanitize.Line(k)+": "+sanitize.Line(v))
		}
	}
	return strings.Join(lines, "\n")
}
