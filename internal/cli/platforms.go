package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
	"github.com/harkhq/hark/sanitize"
)

func newPlatformsCommand(e *env) *cobra.Command {
	var asJSON bool
	var base string
	cmd := &cobra.Command{
		Use:   "platforms",
		Short: "The supported platforms: paths to paste, deadlines, limits, unverified points",
		Long: "Lists every platform profile hark knows, built-in and yours (~/.config/hark/platforms, --platforms): " +
			"the URL paths to paste into the platform's console, which webhooks' responses the platform consumes and how long it waits, " +
			"the response size limit, how requests are verified, and the points its documentation leaves open. " +
			"`hark platforms show NAME` prints a profile in the format of docs/platform-format.md; " +
			"`hark platforms test` shows how a profile reads sample requests.",
		Example: "  hark platforms\n  hark platforms --url https://abc.ngrok-free.app\n  hark platforms --json\n" +
			"  hark platforms show " + sendExample() + "\n  hark platforms test acme.yaml call-started.json",
		Args: noArgs,
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
	cmd.AddCommand(newPlatformsShowCommand(e), newPlatformsTestCommand(e))
	return cmd
}

func newPlatformsShowCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Print a platform's profile in the declarative format, to copy as a start",
		Long: "Prints a profile, built-in or yours, in the format of docs/platform-format.md. " +
			"What Go code adds to a built-in profile is listed in comments: a copy works without it.",
		Example: "  hark platforms show " + sendExample() + "\n  hark platforms show " + sendExample() + " > ~/.config/hark/platforms/mine.yaml",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("give one platform to show, one of: %s", strings.Join(platformNames(), ", "))
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			p, ok := platform.Find(args[0])
			if !ok {
				return usagef("unknown platform %q (known: %s)", args[0], strings.Join(platformNames(), ", "))
			}
			_, err := e.stdout.Write(p.Show())
			return err
		},
	}
}

func writePlatforms(w io.Writer, base string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, p := range platform.Profiles() {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "%s (%s)\n", p.Title, p.Name)
		if !p.Builtin() {
			fmt.Fprintf(tw, "  file\t%s\n", p.File())
		}
		if p.Docs != "" {
			fmt.Fprintf(tw, "  docs\t%s\n", p.Docs)
		}
		for j, ph := range p.Paths {
			fmt.Fprintf(tw, "  %s\t%s%s\t%s\n", first(j, "paste"), base, ph.Path, ph.What)
		}
		for j, k := range p.Kinds {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", first(j, "webhooks"), k.Name, describeKind(p, &k))
		}
		limit := "none documented"
		if p.MaxResponse > 0 {
			limit = fmt.Sprintf("%d bytes", p.MaxResponse)
		}
		fmt.Fprintf(tw, "  response limit\t%s\n", limit)
		fmt.Fprintf(tw, "  verification\t%s\n", p.Verification)
		if s := p.Secret; s != nil {
			fmt.Fprintf(tw, "  secret\t--secret %s=%s\t%s\n", p.Name, s.Value, s.Checks)
			for _, part := range s.Parts {
				fmt.Fprintf(tw, "  \t--secret %s.%s=%s\t%s\n", p.Name, part.Name, part.Value, part.Checks)
			}
		}
		if g := p.Groups(); len(g) > 0 {
			fmt.Fprintf(tw, "  group by\tdefault, or --group %s=%s\n", p.Name, strings.Join(g, " | "))
		}
		for j, u := range p.Unverified {
			fmt.Fprintf(tw, "  %s\t(?) %s\n", first(j, "unverified"), u)
		}
	}
	return tw.Flush()
}

// first labels the first line of a list.
func first(i int, label string) string {
	if i == 0 {
		return label
	}
	return ""
}

// describeKind says what the platform does with a kind's response.
func describeKind(p *platform.Profile, k *platform.Kind) string {
	switch k.Use {
	case model.UseConsumed:
		s := fmt.Sprintf("response consumed within %s", k.Deadline)
		if k.MaxResponse > 0 && k.MaxResponse != p.MaxResponse {
			s += fmt.Sprintf(", at most %d bytes", k.MaxResponse)
		}
		return s + " — " + k.Title
	case model.UseIgnored:
		return "response ignored — " + k.Title
	}
	return "response use unknown — " + k.Title
}

// platformJSON is the stable shape of `hark platforms --json`.
type platformJSON struct {
	Name         string     `json:"name"`
	Title        string     `json:"title"`
	Builtin      bool       `json:"builtin"`
	File         string     `json:"file,omitempty"`
	Docs         string     `json:"docs,omitempty"`
	Paths        []pathJSON `json:"paths"`
	Kinds        []kindJSON `json:"kinds"`
	MaxResponse  int        `json:"max_response_bytes,omitempty"`
	Verification string     `json:"verification"`
	Groups       []string   `json:"groups,omitempty"`
	Unverified   []string   `json:"unverified,omitempty"`
}

type pathJSON struct {
	URL  string `json:"url"`
	What string `json:"what"`
}

type kindJSON struct {
	Name        string   `json:"name"`
	Title       string   `json:"title"`
	Consumed    bool     `json:"consumed"`
	Use         string   `json:"response_use"` // consumed, ignored or unknown
	DeadlineMS  int64    `json:"deadline_ms,omitempty"`
	MaxResponse int      `json:"max_response_bytes,omitempty"`
	Templates   []string `json:"templates,omitempty"`
}

func writePlatformsJSON(w io.Writer, base string) error {
	var out []platformJSON
	for _, p := range platform.Profiles() {
		pj := platformJSON{Name: p.Name, Title: p.Title, Builtin: p.Builtin(), Docs: p.Docs, MaxResponse: p.MaxResponse,
			Verification: p.Verification, Groups: p.Groups(), Unverified: p.Unverified}
		if !p.Builtin() {
			pj.File = p.File()
		}
		for _, ph := range p.Paths {
			pj.Paths = append(pj.Paths, pathJSON{URL: base + ph.Path, What: ph.What})
		}
		for _, k := range p.Kinds {
			kj := kindJSON{Name: k.Name, Title: k.Title, Consumed: k.Consumed(), Use: k.Use.String(), MaxResponse: k.MaxResponse}
			if k.Consumed() {
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

// clean makes text from a sample file safe for the terminal.
func clean(s string) string { return sanitize.Line(s) }
