package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/platform"
)

func newPlatformsCommand(e *env) *cobra.Command {
	var asJSON bool
	var base string
	cmd := &cobra.Command{
		Use:   "platforms",
		Short: "The supported platforms: paths to paste, deadlines, limits, unverified points",
		Long: "Lists every platform profile hark knows: the URL paths to paste into the platform's console, " +
			"which webhooks' responses the platform consumes and how long it waits, the response size limit, " +
			"how requests are verified, and the points its documentation leaves open.",
		Example: "  hark platforms\n  hark platforms --url https://abc.ngrok-free.app\n  hark platforms --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			base = strings.TrimRight(base, "/")
			if asJSON {
				return writePlatformsJSON(e.stdout, base)
			}
			return writePlatforms(e.stdout, base)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the profiles as JSON")
	cmd.Flags().StringVar(&base, "url", "", "base URL to prefix the paths with (the URL hark prints at start)")
	return cmd
}

func writePlatforms(w io.Writer, base string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, p := range platform.Profiles() {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "%s (%s)\n", p.Title, p.Name)
		if p.Docs != "" {
			fmt.Fprintf(tw, "  docs\t%s\n", p.Docs)
		}
		for j, ph := range p.Paths {
			label := ""
			if j == 0 {
				label = "paste"
			}
			fmt.Fprintf(tw, "  %s\t%s%s\t%s\n", label, base, ph.Path, ph.What)
		}
		for j, k := range p.Kinds {
			label := ""
			if j == 0 {
				label = "webhooks"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", label, k.Name, describeKind(k))
		}
		limit := "none documented"
		if p.MaxResponse > 0 {
			limit = fmt.Sprintf("%d bytes", p.MaxResponse)
		}
		fmt.Fprintf(tw, "  response limit\t%s\n", limit)
		fmt.Fprintf(tw, "  verification\t%s\n", p.Verification)
		for j, u := range p.Unverified {
			label := ""
			if j == 0 {
				label = "unverified"
			}
			fmt.Fprintf(tw, "  %s\t(?) %s\n", label, u)
		}
	}
	return tw.Flush()
}

func describeKind(k platform.Kind) string {
	if !k.Consumed {
		return "response ignored — " + k.Title
	}
	return fmt.Sprintf("response consumed within %s — %s", k.Deadline, k.Title)
}

// platformJSON is the stable shape of `hark platforms --json`.
type platformJSON struct {
	Name         string     `json:"name"`
	Title        string     `json:"title"`
	Docs         string     `json:"docs,omitempty"`
	Paths        []pathJSON `json:"paths"`
	Kinds        []kindJSON `json:"kinds"`
	MaxResponse  int        `json:"max_response_bytes,omitempty"`
	Verification string     `json:"verification"`
	Unverified   []string   `json:"unverified,omitempty"`
}

type pathJSON struct {
	URL  string `json:"url"`
	What string `json:"what"`
}

type kindJSON struct {
	Name       string   `json:"name"`
	Title      string   `json:"title"`
	Consumed   bool     `json:"consumed"`
	DeadlineMS int64    `json:"deadline_ms,omitempty"`
	Templates  []string `json:"templates,omitempty"`
}

func writePlatformsJSON(w io.Writer, base string) error {
	var out []platformJSON
	for _, p := range platform.Profiles() {
		pj := platformJSON{Name: p.Name, Title: p.Title, Docs: p.Docs, MaxResponse: p.MaxResponse, Verification: p.Verification, Unverified: p.Unverified}
		for _, ph := range p.Paths {
			pj.Paths = append(pj.Paths, pathJSON{URL: base + ph.Path, What: ph.What})
		}
		for _, k := range p.Kinds {
			kj := kindJSON{Name: k.Name, Title: k.Title, Consumed: k.Consumed}
			if k.Consumed {
				kj.DeadlineMS = k.Deadline.Milliseconds()
			}
			for _, t := range k.Templates {
				kj.Templates = append(kj.Templates, t.Name)
			}
			pj.Kinds = append(pj.Kinds, kj)
		}
		out = append(out, pj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
