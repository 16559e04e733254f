package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// develVersion is the one spelling of "no release version": Go's own
// "(devel)" without the parentheses.
const develVersion = "devel"

// versionInfo is what the binary knows of where it came from.
type versionInfo struct {
	Version  string // v1.2.3, a Go pseudo-version, or "devel"
	Commit   string // full revision, "" when unknown
	Date     string // build or commit time (RFC 3339), "" when unknown
	Modified bool   // built from a work tree with uncommitted changes
	Go       string // the Go release that built it, e.g. go1.27.3
	Platform string // GOOS/GOARCH
}

// resolveVersion combines what -ldflags set (a release build) with what
// the Go command stamped into the binary (go install …@v1.2.3, or a build
// in a git work tree): ldflags win field by field, build info fills the
// rest. info may be nil (ReadBuildInfo failed).
func resolveVersion(b Build, info *debug.BuildInfo) versionInfo {
	v := versionInfo{Version: b.Version, Commit: known(b.Commit), Date: known(b.Date), Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info != nil {
		if info.GoVersion != "" {
			v.Go = info.GoVersion
		}
		if v.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v.Version = info.Main.Version
		}
		stamped := map[string]string{}
		for _, s := range info.Settings {
			stamped[s.Key] = s.Value
		}
		if v.Commit == "" {
			v.Commit = stamped["vcs.revision"]
			v.Modified = stamped["vcs.modified"] == "true"
		}
		if v.Date == "" {
			v.Date = stamped["vcs.time"]
		}
	}
	if v.Version == "" {
		v.Version = develVersion
	}
	return v
}

// known drops the placeholders a release tool writes when it could not
// read git (goreleaser's "none" commit and zero date), so that build
// information can fill in.
func known(ldflag string) string {
	switch ldflag {
	case "none", "unknown", "0001-01-01T00:00:00Z":
		return ""
	}
	return ldflag
}

// currentVersion is the running binary's versionInfo.
func currentVersion() versionInfo {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	return resolveVersion(build, info)
}

// versionString is hark's version wherever one is written: the journal's
// header, the HAR creator, the Markdown footer, ngrok's client info, and
// the first line of `hark version` and `--version`.
func versionString() string { return currentVersion().Version }

// String is `hark version`'s text: the version, then one line per fact.
func (v versionInfo) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hark %s\n", v.Version)
	commit := v.Commit
	if commit == "" {
		commit = "unknown (built without version control information)"
	} else if v.Modified {
		commit += " (with uncommitted changes)"
	}
	fmt.Fprintf(&b, "commit  %s\n", commit)
	if v.Date != "" {
		fmt.Fprintf(&b, "built   %s\n", v.Date)
	}
	fmt.Fprintf(&b, "go      %s %s\n", v.Go, v.Platform)
	return b.String()
}

func newVersionCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print hark's version, commit, build date and Go version",
		Long:    "Prints the version (a release tag, a Go pseudo-version, or devel), the commit it was built from, the build or commit date, and the Go release and platform it was built with. `hark --version` prints the same.",
		Example: "  hark version",
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := io.WriteString(e.stdout, currentVersion().String())
			return err
		},
	}
}

// versionTemplate is cobra's --version template printing v as `hark
// version` does; cobra parses it as a template, so braces are escaped.
func versionTemplate(v versionInfo) string {
	return strings.NewReplacer("{{", `{{"{{"}}`, "}}", `{{"}}"}}`).Replace(v.String())
}
