package cli

import (
	"fmt"
	"strings"
	"time"

	mcobra "github.com/muesli/mango-cobra"
	"github.com/muesli/roff"
	"github.com/spf13/cobra"
)

// newManCommand is fang's man page (mango, from the command tree) written
// to the command's own stdout, plus the sections a man page is expected to
// have beyond commands and flags.
func newManCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "man",
		Short:   "Print hark's manual page (roff), e.g. hark man | man -l -",
		Long:    "Prints the manual page, generated from the commands and flags, with the configuration, environment, files and exit codes. Release archives carry it as manpages/hark.1.gz.",
		Example: "  hark man | man -l -\n  hark man > /usr/local/share/man/man1/hark.1",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			page, err := mcobra.NewManPage(1, cmd.Root())
			if err != nil {
				return err
			}
			page = page.
				WithSection("Configuration", manConfiguration()).
				WithSection("Environment", manEnvironment()).
				WithSection("Files", "$XDG_CONFIG_HOME/hark/config.yaml (~/.config/hark/config.yaml): settings, see CONFIGURATION.\n"+
					"$XDG_STATE_HOME/hark/journal/ (~/.local/state/hark/journal/): a journal per run, JSON lines, mode 0600.\n"+
					"$XDG_STATE_HOME/hark/exports/: sessions exported with e in the monitor.").
				WithSection("Exit Status", "0 success; 1 a runtime failure (a request failed, answers differ, the tunnel failed); 2 a usage error (a bad flag, argument, setting or config file).")
			_, err = fmt.Fprint(e.stdout, page.Build(manDocument{roff.NewDocument()}))
			return err
		},
	}
}

// manDocument is roff's document with the heading man pages of section 1
// have: "User Commands" as the manual's name (mango puts the whole short
// description there, which man cuts off), and the build's date when known,
// so that a release's page is the same whenever it is built.
type manDocument struct{ *roff.Document }

func (d manDocument) Heading(section uint, title, _ string, ts time.Time) {
	if built, err := time.Parse(time.RFC3339, currentVersion().Date); err == nil {
		ts = built
	}
	d.Document.Heading(section, title, "User Commands", ts)
}

func manConfiguration() string {
	return "Settings are flags kept from run to run: " + strings.Join(settingKeys(), ", ") + ". " +
		"Precedence: a flag, then the environment (HARK_ and the flag's name in capitals, - as _), then the config file " +
		"(keys are the long flag names: port: 9000, secret: [moveo=TOKEN], intercept: consumed), then the default. " +
		"hark config prints the effective settings and their sources, secrets redacted."
}

func manEnvironment() string {
	return "HARK_<SETTING>: a setting, e.g. HARK_PORT=9000; lists comma-separated.\n" +
		"HARK_SECRET_<PLATFORM>, HARK_DEADLINE_<PLATFORM>: a platform's secret or deadline, e.g. HARK_SECRET_MOVEO.\n" +
		"HARK_CONFIG: the config file to read instead of the default.\n" +
		"NGROK_AUTHTOKEN: the ngrok authtoken (else the ngrok agent's config file).\n" +
		"VISUAL, EDITOR: the editor of ctrl+e, run through the shell as git does.\n" +
		"NO_COLOR: no colours."
}
