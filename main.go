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

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

func main() {
	os.Exit(cli.Main(cli.Build{Version: version}))
}
