package export

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/harkhq/hark/journal"
	"github.com/harkhq/hark/model"
)

// benchExchange is a realistic webhook, as in the journal's benchmarks: a
// JSON body of about 1 KB, the headers a platform sends through ngrok,
// one turn, a short JSON response.
func benchExchange(id model.ExchangeID) *model.Exchange {
	t0 := time.Date(2025, 3, 14, 9, 27, 1, 0, time.UTC)
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
			Method: "POST", Path: "/chatbot", RawQuery: "token=abc", Proto: "HTTP/1.1",
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
		Signature: model.Signature{Scheme: "ChatBot.com verification token", State: model.SigValid},
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

// bench100k is 100 000 exchanges in 1 000 sessions, made once.
var bench100k = sync.OnceValue(func() []*model.Exchange {
	exs := make([]*model.Exchange, 100_000)
	for i := range exs {
		exs[i] = benchExchange(model.ExchangeID(i + 1))
	}
	return exs
})

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkExportHAR writes 100 000 exchanges as one HAR document, with a
// page per session; MB/s counts the HAR written.
func BenchmarkExportHAR(b *testing.B) {
	exs := bench100k()
	sessions := sessionsFor(exs)
	var size countingWriter
	if err := WriteHAR(&size, exs, HAROptions{Sessions: sessions}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size.n)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteHAR(io.Discard, exs, HAROptions{Sessions: sessions}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(exs))*float64(b.N)/b.Elapsed().Seconds(), "exchanges/s")
}

// BenchmarkExportNDJSON writes the same 100 000 exchanges as `hark export
// --format ndjson` does.
func BenchmarkExportNDJSON(b *testing.B) {
	exs := bench100k()
	var size countingWriter
	for _, ex := range exs {
		if err := WriteNDJSON(&size, ex); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(size.n)
	b.ReportAllocs()
	for b.Loop() {
		for _, ex := range exs {
			if err := WriteNDJSON(io.Discard, ex); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(exs))*float64(b.N)/b.Elapsed().Seconds(), "exchanges/s")
}

// writeJournal100k writes bench100k to a journal in dir.
func writeJournal100k(dir string) (string, error) {
	path := filepath.Join(dir, "100k.jsonl")
	w, err := journal.Open(path, journal.Options{Fast: true, Version: "bench"})
	if err != nil {
		return "", err
	}
	exs := bench100k()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for part := range 8 { // several writers share each batch, as receivers do
		wg.Go(func() {
			for i := part; i < len(exs); i += 8 {
				if _, err := w.WriteRequest(exs[i]); err != nil {
					errs <- err
					return
				}
				if _, err := w.WriteResponse(exs[i]); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return "", err
	}
	return path, w.Close()
}

// BenchmarkExportJournal100k is `hark export FILE --format har` on a
// journal of 100 000 exchanges: load the file, then write the HAR. It
// reports the heap the loaded journal keeps (live-MB), measured after a
// collection.
func BenchmarkExportJournal100k(b *testing.B) {
	path, err := writeJournal100k(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	b.ReportAllocs()
	var live uint64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		loaded, err := journal.Load(path)
		if err != nil || len(loaded.Exchanges) != 100_000 {
			b.Fatalf("%v, %d exchanges", err, len(loaded.Exchanges))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		live = after.HeapAlloc - before.HeapAlloc
		if err := WriteHAR(io.Discard, loaded.Exchanges, HAROptions{Sessions: sessionsFor(loaded.Exchanges)}); err != nil {
			b.Fatal(err)
		}
		runtime.KeepAlive(loaded)
	}
	b.ReportMetric(float64(live)/(1<<20), "live-MB")
}
