package export

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/receiver"
	"github.com/harkhq/hark/replay"
)

// harSchema is the HAR 1.2 schema of testdata, compiled once per test.
func harSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/har-1.2.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("har-1.2.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("har-1.2.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateHAR(t *testing.T, s *jsonschema.Schema, har []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(har))
	if err != nil {
		t.Fatalf("HAR is not JSON: %v", err)
	}
	return s.Validate(inst)
}

// testHAR is the part of a HAR the tests read back, declared apart from
// the writer's types so that a mistake in those shows.
type testHAR struct {
	Log struct {
		Version string `json:"version"`
		Creator struct {
			Name, Version string
		} `json:"creator"`
		Pages []struct {
			ID string `json:"id"`
		} `json:"pages"`
		Entries []struct {
			Pageref         string  `json:"pageref"`
			StartedDateTime string  `json:"startedDateTime"`
			Time            float64 `json:"time"`
			Request         struct {
				Method      string `json:"method"`
				URL         string `json:"url"`
				QueryString []struct{ Name, Value string }
				Cookies     []struct{ Name, Value string }
				PostData    *struct {
					MimeType string `json:"mimeType"`
					Text     string `json:"text"`
					Encoding string `json:"_encoding"`
					Params   []struct{ Name, Value string }
				} `json:"postData"`
				BodySize int64 `json:"bodySize"`
			} `json:"request"`
			Response struct {
				Status  int `json:"status"`
				Cookies []struct {
					Name, Value string
					HTTPOnly    bool `json:"httpOnly"`
				}
				Content struct {
					Size     int    `json:"size"`
					MimeType string `json:"mimeType"`
					Text     string `json:"text"`
					Encoding string `json:"encoding"`
				} `json:"content"`
				Source string `json:"_source"`
			} `json:"response"`
			Timings struct {
				Send, Wait, Receive float64
			} `json:"timings"`
			ID       model.ExchangeID `json:"_id"`
			Platform string           `json:"_platform"`
			Session  string           `json:"_session"`
		} `json:"entries"`
	} `json:"log"`
}

func decodeText(t *testing.T, text, encoding string) []byte {
	t.Helper()
	switch encoding {
	case "":
		return []byte(text)
	case "base64":
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			t.Fatalf("bad base64 %q: %v", text, err)
		}
		return b
	}
	t.Fatalf("unknown encoding %q", encoding)
	return nil
}

