package journal

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// benchExchange is a realistic webhook: a JSON body of about 1 KB, the
// headers a platform sends, one turn, a short JSON response.
func benchExchange(id model.ExchangeID) *model.Exchange {
	session := fmt.Sprintf("chat-%04d", id%1000)
	at := t0.Add(time.Duration(id) * 37 * time.Millisecond)
	body := fmt.Sprintf(`{"event":"message.created","timestamp":"%s","chat":{"id":%q,"thread":"th-%d","channel":"web","language":"en"},`+
		`"message":{"id":"m-%d","type":"text","text":"Hello, I would like to check the status of order #%d — it was due on Tuesday and the tracking page says \"pending\".","author":{"id":"u-%d","type":"customer","name":"Zoë Müller"}},`+
		`"attributes":{"plan":"premium","locale":"de-DE","source":"widget","page":"https://shop.example.com/orders/%d?utm_source=mail","tags":["vip","returning","eu"]},`+
		`"bot":{"id":"bot-7","version":42,"story":"order-status","interaction":"start"},`+
		`"context":{"previous_intent":"greeting","confidence":0.93,"slots":{"order_id":"%d","date":null,"email":"zoe@example.com"},"history_len":%d}}`,
		at.Format(time.RFC3339Nano), session, id, id, 100000+id, id%5000, 100000+id, 100000+id, id%17)
	return &model.Exchange{
		ID:       id,
		Received: at,
		Request: model.Request{
			Method: "POST", Path: "/api/webhook/message", Proto: "HTTP/1.1",
			Host: "brave-otter-12.ngrok-free.app", RemoteAddr: "34.117.59.81:48122",
			Headers: map[string][]string{
				"Accept":            {"application/json"},
				"Accept-Encoding":   {"gzip"},
				"Content-Length":    {fmt.Sprint(len(body))},
				"Content-Type":      {"application/json; charset=utf-8"},
				"User-Agent":        {"ChatBot-Webhooks/2.1"},
				"X-Forwarded-For":   {"34.117.59.81"},
				"X-Forwarded-Proto": {"https"},
				"X-Request-Id":      {fmt.Sprintf("req-%016x", uint64(id)*0x9e3779b97f4a7c15)},
			},
			Body: []byte(body),
			Size: int64(len(body)),
		},
		Platform: "chatbot", Kind: "message", SessionID: session,
		Turns:     []model.Turn{{Role: model.RoleUser, Text: fmt.Sprintf("Hello, I would like to check the status of order #%d", 100000+id), Time: at}},
		Use:       model.UseConsumed,
		Deadline:  10 * time.Second,
		Signature: model.Signature{Scheme: "token", State: model.SigValid},
		State:     model.StateResponded,
		Response: &model.Response{
			Status:  200,
			Headers: map[string][]string{"Content-Type": {"application/json"}},
			Body:    []byte(`{"responses":[{"type":"text","message":"Let me look that up for you."}]}`),
			Source:  model.SourceDefault,
		},
		Timings: model.Timings{Read: 23 * time.Microsecond, Journal: 1100 * time.Microsecond, Total: 1400 * time.Microsecond},
	}
}

// BenchmarkGroupCommit writes exchanges (a request record waited for, a
// response record queued) from many goroutines at once.
func BenchmarkGroupCommit(b *testing.B) {
	for _, fast := range []bool{false, true} {
		name := "fsync"
		if fast {
			name = "fast"
		}
		b.Run(name, func(b *testing.B) {
			w, err := Open(filepath.Join(b.TempDir(), "j.jsonl"), Options{Fast: fast})
			if err != nil {
				b.Fatal(err)
			}
			exs := make([]*model.Exchange, 1024)
			for i := range exs {
				exs[i] = benchExchange(model.ExchangeID(i + 1))
			}
			var next atomic.Uint64
			b.SetParallelism(32) // 32 writers per CPU: webhooks arriving together
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					ex := exs[next.Add(1)%uint64(len(exs))]
					if _, err := w.WriteRequest(ex); err != nil {
						b.Error(err)
						return
					}
					if _, err := w.WriteResponse(ex); err != nil {
						b.Error(err)
						return
					}
				}
			})
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			st := w.Stats()
			b.ReportMetric(float64(st.Records)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(st.Records)/float64(st.Batches), "records/batch")
		})
	}
}

// bench100k is a journal of 100 000 exchanges, made once for the benchmarks.
var bench100k = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "hark-journal-bench")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "100k.jsonl")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	e := &encoder{}
	e.header(t0, "bench")
	for id := model.ExchangeID(1); id <= 100_000; id++ {
		ex := benchExchange(id)
		e.request(ex)
		e.response(ex, ex.Received.Add(ex.Timings.Total))
		bw.Write(e.buf)
		e.buf = e.buf[:0]
	}
	if err := bw.Flush(); err != nil {
		return "", err
	}
	return path, f.Close()
})

