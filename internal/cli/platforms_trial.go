package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// `hark platforms test` shows how hark reads sample requests: which
// platform and kind, which session, the turns, what the platform does with
// the response, the signature check and the notes.

func newPlatformsTestCommand(e *env) *cobra.Command {
	var secrets, headers []string
	var path string
	cmd := &cobra.Command{
		Use:   "test FILE|NAME PAYLOAD...",
		Short: "Show how a profile reads sample requests",
		Long: "Classifies each PAYLOAD file as the receiver would, with the profiles hark knows plus FILE (a profile being written) " +
			"or with the profile NAME, and prints the platform, kind, session, turns, what the platform does with the response, " +
			"the signature check (with --secret) and the notes. A PAYLOAD is a JSON body, a form body (a=1&b=2), or a raw HTTP request " +
			"(POST /path HTTP/1.1, headers, a blank line, the body) so that paths and headers can be tried too; a body alone is POSTed to --path.",
		Example: "  hark platforms test acme.yaml call-started.json call-ended.json\n" +
			"  hark platforms test " + signedSendExample() + " signed-request.http --secret " + secretExample("") + "\n" +
			"  hark platforms test acme.yaml form.txt --path /acme/events --header X-Acme-Signature:abc",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usagef("give a profile (a file or a platform's name) and at least one payload file, e.g. %s", strings.Split(cmd.Example, "\n")[0][2:])
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			sample := platform.Sample{Path: path, Headers: map[string][]string{}}
			for _, h := range headers {
				k, v, ok := strings.Cut(h, ":")
				if !ok || strings.TrimSpace(k) == "" {
					return usagef("--header %q: expected NAME:VALUE", h)
				}
				sample.Headers[strings.TrimSpace(k)] = append(sample.Headers[strings.TrimSpace(k)], strings.TrimSpace(v))
			}
			name, r, err := trialRegistry(args[0])
			if err != nil {
				return err
			}
			parsed, err := parseSecretsIn(r, secrets)
			if err != nil {
				return err
			}
			failed := 0
			for _, f := range args[1:] {
				if err := trial(e.stdout, r, name, f, sample, parsed); err != nil {
					fmt.Fprintf(e.stderr, "hark: %s: %v\n", f, err)
					failed++
				}
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d payloads could not be read", failed, len(args)-1)
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&secrets, "secret", nil, "check signatures with a platform's secret, as PLATFORM=SECRET (repeatable)")
	cmd.Flags().StringVar(&path, "path", "/", "the path a body alone is POSTed to (a raw HTTP request says its own)")
	cmd.Flags().StringArrayVar(&headers, "header", nil, "a header sent with a body alone, as NAME:VALUE (repeatable)")
	return cmd
}

// trialRegistry is the registry a trial classifies with: the one in use,
// plus the profile file given (in place of a user's profile of its name).
func trialRegistry(arg string) (string, *platform.Registry, error) {
	if st, err := os.Stat(arg); err == nil && !st.IsDir() {
		src, err := os.ReadFile(arg)
		if err != nil {
			return "", nil, err
		}
		p, err := platform.Compile(arg, src)
		if err != nil {
			return "", nil, usageError{err}
		}
		var users []*platform.Profile
		for _, q := range platform.Profiles() {
			if !q.Builtin() && q.Name != p.Name {
				users = append(users, q)
			}
		}
		r, err := platform.Load(append(users, p), nil)
		if err != nil {
			return "", nil, usageError{err}
		}
		return p.Name, r, nil
	}
	if ext := filepath.Ext(arg); ext == ".yaml" || ext == ".yml" {
		return "", nil, usagef("%s: no such profile file", arg)
	}
	p, ok := platform.Find(arg)
	if !ok {
		return "", nil, usagef("%q is neither a profile file nor a platform (known: %s)", arg, strings.Join(platformNames(), ", "))
	}
	return p.Name, platform.Active(), nil
}

// trial prints how one payload file is read.
func trial(w io.Writer, r *platform.Registry, name, file string, sample platform.Sample, secrets platform.Secrets) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	req, err := sample.Request(data)
	if err != nil {
		return err
	}
	c := r.Classify(req, secrets)
	p, _ := r.Lookup(c.Platform)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s %s\n", clean(file), clean(req.Method), clean(req.Path+query(req.RawQuery)))
	platformLine := fmt.Sprintf("%s (%s)", p.Title, p.Name)
	if c.Platform != name {
		platformLine += "  — not " + name + ": its match does not hold, or another profile's is stronger"
	}
	fmt.Fprintf(tw, "  platform\t%s\n", platformLine)
	kind := c.Kind
	if k, ok := p.Kind(c.Kind); ok && k.Title != k.Name {
		kind += " — " + k.Title
	}
	fmt.Fprintf(tw, "  kind\t%s\n", kind)
	session := clean(c.SessionID)
	for _, a := range c.Also {
		session += "   " + clean(a.Name) + " " + clean(a.Value)
	}
	fmt.Fprintf(tw, "  session\t%s\n", session)
	fmt.Fprintf(tw, "  response\t%s\n", describeUse(p, c))
	d := r.Answer(c)
	fmt.Fprintf(tw, "  %s\t%d %s\n", map[bool]string{true: "hark answers", false: "default"}[c.Handshake], d.Status, bodyPreview(d))
	if s := c.Signature; s.State != model.SigNone {
		fmt.Fprintf(tw, "  signature\t%s — %s\n", s.State, clean(s.Detail))
	} else if p.Secret != nil && p.Secret.Signs {
		fmt.Fprintf(tw, "  signature\tnot checked: give --secret %s=%s\n", p.Name, p.Secret.Value)
	}
	if c.Record {
		fmt.Fprintf(tw, "  record\tthe turns are the session's complete record\n")
	}
	fmt.Fprintf(tw, "  turns\t%d\n", len(c.Turns))
	for _, t := range c.Turns {
		text := clean(t.Text)
		if t.Marker != "" {
			text = strings.TrimSpace("(" + t.Marker + ") " + text)
		}
		when := ""
		if !t.Time.IsZero() {
			when = t.Time.Format("15:04:05")
		}
		fmt.Fprintf(tw, "    %s\t%s  %s\n", t.Role, when, cut(text, 100))
	}
	for i, n := range c.Notes {
		fmt.Fprintf(tw, "  %s\t%s\n", first(i, "notes"), clean(n))
	}
	fmt.Fprintln(tw)
	return tw.Flush()
}

func query(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}

// describeUse says what the platform does with the response of a
// classified request.
func describeUse(p *platform.Profile, c platform.Classification) string {
	if c.Handshake {
		return "a handshake: hark answers it itself"
	}
	switch c.Use {
	case model.UseConsumed:
		s := "consumed within " + c.Deadline.String()
		k, _ := p.Kind(c.Kind)
		if l := p.Limit(k); l > 0 {
			s += fmt.Sprintf(", at most %d bytes", l)
		}
		return s
	case model.UseIgnored:
		return "ignored: the platform only needs a quick 2xx"
	}
	return "use unknown (no deadline: --deadline " + p.Name + "=DURATION says it is consumed)"
}

// bodyPreview is a response body in one line, cut short.
func bodyPreview(d model.Decision) string {
	if len(d.Body) == 0 {
		return "(empty body)"
	}
	if !utf8.Valid(d.Body) {
		return fmt.Sprintf("(%d bytes)", len(d.Body))
	}
	return cut(clean(strings.Join(strings.Fields(string(d.Body)), " ")), 80)
}

func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
