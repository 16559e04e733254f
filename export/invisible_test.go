package export

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/harkhq/hark/model"
)

// NDJSON lines and HAR files hold C1 and bidi controls as \u escapes
// only, and mean the same to a JSON reader.
func TestMachineOutputsEscapeInvisibleRunes(t *testing.T) {
	evil := "x\u0085\u009b31m\u202ereversed\u202c \u2066iso\u2069\u200f"
	ex := credentialExchange()
	ex.SessionID = evil
	ex.Request.Path = "/" + evil
	ex.Request.Headers = map[string][]string{"X-Evil": {evil}, "Content-Type": {"application/json"}}
	ex.Request.Body = []byte(`{"text":"` + evil + `"}`)
	ex.Turns = []model.Turn{{Role: model.RoleUser, Text: evil, Time: t0}}
	ex.Notes = []string{evil}

	var ndjson, har bytes.Buffer
	if err := WriteNDJSON(&ndjson, ex); err != nil {
		t.Fatal(err)
	}
	if err := WriteHAR(&har, []*model.Exchange{ex}, HAROptions{}); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string][]byte{"ndjson": ndjson.Bytes(), "har": har.Bytes()} {
		for _, r := range []string{"\u0085", "\u009b", "\u202a", "\u202c", "\u202e", "\u2066", "\u2069", "\u200f"} {
			if bytes.Contains(out, []byte(r)) {
				t.Errorf("%s: raw %+q", name, r)
			}
		}
	}
	var s model.Summary
	if err := json.Unmarshal(ndjson.Bytes(), &s); err != nil || s.Session != evil || s.Turns[0].Text != evil {
		t.Errorf("NDJSON read back: %v %+q", err, s.Session)
	}
	var doc struct {
		Log struct {
			Entries []struct {
				Request struct {
					PostData struct{ Text string }
				}
			}
		}
	}
	if err := json.Unmarshal(har.Bytes(), &doc); err != nil || doc.Log.Entries[0].Request.PostData.Text != string(ex.Request.Body) {
		t.Errorf("HAR read back: %v", err)
	}
}
