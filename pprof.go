//go:build pprof

// A build for profiling only (go build -tags pprof): with HARK_PPROF set
// to an address, hark serves net/http/pprof there, so that
// scripts/profile.sh can take a CPU profile of a running hark under load.
// Release builds have no such endpoint.

package main

import (
	"fmt"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux
	"os"
)

func init() {
	addr := os.Getenv("HARK_PPROF")
	if addr == "" {
		return
	}
	go func() {
		if err := http.ListenAndServe(addr, nil); err != nil {
			fmt.Fprintln(os.Stderr, "hark: pprof:", err)
		}
	}()
}
