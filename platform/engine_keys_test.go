package platform

import (
	"errors"
	"strings"
	"testing"

	"github.com/harkhq/hark/model"
)

// The format keys this fixes added: batch at a body path
// (Sunshine Conversations' events), handshake.reject (ChatBot.com's 401),
// credentials.json (Moveo's verify_token).

// TestEngineKeysCompileErrors: each key says what is wrong, at its line.
func TestEngineKeysCompileErrors(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		line      int
		want      string
	}{
		{"batch through an array", minimal + "batch: \"events.#\"\n", 5, "plain path of the array"},
		{"batch of a modifier", minimal + "batch: \"@reverse\"\n", 5, "plain path of the array"},
		{"empty batch", minimal + "batch: \"\"\n", 5, "write true"},
		{"reject not a number", minimal + "handshake:\n  match: {method: GET}\n  echo: query:c\n  token: query:t\n  reject: nope\n", 9, "400 to 499"},
		{"reject a success", minimal + "handshake:\n  match: {method: GET}\n  echo: query:c\n  token: query:t\n  reject: 200\n", 9, "400 to 499"},
		{"credentials json through a query", minimal + "credentials:\n  json: [\"a.#(b==1).c\"]\n", 6, "plain path of a body field"},
		{"credentials json empty", minimal + "credentials:\n  json: [\"\"]\n", 6, "plain path of a body field"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile("acme.yaml", []byte(tt.src))
			var fe FormatErrors
			if !errors.As(err, &fe) || len(fe) == 0 {
				t.Fatalf("no error: %v", err)
			}
			if fe[0].Line != tt.line || !strings.Contains(fe[0].Msg, tt.want) {
				t.Errorf("got %s:%d: %s; want line %d with %q", fe[0].File, fe[0].Line, fe[0].Msg, tt.line, tt.want)
			}
		})
	}
	for _, ok := range []string{"batch: true\n", "batch: false\n", "batch: events\n", "batch: data.items\n", "handshake:\n  match: {method: GET}\n  echo: query:c\n  token: query:t\n  reject: 401\n", "credentials:\n  json: [verify_token, auth.key, items.#.secret]\n"} {
		if _, err := Compile("acme.yaml", []byte(minimal+ok)); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

// TestRedactBody: the body fields a profile names as credentials are
// redacted in that platform's requests only, every other byte kept.
func TestRedactBody(t *testing.T) {
	dialog := vendorFixture(t, "moveo", "dialog-verify-token.json").Body
	got := string(RedactBody("moveo", dialog))
	if strings.Contains(got, "hark-moveo-dialog-token") || got != strings.Replace(string(dialog), `"hark-moveo-dialog-token"`, `"REDACTED"`, 1) {
		t.Errorf("moveo dialog body redacted as:\n%s", got)
	}
	ex := &model.Exchange{Platform: "moveo", Request: model.Request{Body: dialog}}
	if r := Redact(ex); strings.Contains(string(r.Request.Body), "hark-moveo-dialog-token") || !strings.Contains(string(ex.Request.Body), "hark-moveo-dialog-token") {
		t.Error("Redact left the token, or changed its argument")
	}
	// Another platform's field of that name is its own business; a body
	// that does not parse, or has no such field, is returned as is.
	for _, tt := range []struct{ platform, body string }{
		{"generic", `{"verify_token":"keep"}`},
		{"sunshine", `{"verify_token":"keep"}`},
		{"moveo", `{"verify_token":"keep"`},
		{"moveo", `{"session_id":"s"}`},
		{"moveo", `{"verify_token":null}`},
		{"nope", `{"verify_token":"keep"}`},
	} {
		if got := RedactBody(tt.platform, []byte(tt.body)); string(got) != tt.body {
			t.Errorf("%s %s: %s", tt.platform, tt.body, got)
		}
	}
	// Paths through arrays redact each value; an outer value covers the
	// ones inside it.
	r := withProfile(t, "keys.yaml", []byte(minimal+"credentials:\n  json: [auth, auth.key, items.#.secret]\n"))
	useRegistry(t, r)
	body := `{"auth":{"key":"k1"},"items":[{"secret":"s1"},{"x":1},{"secret":{"deep":"s2"}}],"n":1}`
	if got, want := string(RedactBody("acme", []byte(body))), `{"auth":"REDACTED","items":[{"secret":"REDACTED"},{"x":1},{"secret":"REDACTED"}],"n":1}`; got != want {
		t.Errorf("nested:\n got %s\nwant %s", got, want)
	}
}
