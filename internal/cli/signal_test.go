package cli

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// These tests start the built hark binary on a pseudo-terminal, as a user's
// shell would, and end it with a signal: every run must end within the
// grace period, with the terminal given back as it was (alternate screen
// left, cursor shown, mouse and paste modes reset, line discipline
// restored).

var built struct {
	once sync.Once
	path string
	err  error
}

// harkBinary builds hark once per test run.
func harkBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "hark-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(dir, "hark")
		goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
		cmd := exec.Command(goCmd, "build", "-o", built.path, "github.com/harkhq/hark")
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// ptyRun is hark running on a pseudo-terminal.
type ptyRun struct {
	cmd    *exec.Cmd
	tty    *os.File
	ptmx   *os.File
	before *unix.Termios
	out    *lineBuffer
	done   chan error
}

func startOnPTY(t *testing.T, exe string, env []string, args ...string) *ptyRun {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 36, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "XDG_CONFIG_HOME=" + t.TempDir(), "XDG_STATE_HOME=" + t.TempDir(),
		"PATH=" + os.Getenv("PATH"), "TERM=xterm-256color"}, env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	r := &ptyRun{cmd: cmd, tty: tty, ptmx: ptmx, before: before, out: newLineBuffer(), done: make(chan error, 1)}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = r.out.ReadFrom(ptmx) }()
	go func() { r.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-r.done
		}
		ptmx.Close()
		tty.Close()
	})
	return r
}

