package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// receiverFlags are the flags of every command that runs a receiver.
type receiverFlags struct {
	port      int
	secrets   []string
	journal   string
	noJournal bool
	fast      bool
	maxBody   string
	keep      int
}

// defaultPort is where the receiver listens unless --port says otherwise.
const defaultPort = 8787

// register adds the flags; port is --port's default.
func (f *receiverFlags) register(cmd *cobra.Command, port int) {
	fs := cmd.Flags()
	fs.IntVar(&f.port, "port", port, "port of the receiver on 127.0.0.1 (also served there when the public URL is ngrok's; 0 = any free port)")
	fs.StringArrayVar(&f.secrets, "secret", nil, "verification secret of a platform, as PLATFORM=SECRET (repeatable): "+secretHelp())
	fs.StringVar(&f.journal, "journal", "", "journal file to append every exchange to (default: a new file under the user's state directory)")
	fs.BoolVar(&f.noJournal, "no-journal", false, "keep no journal on disk")
	fs.BoolVar(&f.fast, "fast", false, "journal without fsync: faster; a crash of hark loses nothing, a power loss may lose the last exchanges")
	fs.StringVar(&f.maxBody, "max-body", "1MiB", "largest request body accepted; larger ones are answered 413 and recorded")
	fs.IntVar(&f.keep, "keep", model.DefaultKeep, "how many of the newest exchanges memory keeps whole; older ones are read back from the journal when opened (dropped with --no-journal)")
}

// validate checks the flags before anything starts.
func (f *receiverFlags) validate() (platform.Secrets, int64, error) {
	if f.port < 0 || f.port > 65535 {
		return nil, 0, usagef("--port %d: a port is 0 to 65535", f.port)
	}
	if f.keep < 1 {
		return nil, 0, usagef("--keep %d: keep at least 1 exchange whole (default %d)", f.keep, model.DefaultKeep)
	}
	if f.noJournal && f.journal != "" {
		return nil, 0, usagef("--journal and --no-journal contradict each other: give one")
	}
	secrets, err := parseSecrets(f.secrets)
	if err != nil {
		return nil, 0, err
	}
	maxBody, err := parseSize(f.maxBody)
	if err != nil {
		return nil, 0, usagef("--max-body %q: %v", f.maxBody, err)
	}
	return secrets, maxBody, nil
}

// parseSecrets reads repeated PLATFORM=SECRET values.
func parseSecrets(values []string) (platform.Secrets, error) {
	return parseSecretsIn(platform.Active(), values)
}

// parseSecretsIn reads PLATFORM=SECRET values for the profiles of a
// registry; PLATFORM.PART=SECRET gives a platform's second secret (a
// verify token beside a signing secret).
func parseSecretsIn(r *platform.Registry, values []string) (platform.Secrets, error) {
	secrets := platform.Secrets{}
	for _, v := range values {
		name, secret, ok := strings.Cut(v, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok || name == "" || secret == "" {
			return nil, usagef("--secret %q: expected PLATFORM=SECRET, e.g. --secret %s", redactSecret(v), secretExample("my-token"))
		}
		base, part, hasPart := strings.Cut(name, ".")
		p, known := r.Lookup(base)
		if !known {
			return nil, usagef("--secret %s=…: unknown platform %q (platforms that take a secret: %s)", name, base, secretTakers(r))
		}
		if hasPart && !hasSecretPart(p, part) {
			return nil, usagef("--secret %s=…: %s has no secret %q (%s)", name, p.Title, part, secretForms(p))
		}
		secrets[name] = secret
	}
	return secrets, nil
}

func hasSecretPart(p *platform.Profile, part string) bool {
	if p.Secret == nil {
		return false
	}
	for _, sp := range p.Secret.Parts {
		if sp.Name == part {
			return true
		}
	}
	return false
}

// secretTakers lists the --secret forms of a registry's platforms that take
// a secret, users' profiles included: "chatbot=TOKEN, moveo=TOKEN, …".
func secretTakers(r *platform.Registry) string {
	var forms []string
	for _, p := range r.Profiles() {
		if p.Secret != nil {
			forms = append(forms, p.Name+"="+p.Secret.Value)
		}
	}
	if len(forms) == 0 {
		return "none"
	}
	return strings.Join(forms, ", ")
}

// secretForms says which --secret forms a platform takes.
func secretForms(p *platform.Profile) string {
	if p.Secret == nil {
		return "it takes no secret"
	}
	forms := []string{p.Name + "=" + p.Secret.Value}
	for _, sp := range p.Secret.Parts {
		forms = append(forms, p.Name+"."+sp.Name+"="+sp.Value)
	}
	return "it takes " + strings.Join(forms, " and ")
}

// redactSecret keeps a mistyped --secret value out of error messages.
func redactSecret(v string) string {
	if name, _, ok := strings.Cut(v, "="); ok {
		return name + "=…"
	}
	if len(v) > 4 {
		return v[:2] + "…"
	}
	return "…"
}

func platformNames() []string {
	var names []string
	for _, p := range platform.Profiles() {
		names = append(names, p.Name)
	}
	return names
}

// keepOrDefault is --keep as the store applies it.
func keepOrDefault(keep int) int {
	if keep <= 0 {
		return model.DefaultKeep
	}
	return keep
}
