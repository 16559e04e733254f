package cli

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
	"github.com/harkhq/hark/receiver"
	"github.com/harkhq/hark/rules"
)

// policyFlags choose how responses are decided: forwarding, deadlines,
// rules, and (in the monitor) intercepting.
type policyFlags struct {
	forward   string
	deadlines []string
	rules     string
	intercept string
}

func (f *policyFlags) register(cmd *cobra.Command, withIntercept bool) {
	fs := cmd.Flags()
	fs.StringVar(&f.forward, "forward", "", "also send every webhook to your own handler at this URL (path and query kept) and answer with its response")
	fs.StringArrayVar(&f.deadlines, "deadline", nil, "override a platform's response deadline, PLATFORM=DURATION, e.g. "+deadlineExample()+" (repeatable)")
	fs.StringVar(&f.rules, "rules", "", "load response rules from FILE and save changes back to it")
	if withIntercept {
		fs.StringVar(&f.intercept, "intercept", "off", "hold webhooks for editing: off, consumed (those whose response the platform acts on) or all")
	}
}

// policyConfig is what the flags resolve to.
type policyConfig struct {
	forward   *receiver.Forwarder
	deadlines map[string]time.Duration
	rulesFile string
	intercept model.InterceptMode
}

func (f *policyFlags) validate() (policyConfig, error) {
	var pc policyConfig
	if f.forward != "" {
		fw, err := receiver.NewForwarder(f.forward, nil)
		if err != nil {
			return pc, usageError{err}
		}
		pc.forward = fw
	}
	deadlines, err := parseDeadlines(f.deadlines)
	if err != nil {
		return pc, err
	}
	pc.deadlines = deadlines
	if f.rules != "" {
		if err := rules.CheckWritable(f.rules); err != nil {
			return pc, usagef("--rules %s: %v", f.rules, err)
		}
	}
	pc.rulesFile = f.rules
	pc.intercept = model.InterceptOff
	if f.intercept != "" {
		m, err := model.ParseInterceptMode(f.intercept)
		if err != nil {
			return pc, usagef("--intercept %q: expected off, consumed or all", f.intercept)
		}
		pc.intercept = m
	}
	return pc, nil
}

// parseDeadlines reads repeated PLATFORM=DURATION values.
func parseDeadlines(values []string) (map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	for _, v := range values {
		name, dur, ok := strings.Cut(v, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok {
			return nil, usagef("--deadline %q: expected PLATFORM=DURATION, e.g. --deadline %s", v, deadlineExample())
		}
		if _, known := platform.Lookup(name); !known {
			return nil, usagef("--deadline %q: unknown platform %q (known: %s)", v, name, strings.Join(platformNames(), ", "))
		}
		d, err := parseDuration(strings.TrimSpace(dur))
		if err != nil || d < 500*time.Millisecond || d > time.Hour {
			return nil, usagef("--deadline %q: give a duration between 500ms and 1h, e.g. 5s", v)
		}
		out[name] = d
	}
	return out, nil
}
