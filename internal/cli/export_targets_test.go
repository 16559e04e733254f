package cli

import (
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/harkhq/hark/journal"
	"github.com/harkhq/hark/model"
)

// `hark export -o` onto a symbolic link writes its target; onto a FIFO,
// streams into it; neither is replaced.
func TestExportOntoLinksAndFIFOs(t *testing.T) {
	path := recordJournal(t)
	dir, other := t.TempDir(), t.TempDir()
	target := filepath.Join(other, "kept.ndjson")
	link := filepath.Join(dir, "link.ndjson")
	os.Symlink(target, link)
	if code, _, stderr := runCLI(t, nil, "export", path, "--format", "ndjson", "-o", link); code != 0 {
		t.Fatalf("export onto a link: exit %d: %s", code, stderr)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if b, _ := os.ReadFile(target); strings.Count(string(b), "\n") < 10 {
		t.Errorf("the link's target got %d bytes", len(b))
	}

	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- ""
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if code, _, stderr := runCLI(t, nil, "export", path, "--format", "ndjson", "-o", fifo); code != 0 {
		t.Fatalf("export into a FIFO: exit %d: %s", code, stderr)
	}
	if info, err := os.Lstat(fifo); err != nil || info.Mode()&fs.ModeNamedPipe == 0 {
		t.Fatalf("the FIFO was replaced: %v", err) // its reader waits in vain
	}
	if out := <-got; strings.Count(out, "\n") < 10 {
		t.Errorf("the FIFO's reader got %q", out)
	}
}

// HAR exports leave out credentials unless --raw; the journal keeps them.
func TestExportRedactsUnlessRaw(t *testing.T) {
	path := recordJournal(t)
	loaded, err := journal.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var sig, token string
	for _, ex := range loaded.Exchanges {
		if v := ex.Request.Headers["X-Moveo-Signature"]; len(v) > 0 {
			sig = v[0]
		}
		if strings.Contains(ex.Request.RawQuery, "token=") {
			token = "token=" + historySecrets["chatbot"]
		}
	}
	if sig == "" || token == "" {
		t.Fatal("the recorded journal has no signature or token to redact")
	}
	_, har, _ := runCLI(t, nil, "export", path, "--format", "har")
	_, raw, _ := runCLI(t, nil, "export", path, "--format", "har", "--raw")
	for _, secret := range []string{sig, token} {
		if strings.Contains(har, secret) || !strings.Contains(raw, secret) {
			t.Errorf("%q: in the HAR %v, in the --raw HAR %v", secret, strings.Contains(har, secret), strings.Contains(raw, secret))
		}
	}
	var doc struct {
		Log struct{ Entries []json.RawMessage }
	}
	if json.Unmarshal([]byte(har), &doc) != nil || len(doc.Log.Entries) != len(loaded.Exchanges) {
		t.Errorf("redacted HAR: %d entries", len(doc.Log.Entries))
	}
}

// A session id that hark shows escaped can be typed back as shown.
func TestExportSessionTypedAsShown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	w, err := journal.Open(path, journal.Options{Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	ex := &model.Exchange{ID: 1, Platform: "generic", Kind: "webhook", SessionID: "weird\tid\u202e", State: model.StateResponded,
		Request:  model.Request{Method: "POST", Path: "/", Body: []byte(`{}`)},
		Response: &model.Response{Status: 200, Body: []byte(`{}`)}}
	w.WriteRequest(ex)
	w.WriteResponse(ex)
	w.Close()
	code, _, stderr := runCLI(t, nil, "export", path, "--format", "md", "--session", "nosuch")
	shown := `weird\tid\u202e`
	if code != exitUsage || !strings.Contains(stderr, shown) {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if code, out, stderr := runCLI(t, nil, "export", path, "--format", "md", "--session", shown); code != 0 || !strings.HasPrefix(out, "# ") {
		t.Errorf("--session %s: exit %d %s", shown, code, stderr)
	}
}
