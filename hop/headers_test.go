package hop

import (
	"net/http"
	"testing"
)

func TestStrip(t *testing.T) {
	in := http.Header{
		"Connection":        {"keep-alive, X-Private"},
		"X-Private":         {"secret of this hop"},
		"Keep-Alive":        {"timeout=5"},
		"Transfer-Encoding": {"chunked"},
		"content-type":      {"application/json"},
		"X-Moveo-Signature": {"abc"},
	}
	out := Strip(in)
	if len(out) != 2 || out.Get("Content-Type") != "application/json" || out.Get("X-Moveo-Signature") != "abc" {
		t.Fatalf("Strip = %v", out)
	}
	if in.Get("X-Private") == "" {
		t.Fatal("Strip changed its input")
	}
}

func TestSendAgain(t *testing.T) {
	out := SendAgain(map[string][]string{
		"Connection": {"close"}, "Content-Length": {"12"}, "Host": {"x.ngrok.app"}, "Accept-Encoding": {"gzip"},
		"Content-Type": {"application/json"}, "X-Moveo-Signature": {"abc"},
	})
	if len(out) != 3 || out.Get("Content-Type") != "application/json" || out.Get("X-Moveo-Signature") != "abc" {
		t.Fatalf("SendAgain = %v", out)
	}
	if ua, ok := out["User-Agent"]; !ok || len(ua) != 1 || ua[0] != "" {
		t.Errorf("User-Agent %q: want an empty one, not Go's", ua)
	}
	if got := SendAgain(map[string][]string{"User-Agent": {"Moveo-Webhooks/1.0"}}); got.Get("User-Agent") != "Moveo-Webhooks/1.0" {
		t.Errorf("the recorded User-Agent was not kept: %v", got)
	}
}
