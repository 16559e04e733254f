package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/journal"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
	"github.com/harkhq/hark/tui"
)

func newOpenCommand(e *env) *cobra.Command {
	var exportDir string
	cmd := &cobra.Command{
		Use:   "open [FILE]",
		Short: "Browse a journal in the monitor, read-only, with search across all bodies",
		Long: "Opens a journal in the monitor, read-only: sessions, transcripts, the inspector, and a filter that also " +
			"searches every request and response body. Without FILE, pick one of the recent journals. " +
			"A torn or damaged journal opens with what can be read, and says what could not. " +
			"`e` exports the selected session (HAR, Markdown or NDJSON) into --export-dir.",
		Example: "  hark open\n  hark open ~/.local/state/hark/journal/2026-11-21_093000.jsonl",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("give at most one journal file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			path := ""
			if len(args) == 1 {
				path = args[0]
			} else {
				picked, err := pickJournal(cmd, e)
				if err != nil || picked == "" {
					return err
				}
				path = picked
			}
			return openJournal(cmd, e, path, exportDir)
		},
	}
	registerExportDir(cmd, &exportDir)
	return cmd
}

// pickJournal lets the user choose among the journals of the default
// folder; "" means they cancelled.
func pickJournal(cmd *cobra.Command, e *env) (string, error) {
	dir, err := journal.DefaultDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the journal folder (give a FILE): %w", err)
	}
	infos, err := journal.List(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	entries := make([]tui.JournalEntry, 0, len(infos))
	for _, in := range infos {
		entries = append(entries, tui.JournalEntry{Path: in.Path, Name: in.Name, Size: in.Size, Modified: in.Modified})
	}
	return tui.PickJournal(cmd.Context(), dir, entries)
}

func openJournal(cmd *cobra.Command, e *env, path, exportTo string) error {
	dir, err := exportDir(exportTo)
	if err != nil {
		return err
	}
	loaded, err := loadJournal(e, path)
	if err != nil {
		return err
	}
	store := model.NewStore(model.StoreOptions{Keep: -1})
	loaded.Fill(store)
	note := loaded.Note()
	if n := loaded.Unanswered; n > 0 {
		if note != "" {
			note += "; "
		}
		note += plural(n, "exchange has", "exchanges have") + " no response record"
	}
	err = tui.Run(cmd.Context(), tui.Options{
		Store: store, ReadOnly: true, Source: filepath.Base(path), Note: note,
		Export:  sessionExporter(store, dir, time.Now),
		NoColor: e.getenv("NO_COLOR") != "",
	})
	if err != nil {
		return fmt.Errorf("%s: %w", sanitize.Line(path), err)
	}
	return nil
}
