package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/harkhq/hark/model"
)

// The exact lines of format.go's documented shapes: a change here is a
// change of the file format.
func TestRecordLines(t *testing.T) {
	ex := fullExchange(17)
	ex.Request.Body = []byte(`{"text":"hi"}`)
	ex.Request.Path = "/hook"
	ex.Request.RawQuery = "a=1"
	ex.Request.Headers = map[string][]string{"Content-Type": {"application/json"}, "X-B": {"1", "2"}}
	ex.Turns = ex.Turns[:2]
	ex.Turns[1].Text = "hi"

	wantReq := `{"t":"req","id":17,"at":"2025-03-14T08:27:01.25Z","method":"POST","path":"/hook","query":"a=1",` +
		`"proto":"HTTP/1.1","host":"x.ngrok-free.app","remote":"203.0.113.9:5120",` +
		`"headers":{"Content-Type":["application/json"],"X-B":["1","2"]},"body":"{\"text\":\"hi\"}","size":1048576,` +
		`"truncated":true,"platform":"chatbot","kind":"message","session":"c-42",` +
		`"turns":[{"role":"system","time":"2025-03-14T08:27:01.25Z","marker":"created"},{"role":"user","text":"hi","time":"2025-03-14T08:27:01.251Z"}],` +
		`"record":true,"consumed":true,"deadline_ns":10000000000,` +
		`"sig":{"scheme":"X-Moveo-Signature HMAC-SHA256","state":"valid","detail":"matches"},"notes":["first note"],` +
		`"resent_of":12,"resent_edited":true}` + "\n"
	if got := string(encodeRequest(ex)); got != wantReq {
		t.Errorf("request record:\n got %s\nwant %s", got, wantReq)
	}

	wantResp := `{"t":"resp","id":17,"at":"2025-03-14T08:27:02.25Z","state":"fallback","status":200,` +
		`"headers":{"Content-Type":["application/json"],"X-Hark":["1"]},"body":"{\"responses\":[{\"type\":\"text\",\"message\":\"ok\"}]}",` +
		`"source":"rule","rule":"greet",` +
		`"forward":{"url":"http://localhost:3000/hook","status":502,"headers":{"Content-Type":["application/octet-stream"]},` +
		`"body_b64":"/wCAeA==","latency_ns":1830000,"error":"upstream said 502"},` +
		`"timings":{"read_ns":41000,"journal_ns":1200007,"hold_ns":2000000000,"forward_ns":1830000,"total_ns":2003100000},` +
		`"held_until":"2025-03-14T08:27:10.25Z","notes":["first note"]}` + "\n"
	if got := string(encodeResponse(ex)); got != wantResp {
		t.Errorf("response record:\n got %s\nwant %s", got, wantResp)
	}

	e := &encoder{}
	e.header(t0, "0.4.0")
	if got, want := string(e.buf), `{"t":"hark","v":1,"started":"2025-03-14T08:27:01.25Z","version":"0.4.0"}`+"\n"; got != want {
		t.Errorf("header record:\n got %s\nwant %s", got, want)
	}

	// A bare exchange leaves out everything empty.
	bare := &model.Exchange{ID: 3, Received: t0, Request: model.Request{Method: "GET", Path: "/"}}
	if got, want := string(encodeRequest(bare)), `{"t":"req","id":3,"at":"2025-03-14T08:27:01.25Z","method":"GET","path":"/","size":0,"use":"unknown"}`+"\n"; got != want {
		t.Errorf("bare request:\n got %s\nwant %s", got, want)
	}
	bare.State = model.StateFailed
	if got, want := string(encodeResponse(bare)), `{"t":"resp","id":3,"at":"2025-03-14T08:27:02.25Z","state":"failed"}`+"\n"; got != want {
		t.Errorf("bare response:\n got %s\nwant %s", got, want)
	}
}

