package export

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/harkhq/hark/model"
)

// FuzzWriteHAR: whatever a request carries, the HAR is JSON and its bodies
// come back byte for byte.
func FuzzWriteHAR(f *testing.F) {
	f.Add("/api/webhook/message", "a=1&b=%zz&&=x", "sid=1; bad cookie", "text/plain", []byte("{\"a\":1}"), []byte{0xff, 0})
	f.Add("", "", "", "", []byte{}, []byte("ok"))
	f.Fuzz(func(t *testing.T, path, query, cookie, ctype string, reqBody, respBody []byte) {
		ex := &model.Exchange{ID: 1, State: model.StateResponded,
			Request: model.Request{Method: "POST", Path: path, RawQuery: query, Body: reqBody, Size: int64(len(reqBody)),
				Headers: map[string][]string{"Cookie": {cookie}, "Content-Type": {ctype}}},
			Response: &model.Response{Status: 200, Body: respBody, Headers: map[string][]string{"Set-Cookie": {cookie}, "Content-Type": {ctype}}}}
		var buf bytes.Buffer
		if err := WriteHAR(&buf, []*model.Exchange{ex}, HAROptions{}); err != nil {
			t.Fatal(err)
		}
		var har testHAR
		if err := json.Unmarshal(buf.Bytes(), &har); err != nil || len(har.Log.Entries) != 1 {
			t.Fatalf("not a HAR: %v\n%s", err, buf.String())
		}
		e := har.Log.Entries[0]
		var got []byte
		if pd := e.Request.PostData; pd != nil {
			got = decodeFuzz(t, pd.Text, pd.Encoding)
		}
		if !bytes.Equal(got, reqBody) {
			t.Errorf("request body %q came back as %q", reqBody, got)
		}
		if got := decodeFuzz(t, e.Response.Content.Text, e.Response.Content.Encoding); !bytes.Equal(got, respBody) {
			t.Errorf("response body %q came back as %q", respBody, got)
		}
	})
}

func decodeFuzz(t *testing.T, text, encoding string) []byte {
	if encoding == "base64" {
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return []byte(text)
}

// ourTags are the only HTML a transcript writes itself.
var ourTags = []string{"<br>", "<details>", "</details>", "<summary>", "</summary>"}

// FuzzWriteMarkdown: whatever the network sent, the transcript is UTF-8,
// holds no control character but newlines, and no markup of the sender's
// outside code blocks.
func FuzzWriteMarkdown(f *testing.F) {
	f.Add("s-1", "hello *there* <b>", "user", "created", []byte(`{"a":"`+"```"+`"}`))
	f.Add("`|`", "\x1b[31m\u202e\xff\r\n# heading", "ai", "", []byte{0xff})
	f.Fuzz(func(t *testing.T, session, text, role, marker string, body []byte) {
		ex := &model.Exchange{ID: 1, Platform: "generic", Kind: text, SessionID: session, State: model.StateResponded,
			Request:  model.Request{Method: text, Path: text, Body: body},
			Turns:    []model.Turn{{Role: model.Role(role), Text: text, Marker: marker}},
			Notes:    []string{text},
			Response: &model.Response{Status: 200, Source: model.SourceEdited, Rule: text, Body: body}}
		store := model.NewStore(model.StoreOptions{})
		store.Add(ex)
		sess, _ := store.Session(ex.Session())
		var buf bytes.Buffer
		if err := WriteMarkdown(&buf, sess, []*model.Exchange{ex}, MarkdownOptions{}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if !utf8.ValidString(out) {
			t.Fatalf("not UTF-8: %q", out)
		}
		for _, r := range out {
			if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x202e {
				t.Fatalf("control character %U in:\n%s", r, out)
			}
		}
		prose := outsideFences(out)
		for i := strings.IndexByte(prose, '<'); i >= 0; i = next(prose, i) {
			if i > 0 && prose[i-1] == '\\' {
				continue
			}
			ok := false
			for _, tag := range ourTags {
				ok = ok || strings.HasPrefix(prose[i:], tag)
			}
			if !ok {
				t.Fatalf("unescaped < at %d in:\n%s", i, prose)
			}
		}
	})
}

func next(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '<')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}
