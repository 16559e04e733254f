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
