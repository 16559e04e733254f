package platform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harkhq/hark/model"
)

// vendorDir holds the research's fixtures: one directory per platform,
// named after its profile, with requests written from the vendors'
// documented examples (testdata/vendors/README.md).
const vendorDir = "testdata/vendors"

// vendorFixture reads a vendor fixture as `hark platforms test` reads a
// payload file: a JSON or form body POSTed, or a whole HTTP request.
func vendorFixture(t testing.TB, dir, name string) *model.Request {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(vendorDir, dir, name))
	if err != nil {
		t.Fatal(err)
	}
	req, err := Sample{}.Request(data)
	if err != nil {
		t.Fatalf("%s/%s: %v", dir, name, err)
	}
	return req
}

// TestVendorFixturesStayHome: every fixture of every platform hark has a
// profile for classifies as that platform, so that no profile steals
// another's requests. A directory without a built-in profile of its name
// (a user-profile example) is skipped; a new profile is covered as soon as
// it ships.
func TestVendorFixturesStayHome(t *testing.T) {
	dirs, err := os.ReadDir(vendorDir)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		if _, ok := Builtin().Lookup(d.Name()); !ok {
			t.Logf("%s: no built-in profile of that name, skipped", d.Name())
			continue
		}
		files, err := os.ReadDir(filepath.Join(vendorDir, d.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f.IsDir() || strings.HasSuffix(f.Name(), ".md") {
				continue
			}
			c := Builtin().Classify(vendorFixture(t, d.Name(), f.Name()), nil)
			if c.Platform != d.Name() {
				t.Errorf("%s/%s classifies as %s/%s", d.Name(), f.Name(), c.Platform, c.Kind)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no fixture checked")
	}
}
