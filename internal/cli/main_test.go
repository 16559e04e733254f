package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// The test binary doubles as hark: with HARK_TEST_MAIN=1 it runs the CLI
// with its arguments, so tests can start hark as a process (to kill it, to
// read its stdout) without building it first.
func TestMain(m *testing.M) {
	if os.Getenv("HARK_TEST_MAIN") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// harkProcess is hark running as a child process.
type harkProcess struct {
	cmd    *exec.Cmd
	stdout io.ReadCloser
	stderr *lineBuffer
}

// startHark starts hark with args and a clean environment (no ngrok token
// from the machine running the tests).
func startHark(t *testing.T, env []string, args ...string) *harkProcess {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append([]string{"HARK_TEST_MAIN=1", "HOME=" + t.TempDir(), "XDG_CONFIG_HOME=" + t.TempDir(), "XDG_STATE_HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}, env...)
	p := &harkProcess{cmd: cmd, stderr: newLineBuffer()}
	cmd.Stderr = p.stderr
	if p.stdout, err = cmd.StdoutPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return p
}

var listeningRE = regexp.MustCompile(`hark: listening on (\S+)`)

// url waits for hark to say where it listens.
func (p *harkProcess) url(t *testing.T) string {
	t.Helper()
	line, ok := p.stderr.waitFor(listeningRE, 30*time.Second)
	if !ok {
		t.Fatalf("hark did not start listening; stderr:\n%s", p.stderr.String())
	}
	return listeningRE.FindStringSubmatch(line)[1]
}

// lineBuffer collects a process's output, never blocking the process, and
// lets a test wait for a line.
type lineBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	scanned int // bytes of buf already searched by waitFor
	grew    chan struct{}
}

func newLineBuffer() *lineBuffer { return &lineBuffer{grew: make(chan struct{}, 1)} }

func (lb *lineBuffer) Write(p []byte) (int, error) {
	lb.mu.Lock()
	lb.buf.Write(p)
	lb.mu.Unlock()
	select {
	case lb.grew <- struct{}{}:
	default:
	}
	return len(p), nil
}

// waitFor returns the first complete line, after those already searched,
// that matches re.
func (lb *lineBuffer) waitFor(re *regexp.Regexp, timeout time.Duration) (string, bool) {
	deadline := time.After(timeout)
	for {
		lb.mu.Lock()
		rest := lb.buf.Bytes()[lb.scanned:]
		for {
			nl := bytes.IndexByte(rest, '\n')
			if nl < 0 {
				break
			}
			line := string(rest[:nl])
			rest = rest[nl+1:]
			lb.scanned += nl + 1
			if re.MatchString(line) {
				lb.mu.Unlock()
				return line, true
			}
		}
		lb.mu.Unlock()
		select {
		case <-lb.grew:
		case <-deadline:
			return "", false
		}
	}
}

func (lb *lineBuffer) String() string {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return lb.buf.String()
}

// runCLI runs hark in-process with the given environment and returns its
// exit code and output.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runWith(context.Background(), args, strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] })
	return code, stdout.String(), stderr.String()
}

func regexpQuote(s string) *regexp.Regexp { return regexp.MustCompile(regexp.QuoteMeta(s)) }
