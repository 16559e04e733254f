package platform

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// vendorPlatforms maps a directory of testdata/vendors to the built-in
// profile its fixtures must classify as. Each profile's author adds its
// rows; a directory without a row is still checked not to be taken by a
// profile that has one.
var vendorPlatforms = map[string]string{
	"slack":    "slack",
	"whatsapp": "whatsapp",
	"telegram": "telegram",
	"twilio":   "twilio",
}

// vendorFixture reads a fixture of testdata/vendors as the request a
// receiver would record: a raw HTTP request (.http), or a JSON or form
// body POSTed (.json, .form).
func vendorFixture(t testing.TB, dir, file string) *model.Request {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "vendors", dir, file))
	if err != nil {
		t.Fatal(err)
	}
	req, err := Sample{}.Request(data)
	if err != nil {
		t.Fatalf("%s/%s: %v", dir, file, err)
	}
	return req
}

// TestVendorFixturesClassifyAsTheirPlatform: every fixture of a platform
// with a row classifies as that platform, and no fixture of another
// directory is taken by one of those platforms.
func TestVendorFixturesClassifyAsTheirPlatform(t *testing.T) {
	var owners []string
	for _, name := range vendorPlatforms {
		owners = append(owners, name)
	}
	dirs, err := os.ReadDir(filepath.Join("testdata", "vendors"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, _ := filepath.Glob(filepath.Join("testdata", "vendors", d.Name(), "*"))
		for _, f := range files {
			ext := filepath.Ext(f)
			if ext != ".json" && ext != ".form" && ext != ".http" {
				continue
			}
			c := Classify(vendorFixture(t, d.Name(), filepath.Base(f)), nil)
			want, mine := vendorPlatforms[d.Name()]
			switch {
			case mine && c.Platform != want:
				t.Errorf("%s/%s: classified as %s/%s, want %s (notes %q)", d.Name(), filepath.Base(f), c.Platform, c.Kind, want, c.Notes)
			case !mine && slices.Contains(owners, c.Platform):
				t.Errorf("%s/%s: taken by %s/%s", d.Name(), filepath.Base(f), c.Platform, c.Kind)
			}
			checked++
		}
	}
	if checked < 30 {
		t.Fatalf("only %d fixtures checked", checked)
	}
}

// classifiedAs checks the parts of a classification a fixture's README
// gives.
type classifiedAs struct {
	kind    string
	session string
	use     model.ResponseUse
	turns   []model.Turn // Role and Text (and Time when set)
}

func checkClassified(t *testing.T, name string, c Classification, want classifiedAs) {
	t.Helper()
	if c.Kind != want.kind || c.SessionID != want.session || c.Use != want.use {
		t.Errorf("%s: kind %s session %q use %s, want %s %q %s (notes %q)", name, c.Kind, c.SessionID, c.Use, want.kind, want.session, want.use, c.Notes)
	}
	if len(c.Turns) != len(want.turns) {
		t.Errorf("%s: turns %+v, want %+v", name, c.Turns, want.turns)
		return
	}
	for i, w := range want.turns {
		g := c.Turns[i]
		if g.Role != w.Role || g.Text != w.Text || g.Marker != w.Marker || (!w.Time.IsZero() && !g.Time.Round(time.Millisecond).Equal(w.Time.Round(time.Millisecond))) {
			t.Errorf("%s: turn %d %+v, want %+v", name, i, g, w)
		}
	}
}
