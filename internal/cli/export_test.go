package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/export"
	"github.com/harkhq/hark/journal"
	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
	"github.com/harkhq/hark/receiver"
	"github.com/harkhq/hark/sim"
)

// historySecrets sign the conversations of recorded journals.
var historySecrets = platform.Secrets{"moveo": "moveo-token", "chatbot": "chatbot-token"}

// editingResponder answers webhooks whose body asks for it with an edited
// response, as a user holding them would.
type editingResponder struct{}

func (editingResponder) Respond(_ context.Context, ex model.Exchange, proposal model.Decision) model.Decision {
	if strings.Contains(string(ex.Request.Body), "please edit") {
		return model.Decision{Status: 200, Headers: map[string][]string{"Content-Type": {"application/json"}},
			Body: []byte(`{"reply":"edited by hand"}`), Source: model.SourceEdited}
	}
	return proposal
}

// recordJournal plays every platform's conversations, and a conversation
// with an edited answer, at a receiver journaling to a new file.
func recordJournal(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "history.jsonl")
	w, err := journal.Open(path, journal.Options{Fast: true, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(receiver.New(receiver.Config{Store: model.NewStore(model.StoreOptions{}), Journal: w,
		Secrets: historySecrets, Responder: editingResponder{}}))
	rep, err := sim.Run(context.Background(), sim.Options{To: srv.URL, Secrets: historySecrets, Seed: 5})
	if err == nil && rep.Failed > 0 {
		err = fmt.Errorf("%d requests failed", rep.Failed)
	}
	for _, body := range []string{`{"conversation_id":"edit-me","text":"please edit this"}`, `{"conversation_id":"edit-me","text":"thanks"}`} {
		if err != nil {
			break
		}
		var resp *http.Response
		if resp, err = http.Post(srv.URL+"/bot", "application/json", strings.NewReader(body)); err == nil {
			resp.Body.Close()
		}
	}
	srv.Close()
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// sessionIDOf finds the id of a recorded session of a platform.
func sessionIDOf(t *testing.T, path, platform string) string {
	t.Helper()
	loaded, err := journal.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range loaded.Exchanges {
		if ex.Platform == platform && ex.SessionID != "" {
			return ex.SessionID
		}
	}
	t.Fatalf("no %s session in %s", platform, path)
	return ""
}

func TestExportFormats(t *testing.T) {
	path := recordJournal(t)
	loaded, err := journal.Load(path)
	if err != nil {
		t.Fatal(err)
	}

	code, out, stderr := runCLI(t, nil, "export", path, "--format", "ndjson")
	if code != 0 || stderr != "" {
		t.Fatalf("ndjson: exit %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(loaded.Exchanges) {
		t.Fatalf("%d lines for %d exchanges", len(lines), len(loaded.Exchanges))
	}
	for i, line := range lines {
		var s model.Summary
		if err := json.Unmarshal([]byte(line), &s); err != nil || s.ID != loaded.Exchanges[i].ID || s.Session == "" {
			t.Fatalf("line %d: %v %+v", i, err, s)
		}
	}

	har := filepath.Join(t.TempDir(), "out.har")
	code, _, stderr = runCLI(t, nil, "export", path, "--format", "har", "-o", har)
	if code != 0 || !strings.Contains(stderr, "wrote ") {
		t.Fatalf("har: exit %d, stderr %q", code, stderr)
	}
	var doc struct {
		Log struct {
			Version string
			Pages   []struct{ ID string }
			Entries []json.RawMessage
		}
	}
	b, err := os.ReadFile(har)
	if err != nil || json.Unmarshal(b, &doc) != nil || doc.Log.Version != "1.2" || len(doc.Log.Entries) != len(loaded.Exchanges) {
		t.Fatalf("HAR file: %v, %d entries", err, len(doc.Log.Entries))
	}
	if info, err := os.Stat(har); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("HAR file mode %v (%v)", info.Mode(), err)
	}

	// One session, by id or PLATFORM/ID.
	id := sessionIDOf(t, path, "navtalk")
	for _, sel := range []string{id, "navtalk/" + id} {
		code, out, _ = runCLI(t, nil, "export", path, "--format", "har", "--session", sel)
		if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || len(doc.Log.Pages) != 1 || doc.Log.Pages[0].ID != "navtalk/"+id {
			t.Errorf("--session %s: exit %d, pages %+v", sel, code, doc.Log.Pages)
		}
	}

	code, out, _ = runCLI(t, nil, "export", path, "--format", "md", "--session", id)
	if code != 0 || !strings.HasPrefix(out, "# NavTalk session ") || !strings.Contains(out, "## Session record") {
		t.Errorf("md: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, nil, "export", path, "--format", "markdown", "--session", "edit-me")
	if code != 0 || !strings.Contains(out, "**Edited response** sent by the user") || !strings.Contains(out, `"reply": "edited by hand"`) {
		t.Errorf("md of the edited session: exit %d\n%s", code, out)
	}
}

func TestExportErrors(t *testing.T) {
	path := recordJournal(t)
	notJournal := filepath.Join(t.TempDir(), "notes.json")
	os.WriteFile(notJournal, []byte(`{"a":1}`+"\n"), 0o600)
	cases := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"export", path}, exitUsage, []string{"--format", "har, md, ndjson"}},
		{[]string{"export", path, "--format", "xml"}, exitUsage, []string{`--format "xml"`}},
		{[]string{"export", "--format", "har"}, exitUsage, []string{"give one journal file"}},
		{[]string{"export", path, "--format", "md"}, exitUsage, []string{"give --session", "sessions are in it", "navtalk/"}},
		{[]string{"export", path, "--format", "har", "--session", "nosuch"}, exitUsage, []string{`"nosuch": no such session`, "moveo/"}},
		{[]string{"export", filepath.Join(t.TempDir(), "missing.jsonl"), "--format", "har"}, exitFailure, []string{"no such file"}},
		{[]string{"export", path, "--format", "har", "-o", filepath.Join(t.TempDir(), "no", "dir.har")}, exitFailure, []string{"writing"}},
		{[]string{"export", notJournal, "--format", "ndjson"}, exitFailure, []string{"not a hark journal"}},
	}
	for _, c := range cases {
		code, _, stderr := runCLI(t, nil, c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", c.args, code, c.code, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(strings.ToLower(stderr), strings.ToLower(w)) { // fang capitalizes errors
				t.Errorf("%v: stderr lacks %q:\n%s", c.args, w, stderr)
			}
		}
	}
}

