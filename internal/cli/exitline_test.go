package cli

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/harkhq/hark/journal"
)

func TestJournalExitLine(t *testing.T) {
	full := &fs.PathError{Op: "write", Path: "/j.jsonl", Err: syscall.ENOSPC}
	for _, c := range []struct {
		h    journal.Health
		want string
	}{
		{journal.Health{Journaled: 1}, "hark: 1 exchange journaled in /j.jsonl"},
		{journal.Health{Journaled: 221, Lost: 760, Err: fmt.Errorf("journal: writing /j.jsonl: %w", full)}, "hark: 221 exchanges journaled in /j.jsonl; 760 records could not be written (no space left on device)"},
	} {
		if got := journalLine("/j.jsonl", c.h); got != c.want {
			t.Errorf("journalLine = %q, want %q", got, c.want)
		}
	}
}

var exitLineRE = regexp.MustCompile(`hark: (\d+) exchanges? journaled in`)

// The monitor's exit line counts the exchanges that reached the journal,
// not those it received: here the journal may grow to 4 KiB only
// (ulimit -f), as on a disk that fills up.
func TestMonitorExitLineCountsWhatReachedTheDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hark")
	}
	r, port, path := startMonitor(t, `ulimit -f 8; exec "$0" "$@"`)
	body := `{"conversation_id":"c1","text":"` + strings.Repeat("x", 300) + `"}`
	postWebhooks(t, "http://127.0.0.1:"+strconv.Itoa(port), 1, 40, func(int) string { return body })
	r.endsRestored(t, syscall.SIGTERM)
	time.Sleep(100 * time.Millisecond)
	m := exitLineRE.FindStringSubmatch(r.out.String())
	if m == nil {
		t.Fatalf("no exit line:\n%q", tail(r.out.String()))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	onDisk := bytes.Count(data, []byte(`{"t":"req"`))
	if said, _ := strconv.Atoi(m[1]); said != onDisk || onDisk == 0 || onDisk >= 40 {
		t.Errorf("the exit line says %s exchanges journaled; the journal holds %d of 40", m[1], onDisk)
	}
	if !strings.Contains(r.out.String(), "could not be written (file too large)") {
		t.Errorf("the exit line does not say what was lost:\n%q", tail(r.out.String()))
	}
}

// TestListenJournalResumes: `hark listen` journals to a file that may not
// grow past 4 KiB (its file size limit lowered, as on a full disk); once the
// limit is lifted (space freed), the next webhooks are journaled again,
// and the file holds whole records only.
func TestListenJournalResumes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	p := startHark(t, nil, "listen", "--local", "--port", "0", "--journal", path)
	url := p.url(t)
	pid := p.cmd.Process.Pid
	var lim unix.Rlimit
	if err := unix.Prlimit(pid, unix.RLIMIT_FSIZE, nil, &lim); err != nil {
		t.Skip("cannot change the file size limit of another process:", err)
	}
	full := unix.Rlimit{Cur: 4 << 10, Max: lim.Max}
	if err := unix.Prlimit(pid, unix.RLIMIT_FSIZE, &full, nil); err != nil {
		t.Skip("cannot change the file size limit of another process:", err)
	}
	body := func(i int) string {
		return fmt.Sprintf(`{"conversation_id":"c%d","text":"%s"}`, i, strings.Repeat("x", 300))
	}
	postWebhooks(t, url, 1, 20, body) // the file fills up
	if err := unix.Prlimit(pid, unix.RLIMIT_FSIZE, &lim, nil); err != nil {
		t.Fatal(err)
	}
	postWebhooks(t, url, 21, 40, body)
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	_ = p.cmd.Wait()
	l, err := journal.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var after, before int
	for _, ex := range l.Exchanges {
		if n, _ := strconv.Atoi(strings.TrimPrefix(ex.SessionID, "c")); n > 20 {
			after++
		} else {
			before++
		}
	}
	if after != 20 || before == 0 || before == 20 || len(l.Problems) != 0 {
		t.Errorf("journaled %d of the 20 webhooks sent while the file was full, %d of the 20 after (want all); problems %v\n%s",
			before, after, l.Problems, tail(p.stderr.String()))
	}
	if !strings.Contains(p.stderr.String(), "journal writes work again") {
		t.Errorf("no word of the recovery:\n%s", tail(p.stderr.String()))
	}
}

// postWebhooks posts webhooks from to to, body(i) each, and requires 200s.
func postWebhooks(t *testing.T, url string, from, to int, body func(i int) string) {
	t.Helper()
	for i := from; i <= to; i++ {
		resp, err := http.Post(url+"/bot", "application/json", strings.NewReader(body(i)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("webhook %d: status %d", i, resp.StatusCode)
		}
	}
}
