package tunnel

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestStatusFeedNeverBlocks: with nobody reading, publishing never blocks;
// the oldest events give way and the newest is always kept.
func TestStatusFeedNeverBlocks(t *testing.T) {
	f := newStatusFeed()
	for i := range 3 * statusBuffer {
		f.publish(Status{State: Reconnecting, Reason: string(rune('a' + i%26))})
	}
	f.publish(Status{State: Online, URL: "https://x.ngrok-free.app"})
	if f.latest.State != Online || len(f.ch) != statusBuffer {
		t.Fatalf("latest %v, %d queued; want online and a full buffer", f.latest, len(f.ch))
	}
	f.close()
	var last Status
	n := 0
	for st := range f.ch {
		last, n = st, n+1
	}
	if n != statusBuffer || last.State != Online {
		t.Fatalf("read %d events ending with %v; want %d ending with online", n, last, statusBuffer)
	}
	f.publish(Status{State: Failed}) // after close: ignored, no panic
	f.close()
}

func TestStatusJSONAndString(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	st := Status{State: Reconnecting, URL: "https://x.ngrok-free.app", Reason: "session closed", At: at,
		Err: &Error{Code: "ERR_NGROK_107", Message: "m", Docs: "d", Hint: "h", Err: errors.New("inner")}}
	js, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"State":"reconnecting","URL":"https://x.ngrok-free.app","Reason":"session closed","Err":{"Code":"ERR_NGROK_107","Message":"m","Docs":"d","Hint":"h"},"At":"2026-01-02T03:04:05Z"}`
	if string(js) != want {
		t.Fatalf("JSON = %s\nwant %s", js, want)
	}
	if st.String() != "reconnecting https://x.ngrok-free.app: session closed" {
		t.Fatalf("String() = %q", st.String())
	}
	if State(42).String() != "State(42)" {
		t.Fatal(State(42).String())
	}
}

// TestRedactingLogger: the token is taken out of messages, attributes,
// errors, groups and pre-bound attributes.
func TestRedactingLogger(t *testing.T) {
	const token = "2secretTOKENxxxxxxxxxxxxxx"
	var buf bytes.Buffer
	log := newRedactingLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), redactor{secret: token})
	log = log.With("bound", "t="+token).WithGroup("g")
	log.Error("failed with "+token,
		"err", errors.New("Your authtoken: "+token),
		"s", token,
		slog.Group("inner", "v", token),
		"any", struct{ T string }{token},
		"n", 42)
	out := buf.String()
	if strings.Contains(out, token) {
		t.Fatalf("log shows the token: %s", out)
	}
	for _, part := range []string{"failed with 2sec…[redacted]", `bound="t=2sec…[redacted]"`, `g.err="Your authtoken: 2sec…[redacted]"`, "g.inner.v=2sec…[redacted]", "g.n=42"} {
		if !strings.Contains(out, part) {
			t.Fatalf("log %q lacks %q", out, part)
		}
	}
}
