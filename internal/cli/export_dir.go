package cli

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/journal"
)

// Sessions exported with `e` go, unless --export-dir says otherwise, to a
// hark folder beside the journals: $XDG_STATE_HOME/hark/exports
// (~/.local/state/hark/exports). Not the current folder, which is often a
// repository where a webhook's bodies and headers could be committed by
// mistake; not a Downloads folder, which servers and containers lack and
// which XDG only names through a file of its own. The monitor's message
// names the full path of every file written.

// registerExportDir adds --export-dir to a command that shows the monitor.
func registerExportDir(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "export-dir", "", "folder where `e` writes exported sessions (default: $XDG_STATE_HOME/hark/exports, i.e. ~/.local/state/hark/exports)")
}

// exportDir resolves --export-dir to an absolute folder: the default one
// is created when the first export is written; one the user named must
// exist.
func exportDir(dir string) (string, error) {
	if dir == "" {
		journals, err := journal.DefaultDir()
		if err != nil {
			return "", usagef("no folder for exports (give --export-dir): %v", err)
		}
		return filepath.Join(filepath.Dir(journals), "exports"), nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", usagef("--export-dir %q: not a folder", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", usagef("--export-dir %q: %v", dir, err)
	}
	return abs, nil
}