// Every record is one line of valid JSON that other tools read the same
// way, except for bytes that are not UTF-8.
func TestRecordsAreJSON(t *testing.T) {
	ex := fullExchange(1)
	for _, line := range [][]byte{encodeRequest(ex), encodeResponse(ex)} {
		if bytes.Count(line, []byte("\n")) != 1 || line[len(line)-1] != '\n' {
			t.Errorf("not one line: %q", line)
		}
		if !json.Valid(line) {
			t.Errorf("not valid JSON: %s", line)
		}
	}
	var req struct {
		Body    string              `json:"body"`
		Headers map[string][]string `json:"headers"`
		Query   string              `json:"query"`
	}
	if err := json.Unmarshal(encodeRequest(ex), &req); err != nil {
		t.Fatal(err)
	}
	if req.Body != string(ex.Request.Body) {
		t.Errorf("encoding/json reads the body as %q, want %q", req.Body, ex.Request.Body)
	}
	if req.Query != ex.Request.RawQuery {
		t.Errorf("encoding/json reads the query as %q, want %q", req.Query, ex.Request.RawQuery)
	}
	if got := req.Headers["X-Raw"][0]; got != "\ufffd\ufffd obs-text" {
		t.Errorf("encoding/json reads a non-UTF-8 header as %q, want U+FFFD for each byte", got)
	}
}

// A request and its response, written and read back, give the exchange.
func TestRoundTripEveryField(t *testing.T) {
	ex := fullExchange(17)
	answered := withNote(ex, "second note")
	path := writeJournal(t)
	w, err := Open(path, Options{Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteRequest(ex); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteResponse(answered); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Problems) != 0 || len(l.Exchanges) != 1 {
		t.Fatalf("got %d exchanges, problems %v", len(l.Exchanges), l.Problems)
	}
	sameExchange(t, "round trip", *l.Exchanges[0], *answered)
	if l.Requests != 1 || l.Responses != 1 || l.Unanswered != 0 || l.LastID != 17 || len(l.Runs) != 2 {
		t.Errorf("report: %+v", l.Report)
	}
}

// Bodies come back byte for byte, whatever they hold.
func TestBodiesRoundTrip(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	binary := make([]byte, 1024)
	for i := range binary {
		binary[i] = byte(rnd.UintN(256))
	}
	bodies := map[string][]byte{
		"nil":                nil,
		"NUL":                {0},
		"html":               []byte(`<script>alert("&")</script>`),
		"line separators":    []byte("a\u2028b\u2029c"),
		"escaped separator":  []byte(`"\u2028"`),
		"surrogate escape":   []byte(`\udc80 and \udcff`),
		"invalid UTF-8":      {'a', 0xff, 'b'},
		"truncated rune":     []byte("caf\xc3"),
		"encoded surrogate":  []byte("\xed\xa0\x80"),
		"JSON with newlines": []byte("{\n  \"text\": \"h\u00e9llo \U0001F600\",\n  \"n\": [1, 2]\n}\n"),
		"controls and DEL":   []byte("\x01\x1b[31m\x7f\t\r\n\b\f"),
		"quotes":             []byte(`a"b\c\\"`),
		"binary":             binary,
		"large":              bytes.Repeat([]byte(`{"k":"v\n"},`), 300_000),
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			ex := &model.Exchange{ID: 1, Received: t0, Request: model.Request{Method: "POST", Path: "/", Body: body, Size: int64(len(body))}}
			ex.State = model.StateResponded
			ex.Response = &model.Response{Status: 200, Body: body}
			ex.Forward = &model.Forward{URL: "http://x", Body: body}
			line := encodeRequest(ex)
			if strings.Contains(string(line[:len(line)-1]), "\n") {
				t.Fatal("a raw newline in the record")
			}
			if utf8.Valid(body) == bytes.Contains(line, []byte(`"body_b64"`)) {
				t.Errorf("valid UTF-8 %v, but body_b64 in %.200s", utf8.Valid(body), line)
			}
			l, err := Load(writeJournal(t, ex))
			if err != nil {
				t.Fatal(err)
			}
			got := l.Exchanges[0]
			for what, b := range map[string][]byte{"request": got.Request.Body, "response": got.Response.Body, "forward": got.Forward.Body} {
				if !bytes.Equal(b, body) {
					t.Errorf("%s body: got %q, want %q", what, trim(b), trim(body))
				}
			}
		})
	}
}

func trim(b []byte) []byte {
	if len(b) > 80 {
		return b[:80]
	}
	return b
}

