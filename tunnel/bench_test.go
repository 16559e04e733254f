package tunnel

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/harkhq/hark/tunnel/fakeedge"
)

// benchRoundTrip measures one small request through tun, served by a
// handler that answers at once.
func benchRoundTrip(b *testing.B, tun *Tunnel, client *http.Client) {
	go tun.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	url := tun.URL() + "/bench"
	b.ResetTimer()
	for b.Loop() {
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	b.StopTimer()
	client.CloseIdleConnections()
	tun.Close(context.Background())
}

// BenchmarkLocalRoundTrip: a request on the 127.0.0.1 listener (keep-alive).
func BenchmarkLocalRoundTrip(b *testing.B) {
	plan, err := Resolve(Options{Local: true, Env: func(string) string { return "" }})
	if err != nil {
		b.Fatal(err)
	}
	tun, err := Start(context.Background(), plan)
	if err != nil {
		b.Fatal(err)
	}
	benchRoundTrip(b, tun, &http.Client{})
}

// BenchmarkEdgeRoundTrip: a request through the fake edge and the ngrok-go
// agent (a new proxy stream per request, as DisableKeepAlives makes it).
func BenchmarkEdgeRoundTrip(b *testing.B) {
	edge, err := fakeedge.Start(fakeedge.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer edge.Close()
	plan, err := Resolve(Options{Authtoken: goodToken, ConnectURL: edge.Addr(), ConnectCAs: edge.CertPool(), Env: func(string) string { return "" }})
	if err != nil {
		b.Fatal(err)
	}
	tun, err := Start(context.Background(), plan)
	if err != nil {
		b.Fatal(err)
	}
	benchRoundTrip(b, tun, edge.Client("198.51.100.1:1"))
}
