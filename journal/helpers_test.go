package journal

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// t0 is the tests' clock origin, deliberately not in UTC.
var t0 = time.Date(2025, 3, 14, 9, 27, 1, 250_000_000, time.FixedZone("CET", 3600))

// fixedClock returns a clock that always says t0 plus a second.
func fixedClock() func() time.Time { return func() time.Time { return t0.Add(time.Second) } }

// fullExchange has every field the journal keeps set, with awkward values.
func fullExchange(id model.ExchangeID) *model.Exchange {
	return &model.Exchange{
		ID:       id,
		Received: t0,
		Request: model.Request{
			Method:     "POST",
			Path:       "/api/webhook/message\xff",
			RawQuery:   "a=1&b=%FF&c=\u2028",
			Proto:      "HTTP/1.1",
			Host:       "x.ngrok-free.app",
			RemoteAddr: "203.0.113.9:5120",
			Headers: map[string][]string{
				"Content-Type":      {"application/json"},
				"X-Multi":           {"a", "b", ""},
				"X-Raw":             {"\xfe\xff obs-text", "\x1b[31mred"},
				"x-lower":           {`quote " and \ backslash`},
				"X-Moveo-Signature": {"sha256=0f1e"},
			},
			Body:      []byte("{\"text\":\"hi\\nthere\",\n \"emoji\":\"😀\", \"ls\":\"\u2028\", \"lit\":\"\\u2028\", \"nul\":\"\x00\", \"html\":\"<a>&</a>\"}"),
			Size:      1 << 20,
			Truncated: true,
		},
		Platform:  "chatbot",
		Kind:      "message",
		SessionID: "c-42",
		Turns: []model.Turn{
			{Role: model.RoleSystem, Time: t0, Marker: model.MarkerCreated},
			{Role: model.RoleUser, Text: "hi\nthere \u202e", Time: t0.Add(time.Millisecond)},
			{Role: model.RoleAI, Text: "hello"}, // no time
		},
		Record:    true,
		Use:       model.UseConsumed,
		Deadline:  10 * time.Second,
		Signature: model.Signature{Scheme: "X-Moveo-Signature HMAC-SHA256", State: model.SigValid, Detail: "matches"},
		Notes:     []string{"first note"},
		Resent:    &model.Resent{Of: 12, Edited: true},

		State:     model.StateFallback,
		HeldUntil: t0.Add(9 * time.Second),
		Response: &model.Response{
			Status:  200,
			Headers: map[string][]string{"Content-Type": {"application/json"}, "X-Hark": {"1"}},
			Body:    []byte(`{"responses":[{"type":"text","message":"ok"}]}`),
			Source:  model.SourceRule,
			Rule:    "greet",
		},
		Forward: &model.Forward{
			URL:     "http://localhost:3000/hook",
			Status:  502,
			Headers: map[string][]string{"Content-Type": {"application/octet-stream"}},
			Body:    []byte{0xff, 0x00, 0x80, 'x'},
			Latency: 1830 * time.Microsecond,
			Error:   "upstream said 502",
		},
		Timings: model.Timings{
			Read:    41 * time.Microsecond,
			Journal: 1200*time.Microsecond + 7,
			Hold:    2 * time.Second,
			Forward: 1830 * time.Microsecond,
			Total:   2*time.Second + 3100*time.Microsecond,
		},
	}
}

// withNote returns notes plus one more, like model.Exchange.WithNote.
func withNote(ex *model.Exchange, note string) *model.Exchange {
	cp := *ex
	cp.Notes = ex.WithNote(note)
	return &cp
}

// norm makes an exchange comparable after a trip through a journal: times
// in UTC without monotonic readings, empty bodies and maps as nil.
func norm(ex model.Exchange) model.Exchange {
	ex.Received = ex.Received.UTC()
	ex.HeldUntil = ex.HeldUntil.UTC()
	if len(ex.Turns) > 0 {
		turns := make([]model.Turn, len(ex.Turns))
		for i, t := range ex.Turns {
			t.Time = t.Time.UTC()
			turns[i] = t
		}
		ex.Turns = turns
	}
	ex.Request.Headers = normHeaders(ex.Request.Headers)
	ex.Request.Body = normBody(ex.Request.Body)
	if ex.Response != nil {
		r := *ex.Response
		r.Headers, r.Body = normHeaders(r.Headers), normBody(r.Body)
		ex.Response = &r
	}
	if ex.Forward != nil {
		f := *ex.Forward
		f.Headers, f.Body = normHeaders(f.Headers), normBody(f.Body)
		ex.Forward = &f
	}
	if len(ex.Notes) == 0 {
		ex.Notes = nil
	}
	return ex
}

func normHeaders(h map[string][]string) map[string][]string {
	if len(h) == 0 {
		return nil
	}
	return h
}

func normBody(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// sameExchange fails the test when two exchanges differ after norm.
func sameExchange(t *testing.T, what string, got, want model.Exchange) {
	t.Helper()
	g, w := norm(got), norm(want)
	if reflect.DeepEqual(g, w) {
		return
	}
	t.Errorf("%s: exchanges differ", what)
	gv, wv := reflect.ValueOf(g), reflect.ValueOf(w)
	for i := range gv.NumField() {
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			t.Errorf("  %s:\n    got  %s\n    want %s", gv.Type().Field(i).Name, show(gv.Field(i)), show(wv.Field(i)))
		}
	}
}

func show(v reflect.Value) string {
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		return "&" + show(v.Elem())
	}
	return fmt.Sprintf("%#v", v.Interface())
}

// writeJournal writes the request and response records of exs to a new
// journal in a temporary directory and returns its path.
func writeJournal(t testing.TB, exs ...*model.Exchange) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w, err := Open(path, Options{Now: fixedClock(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range exs {
		if _, err := w.WriteRequest(ex); err != nil {
			t.Fatal(err)
		}
		if _, err := w.WriteResponse(ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// encodeRequest and encodeResponse return one record line.
func encodeRequest(ex *model.Exchange) []byte {
	e := &encoder{}
	e.request(ex)
	return e.buf
}

func encodeResponse(ex *model.Exchange) []byte {
	e := &encoder{}
	e.response(ex, t0.Add(time.Second))
	return e.buf
}
