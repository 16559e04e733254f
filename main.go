// hark is a terminal app for developers who integrate conversational-AI
// platforms through webhooks: a public endpoint served in-process, every
// webhook grouped by conversation, and responses that can be held, edited and
// released before the platform's deadline.
//
// This file is the entry point only: the commands live in internal/cli, the
// logic in the packages that ARCHITECTURE.md describes.
package main

import (
	"os"

	"github.com/harkhq/hark/internal/cli"
)

// Set at build time by a release (goreleaser's default -ldflags
// "-X main.version=... -X main.commit=... -X main.date=..."); empty in
// other builds, where the Go command's own build information is used.
var (
	version = ""
	commit  = ""
	date    = ""
)

func main() {
	os.Exit(cli.Main(cli.Build{Version: version, Commit: commit, Date: date}))
}
