package receiver_test

import (
	"bytes"
	"math/rand/v2"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
	"github.com/harkhq/hark/receiver"
)

// BenchmarkServeHTTP is the receiver's own cost per webhook, without the
// network: classification, store, default response.
//
//	go test -run '^$' -bench ServeHTTP -benchmem ./receiver/
func BenchmarkServeHTTP(b *testing.B) {
	reqs := sampleRequests(b, 2000)
	store := model.NewStore(model.StoreOptions{Keep: 10_000})
	sub := store.Subscribe()
	defer sub.Close()
	rc := receiver.New(receiver.Config{Store: store})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sr := reqs[i%len(reqs)]
		i++
		req := httptest.NewRequest(sr.Method, sr.Path+"?"+sr.RawQuery, bytes.NewReader(sr.Body))
		for k, v := range sr.Headers {
			req.Header[k] = v
		}
		rc.ServeHTTP(httptest.NewRecorder(), req)
		if i%256 == 0 {
			sub.Drain()
		}
	}
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
