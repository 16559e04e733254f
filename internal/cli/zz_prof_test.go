package cli

import (
	"context"
	"os"
	"os/exec"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

// TestZZProf runs `hark listen --json` in-process under wrk and writes a CPU profile.
func TestZZProf(t *testing.T) {
	args := strings.Fields(os.Getenv("ZZ_ARGS"))
	if len(args) == 0 {
		t.Skip()
	}
	tuneGC()
	devnull, _ := os.OpenFile("/dev/null", os.O_WRONLY, 0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- run(ctx, append([]string{"listen", "--json", "--local", "--port", "18791"}, args...), nil, devnull, devnull) }()
	time.Sleep(time.Second)
	wrk := exec.Command("wrk", "-t2", "-c32", "-d12s", "-s", "/work/wt/memory-cpu/scripts/webhook.lua", "http://127.0.0.1:18791")
	out := &strings.Builder{}
	wrk.Stdout = out
	wrk.Start()
	time.Sleep(3 * time.Second)
	f, _ := os.Create("/tmp/mc/cpu.pprof")
	pprof.StartCPUProfile(f)
	time.Sleep(6 * time.Second)
	pprof.StopCPUProfile()
	f.Close()
	wrk.Wait()
	cancel()
	<-done
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(l, "RESULT") || strings.Contains(l, "Requests/sec") {
			t.Log(l)
		}
	}
}
