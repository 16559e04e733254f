package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/export"
	"github.com/harkhq/hark/journal"
)

func TestResolveVersion(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	cases := []struct {
		name  string
		build Build
		info  *debug.BuildInfo
		want  versionInfo
	}{
		{"go install …@v1.2.3 (module proxy: no VCS stamp)", Build{},
			&debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Path: "github.com/harkhq/hark", Version: "v1.2.3", Sum: "h1:abc"}},
			versionInfo{Version: "v1.2.3", Go: "go1.27.3"}},
		{"go build in a work tree with changes", Build{},
			&debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Version: "v0.0.0-20261127142954-ee155654fbbe+dirty"},
				Settings: vcs("vcs", "git", "vcs.revision", "ee155654fbbe6d7a851febb5973ccd10f28b8af0", "vcs.time", "2026-11-27T14:29:54Z", "vcs.modified", "true")},
			versionInfo{Version: "v0.0.0-20261127142954-ee155654fbbe+dirty", Commit: "ee155654fbbe6d7a851febb5973ccd10f28b8af0", Date: "2026-11-27T14:29:54Z", Modified: true, Go: "go1.27.3"}},
		{"go build -buildvcs=false", Build{},
			&debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Version: "(devel)"}},
			versionInfo{Version: "devel", Go: "go1.27.3"}},
		{"release: -ldflags win", Build{Version: "1.4.0", Commit: "abc1234", Date: "2026-12-01T10:00:00Z"},
			&debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Version: "(devel)"}, Settings: vcs("vcs.revision", "other", "vcs.time", "2020-01-01T00:00:00Z", "vcs.modified", "true")},
			versionInfo{Version: "1.4.0", Commit: "abc1234", Date: "2026-12-01T10:00:00Z", Go: "go1.27.3"}},
		{"release without git information: goreleaser's placeholders", Build{Version: "0.0.1-next", Commit: "none", Date: "0001-01-01T00:00:00Z"},
			&debug.BuildInfo{GoVersion: "go1.27.3", Settings: vcs("vcs.revision", "ee155654fbbe6d7a851febb5973ccd10f28b8af0", "vcs.time", "2026-11-27T14:29:54Z")},
			versionInfo{Version: "0.0.1-next", Commit: "ee155654fbbe6d7a851febb5973ccd10f28b8af0", Date: "2026-11-27T14:29:54Z", Go: "go1.27.3"}},
		{"no build information", Build{}, nil,
			versionInfo{Version: "devel", Go: runtime.Version()}},
	}
	for _, c := range cases {
		got := resolveVersion(c.build, c.info)
		c.want.Platform = runtime.GOOS + "/" + runtime.GOARCH
		if got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

// TestVersionCommand: `hark version` and `hark --version` print the same
// facts, the Go version among them, and every place that writes hark's
// version uses the same one.
func TestVersionCommand(t *testing.T) {
	saved := build
	t.Cleanup(func() { build = saved })
	build = Build{Version: "v9.8.7", Commit: "0123456789abcdef", Date: "2026-11-27T12:00:00Z"}

	code, out, stderr := runCLI(t, nil, "version")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "hark v9.8.7\ncommit  0123456789abcdef\nbuilt   2026-11-27T12:00:00Z\ngo      " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if out != want {
		t.Errorf("hark version:\n%s\nwant:\n%s", out, want)
	}
	code, out2, _ := runCLI(t, nil, "--version")
	if code != 0 || out2 != out {
		t.Errorf("hark --version (exit %d):\n%s\nwant the same as hark version", code, out2)
	}
	if v := versionString(); v != "v9.8.7" {
		t.Errorf("versionString() = %q", v)
	}
	loaded, err := journal.Load(recordJournal(t))
	if err != nil {
		t.Fatal(err)
	}
	ndjson, _ := export.LookupFormat("ndjson")
	if set, err := exportSet(loaded, ndjson, ""); err != nil || set.Version != "v9.8.7" {
		t.Errorf("export set version %q, %v", set.Version, err)
	}
	path := filepath.Join(t.TempDir(), "v.jsonl")
	st, err := openStack(stackConfig{flags: receiverFlags{journal: path, fast: true}, maxBody: 1 << 20, now: time.Now, logger: newLineLogger(io.Discard, 0), notice: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), `"v9.8.7"`) {
		t.Errorf("journal header lacks the version: %s", b)
	}
	if !strings.Contains(resolveVersion(Build{}, nil).String(), "commit  unknown") {
		t.Error("a binary without VCS information does not say its commit is unknown")
	}
}
