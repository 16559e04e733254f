package journal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/harkhq/hark/model"
)

// journalText builds a journal from lines, each ended by "\n".
func journalText(lines ...[]byte) []byte {
	var b []byte
	for _, l := range lines {
		b = append(b, l...)
		if len(l) == 0 || l[len(l)-1] != '\n' {
			b = append(b, '\n')
		}
	}
	return b
}

func readAll(t *testing.T, data []byte) (*Report, []*model.Exchange) {
	t.Helper()
	var exs []*model.Exchange
	rep, err := Read(bytes.NewReader(data), func(ex *model.Exchange) error {
		exs = append(exs, ex)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep, exs
}

func reasons(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%d: %s\n", p.Line, p.Reason)
	}
	return b.String()
}

func TestTornLastLine(t *testing.T) {
	a, b := smallExchange(1), smallExchange(2)
	resp := encodeResponse(b)
	data := journalText(encodeRequest(a), encodeResponse(a), encodeRequest(b))
	data = append(data, resp[:len(resp)/2]...)
	rep, exs := readAll(t, data)
	if len(exs) != 2 || len(rep.Problems) != 1 {
		t.Fatalf("%d exchanges, problems:\n%s", len(exs), reasons(rep.Problems))
	}
	p := rep.Problems[0]
	if p.Line != 4 || p.Offset != int64(bytes.LastIndexByte(data, '\n')+1) || !strings.Contains(p.Reason, "cut short") {
		t.Errorf("problem %+v", p)
	}
	if exs[1].State != model.StateReceived || exs[1].Response != nil || !slices.Contains(exs[1].Notes, NoteNoResponse) {
		t.Errorf("the exchange whose response was torn: %+v", exs[1])
	}
	if rep.Unanswered != 1 || rep.Exchanges != 2 || rep.Lines != 4 || rep.Bytes != int64(len(data)) {
		t.Errorf("report %+v", rep)
	}
	if note := rep.Note(); !strings.HasPrefix(note, "could not read line 4 (byte ") {
		t.Errorf("note %q", note)
	}

	// A last record complete but for its newline is read whole.
	full := journalText(encodeRequest(b))
	full = append(full, resp[:len(resp)-1]...)
	rep, exs = readAll(t, full)
	if len(rep.Problems) != 0 || len(exs) != 1 || exs[0].Response == nil {
		t.Errorf("newline-less last record: %d exchanges, problems:\n%s", len(exs), reasons(rep.Problems))
	}
}

func TestCorruptLinesAreSkipped(t *testing.T) {
	a, b, c := smallExchange(1), smallExchange(2), smallExchange(3)
	data := journalText(
		[]byte(`{"t":"hark","v":1,"started":"2025-03-14T08:27:01Z","version":"x"}`),
		encodeRequest(a),
		[]byte("garbage \x00\xff"),
		encodeResponse(a),
		[]byte(`{"t":"req","id":2,"at":"yesterday"}`),
		encodeRequest(b),
		[]byte(""),
		[]byte("  \r"),
		[]byte(`{"t":"snapshot","id":4}`),
		[]byte(`{"id":5}`),
		[]byte(`{"t":"req","method":"GET"}`),
		[]byte(`["t","req"]`),
		[]byte(`{"t":"req","id":-1}`),
		[]byte(`{"t":"req","id":3,"body_b64":"not base64!"}`),
		[]byte(`{"t":"req","id":3} trailing`),
		encodeResponse(b),
		encodeRequest(c),
		encodeResponse(c),
	)
	rep, exs := readAll(t, data)
	want := `3: not a journal record: want an object (column 1)
5: not a journal record: "at": not an RFC 3339 time: "yesterday" (column 24)
9: a record of unknown type "snapshot"; skipped
10: a record without a "t" field; skipped
11: a "req" record without an "id"; skipped
12: not a journal record: want an object (column 1)
13: not a journal record: "id": want an integer (column 17)
14: not a journal record: "body_b64": not base64: illegal base64 data at input byte 3 (column 30)
15: not a journal record: text after the record (column 20)
`
	if got := reasons(rep.Problems); got != want {
		t.Errorf("problems:\n%s\nwant:\n%s", got, want)
	}
	if len(exs) != 3 || rep.Requests != 3 || rep.Responses != 3 || rep.Lines != 18 {
		t.Errorf("%d exchanges, report %+v", len(exs), rep)
	}
	for _, ex := range exs {
		sameExchange(t, ex.ID.String(), *ex, *smallExchange(ex.ID))
	}
	if len(rep.Runs) != 1 || rep.Runs[0].Version != "x" || rep.Runs[0].Line != 1 || !rep.Runs[0].Started.Equal(t0.Truncate(time.Second)) {
		t.Errorf("runs %+v", rep.Runs)
	}
}

func TestMismatchedRecords(t *testing.T) {
	ex := func(id model.ExchangeID) *model.Exchange { return smallExchange(id) }
	data := journalText(
		encodeResponse(ex(1)), // its request comes later
		encodeRequest(ex(2)),
		encodeRequest(ex(1)),
		encodeRequest(ex(2)),  // twice while pending
		encodeResponse(ex(3)), // never a request
		encodeResponse(ex(3)), // twice
		encodeResponse(ex(2)),
		encodeResponse(ex(2)), // after the exchange is complete
		encodeRequest(ex(1)),  // likewise
		encodeRequest(ex(4)),  // never answered
	)
	rep, exs := readAll(t, data)
	want := `1: the response record for #1 comes before its request (line 3)
4: a second request record for #2 (the first is on line 2); skipped
5: a response record for #3 without its request record
6: a second response record for #3 (the first is on line 5); skipped
8: another "resp" record for #2, whose exchange is complete since line 2; skipped
9: another "req" record for #1, whose exchange is complete since line 3; skipped
`
	if got := reasons(rep.Problems); got != want {
		t.Errorf("problems:\n%s\nwant:\n%s", got, want)
	}
	var order []string
	for _, e := range exs {
		order = append(order, e.ID.String())
	}
	// Delivered as completed; the unanswered, then orphan responses last.
	if got := strings.Join(order, " "); got != "#1 #2 #4 #3" {
		t.Errorf("delivered %s", got)
	}
	sameExchange(t, "#1", *exs[0], *ex(1))
	sameExchange(t, "#2", *exs[1], *ex(2))
	unanswered := ex(4)
	unanswered.State, unanswered.Response = model.StateReceived, nil
	unanswered.Notes = []string{NoteNoResponse}
	sameExchange(t, "#4", *exs[2], *unanswered)
	orphan := exs[3]
	if orphan.Request.Method != "" || orphan.Response == nil || orphan.Response.Status != 200 ||
		!slices.Equal(orphan.Notes, []string{NoteNoRequest}) || orphan.State != model.StateResponded {
		t.Errorf("orphan response: %+v", orphan)
	}
	if rep.LastID != 4 || rep.Unanswered != 1 || rep.Exchanges != 4 {
		t.Errorf("report %+v", rep)
	}

	// In a store, they keep their notes.
	path := filepath.Join(t.TempDir(), "j.jsonl")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore(model.StoreOptions{})
	l.Fill(store)
	for id, want := range map[model.ExchangeID][]string{1: nil, 3: {NoteNoRequest}, 4: {NoteNoResponse}} {
		if ex, _ := store.Exchange(id); !slices.Equal(ex.Notes, want) {
			t.Errorf("%s in the store: notes %q, want %q", id, ex.Notes, want)
		}
	}
}

func TestNewerFormatAndMissingHeader(t *testing.T) {
	data := journalText(
		[]byte(`{"t":"hark","v":2,"started":"2030-01-01T00:00:00Z","version":"9.0","extra":{"a":[1,2.5e3,null,true]}}`),
		[]byte(`{"t":"req","id":1,"method":"GET","path":"/","new_field":{"nested":["x"]},"size":0}`),
		[]byte(`{"t":"resp","id":1,"state":"responded","status":204,"new":1e-3}`),
	)
	rep, exs := readAll(t, data)
	if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Reason, "newer hark (format 2") {
		t.Errorf("problems:\n%s", reasons(rep.Problems))
	}
	if len(exs) != 1 || exs[0].Response == nil || exs[0].Response.Status != 204 || exs[0].Request.Method != "GET" {
		t.Errorf("exchanges %+v", exs)
	}
	// A record without a session (older journals) reads back in the
	// session the receiver files such requests under now.
	if len(exs) == 1 && exs[0].SessionID != model.Unsorted {
		t.Errorf("session %q, want %q", exs[0].SessionID, model.Unsorted)
	}
	// No header at all is fine.
	rep, exs = readAll(t, journalText(encodeRequest(smallExchange(1)), encodeResponse(smallExchange(1))))
	if len(rep.Problems) != 0 || len(rep.Runs) != 0 || len(exs) != 1 {
		t.Errorf("headerless journal: %+v", rep)
	}
	// Nor is an empty file.
	rep, exs = readAll(t, nil)
	if len(rep.Problems) != 0 || len(exs) != 0 || rep.Lines != 0 {
		t.Errorf("empty journal: %+v", rep)
	}
}