// TestExportTornJournal: a journal whose middle is corrupt and whose last
// line was torn by a crash exports what can be read, and says what not.
func TestExportTornJournal(t *testing.T) {
	path := recordJournal(t)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	damaged := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, `{"t":"req","id":3,`) })
	lines[damaged] = "{\"t\":\"req\",\"id\":3,\"method\":\x00garbage}\n"
	torn := strings.Join(lines, "") + `{"t":"req","id":9999,"at":"2025-03-14T09:27:01Z","meth`
	if err := os.WriteFile(path, []byte(torn), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, nil, "export", path, "--format", "ndjson")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	first := fmt.Sprintf("could not read 3 parts of the journal; first, line %d", damaged+1)
	if !strings.Contains(stderr, first) || !strings.Contains(stderr, "using the ") {
		t.Errorf("stderr does not say what was lost: %q", stderr)
	}
	n := 0
	for sc := bufio.NewScanner(strings.NewReader(out)); sc.Scan(); n++ {
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("line %d not JSON: %q", n, sc.Text())
		}
	}
	if n < 20 {
		t.Errorf("only %d exchanges exported from the damaged journal", n)
	}
}

// TestSessionExporter is the monitor's export key: one session of the
// store to a file of each format.
func TestSessionExporter(t *testing.T) {
	path := recordJournal(t)
	loaded, err := journal.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore(model.StoreOptions{})
	loaded.Fill(store)
	key := model.SessionKey{Platform: "generic", ID: "edit-me"}
	dir := t.TempDir()
	now := func() time.Time { return time.Date(2025, 3, 14, 9, 27, 1, 0, time.Local) }
	exportKey := sessionExporter(store, dir, now)
	for _, format := range export.FormatNames() {
		file, err := exportKey(key, format)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if want := filepath.Join(dir, "hark-generic-edit-me-20250314-092701."+format); file != want {
			t.Errorf("%s written to %s, want %s", format, file, want)
		}
		want := "edited by hand"
		if format == "ndjson" { // summaries, without bodies
			want = `"source":"edited"`
		}
		b, err := os.ReadFile(file)
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s: %v\n%s", format, err, b)
		}
	}
	if _, err := exportKey(key, "xml"); err == nil {
		t.Error("unknown format accepted")
	}
	if _, err := exportKey(model.SessionKey{Platform: "x", ID: "y"}, "md"); err == nil {
		t.Error("unknown session exported")
	}
	if got := exportFileName(model.SessionKey{Platform: "navtalk", ID: "../../etc/passwd\x1b"}, "md", now()); got != "hark-navtalk-etc_passwd-20250314-092701.md" {
		t.Errorf("file name %q", got)
	}
}

// TestExportDir: `e` writes to hark's exports folder unless --export-dir
// names another; the folder is made on the first export, and the path
// given back (what the monitor's message shows) is absolute.
func TestExportDir(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	dir, err := exportDir("")
	if want := filepath.Join(state, "hark", "exports"); err != nil || dir != want {
		t.Fatalf("default export dir %q, %v; want %q", dir, err, want)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("the exports folder is made before anything is exported")
	}
	loaded, err := journal.Load(recordJournal(t))
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore(model.StoreOptions{})
	loaded.Fill(store)
	file, err := sessionExporter(store, dir, time.Now)(model.SessionKey{Platform: "generic", ID: "edit-me"}, "md")
	if err != nil || filepath.Dir(file) != dir || !filepath.IsAbs(file) {
		t.Errorf("exported to %q, %v; want a file in %s", file, err, dir)
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("exports folder: %v, %v", st, err)
	}

	t.Chdir(t.TempDir())
	if err := os.Mkdir("mine", 0o700); err != nil {
		t.Fatal(err)
	}
	if got, err := exportDir("mine"); err != nil || !filepath.IsAbs(got) || filepath.Base(got) != "mine" {
		t.Errorf("--export-dir mine: %q, %v", got, err)
	}
	if _, err := exportDir("missing"); exitCode(err) != exitUsage {
		t.Errorf("--export-dir missing: %v", err)
	}
}