// Strings from the network keep their exact bytes, UTF-8 or not.
func TestStringsRoundTrip(t *testing.T) {
	for _, s := range []string{
		"", "plain", "\xff", "a\xc3", "\xed\xa0\x80", "\xed\xb2\x80", "\U0001F600", "\u2028\u2029",
		`\udc80`, "\x00\x1f\x7f", "é\xe9", "\xf4\x90\x80\x80", strings.Repeat("\x80", 40),
	} {
		enc := appendString(nil, s)
		if !json.Valid(enc) {
			t.Errorf("%q: not valid JSON: %s", s, enc)
		}
		d := newDecoder()
		d.data = enc
		got, err := d.str()
		if err != nil || string(got) != s {
			t.Errorf("%q: encoded as %s, read back as %q (%v)", s, enc, got, err)
		}
	}
}

func FuzzStringRoundTrip(f *testing.F) {
	for _, s := range []string{"", "a", "\xff\xfe", "\u2028", `\"`, "\U0001F600\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := appendString(nil, s)
		if !json.Valid(enc) {
			t.Fatalf("not valid JSON: %s", enc)
		}
		if bytes.ContainsAny(enc, "\n\r\x1b") {
			t.Fatalf("raw control characters in %q", enc)
		}
		d := newDecoder()
		d.data = enc
		got, err := d.str()
		if err != nil || string(got) != s || d.i != len(enc) {
			t.Fatalf("%q: encoded as %s, read back as %q (%v)", s, enc, got, err)
		}
		if utf8.ValidString(s) {
			var std string
			if err := json.Unmarshal(enc, &std); err != nil || std != s {
				t.Fatalf("encoding/json reads %s as %q (%v), want %q", enc, std, err, s)
			}
		}
	})
}

// The decoder reads JSON strings as encoding/json does, except that it
// keeps bytes that are not UTF-8 and the lone surrogates that stand for
// them.
func FuzzDecodeString(f *testing.F) {
	for _, s := range []string{`"a"`, `"\u00e9"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\/\b\f\n\r\t"`, `"\x"`, `"a`, "\"\x01\"", ` "x" `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) || bytes.Contains(bytes.ToLower(data), []byte(`\ud`)) {
			t.Skip()
		}
		var std string
		stdErr := json.Unmarshal(data, &std)
		d := newDecoder()
		d.data = data
		got, err := d.str()
		if err == nil {
			d.ws()
			if d.i != len(data) {
				err = d.errorf("text after the string")
			}
		}
		switch {
		case (err == nil) != (stdErr == nil):
			t.Fatalf("%q: journal says %v, encoding/json says %v", data, err, stdErr)
		case err == nil && string(got) != std:
			t.Fatalf("%q: journal reads %q, encoding/json %q", data, got, std)
		}
	})
}