// Lines of several MiB are read whole; lines past the limit are skipped.
func TestLongLines(t *testing.T) {
	big := smallExchange(1)
	big.Request.Body = bytes.Repeat([]byte(`{"k":"\u00e9\n"}`), 400_000) // ~6 MiB escaped
	huge := smallExchange(2)
	huge.Request.Body = bytes.Repeat([]byte("y"), 3<<20)
	data := journalText(encodeRequest(big), encodeResponse(big), encodeRequest(huge), encodeResponse(huge))

	rep, exs := readAll(t, data)
	if len(rep.Problems) != 0 || len(exs) != 2 || !bytes.Equal(exs[0].Request.Body, big.Request.Body) ||
		!bytes.Equal(exs[1].Request.Body, huge.Request.Body) {
		t.Fatalf("long lines: %d exchanges, problems %v", len(exs), rep.Problems)
	}

	defer func(old int) { maxLine = old }(maxLine)
	maxLine = 2 << 20
	rep, exs = readAll(t, data)
	// The requests are skipped, so their responses stand alone.
	want := `1: a line of 8800277 bytes, longer than a record may be; skipped
2: a response record for #1 without its request record
3: a line of 3146005 bytes, longer than a record may be; skipped
4: a response record for #2 without its request record
`
	if reasons(rep.Problems) != want {
		t.Errorf("problems:\n%s", reasons(rep.Problems))
	}
	if len(exs) != 2 || exs[0].Request.Method != "" || exs[1].Request.Method != "" {
		t.Errorf("exchanges past the limit: %+v", exs)
	}
	// A torn line past the limit ends the file.
	rep, _ = readAll(t, data[:len(data)/2])
	if len(rep.Problems) == 0 || rep.Bytes != int64(len(data)/2) {
		t.Errorf("torn long line: %+v", rep)
	}
}