func TestMain(m *testing.M) {
	code := m.Run()
	if benchMade.Load() {
		if path, err := bench100k(); err == nil {
			os.RemoveAll(filepath.Dir(path))
		}
	}
	os.Exit(code)
}

// benchMade says whether a benchmark made bench100k's file.
var benchMade atomic.Bool

func load100k(b *testing.B) (string, int64) {
	path, err := bench100k()
	if err != nil {
		b.Fatal(err)
	}
	benchMade.Store(true)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return path, info.Size()
}

// BenchmarkLoad100k opens a journal of 100 000 exchanges, as `hark open`
// does: Load, and Load then Fill a store.
func BenchmarkLoad100k(b *testing.B) {
	path, size := load100k(b)
	b.Run("Load", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			l, err := Load(path)
			if err != nil || len(l.Exchanges) != 100_000 || len(l.Problems) != 0 {
				b.Fatalf("%v, %d exchanges, problems %v", err, len(l.Exchanges), l.Problems)
			}
		}
	})
	b.Run("LoadFill", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			l, err := Load(path)
			if err != nil {
				b.Fatal(err)
			}
			store := model.NewStore(model.StoreOptions{})
			l.Fill(store)
			if c := store.Counts(); c.Exchanges != 100_000 || c.Sessions != 1000 {
				b.Fatalf("counts %+v", c)
			}
		}
	})
}

// BenchmarkLastID scans a 100 000-exchange journal for its highest id, as
// Open does when appending.
func BenchmarkLastID(b *testing.B) {
	path, size := load100k(b)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if id, _, _, err := scanLastID(f, size); err != nil || id != 100_000 {
			b.Fatal(id, err)
		}
	}
}

// stdRequest is the request record as encoding/json would write and read
// it, for comparison with the hand-written encoder and decoder.
type stdRequest struct {
	T         string              `json:"t"`
	ID        uint64              `json:"id"`
	At        time.Time           `json:"at"`
	Method    string              `json:"method,omitempty"`
	Path      string              `json:"path,omitempty"`
	Query     string              `json:"query,omitempty"`
	Proto     string              `json:"proto,omitempty"`
	Host      string              `json:"host,omitempty"`
	Remote    string              `json:"remote,omitempty"`
	Headers   map[string][]string `json:"headers,omitempty"`
	Body      string              `json:"body,omitempty"`
	BodyB64   []byte              `json:"body_b64,omitempty"`
	Size      int64               `json:"size"`
	Truncated bool                `json:"truncated,omitempty"`
	Platform  string              `json:"platform,omitempty"`
	Kind      string              `json:"kind,omitempty"`
	Session   string              `json:"session,omitempty"`
	Turns     []model.Turn        `json:"turns,omitempty"`
	Record    bool                `json:"record,omitempty"`
	Consumed  bool                `json:"consumed,omitempty"`
	Use       string              `json:"use"`
	Deadline  int64               `json:"deadline_ns,omitempty"`
	Sig       *model.Signature    `json:"sig,omitempty"`
	Notes     []string            `json:"notes,omitempty"`
}

func toStd(ex *model.Exchange) *stdRequest {
	r := &ex.Request
	return &stdRequest{
		T: "req", ID: uint64(ex.ID), At: ex.Received.UTC(), Method: r.Method, Path: r.Path, Query: r.RawQuery,
		Proto: r.Proto, Host: r.Host, Remote: r.RemoteAddr, Headers: r.Headers, Body: string(r.Body), Size: r.Size,
		Truncated: r.Truncated, Platform: ex.Platform, Kind: ex.Kind, Session: ex.SessionID, Turns: ex.Turns,
		Record: ex.Record, Consumed: ex.Consumed(), Use: ex.Use.String(), Deadline: int64(ex.Deadline), Sig: &ex.Signature, Notes: ex.Notes,
	}
}

// BenchmarkEncode compares the encoder with encoding/json on a request
// record.
func BenchmarkEncode(b *testing.B) {
	ex := benchExchange(17)
	b.Run("journal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			e := getEncoder()
			e.request(ex)
			b.SetBytes(int64(len(e.buf)))
			putEncoder(e)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			line, err := json.Marshal(toStd(ex))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(line)))
		}
	})
}

// BenchmarkDecode compares the decoder with encoding/json on request
// records, of exchanges that differ as they do in a journal.
func BenchmarkDecode(b *testing.B) {
	lines := make([][]byte, 8192) // more than the decoder caches
	size := 0
	for i := range lines {
		line := encodeRequest(benchExchange(model.ExchangeID(i + 1)))
		lines[i] = line[:len(line)-1]
		size += len(lines[i])
	}
	b.Run("journal", func(b *testing.B) {
		d := newDecoder()
		var r record
		b.SetBytes(int64(size / len(lines)))
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := d.decode(lines[i%len(lines)], &r); err != nil {
				b.Fatal(err)
			}
			_ = r.request()
			i++
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(size / len(lines)))
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			var r stdRequest
			if err := json.Unmarshal(lines[i%len(lines)], &r); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
