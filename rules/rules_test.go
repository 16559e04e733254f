package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "rules.json")
	if got, err := Load(path); err != nil || got != nil {
		t.Fatalf("missing file: %v %v", got, err)
	}
	in := []model.Rule{{ID: "1", Scope: model.ScopeKind, Platform: "moveo", Kind: "post_message", Limit: 3, Used: 1, Enabled: true,
		Status: 200, Headers: map[string][]string{"Content-Type": {"application/json"}}, Body: `{"context":{"x":1}}`, Note: "kept from #4",
		Created: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}}
	if err := Save(path, in); err != nil {
		t.Fatal(err)
	}
	out, err := Load(path)
	if err != nil || len(out) != 1 || out[0].Body != in[0].Body || out[0].Used != 1 || !out[0].Created.Equal(in[0].Created) {
		t.Fatalf("loaded %+v, %v", out, err)
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"not json":  "hello",
		"bad rule":  `{"version":1,"rules":[{"id":"1","scope":"kind","platform":"moveo","status":200}]}`,
		"newer":     `{"version":2,"rules":[]}`,
		"bad scope": `{"version":1,"rules":[{"id":"1","scope":"forever","platform":"moveo","status":200}]}`,
	}
	for name, content := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		os.WriteFile(path, []byte(content), 0o600)
		if _, err := Load(path); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestAutosave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.json")
	rs := model.NewRules(nil)
	stop := Autosave(rs, path, nil)
	r := rs.Add(model.Rule{Scope: model.ScopeSession, Platform: "chatbot", Session: "c1", Enabled: true, Status: 200, Body: "{}"})
	rs.Toggle(r.ID)
	stop()
	out, err := Load(path)
	if err != nil || len(out) != 1 || out[0].Enabled {
		t.Fatalf("after autosave: %+v %v", out, err)
	}
}

// TestCheckWritable: a --rules path that could never be saved is found at
// start, and checking leaves nothing behind.
func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	if err := CheckWritable(filepath.Join(dir, "new.json")); err != nil {
		t.Errorf("a new file in an existing folder: %v", err)
	}
	existing := filepath.Join(dir, "rules.json")
	if err := Save(existing, nil); err != nil {
		t.Fatal(err)
	}
	if err := CheckWritable(existing); err != nil {
		t.Errorf("an existing rules file: %v", err)
	}
	if err := CheckWritable(filepath.Join(dir, "missing", "r.yml")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a missing folder: %v", err)
	}
	if err := CheckWritable(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a folder as the file: %v", err)
	}
	if os.Geteuid() != 0 { // root writes anywhere
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		if err := CheckWritable(filepath.Join(ro, "r.json")); err == nil || !strings.Contains(err.Error(), "cannot write") {
			t.Errorf("a read-only folder: %v", err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".hark-rules-") {
			t.Errorf("left behind %s", e.Name())
		}
	}
}
