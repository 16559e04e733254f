package replay

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/harkhq/hark/model"
)

// BenchmarkReplay replays exchanges as fast as possible (--speed 0) at a
// handler that answers at once with the recorded body: what replay itself
// costs per request on loopback, sending, reading and comparing.
func BenchmarkReplay(b *testing.B) {
	recorded := `{"responses":[{"type":"text","message":"Let me look that up for you."}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(recorded))
	}))
	defer srv.Close()
	const batch = 1000
	exs := make([]*model.Exchange, batch)
	for i := range exs {
		exs[i] = hookExchange(model.ExchangeID(i+1), "/chatbot", recorded)
		exs[i].Request.Body = []byte(`{"event":"message.created","chat":{"id":"c-1"},"message":{"type":"text","text":"Where is my order #100017?"}}`)
	}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Run(context.Background(), Options{Exchanges: exs, To: srv.URL, Client: srv.Client()})
		if err != nil || rep.Same != batch {
			b.Fatalf("%v %s", err, rep.Summary())
		}
	}
	b.ReportMetric(float64(batch)*float64(b.N)/b.Elapsed().Seconds(), "requests/s")
	b.ReportMetric(b.Elapsed().Seconds()*1e6/float64(batch*b.N), "µs/request")
}
