package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/sim"
)

func newSendCommand(e *env) *cobra.Command {
	var (
		to              string
		sessions, count int
		rate            float64
		concurrency     int
		paced           bool
		speed           float64
		secrets         []string
		seed            uint64
		asJSON          bool
	)
	cmd := &cobra.Command{
		Use:   "send PLATFORM|all --to URL",
		Short: "Play realistic conversations of a platform at a URL and sum up how it answered",
		Long: "Plays simulated conversations of a platform's webhooks at a URL, as the platform would send them: " +
			"several sessions at once, every kind of webhook, signed when --secret is given. " +
			"Point it at your own handler to test it, or at hark itself. Prints the requests sent, the status codes, " +
			"latency percentiles and throughput; exits 1 when any request failed or got a status of 400 or more.\n\n" +
			"PLATFORM is one of " + strings.Join(platformNames(), ", ") + ", or all.",
		Example: "  hark send " + sendExample() + " --to http://127.0.0.1:8787\n" +
			"  hark send all --to http://127.0.0.1:8787 --sessions 50 --count 10000\n" +
			"  hark send " + signedSendExample() + " --to https://example.com/webhooks --secret " + secretExample("") + " --rate 20",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("give one platform (%s, or all), e.g. hark send %s --to http://127.0.0.1:8787", strings.Join(platformNames(), ", "), sendExample())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			platforms, err := parsePlatforms(args[0])
			if err != nil {
				return err
			}
			if err := validateTarget(to); err != nil {
				return err
			}
			switch {
			case sessions < 0:
				return usagef("--sessions %d: give a positive number", sessions)
			case count < 0:
				return usagef("--count %d: give a positive number (0 = each conversation once)", count)
			case rate < 0:
				return usagef("--rate %g: give requests per second, or 0 for as fast as possible", rate)
			case speed < 0:
				return usagef("--speed %g: give a positive factor", speed)
			}
			sec, err := parseSecrets(secrets)
			if err != nil {
				return err
			}
			rep, err := sim.Run(cmd.Context(), sim.Options{
				Platforms: platforms, To: to, Sessions: sessions, Count: count, Rate: rate,
				Paced: paced, Speed: speed, Concurrency: concurrency, Secrets: sec, Seed: seed,
			})
			write := rep.Write
			if asJSON {
				write = func(w io.Writer) error {
					enc := json.NewEncoder(w)
					enc.SetEscapeHTML(false)
					return enc.Encode(rep)
				}
			}
			if werr := write(e.stdout); werr != nil {
				return werr
			}
			if err != nil && !errors.Is(err, cmd.Context().Err()) {
				return err
			}
			if rep.Failed > 0 {
				return fmt.Errorf("%d of %d requests failed or got a status of 400 or more", rep.Failed, rep.Sent)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&to, "to", "", "base URL to send to; each webhook's path is appended (required)")
	fs.IntVar(&sessions, "sessions", 0, "conversations played at once (default: one per platform)")
	fs.IntVar(&count, "count", 0, "total requests to send; new conversations start until it is met (default: each conversation once)")
	fs.Float64Var(&rate, "rate", 0, "requests per second over all sessions (default: as fast as the target answers)")
	fs.IntVar(&concurrency, "concurrency", 0, "requests in flight at once (default: --sessions)")
	fs.BoolVar(&paced, "paced", false, "wait between requests as a real conversation would")
	fs.Float64Var(&speed, "speed", 1, "with --paced, play this many times faster")
	fs.StringArrayVar(&secrets, "secret", nil, "sign as the platform would, PLATFORM=SECRET (repeatable): "+signHelp(false))
	fs.Uint64Var(&seed, "seed", 1, "the same seed plays the same conversations")
	fs.BoolVar(&asJSON, "json", false, "print the summary as one JSON object (latencies in milliseconds)")
	return cmd
}

// parsePlatforms reads "all" or a comma-separated list of profile names.
func parsePlatforms(arg string) ([]string, error) {
	if arg == "all" {
		return nil, nil
	}
	var out []string
	for _, name := range strings.Split(arg, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if !slices.Contains(platformNames(), name) {
			return nil, usagef("unknown platform %q: give one of %s, or all", name, strings.Join(platformNames(), ", "))
		}
		out = append(out, name)
	}
	return out, nil
}

func validateTarget(to string) error {
	if to == "" {
		return usagef("--to is required: the base URL to send to, e.g. --to http://127.0.0.1:8787")
	}
	u, err := url.Parse(to)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("--to %q: give an http:// or https:// URL", to)
	}
	return nil
}
