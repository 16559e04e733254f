package cli

import (
	"bytes"
	"context"
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

	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/platform"
	"github.com/harkhq/hark/tui"
)

// BenchmarkIngest measures webhooks per second and latency over loopback
// for a bare net/http handler and for hark as `hark` runs it — journal,
// store, response policy, and the monitor live (a real Bubble Tea program
// rendering into the void) — in the same run, with 32 clients keeping
// connections alive:
//
//	go test -run '^$' -bench Ingest -benchtime 20000x .
func BenchmarkIngest(b *testing.B) { benchIngest(b, 32) }

// BenchmarkLatency is the same with one client sending one request at a
// time: the latency hark adds to a webhook, without queueing.
//
//	go test -run '^$' -bench Latency -benchtime 5000x .
func BenchmarkLatency(b *testing.B) { benchIngest(b, 1) }

func benchIngest(b *testing.B, clients int) {
	tuneGC()
	reqs := benchRequests(b, 25_000)
	b.Run("bare", func(b *testing.B) {
		bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{}`))
		})
		sendLoad(b, bare, reqs, clients)
	})
	for _, mode := range []struct {
		name  string
		flags receiverFlags
	}{
		{"hark-journal-fsync", receiverFlags{}},
		{"hark-journal-fast", receiverFlags{fast: true}},
		{"hark-no-journal", receiverFlags{noJournal: true}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			flags := mode.flags
			if !flags.noJournal {
				flags.journal = filepath.Join(b.TempDir(), "bench.jsonl")
			}
			st, err := openStack(stackConfig{flags: flags, maxBody: 1 << 20, now: time.Now,
				logger: newLineLogger(io.Discard, 0), notice: io.Discard})
			if err != nil {
				b.Fatal(err)
			}
			stopTUI := runHeadlessMonitor(b, st)
			sendLoad(b, st.receiver, reqs, clients)
			stopTUI()
			if st.journal != nil {
				if s := st.journal.Stats(); s.Syncs > 0 {
					b.ReportMetric(float64(s.Records)/float64(s.Syncs), "records/fsync")
				}
			}
			if err := st.close(context.Background()); err != nil {
				b.Fatal(err)
			}
			if got := st.store.Counts().Exchanges; got < b.N {
				b.Fatalf("lost exchanges: the store holds %d, %d were sent", got, b.N)
			}
		})
	}
}

// runHeadlessMonitor runs the monitor on the store, rendering a 160×48
// screen into io.Discard, as a user's terminal would show it.
func runHeadlessMonitor(b *testing.B, st *stack) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	m := tui.New(tui.Options{Store: st.store, Endpoint: tui.Endpoint{State: tui.EndpointLocal, URL: "http://127.0.0.1:8787"}})
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithWindowSize(160, 48), tea.WithFPS(30))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := p.Run(); err != nil && ctx.Err() == nil {
			b.Error(err)
		}
	}()
	return func() { cancel(); <-done }
}

// sendLoad sends b.N requests from concurrent clients and reports req/s
// and latency percentiles.
func sendLoad(b *testing.B, h http.Handler, reqs []platform.SimRequest, clients int) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var next, failed atomic.Int64
	lat := make([]time.Duration, b.N)
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

// benchRequests are at least n realistic webhooks of every platform, from
// distinct conversations, as many sessions at once would send them.
func benchRequests(b *testing.B, n int) []platform.SimRequest {
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
