package platform

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// vendorFixture reads a request of testdata/vendors/DIR (a JSON body, a
// form body or a whole HTTP request), as `hark platforms test` does.
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

// TestVendorFixturesClassifyToTheirPlatform: every documented request of
// testdata/vendors/DIR goes to the built-in profile named DIR, and a
// directory whose platform hark does not ship (the Intercom example of a
// user's profile) goes to the fallback: no profile takes another
// platform's requests.
func TestVendorFixturesClassifyToTheirPlatform(t *testing.T) {
	dirs, err := os.ReadDir(filepath.Join("testdata", "vendors"))
	if err != nil {
		t.Fatal(err)
	}
	r := Builtin()
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		want := d.Name()
		if _, ok := r.Lookup(want); !ok {
			want = r.Fallback().Name
		}
		files, _ := os.ReadDir(filepath.Join("testdata", "vendors", d.Name()))
		n := 0
		for _, f := range files {
			if !slices.Contains([]string{".json", ".http", ".form"}, filepath.Ext(f.Name())) {
				continue
			}
			n++
			c := r.Classify(vendorFixture(t, d.Name(), f.Name()), nil)
			if c.Platform != want {
				t.Errorf("%s/%s: classified %s/%s, want %s", d.Name(), f.Name(), c.Platform, c.Kind, want)
			}
		}
		if n == 0 {
			t.Errorf("%s: no fixtures", d.Name())
		}
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