// TestHARRoundTrip records conversations of every platform and odd
// requests with the real receiver, exports the journal as HAR, checks it
// against the HAR 1.2 schema, and reads every body back.
func TestHARRoundTrip(t *testing.T) {
	loaded := record(t)
	sessions := sessionsFor(loaded.Exchanges)
	var buf bytes.Buffer
	if err := WriteHAR(&buf, loaded.Exchanges, HAROptions{Version: "1.2.3", Sessions: sessions, Raw: true}); err != nil {
		t.Fatal(err)
	}
	if err := validateHAR(t, harSchema(t), buf.Bytes()); err != nil {
		t.Fatalf("HAR does not match the HAR 1.2 schema: %v", err)
	}
	var har testHAR
	if err := json.Unmarshal(buf.Bytes(), &har); err != nil {
		t.Fatal(err)
	}
	if har.Log.Version != "1.2" || har.Log.Creator.Name != "hark" || har.Log.Creator.Version != "1.2.3" {
		t.Errorf("log header %+v", har.Log)
	}
	if len(har.Log.Pages) != len(sessions) {
		t.Errorf("%d pages for %d sessions", len(har.Log.Pages), len(sessions))
	}
	if len(har.Log.Entries) != len(loaded.Exchanges) {
		t.Fatalf("%d entries for %d exchanges", len(har.Log.Entries), len(loaded.Exchanges))
	}
	pages := map[string]bool{}
	for _, p := range har.Log.Pages {
		pages[p.ID] = true
	}
	seen := map[string]int{}
	for i, e := range har.Log.Entries {
		ex := loaded.Exchanges[i]
		if e.ID != ex.ID {
			t.Fatalf("entry %d is %v, want %v", i, e.ID, ex.ID)
		}
		at, err := time.Parse(time.RFC3339Nano, e.StartedDateTime)
		if err != nil || !at.Equal(ex.Received.Truncate(time.Millisecond)) {
			t.Errorf("%v startedDateTime %q, received %v", ex.ID, e.StartedDateTime, ex.Received)
		}
		if !pages[e.Pageref] || e.Pageref != ex.Session().String() {
			t.Errorf("%v pageref %q", ex.ID, e.Pageref)
		}
		u, err := url.Parse(e.Request.URL)
		if err != nil || !u.IsAbs() || u.Host != ex.Request.Host || u.EscapedPath() != ex.Request.Path || u.RawQuery != ex.Request.RawQuery {
			t.Errorf("%v url %q for host %q path %q", ex.ID, e.Request.URL, ex.Request.Host, ex.Request.Path)
		}
		if sum := e.Timings.Send + e.Timings.Wait + e.Timings.Receive; math.Abs(sum-e.Time) > 1e-6 || e.Time <= 0 {
			t.Errorf("%v time %v, timings sum %v", ex.ID, e.Time, sum)
		}

		// Every body comes back byte for byte.
		var reqBody []byte
		if pd := e.Request.PostData; pd != nil {
			reqBody = decodeText(t, pd.Text, pd.Encoding)
			seen["request "+pd.Encoding]++
		}
		if !bytes.Equal(reqBody, ex.Request.Body) {
			t.Errorf("%v request body %q, recorded %q", ex.ID, reqBody, ex.Request.Body)
		}
		respBody := decodeText(t, e.Response.Content.Text, e.Response.Content.Encoding)
		if !bytes.Equal(respBody, ex.Response.Body) || e.Response.Content.Size != len(ex.Response.Body) {
			t.Errorf("%v response body %q, recorded %q", ex.ID, respBody, ex.Response.Body)
		}
		seen["response "+e.Response.Content.Encoding]++
		if e.Response.Status != ex.Response.Status || e.Response.Source != string(ex.Response.Source) {
			t.Errorf("%v response %d %s, recorded %d %s", ex.ID, e.Response.Status, e.Response.Source, ex.Response.Status, ex.Response.Source)
		}
		seen["platform "+e.Platform]++

		switch ex.Request.Path {
		case "/form":
			q := e.Request.QueryString
			if len(q) != 3 || q[0].Name != "x" || q[0].Value != "été" || q[2].Name != "flag" {
				t.Errorf("form query string %+v", q)
			}
			if c := e.Request.Cookies; len(c) != 2 || c[1].Name != "theme" || c[1].Value != "dark" {
				t.Errorf("form cookies %+v", c)
			}
			if p := e.Request.PostData.Params; len(p) != 2 || p[0].Value != "Zoë" || p[1].Value != "a b&c" {
				t.Errorf("form params %+v", p)
			}
		case "/upload":
			if c := e.Response.Cookies; len(c) != 1 || c[0].Name != "sid" || !c[0].HTTPOnly {
				t.Errorf("response cookies %+v", c)
			}
		case "/bot/dialog":
			if !strings.HasPrefix(e.Request.URL, "https://") {
				t.Errorf("X-Forwarded-Proto https gave %q", e.Request.URL)
			}
			if e.Response.Source != "edited" {
				t.Errorf("edited exchange has source %q", e.Response.Source)
			}
		}
	}
	for _, want := range []string{"request base64", "response base64", "request ", "response ", "platform navtalk", "platform chatbot", "platform moveo", "platform generic"} {
		if seen[want] == 0 {
			t.Errorf("no entry with %s: %v", want, seen)
		}
	}

	// The journal replays against the same handler with the same answers:
	// record, export, check, replay, compare in one run.
	srv := httptest.NewServer(receiver.New(receiver.Config{Store: model.NewStore(model.StoreOptions{}), Secrets: testSecrets, Responder: editing{}}))
	defer srv.Close()
	rep, err := replay.Run(context.Background(), replay.Options{Exchanges: loaded.Exchanges, To: srv.URL})
	if err != nil || !rep.OK() || rep.Same != len(loaded.Exchanges)-1 || rep.Skipped != 1 { // the rejected DELETE is skipped
		t.Errorf("replay of the recorded journal: %v, %s", err, rep.Summary())
	}

	// The same exchanges give the same bytes.
	var again bytes.Buffer
	if err := WriteHAR(&again, loaded.Exchanges, HAROptions{Version: "1.2.3", Sessions: sessions, Raw: true}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("two exports of the same exchanges differ")
	}
}

