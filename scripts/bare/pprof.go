//go:build pprof

// With -tags pprof (scripts/profile.sh), -pprof ADDR serves
// net/http/pprof on a second listener, so the yardstick can be profiled
// like hark.

package main

import (
	"flag"
	"fmt"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux
	"os"
)

func init() {
	addr := flag.String("pprof", "", "serve net/http/pprof on this address")
	afterParse = func() {
		if *addr == "" {
			return
		}
		go func() {
			if err := http.ListenAndServe(*addr, nil); err != nil {
				fmt.Fprintln(os.Stderr, "bare: pprof:", err)
			}
		}()
	}
}
