package receiver_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"hark/journal"
	"hark/model"
	"hark/platform"
	"hark/receiver"
)

// BenchmarkIngest measures webhooks per second and latency over loopback,
// for a bare net/http handler and for hark's receiver (classification,
// journal, store with a subscriber draining it as the TUI or `listen` would)
// in the same run, with 32 clients keeping connections alive:
//
//	go test -run '^$' -bench Ingest -benchtime 20000x ./receiver/
func BenchmarkIngest(b *testing.B) { benchModes(b, 32) }

// BenchmarkLatency is the same with one client sending one request at a
// time: the latency hark adds to a webhook, without queueing.
//
//	go test -run '^$' -bench Latency -benchtime 5000x ./receiver/
func BenchmarkLatency(b *testing.B) { benchModes(b, 1) }

func benchModes(b *testing.B, clients int) {
	reqs := sampleRequests(b, 25_000)
	b.Run("bare", func(b *testing.B) {
		bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{}`))
		})
		ingest(b, bare, reqs, clients)
	})
	for _, mode := range []struct {
		name    string
		journal bool
		fast    bool
	}{{"hark-no-journal", false, false}, {"hark-journal-fast", true, true}, {"hark-journal-fsync", true, false}} {
		b.Run(mode.name, func(b *testing.B) {
			store := model.NewStore(model.StoreOptions{})
			sub := store.Subscribe()
			stop := make(chan struct{})
			go func() { // a consumer draining changes in batches, as the TUI does
				for {
					select {
					case <-stop:
						return
					case <-sub.Ready():
						sub.Drain()
						time.Sleep(16 * time.Millisecond)
					}
				}
			}()
			cfg := receiver.Config{Store: store}
			var w *journal.Writer
			if mode.journal {
				var err error
				w, err = journal.Open(filepath.Join(b.TempDir(), "bench.jsonl"), journal.Options{Fast: mode.fast})
				if err != nil {
					b.Fatal(err)
				}
				cfg.Journal = w
			}
			ingest(b, receiver.New(cfg), reqs, clients)
			if w != nil {
				if st := w.Stats(); st.Syncs > 0 {
					b.ReportMetric(float64(st.Records)/float64(st.Syncs), "records/fsync")
				}
				w.Close()
			}
			close(stop)
			sub.Close()
			if got := store.Counts().Exchanges; got < b.N {
				b.Fatalf("store holds %d exchanges, %d were sent", got, b.N)
			}
		})
	}
}

// ingest sends b.N requests from concurrent clients and reports req/s and
// latency percentiles.
func ingest(b *testing.B, h http.Handler, reqs []platform.SimRequest, clients int) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var next atomic.Int64
	lat := make([]time.Duration, b.N)
	var failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				sr := reqs[i%len(reqs)]
				req, _ := http.NewRequest(sr.Method, srv.URL+sr.Path+"?"+sr.RawQuery, bytes.NewReader(sr.Body))
				for k, v := range sr.Headers {
					req.Header[k] = v
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(t0)
				if resp.StatusCode >= 300 {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d requests failed", n)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// sampleRequests are at least n realistic webhooks of every platform, from
// distinct conversations, as many sessions at once would send them.
func sampleRequests(b *testing.B, n int) []platform.SimRequest {
	rng := rand.New(rand.NewPCG(1, 2))
	secrets := platform.Secrets{"moveo": "bench"}
	var out []platform.SimRequest
	for len(out) < n {
		for _, name := range []string{"navtalk", "chatbot", "moveo", "generic"} {
			conv, err := platform.Conversation(name, rng, "", time.Now(), secrets)
			if err != nil {
				b.Fatal(err)
			}
			out = append(out, conv...)
		}
	}
	return out
}