// sessionsFor lists the sessions of exchanges, as `hark export` does.
func sessionsFor(exs []*model.Exchange) []model.Session {
	var out []model.Session
	seen := map[model.SessionKey]bool{}
	for _, ex := range exs {
		if k := ex.Session(); !seen[k] {
			seen[k] = true
			out = append(out, model.Session{Key: k, FirstSeen: ex.Received})
		}
	}
	return out
}

// TestHARSchemaCatchesMistakes shows that the schema check can fail: a HAR
// missing a required field, or with a field the specification does not
// define and that is not marked custom, is rejected.
func TestHARSchemaCatchesMistakes(t *testing.T) {
	s := harSchema(t)
	ex := &model.Exchange{ID: 1, Received: time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC),
		Request:  model.Request{Method: "POST", Path: "/x", Host: "h.example", Body: []byte("{}"), Size: 2},
		Response: &model.Response{Status: 200, Body: []byte("{}")}, State: model.StateResponded}
	var buf bytes.Buffer
	if err := WriteHAR(&buf, []*model.Exchange{ex}, HAROptions{}); err != nil {
		t.Fatal(err)
	}
	if err := validateHAR(t, s, buf.Bytes()); err != nil {
		t.Fatalf("valid HAR rejected: %v", err)
	}
	mutations := map[string]string{
		"no url":          `"url":"http://h.example/x",`,
		"unknown field":   `"httpVersion":"HTTP/1.1",`,
		"negative wait":   `"wait":0,`,
		"bad date":        `"startedDateTime":"2025-03-14T09:00:00.000Z"`,
		"status not a no": `"status":200,`,
	}
	replacements := map[string]string{
		"no url":          ``,
		"unknown field":   `"httpVersion":"HTTP/1.1","bogus":1,`,
		"negative wait":   `"wait":-5,`,
		"bad date":        `"startedDateTime":"yesterday"`,
		"status not a no": `"status":"200",`,
	}
	for name, old := range mutations {
		if !bytes.Contains(buf.Bytes(), []byte(old)) {
			t.Fatalf("%s: %q not in the HAR:\n%s", name, old, buf.String())
		}
		bad := bytes.Replace(buf.Bytes(), []byte(old), []byte(replacements[name]), 1)
		if err := validateHAR(t, s, bad); err == nil {
			t.Errorf("%s: accepted by the schema", name)
		}
	}
}

// TestHARUnansweredExchange: an exchange without a response (hark stopped
// before answering) still makes a valid entry, marked with an error.
func TestHARUnansweredExchange(t *testing.T) {
	ex := &model.Exchange{ID: 7, Received: time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC), State: model.StateReceived,
		Request: model.Request{Method: "POST", Path: "hook", Body: []byte("not json \x00"), Size: 10},
		Notes:   []string{"no response record (hark stopped before answering?)"}}
	var buf bytes.Buffer
	if err := WriteHAR(&buf, []*model.Exchange{ex}, HAROptions{BaseURL: "https://example.test/"}); err != nil {
		t.Fatal(err)
	}
	if err := validateHAR(t, harSchema(t), buf.Bytes()); err != nil {
		t.Fatalf("schema: %v", err)
	}
	for _, want := range []string{`"url":"https://example.test/hook"`, `"status":0,`, `"_error":"no response recorded (state received)"`, `"mimeType":"x-unknown"`, `"_notes":[`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("HAR lacks %s:\n%s", want, buf.String())
		}
	}
}

func TestWriteHAREmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHAR(&buf, nil, HAROptions{}); err != nil {
		t.Fatal(err)
	}
	if err := validateHAR(t, harSchema(t), buf.Bytes()); err != nil {
		t.Fatalf("schema: %v\n%s", err, buf.String())
	}
	var har testHAR
	if err := json.Unmarshal(buf.Bytes(), &har); err != nil || har.Log.Entries == nil {
		t.Fatalf("entries must be an empty array: %v\n%s", err, buf.String())
	}
}
