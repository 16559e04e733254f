package sim

import (
	"context"
	"io"
	"net/http"
	"testing"
)

// BenchmarkSend measures the driver itself against a handler that does
// nothing, so that figures of hark's receiver can be read against it.
//
//	go test -run '^$' -bench Send -benchtime 20000x ./sim/
func BenchmarkSend(b *testing.B) {
	srv := serve(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte(`{}`))
	}))
	for _, sessions := range []int{1, 16} {
		b.Run(map[int]string{1: "sessions=1", 16: "sessions=16"}[sessions], func(b *testing.B) {
			b.ReportAllocs()
			rep, err := Run(context.Background(), Options{To: srv.URL, Sessions: sessions, Count: b.N})
			if err != nil || rep.Failed != 0 || rep.Sent != b.N {
				b.Fatalf("%v: %+v", err, rep)
			}
			b.ReportMetric(rep.Throughput, "req/s")
			b.ReportMetric(float64(rep.P99.Microseconds()), "p99-µs")
		})
	}
}
