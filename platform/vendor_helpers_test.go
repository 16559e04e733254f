package platform

import (
	"testing"

	"github.com/harkhq/hark/model"
)

// wantPlatform checks that each request is recognized as the platform's.
func wantPlatform(t *testing.T, platform string, reqs ...*model.Request) {
	t.Helper()
	for _, req := range reqs {
		if c := Classify(req, nil); c.Platform != platform {
			t.Errorf("%s %s: classified %s/%s, want %s", req.Path, quoteShort(string(req.Body)), c.Platform, c.Kind, platform)
		}
	}
}

// wantNotPlatform checks that no request is taken for the platform's.
func wantNotPlatform(t *testing.T, platform string, reqs ...*model.Request) {
	t.Helper()
	for _, req := range reqs {
		if c := Classify(req, nil); c.Platform == platform {
			t.Errorf("%s %s: taken for %s/%s", req.Path, quoteShort(string(req.Body)), c.Platform, c.Kind)
		}
	}
}
