package export

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/harkhq/hark/model"
)

var mdT0 = time.Date(2025, 3, 14, 9, 27, 1, 250_000_000, time.UTC)

func at(sec float64) time.Time { return mdT0.Add(time.Duration(sec * float64(time.Second))) }

// hostile is text a platform might relay from an end user: markup,
// terminal escapes, a bidi override, invalid UTF-8.
const hostile = "<script>alert(1)</script> | `rm -rf` *bold* [link](http://x) &amp; $x$ ~~s~~ \x1b[31mred\x1b[0m \u202eevil\xff\nsecond line"

func jsonHeaders() map[string][]string {
	return map[string][]string{"Content-Type": {"application/json"}}
}

// sessionOf rebuilds exchanges' session the way the monitor does live:
// each exchange is added when it arrives, then answered.
func sessionOf(t *testing.T, exs []*model.Exchange) (model.Session, []*model.Exchange) {
	t.Helper()
	store := model.NewStore(model.StoreOptions{})
	for _, ex := range exs {
		live := *ex
		live.State, live.Response = model.StateReceived, nil
		store.Add(&live)
		store.Update(ex.ID, func(x *model.Exchange) { x.State, x.Response = ex.State, ex.Response })
	}
	var out []*model.Exchange
	for _, ex := range exs {
		stored, _ := store.Exchange(ex.ID)
		out = append(out, &stored)
	}
	sess, ok := store.Session(exs[0].Session())
	if !ok {
		t.Fatal("no session")
	}
	return sess, out
}

func navtalkExchanges() []*model.Exchange {
	const id = "session_`42`_x"
	msg := func(n model.ExchangeID, sec float64, role model.Role, text, body string) *model.Exchange {
		return &model.Exchange{ID: n, Received: at(sec), Platform: "navtalk", Kind: "conversation.output", SessionID: id, Use: model.UseIgnored,
			Request: model.Request{Method: "POST", Path: "/api/webhook/message", Host: "brave-otter.ngrok-free.app", Headers: jsonHeaders(), Body: []byte(body)},
			Turns:   []model.Turn{{Role: role, Text: text, Time: at(sec)}},
			State:   model.StateResponded, Response: &model.Response{Status: 200, Headers: jsonHeaders(), Body: []byte(`{"received":true}`), Source: model.SourceDefault},
			Timings: model.Timings{Read: 20 * time.Microsecond, Total: 640 * time.Microsecond}}
	}
	created := msg(1, 0, model.RoleSystem, "", `{"event":"session.created","sessionId":"session_`+"`42`"+`_x"}`)
	created.Kind, created.Turns = "session.created", []model.Turn{{Role: model.RoleSystem, Time: at(0), Marker: model.MarkerCreated}}
	greet := msg(2, 1, model.RoleAI, "Hello, welcome to the Grand Meridian.", `{"event":"conversation.output","role":"ai","message":"Hello, welcome to the Grand Meridian."}`)
	user := msg(3, 3.5, model.RoleUser, hostile, "{\"event\":\"conversation.input\",\"role\":\"user\",\"message\":\"<script>alert(1)</script> ``` fence\"}")
	answer := msg(4, 5, model.RoleAI, "Early check-in from 9 am is 25 €.", `{"event":"conversation.output","role":"ai","message":"Early check-in from 9 am is 25 €."}`)
	record := msg(5, 9, model.RoleSystem, "", `{"event":"session","sessionId":"x","messages":[]}`)
	record.Kind, record.Record = "session", true
	record.Turns = []model.Turn{
		{Role: model.RoleAI, Text: "Hello, welcome to the Grand Meridian.", Time: at(1)},
		{Role: model.RoleUser, Text: "I'd like to check in early | at 9", Time: at(3.4)},
		{Role: model.RoleAI, Text: "Early check-in from 9 am is 25 €.", Time: at(5)},
		{Role: model.RoleAI, Text: "Goodbye!", Time: at(8)},
	}
	return []*model.Exchange{created, greet, user, answer, record}
}