func TestTimes(t *testing.T) {
	times := []time.Time{
		t0,
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(50_000, 1, 2, 3, 4, 5, 6, time.UTC),
		time.Date(-3, 1, 2, 3, 4, 5, 600, time.UTC),
		time.Date(0, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 23, 0, 0, 120_000_000, time.FixedZone("", -9*3600-1800)),
		time.Unix(1<<40, 0),
		time.Now(), // with a monotonic reading
	}
	for _, want := range times {
		b := appendTime(nil, want)
		got, ok := parseTime(b)
		if !ok || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%v: written %s, read %v (ok %v)", want, b, got, ok)
		}
		if y := want.UTC().Year(); y >= 0 && y <= 9999 {
			if std := want.UTC().Format(time.RFC3339Nano); std != string(b) {
				t.Errorf("%v: written %s, RFC3339Nano says %s", want, b, std)
			}
		}
	}
	for in, want := range map[string]time.Time{
		"2025-03-14T10:27:01+01:00":       time.Date(2025, 3, 14, 9, 27, 1, 0, time.UTC),
		"2025-03-14t09:27:01.5z":          time.Date(2025, 3, 14, 9, 27, 1, 500_000_000, time.UTC),
		"2025-03-14T09:27:01.1234567891Z": time.Date(2025, 3, 14, 9, 27, 1, 123_456_789, time.UTC),
		"2025-03-14T05:57:01-03:30":       time.Date(2025, 3, 14, 9, 27, 1, 0, time.UTC),
	} {
		if got, ok := parseTime([]byte(in)); !ok || !got.Equal(want) {
			t.Errorf("%s: read %v (ok %v), want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{
		"", "2025", "2025-03-14", "2025-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2025-04-31T00:00:00Z",
		"2025-03-14T24:00:00Z", "2025-03-14T09:60:00Z", "2025-03-14T09:27:60Z", "2025-03-14T09:27:01",
		"2025-03-14T09:27:01.Z", "2025-03-14T09:27:01+0100", "2025-03-14 09:27:01Z", "+123-01-01T00:00:00Z",
		"20250-03-14T09:27:01Z", "2025-03-14T09:27:01Zjunk", "2025-03-14T09:27:01+24:00",
	} {
		if got, ok := parseTime([]byte(bad)); ok {
			t.Errorf("%q: read as %v, want an error", bad, got)
		}
	}
}

// The package comment's example records read as documented.
func TestReadsDocumentedExample(t *testing.T) {
	src, err := os.ReadFile("format.go")
	if err != nil {
		t.Fatal(err)
	}
	// Join the wrapped example records of the package comment.
	var lines []string
	var cur strings.Builder
	for _, l := range strings.Split(string(src), "\n") {
		l = strings.TrimPrefix(l, "//\t")
		switch {
		case strings.HasPrefix(l, "{"):
			cur.Reset()
			cur.WriteString(l)
		case strings.HasPrefix(l, " ") && cur.Len() > 0:
			cur.WriteString(l[1:])
		default:
			continue
		}
		if strings.HasSuffix(cur.String(), "}") && json.Valid([]byte(cur.String())) {
			lines = append(lines, cur.String())
			cur.Reset()
		}
	}
	if len(lines) != 3 {
		t.Fatalf("found %d example records in format.go, want 3: %q", len(lines), lines)
	}
	rep, err := Read(strings.NewReader(strings.Join(lines, "\n")+"\n"), func(ex *model.Exchange) error {
		if ex.ID != 17 || ex.Response == nil || ex.Forward == nil || ex.Request.Headers == nil || len(ex.Turns) != 1 ||
			ex.Resent == nil || ex.Resent.Of != 12 || !ex.Resent.Edited {
			t.Errorf("example exchange: %+v", ex)
		}
		return nil
	})
	if err != nil || len(rep.Problems) != 0 || rep.Exchanges != 1 || len(rep.Runs) != 1 {
		t.Errorf("example: %v, %+v", err, rep)
	}
}

// TestResponseUseAndOtherIDsRoundTrip: the three uses of a response and a
// conversation's other ids come back as written; a journal from before
// "use" reads consumed or ignored from its consumed flag.
func TestResponseUseAndOtherIDsRoundTrip(t *testing.T) {
	var lines [][]byte
	for i, use := range []model.ResponseUse{model.UseConsumed, model.UseIgnored, model.UseUnknown} {
		ex := smallExchange(model.ExchangeID(i + 1))
		ex.Use = use
		ex.Also = []model.Alias{{Name: "conversationId", Value: fmt.Sprint("c-", i)}}
		lines = append(lines, encodeRequest(ex), encodeResponse(ex))
	}
	old := []byte(`{"t":"req","id":4,"at":"2025-03-14T08:27:01.25Z","method":"POST","path":"/","size":0,"consumed":true}` + "\n")
	older := []byte(`{"t":"req","id":5,"at":"2025-03-14T08:27:01.25Z","method":"POST","path":"/","size":0}` + "\n")
	rep, exs := readAll(t, journalText(append(lines, old, older)...))
	if len(rep.Problems) != 0 || len(exs) != 5 {
		t.Fatalf("%d exchanges, problems %v", len(exs), rep.Problems)
	}
	for i, want := range []model.ResponseUse{model.UseConsumed, model.UseIgnored, model.UseUnknown, model.UseConsumed, model.UseIgnored} {
		if exs[i].Use != want {
			t.Errorf("#%d: use %s, want %s", i+1, exs[i].Use, want)
		}
	}
	if len(exs[2].Also) != 1 || exs[2].Also[0] != (model.Alias{Name: "conversationId", Value: "c-2"}) || len(exs[3].Also) != 0 {
		t.Errorf("also %+v / %+v", exs[2].Also, exs[3].Also)
	}
}