func TestReadStopsOnCallbackError(t *testing.T) {
	stop := errors.New("enough")
	n := 0
	data := journalText(encodeRequest(smallExchange(1)), encodeResponse(smallExchange(1)),
		encodeRequest(smallExchange(2)), encodeResponse(smallExchange(2)))
	_, err := Read(bytes.NewReader(data), func(*model.Exchange) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Read returned %v after %d calls", err, n)
	}
	// Stopping while blocks are still being read and decoded.
	var lines [][]byte
	for id := model.ExchangeID(1); id <= 5000; id++ {
		lines = append(lines, encodeRequest(benchExchange(id)), encodeResponse(benchExchange(id)))
	}
	data = journalText(lines...)
	for _, after := range []int{1, 1000, 4999} {
		n = 0
		rep, err := Read(bytes.NewReader(data), func(*model.Exchange) error {
			if n++; n == after {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != after || rep.Exchanges != after {
			t.Errorf("stopping after %d: %v after %d calls, report %+v", after, err, n, rep)
		}
	}
}

type failingReader struct{ data []byte }

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadReportsIOErrors(t *testing.T) {
	data := journalText(encodeRequest(smallExchange(1)), encodeResponse(smallExchange(1)))
	rep, err := Read(&failingReader{data}, func(*model.Exchange) error { return nil })
	if err == nil || err.Error() != "disk on fire" || rep.Exchanges != 1 {
		t.Errorf("Read: %v, %+v", err, rep)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.jsonl")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v", err)
	}
}

// A journal rebuilds the store it was written from: sessions, transcripts,
// record comparisons and notes as they were live.
func TestFillRebuildsSessions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w, err := Open(path, Options{Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	live := model.NewStore(model.StoreOptions{})
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	turn := func(role model.Role, text string, s int) model.Turn {
		return model.Turn{Role: role, Text: text, Time: at(s)}
	}
	incoming := []*model.Exchange{
		{Platform: "navtalk", Kind: "message", SessionID: "A", Turns: []model.Turn{{Role: model.RoleSystem, Marker: model.MarkerCreated, Time: at(0)}, turn(model.RoleUser, "hi", 1)}},
		{Platform: "chatbot", Kind: "message", SessionID: "B", Turns: []model.Turn{turn(model.RoleUser, "order status?", 2)}, Use: model.UseConsumed, Deadline: 10 * time.Second},
		{Platform: "navtalk", Kind: "message", SessionID: "A", Turns: []model.Turn{turn(model.RoleAI, "hello", 3)}},
		{Platform: "navtalk", Kind: "session", SessionID: "A", Record: true, Turns: []model.Turn{turn(model.RoleUser, "hi", 1), turn(model.RoleAI, "hello there", 3)}},
		{Platform: "generic", SessionID: model.Unsorted, Notes: []string{"not JSON"}},
		{Platform: "navtalk", Kind: "message", SessionID: "A", Turns: []model.Turn{turn(model.RoleAI, "hello", 3)}, Resent: &model.Resent{Of: 3}},
		{Platform: "chatbot", Kind: "message", SessionID: "B", Turns: []model.Turn{turn(model.RoleUser, "hurry", 6)}, Use: model.UseConsumed}, // hark stops before answering
	}
	for i, ex := range incoming {
		ex.ID = live.NextID()
		ex.Received = at(i)
		ex.Request = model.Request{Method: "POST", Path: "/hook", Body: []byte(fmt.Sprintf(`{"i":%d}`, i))}
		ex.State = model.StateReceived
		if _, err := w.WriteRequest(ex); err != nil {
			t.Fatal(err)
		}
		live.Add(ex)
		if i == len(incoming)-1 {
			break
		}
		live.Update(ex.ID, func(x *model.Exchange) {
			x.State = model.StateResponded
			x.Response = &model.Response{Status: 200, Body: []byte(`{}`), Source: model.SourceDefault}
			x.Timings.Total = time.Millisecond
			if i == 2 {
				x.Notes = x.WithNote("forward failed")
			}
		})
		snap, _ := live.Exchange(ex.ID)
		if _, err := w.WriteResponse(&snap); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Problems) != 0 || len(l.Exchanges) != len(incoming) || l.Unanswered != 1 {
		t.Fatalf("loaded %d, %d unanswered, problems %v", len(l.Exchanges), l.Unanswered, l.Problems)
	}
	rebuilt := model.NewStore(model.StoreOptions{})
	l.Fill(rebuilt)
	// A resend's link comes back from its request record, and the store
	// records it on the original again.
	if orig, _ := rebuilt.Exchange(3); len(orig.Resends) != 1 || orig.Resends[0] != 6 {
		t.Errorf("#3 resends %v, want [#6]", orig.Resends)
	}

	if got, want := rebuilt.Counts(), live.Counts(); got != want {
		t.Errorf("counts %+v, live %+v", got, want)
	}
	liveSessions, gotSessions := live.Sessions(), rebuilt.Sessions()
	if len(gotSessions) != len(liveSessions) {
		t.Fatalf("%d sessions, live %d", len(gotSessions), len(liveSessions))
	}
	for i := range liveSessions {
		g, w := gotSessions[i], liveSessions[i]
		g.Version, w.Version = 0, 0
		for _, s := range []*model.Session{&g, &w} {
			s.FirstSeen, s.LastSeen = s.FirstSeen.UTC(), s.LastSeen.UTC()
			for j := range s.Turns {
				s.Turns[j].Time = s.Turns[j].Time.UTC()
			}
			if s.Record != nil {
				r := *s.Record
				for j := range r.Missing {
					r.Missing[j].Time = r.Missing[j].Time.UTC()
				}
				for j := range r.Different {
					r.Different[j].Live.Time = r.Different[j].Live.Time.UTC()
					r.Different[j].Record.Time = r.Different[j].Record.Time.UTC()
				}
				s.Record = &r
			}
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("session %v:\n got %+v\nwant %+v", w.Key, g, w)
		}
	}
	live.Exchanges(func(want model.Exchange) bool {
		got, ok := rebuilt.Exchange(want.ID)
		if !ok {
			t.Errorf("%s missing", want.ID)
			return true
		}
		if want.ID == 7 { // unanswered: hark stopped
			want.Notes = want.WithNote(NoteNoResponse)
		}
		sameExchange(t, want.ID.String(), got, want)
		return true
	})
	// The record's comparison note appears once, as it did live.
	rec, _ := rebuilt.Exchange(4)
	if !slices.Equal(rec.Notes, []string{"record: 1 turn with different text"}) {
		t.Errorf("notes of the session record: %q", rec.Notes)
	}
	// The loaded exchanges are left as read.
	if l.Exchanges[3].SessionID != "A" || len(l.Exchanges[4].Notes) != 1 {
		t.Errorf("Fill changed the loaded exchanges")
	}
}

func FuzzRead(f *testing.F) {
	full := fullExchange(3)
	seeds := [][]byte{
		journalText(encodeRequest(full), encodeResponse(full)),
		journalText([]byte(`{"t":"hark","v":1}`), encodeRequest(smallExchange(1)), encodeResponse(smallExchange(2))),
		encodeRequest(full)[:100],
		[]byte("{\"t\":\"req\",\"id\":1,\"headers\":{\"a\":[\"\\udc80\\ud800\"]}}\n\n\n{"),
		[]byte(`{"t":"resp","id":1,"forward":{"url":"x","body_b64":"AA=="},"timings":{"total_ns":-5}}`),
		[]byte("\n\r\n{}\n[]\nnull\n\"s\"\n"),
		[]byte(`{"t":"req","id":18446744073709551615,"turns":[{"role":"ai","time":"+050000-01-02T03:04:05Z"}]}`),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ids := make(map[model.ExchangeID]bool)
		n := 0
		rep, err := Read(bytes.NewReader(data), func(ex *model.Exchange) error {
			if ids[ex.ID] {
				t.Fatalf("%s delivered twice", ex.ID)
			}
			ids[ex.ID] = true
			n++
			if ex.State == "" {
				t.Fatalf("%s without a state", ex.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Read of in-memory data: %v", err)
		}
		if n != rep.Exchanges || rep.Bytes != int64(len(data)) {
			t.Fatalf("delivered %d, report %+v, %d bytes", n, rep, len(data))
		}
		lines := bytes.Count(data, []byte("\n"))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			lines++
		}
		if rep.Lines != lines {
			t.Fatalf("report counts %d lines, there are %d", rep.Lines, lines)
		}
		for _, p := range rep.Problems {
			if p.Line < 1 || p.Line > lines || p.Offset < 0 || p.Offset >= int64(len(data)) ||
				(p.Offset > 0 && data[p.Offset-1] != '\n') || p.Reason == "" {
				t.Fatalf("problem %+v does not point at a line", p)
			}
		}
		// What was read writes back as it was read.
		d := newDecoder()
		for line := range bytes.SplitSeq(data, []byte("\n")) {
			var r record
			if d.decode(line, &r) != nil || r.typ != typeRequest {
				continue
			}
			ex := r.request()
			again := encodeRequest(ex)
			var r2 record
			if err := d.decode(again[:len(again)-1], &r2); err != nil {
				t.Fatalf("re-encoded record does not read: %v\n%s", err, again)
			}
			sameExchange(t, "re-read", *r2.request(), *ex)
		}
	})
}

// Blocks cut lines anywhere; however the reader hands out the bytes, the
// same records come out, with the same line numbers.
func TestReadInPieces(t *testing.T) {
	var lines [][]byte
	for id := model.ExchangeID(1); id <= 3000; id++ { // several blocks
		ex := benchExchange(id)
		lines = append(lines, encodeRequest(ex), encodeResponse(ex))
		if id%1000 == 500 {
			lines = append(lines, []byte("corrupt"))
		}
	}
	data := journalText(lines...)
	data = data[:len(data)-10] // and a torn end
	want, wantExs := readAll(t, data)
	if len(want.Problems) != 4 || want.Exchanges != 3000 || want.Lines != 6003 || data[want.Problems[3].Offset-1] != '\n' {
		t.Fatalf("report %+v", want)
	}
	for name, r := range map[string]func() io.Reader{
		"one byte":   func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
		"half":       func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
		"data+EOF":   func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) },
		"unbuffered": func() io.Reader { return bytes.NewBuffer(data) },
	} {
		var exs []*model.Exchange
		got, err := Read(r(), func(ex *model.Exchange) error { exs = append(exs, ex); return nil })
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: report\n%+v\nwant\n%+v", name, got, want)
		}
		if len(exs) != len(wantExs) {
			t.Fatalf("%s: %d exchanges, want %d", name, len(exs), len(wantExs))
		}
		for i := range exs {
			sameExchange(t, name, *exs[i], *wantExs[i])
		}
	}
}