// waitScreen waits until the monitor has drawn a screen holding want.
func (r *ptyRun) waitScreen(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		s := r.out.String()
		if i := strings.Index(s, "\x1b[?1049h"); i >= 0 && strings.Contains(s[i:], want) {
			return
		}
		select {
		case err := <-r.done:
			t.Fatalf("hark ended before drawing its screen (%v):\n%q", err, r.out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("no screen with %q after 30s:\n%q", want, r.out.String())
}

// endsRestored sends sig and requires hark to end within the grace period
// with the terminal restored.
func (r *ptyRun) endsRestored(t *testing.T, sig syscall.Signal) {
	t.Helper()
	mark := len(r.out.String())
	if err := r.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-r.done:
	case <-time.After(shutdownGrace + 2*time.Second):
		_ = r.cmd.Process.Signal(syscall.SIGQUIT) // its goroutines' stacks, for the failure
		time.Sleep(500 * time.Millisecond)
		t.Fatalf("hark still running %s after %v; output since the signal:\n%q", shutdownGrace+2*time.Second, sig, tail(r.out.String()[mark:]))
	}
	// The pty keeps what hark wrote last until the reader has taken it.
	out, after := "", ""
	for range 250 {
		out = r.out.String()
		if after = out[strings.LastIndex(out, "\x1b[?1049h"):]; strings.Contains(after, "\x1b[?1049l") {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, seq := range []struct{ seq, what string }{
		{"\x1b[?1049l", "alternate screen left"},
		{"\x1b[?25h", "cursor shown"},
		{"\x1b[?2004l", "bracketed paste off"},
		{"\x1b[?1002l", "mouse reporting off"},
	} {
		if !strings.Contains(after, seq.seq) {
			t.Errorf("after %v: %s (%q) missing; output since the signal:\n%q", sig, seq.what, seq.seq, tail(out[mark:]))
		}
	}
	now, err := unix.IoctlGetTermios(int(r.tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if now.Lflag != r.before.Lflag || now.Iflag != r.before.Iflag || now.Oflag != r.before.Oflag {
		t.Errorf("after %v: terminal modes not restored: lflag %#x iflag %#x oflag %#x, were %#x %#x %#x",
			sig, now.Lflag, now.Iflag, now.Oflag, r.before.Lflag, r.before.Iflag, r.before.Oflag)
	}
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

func (lb *lineBuffer) ReadFrom(f *os.File) (int64, error) {
	var n int64
	buf := make([]byte, 32<<10)
	for {
		k, err := f.Read(buf)
		if k > 0 {
			_, _ = lb.Write(buf[:k])
			n += int64(k)
		}
		if err != nil {
			return n, err
		}
	}
}

// freePort finds a loopback port nobody listens on.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startMonitor starts the built monitor on a pseudo-terminal, on a free
// port with a journal of its own, through shell (a sh -c script that ends
// with exec "$0" "$@") when not "", and waits for its screen.
func startMonitor(t *testing.T, shell string, extra ...string) (r *ptyRun, port int, journal string) {
	t.Helper()
	exe := harkBinary(t)
	port = freePort(t)
	journal = filepath.Join(t.TempDir(), "j.jsonl")
	args := append([]string{"--local", "--port", strconv.Itoa(port), "--journal", journal}, extra...)
	if shell != "" {
		r = startOnPTY(t, "/bin/sh", nil, append([]string{"-c", shell, exe}, args...)...)
	} else {
		r = startOnPTY(t, exe, nil, args...)
	}
	r.waitScreen(t, "local")
	return r, port, journal
}

// runs is how many times each signal ends each command.
func runs(sig syscall.Signal) int {
	if sig == syscall.SIGTERM {
		return 20
	}
	return 5
}

// TestSignalsEndHark: the monitor and `hark open`, each ended 20 times by
// SIGTERM and 5 times each by SIGINT and SIGHUP.
func TestSignalsEndHark(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hark and runs it 60 times")
	}
	exe := harkBinary(t)
	history := recordJournal(t)
	commands := []struct {
		name   string
		args   func(t *testing.T) []string
		screen string // what the screen shows once it is up
	}{
		{"monitor", func(t *testing.T) []string {
			return []string{"--local", "--port", "0", "--journal", filepath.Join(t.TempDir(), "j.jsonl")}
		}, "local"},
		{"open", func(*testing.T) []string { return []string{"open", history} }, "read-only"},
	}
	for _, c := range commands {
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
			t.Run(c.name+"/"+sig.String(), func(t *testing.T) {
				for i := range runs(sig) {
					r := startOnPTY(t, exe, nil, c.args(t)...)
					r.waitScreen(t, c.screen)
					r.endsRestored(t, sig)
					if t.Failed() {
						t.Fatalf("run %d of %d failed", i+1, runs(sig))
					}
				}
			})
		}
	}
}

// TestSignalReleasesHeld: a webhook held for editing when SIGTERM arrives
// gets its fallback answer, and the exchange is journaled as such.
func TestSignalReleasesHeld(t *testing.T) {
	if testing.Short() {
		t.Skip("builds hark")
	}
	r, port, journal := startMonitor(t, "", "--intercept", "all")
	answered := make(chan string, 1)
	go func() {
		resp, err := http.Post("http://127.0.0.1:"+strconv.Itoa(port)+"/bot", "application/json",
			strings.NewReader(`{"conversation_id":"c1","text":"hold me"}`))
		if err != nil {
			answered <- "error: " + err.Error()
			return
		}
		resp.Body.Close()
		answered <- resp.Status
	}()
	r.waitScreen(t, "⏸ 1 held")
	r.endsRestored(t, syscall.SIGTERM)
	select {
	case got := <-answered:
		if !strings.HasPrefix(got, "200") {
			t.Errorf("held webhook got %s, want the fallback's 200", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("held webhook never answered")
	}
	b, err := os.ReadFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"state":"fallback"`)) || !bytes.Contains(b, []byte("released on exit")) {
		t.Errorf("journal lacks the released exchange:\n%s", b)
	}
}

// TestListenEndsWithStalledStdout: `hark listen --json` into a pipe nobody
// reads (a stopped `| jq`) keeps answering webhooks, and SIGTERM ends it
// within the grace period.
func TestListenEndsWithStalledStdout(t *testing.T) {
	p := startHark(t, nil, "listen", "--json", "--local", "--port", "0", "--no-journal")
	url := p.url(t) // stdout is a pipe this test never reads
	body := `{"conversation_id":"c1","text":"` + strings.Repeat("x", 2000) + `"}`
	postWebhooks(t, url, 1, 300, func(int) string { return body }) // well past the pipe's buffer
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(shutdownGrace + 2*time.Second):
		_ = p.cmd.Process.Signal(syscall.SIGQUIT)
		time.Sleep(500 * time.Millisecond)
		t.Fatalf("hark listen still running after SIGTERM:\n%s", tail(p.stderr.String()))
	}
}