func moveoExchanges() []*model.Exchange {
	const id = "4c7c8e6f-6bd6-44fe-bdc2-f96555849d9f"
	sig := model.Signature{Scheme: "X-Moveo-Signature HMAC-SHA256", State: model.SigValid, Detail: "HMAC-SHA256 of the body matches the moveo token"}
	pre := &model.Exchange{ID: 11, Received: at(0), Platform: "moveo", Kind: "pre_message", SessionID: id, Use: model.UseConsumed, Deadline: 10 * time.Second,
		Request:   model.Request{Method: "POST", Path: "/moveo", Headers: jsonHeaders(), Body: []byte(`{"session_id":"` + id + `","input":{"text":"Where is my order?"}}`)},
		Turns:     []model.Turn{{Role: model.RoleUser, Text: "Where is my order?", Time: at(0)}},
		Signature: sig, State: model.StateResponded,
		Response: &model.Response{Status: 200, Headers: jsonHeaders(), Source: model.SourceEdited,
			Body: []byte(`{"context":{"order_status":"shipped <b>today</b>"},"output":{"text":"` + "```" + `"}}`)},
		Timings: model.Timings{Read: 30 * time.Microsecond, Hold: 4200 * time.Millisecond, Total: 4201 * time.Millisecond},
		Notes:   []string{"held 4.2s; edited by the user"}}
	post := &model.Exchange{ID: 12, Received: at(4.5), Platform: "moveo", Kind: "post_message", SessionID: id, Use: model.UseConsumed, Deadline: 10 * time.Second,
		Request:   model.Request{Method: "POST", Path: "/moveo", Headers: jsonHeaders(), Body: []byte(`{"session_id":"` + id + `","responses":[{"type":"text","texts":["Your order shipped today."]}]}`)},
		Turns:     []model.Turn{{Role: model.RoleAI, Text: "Your order shipped today.", Time: at(4.5)}},
		Signature: sig, State: model.StateResponded,
		Response: &model.Response{Status: 200, Headers: jsonHeaders(), Source: model.SourceRule, Rule: "greet `x`", Body: []byte(`{}`)},
		Timings:  model.Timings{Read: 25 * time.Microsecond, Total: 900 * time.Microsecond}}
	fallback := &model.Exchange{ID: 13, Received: at(7), Platform: "moveo", Kind: "dialog", SessionID: id, Use: model.UseConsumed, Deadline: 10 * time.Second,
		Request:   model.Request{Method: "POST", Path: "/moveo/dialog", Headers: map[string][]string{"Content-Type": {"application/octet-stream"}}, Body: []byte{0xff, 0x00, 0x01}},
		Signature: model.Signature{Scheme: "X-Moveo-Signature HMAC-SHA256", State: model.SigInvalid, Detail: "HMAC-SHA256 of the body does not match"},
		State:     model.StateFallback,
		Response:  &model.Response{Status: 200, Headers: map[string][]string{"Content-Type": {"text/plain"}}, Source: model.SourceFallback, Body: []byte("plain text fallback")},
		Forward:   &model.Forward{URL: "http://localhost:3000/hook", Error: "no answer within 8.5s (the platform's deadline)", Latency: 8500 * time.Millisecond},
		Timings:   model.Timings{Read: 20 * time.Microsecond, Hold: 8500 * time.Millisecond, Total: 8501 * time.Millisecond}}
	closed := &model.Exchange{ID: 14, Received: at(9), Platform: "moveo", Kind: "session_closed", SessionID: id, Use: model.UseIgnored,
		Request: model.Request{Method: "POST", Path: "/moveo", Headers: jsonHeaders(), Body: []byte(`{}`)},
		Turns:   []model.Turn{{Role: model.RoleSystem, Time: at(9), Marker: model.MarkerClosed}},
		State:   model.StateFailed, Response: &model.Response{Status: 500, Headers: jsonHeaders(), Source: model.SourceForward, Body: []byte(`{"error":"boom"}`)},
		Timings: model.Timings{Total: 2 * time.Millisecond}, Notes: []string{"response not delivered: broken pipe"}}
	return []*model.Exchange{pre, post, fallback, closed}
}

