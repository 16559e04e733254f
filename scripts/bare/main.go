// Command bare is the yardstick of scripts/load.sh: the least a Go webhook
// receiver can do — read the body, answer {} — on the same net/http server
// hark uses, so that hark's rate can be given as a ratio to it.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
)

// afterParse runs once the flags are read: the profiling build's hook
// (pprof.go).
var afterParse = func() {}

func main() {
	addr := flag.String("addr", "127.0.0.1:8788", "address to listen on")
	flag.Parse()
	afterParse()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	})
	if err := http.ListenAndServe(*addr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
}
