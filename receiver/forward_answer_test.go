package receiver

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// A handler that answers far more than any platform takes: the platform
// gets its default, and hark keeps a short prefix of the answer, noted as
// cut, whether the size is announced or not, and also when the handler
// stalls after its first bytes.
func TestForwardOversizedAnswer(t *testing.T) {
	const size = 50 << 20
	chunk := []byte(strings.Repeat("x", 64<<10))
	stall := make(chan struct{})
	defer close(stall)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		mode := r.URL.Query().Get("mode")
		if mode != "chunked" {
			w.Header().Set("Content-Length", strconv.Itoa(size))
		}
		for sent := 0; sent < size; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			if mode == "stall" && sent >= 2*len(chunk) {
				w.(http.Flusher).Flush()
				select {
				case <-stall: // the test ends
				case <-r.Context().Done():
				}
				return
			}
		}
	}))
	defer target.Close()

	for _, mode := range []string{"announced", "chunked", "stall"} {
		t.Run(mode, func(t *testing.T) {
			h := newPolicyHarness(t, model.InterceptOff, func(p *Policy) {
				p.Forward, _ = NewForwarder(target.URL, nil)
				// A deadline past the platform's patience (its client gives
				// up after 10 s): only reading the handler's answer could
				// make it wait that long.
				p.Deadlines = map[string]time.Duration{"chatbot": 30 * time.Second}
			})
			r := <-h.post("/chatbot?mode="+mode, chatbotWebhook)
			if r.err != nil || r.status != 200 || r.body != `{"responses":[]}` {
				t.Fatalf("platform got %+v, want the default at once", r)
			}
			var ex model.Exchange
			h.store.Exchanges(func(e model.Exchange) bool { ex = e; return false })
			fw := ex.Forward
			if fw == nil || fw.Status != 200 || len(fw.Body) == 0 || len(fw.Body) > keptPrefix || cap(fw.Body) > 2*keptPrefix {
				t.Fatalf("forward kept %d bytes (cap %d), want at most %d", len(fw.Body), cap(fw.Body), keptPrefix)
			}
			if !strings.Contains(fw.Error, "larger than 1 MiB: only its first 64 KiB kept") {
				t.Errorf("forward error %q", fw.Error)
			}
			if !strings.Contains(strings.Join(ex.Notes, " "), "answered with the default") {
				t.Errorf("notes %q", ex.Notes)
			}
		})
	}
}

// An answer within the limit goes back whole.
func TestForwardAnswerWithinLimit(t *testing.T) {
	body := `{"responses":[{"type":"text","elements":["` + strings.Repeat("y", maxForwardBody-100) + `"]}]}`
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(body))
	}))
	defer target.Close()
	h := newPolicyHarness(t, model.InterceptOff, func(p *Policy) { p.Forward, _ = NewForwarder(target.URL, nil) })
	if r := <-h.post("/chatbot", chatbotWebhook); r.body != body {
		t.Fatalf("platform got %d bytes, want the handler's %d", len(r.body), len(body))
	}
}