func TestMarkdownTranscript(t *testing.T) {
	for name, exs := range map[string][]*model.Exchange{"navtalk": navtalkExchanges(), "moveo": moveoExchanges()} {
		t.Run(name, func(t *testing.T) {
			sess, stored := sessionOf(t, exs)
			var buf bytes.Buffer
			if err := WriteMarkdown(&buf, sess, stored, MarkdownOptions{Version: "1.0.0"}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, raw := range []string{"\x1b", "\u202e", "\xff"} {
				if strings.Contains(out, raw) {
					t.Errorf("transcript holds raw %q", raw)
				}
			}
			if prose := outsideFences(out); unescapedTag.MatchString(prose) {
				t.Errorf("markup from the network outside code blocks:\n%s", prose)
			}
			golden.RequireEqual(t, out)
		})
	}
}

// TestMarkdownShowsEditEffect: the turn that followed an edited response
// says so, the record's differences are listed, and fences hold bodies
// with backticks.
func TestMarkdownShowsEditEffect(t *testing.T) {
	sess, stored := sessionOf(t, moveoExchanges())
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, sess, stored, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"**ai:** Your order shipped today. · #12 · ↳ after the edit of #11",
		"**Edited response** sent by the user",
		"````json\n", // the body holds ``` so the fence is longer
		"**Fallback response**",
		"**Response of rule greet \\`x\\`**",
		"_3 bytes of binary data (application/octet-stream), shown as base64:_",
		"- **Signature:** invalid",
		"- **Held:** 4.20s",
		"- **Forward:** http://localhost:3000/hook → no answer within 8.5s",
		"- **Exchanges:** 4, 1 error, 1 edited response",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q:\n%s", want, out)
		}
	}

	sess, stored = sessionOf(t, navtalkExchanges())
	buf.Reset()
	if err := WriteMarkdown(&buf, sess, stored, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	out = buf.String()
	for _, want := range []string{
		"## Session record",
		"- Missing from the live events: `09:27:09` **ai:** Goodbye!",
		"- Different text: `09:27:04` **user:** live “\\<script\\>",
		"record “I'd like to check in early \\| at 9”",
		"\\\\x1b\\[31mred",     // the escape shows as text
		"\\\\u202eevil\\\\xff", // so do the bidi override and the bad byte
		"<br>second line",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q:\n%s", want, out)
		}
	}
}

// unescapedTag is an HTML tag from the network left as markup.
var unescapedTag = regexp.MustCompile(`(^|[^\\])<(script|/script|b>|/b>)`)

// outsideFences drops the fenced code blocks of a Markdown text, where
// anything is shown literally.
func outsideFences(md string) string {
	var b strings.Builder
	open := ""
	for line := range strings.SplitSeq(md, "\n") {
		trimmed := strings.TrimRight(line, "abcdefghijklmnopqrstuvwxyz")
		switch {
		case open == "" && strings.HasPrefix(trimmed, "```") && strings.Trim(trimmed, "`") == "":
			open = trimmed
		case open != "" && line == open:
			open = ""
		case open == "":
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func TestMarkdownCutsLongBodies(t *testing.T) {
	exs := moveoExchanges()[:1]
	exs[0].Response = &model.Response{Status: 200, Source: model.SourceEdited, Body: []byte(strings.Repeat("é", 100))}
	sess, stored := sessionOf(t, exs)
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, sess, stored, MarkdownOptions{MaxBody: 51}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "```text\n"+strings.Repeat("é", 25)+"\n```\n\n_(cut: 50 bytes shown of 200)_") {
		t.Errorf("long body not cut on a rune boundary:\n%s", buf.String())
	}
}

func TestMdText(t *testing.T) {
	cases := map[string]string{
		"plain words":        "plain words",
		"a*b_c`d":            "a\\*b\\_c\\`d",
		"<img src=x>":        "\\<img src=x\\>",
		"a|b":                "a\\|b",
		"two\nlines":         "two<br>lines",
		"bell\a":             "bell\\\\x07",
		"tab\there":          "tab    here",
		"emoji 😀 and ünï":    "emoji 😀 and ünï",
		"\\already escaped*": "\\\\already escaped\\*",
	}
	for in, want := range cases {
		if got := mdText(in); got != want {
			t.Errorf("mdText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mdLine("a\nb"); got != "a\\\\nb" {
		t.Errorf("mdLine kept a newline: %q", got)
	}
	if f := fence("x ```` y"); f != "`````" {
		t.Errorf("fence = %q", f)
	}
}
