package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/harkhq/hark/model"
)

// Fixtures: realistic exchanges of each platform, built from the shapes in
// the platforms' documentation (shared/seeds), at fixed times.

var (
	t0      = time.Date(2025, 6, 2, 10, 30, 0, 0, time.UTC)
	fixedAt = t0.Add(5 * time.Minute) // the tests' clock
	testURL = "https://c0ffee-203-0-113-7.ngrok-free.app"
)

func fixedNow() time.Time { return fixedAt }

func testEndpoint() Endpoint {
	return Endpoint{State: EndpointOnline, URL: testURL, Paste: []PasteURL{
		{Platform: "navtalk", URL: testURL + "/api/webhook/message", More: 2},
		{Platform: "chatbot", URL: testURL + "/chatbot"},
		{Platform: "moveo", URL: testURL + "/moveo/first-message", More: 3},
		{Platform: "generic", URL: testURL + "/webhook"},
	}}
}

func headers(kv ...string) map[string][]string {
	h := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		h[kv[i]] = append(h[kv[i]], kv[i+1])
	}
	return h
}

// builder adds exchanges to a store with sequential ids.
type builder struct {
	store *model.Store
}

func newBuilder() *builder {
	return &builder{store: model.NewStore(model.StoreOptions{})}
}

type exOpt func(*model.Exchange)

func (b *builder) add(at time.Time, platform, kind, session, method, path, query, body string, turns []model.Turn, opts ...exOpt) *model.Exchange {
	ex := &model.Exchange{
		ID:       b.store.NextID(),
		Received: at,
		Request: model.Request{
			Method: method, Path: path, RawQuery: query, Proto: "HTTP/1.1",
			Host: "c0ffee-203-0-113-7.ngrok-free.app", RemoteAddr: "203.0.113.40:51522",
			Headers: headers("Content-Type", "application/json", "User-Agent", "Go-http-client/2.0",
				"X-Forwarded-For", "203.0.113.40", "X-Forwarded-Proto", "https", "Accept-Encoding", "gzip"),
			Body: []byte(body), Size: int64(len(body)),
		},
		Platform: platform, Kind: kind, SessionID: session, Turns: turns,
		State: model.StateResponded,
		Response: &model.Response{Status: 200, Headers: headers("Content-Type", "application/json"),
			Body: []byte(`{"ok":true}`), Source: model.SourceDefault},
		Timings: model.Timings{Read: 41 * time.Microsecond, Journal: 380 * time.Microsecond, Total: 612 * time.Microsecond},
	}
	for _, o := range opts {
		o(ex)
	}
	b.store.Add(ex)
	return ex
}

func turn(role model.Role, text string, at time.Time) model.Turn {
	return model.Turn{Role: role, Text: text, Time: at}
}

func marker(m string, at time.Time) model.Turn {
	return model.Turn{Role: model.RoleSystem, Marker: m, Time: at}
}

const navtalkSID = "c7f3a1e2-5b8d-4e0a-9f61-2d4b8c9e0a17"

var navtalkLines = []struct {
	role model.Role
	text string
	at   time.Duration
}{
	{model.RoleAI, "Hello! This is Ava from Bistro Verde. How can I help you today?", 2 * time.Second},
	{model.RoleUser, "Hi, I'd like to book a table for two tonight.", 6 * time.Second},
	{model.RoleAI, "Of course. What time would suit you?", 8 * time.Second},
	{model.RoleUser, "Around eight, by the window if you have one.", 13 * time.Second},
	{model.RoleAI, "I have a window table at 8:15pm. Shall I book it under your name?", 15 * time.Second},
	{model.RoleUser, "Yes please, it's Rivera.", 19 * time.Second},
	// Only in the record: the live event for this turn never arrived.
	{model.RoleAI, "Done: a table for two at 8:15pm under Rivera. See you tonight!", 21 * time.Second},
}

func navtalkMessage(event, role, message string, at time.Time) string {
	msg := ""
	if message != "" {
		msg = fmt.Sprintf(`,"message":%q`, message)
	}
	return fmt.Sprintf(`{"event":%q,"sessionId":%q,"role":%q,"timestamp":%q%s}`,
		event, navtalkSID, role, at.Format("2006-01-02T15:04:05.000Z"), msg)
}

// navtalk adds a NavTalk session: created, the conversation (one turn
// missing live), closed, then the session record with every turn.
func (b *builder) navtalk(start time.Time) {
	ok := func(ex *model.Exchange) {
		ex.Response.Body = []byte("Webhook received successfully")
		ex.Response.Headers = headers("Content-Type", "text/plain; charset=utf-8")
	}
	b.add(start, "navtalk", "message", navtalkSID, "POST", "/api/webhook/message", "",
		navtalkMessage("session.created", "system", "", start),
		[]model.Turn{marker(model.MarkerCreated, start)}, ok)
	for _, l := range navtalkLines[:len(navtalkLines)-1] {
		at := start.Add(l.at)
		b.add(at, "navtalk", "message", navtalkSID, "POST", "/api/webhook/message", "",
			navtalkMessage("conversation.output", string(l.role), l.text, at),
			[]model.Turn{turn(l.role, l.text, at)}, ok)
	}
	end := start.Add(25 * time.Second)
	b.add(end, "navtalk", "message", navtalkSID, "POST", "/api/webhook/message", "",
		navtalkMessage("session.closed", "system", "", end),
		[]model.Turn{marker(model.MarkerClosed, end)}, ok)
	var msgs []string
	var record []model.Turn
	for _, l := range navtalkLines {
		at := start.Add(l.at)
		msgs = append(msgs, navtalkMessage("conversation.output", string(l.role), l.text, at))
		record = append(record, turn(l.role, l.text, at))
	}
	body := fmt.Sprintf(`{"sessionId":%q,"startTime":%q,"endTime":%q,"messages":[%s]}`,
		navtalkSID, start.Format(time.RFC3339), end.Format(time.RFC3339), strings.Join(msgs, ","))
	b.add(end.Add(2*time.Second), "navtalk", "session", navtalkSID, "POST", "/api/webhook/session", "", body,
		record, ok, func(ex *model.Exchange) { ex.Record = true })
}

const chatbotSID = "125338496333449767"

// chatbot adds a ChatBot.com session: the verification GET, then an
// old-builder webhook whose response came from the --forward target.
func (b *builder) chatbot(start time.Time) *model.Exchange {
	b.add(start, "chatbot", "challenge", chatbotSID, "GET", "/chatbot", "challenge=8d1f0c2a9b&token=verify-me", "", nil,
		func(ex *model.Exchange) {
			ex.Request.Headers = headers("User-Agent", "ChatBot.com Webhooks", "X-Forwarded-For", "52.29.33.101")
			ex.Response = &model.Response{Status: 200, Headers: headers("Content-Type", "text/plain"), Body: []byte("8d1f0c2a9b"), Source: model.SourceDefault}
			ex.Signature = model.Signature{Scheme: "verification token", State: model.SigValid}
		})
	at := start.Add(40 * time.Second)
	body := `{"conversationId":"5cc6d3c0b4001336f89de71a","result":{"source":"app","resolvedQuery":"What are your opening hours?","confidence":0.5,"score":1,"lifespan":2,"incomplete":false,"storyId":"5cbf273ef96720b7e391b418","interaction":{"id":"5cc6d3b845988e755a9f5e88","name":"Opening hours","action":""},"parameters":{},"sessionParameters":{},"contexts":[{"id":"5cc6d3b845988e755a9f5e88","name":"Opening hours","action":"","parameters":{}},{"type":"welcome","name":"Welcome Interaction","action":"default.welcome","parameters":{}}],"fulfillment":[{"type":"webhook","debug":true,"webhookId":"5cc6d3b245988e65419f5e86","used":true},{"type":"text","delay":2000,"message":"Let me check that for you."}]},"sessionId":"125338496333449767","timestamp":"2025-06-02T10:31:40.656Z","status":{"code":200,"type":"success"}}`
	return b.add(at, "chatbot", "webhook", chatbotSID, "POST", "/chatbot", "token=verify-me", body,
		[]model.Turn{turn(model.RoleUser, "What are your opening hours?", at), turn(model.RoleAI, "Let me check that for you.", at)},
		func(ex *model.Exchange) {
			ex.Request.Headers = headers("Content-Type", "application/json", "User-Agent", "ChatBot.com Webhooks",
				"X-Forwarded-For", "52.29.33.101", "Content-Length", fmt.Sprint(len(body)))
			ex.Use, ex.Deadline = model.UseConsumed, 10*time.Second
			ex.Signature = model.Signature{Scheme: "verification token", State: model.SigValid}
			resp := `{"responses":[{"type":"text","elements":["We're open every day from 9am to 10pm.","Kitchen closes at 9:30pm."]}]}`
			ex.Response = &model.Response{Status: 200, Headers: headers("Content-Type", "application/json"), Body: []byte(resp), Source: model.SourceForward}
			ex.Forward = &model.Forward{URL: "http://localhost:3000/webhooks/chatbot", Status: 200,
				Headers: headers("Content-Type", "application/json"), Body: []byte(resp), Latency: 14 * time.Millisecond}
			ex.Timings = model.Timings{Read: 52 * time.Microsecond, Journal: 410 * time.Microsecond, Forward: 14 * time.Millisecond, Total: 15200 * time.Microsecond}
		})
}

const moveoSID = "8563dcdf-64ef-4de2-a5ca-b96e0557e4e8"

func moveoHeaders(sig string) exOpt {
	return func(ex *model.Exchange) {
		ex.Request.Headers = headers("Content-Type", "application/json", "User-Agent", "Moveo-Webhooks/1.0",
			"X-Moveo-Signature", sig, "X-Moveo-Request-Id", "req_7Hk2Qp", "X-Moveo-Session-Id", moveoSID,
			"X-Moveo-Account-Id", "acc_51f2", "X-Moveo-Account-Slug", "bistro-verde", "X-Forwarded-For", "18.192.167.150")
		ex.Use, ex.Deadline = model.UseConsumed, 10*time.Second
		ex.Signature = model.Signature{Scheme: "X-Moveo-Signature HMAC-SHA256", State: model.SigValid}
	}
}

// moveo adds a Moveo.ai session: first message, pre message, post message,
// a dialog webhook, then a pre message that is held (intercept on) and one
// whose signature did not match.
func (b *builder) moveo(start time.Time) {
	ctx := `"context":{"user":{"user_id":"web-O44vJC","display_name":"Visitor 2020","verified":false},"sys-session":"` + moveoSID + `","sys-channel":"web","sys-business":"open","sys-user_message_counter":1}`
	in := func(text string, at time.Time) string {
		return fmt.Sprintf(`{"channel":"web","session_id":%q,"desk_id":"d3d08940-f0ef-42e0-993c-1bea065dc1a2","integration_id":"","brain_id":"b71c2e4a-0c55-4a8e-9b1e-6f2a1d3c4e5f","lang":"en",%s,"timestamp":%d,"input":{"text":%q,"attachments":[]},"business_closed":false}`,
			moveoSID, ctx, at.UnixMilli(), text)
	}
	ctxResp := func(ex *model.Exchange) {
		ex.Response.Body = []byte(`{"context":{"live_instructions":"The user is a returning guest."}}`)
	}
	at := start
	b.add(at, "moveo", "first_message", moveoSID, "POST", "/moveo", "", in("hi", at),
		[]model.Turn{marker(model.MarkerCreated, at), turn(model.RoleUser, "hi", at)}, moveoHeaders("9f2c41d0e8"), ctxResp)
	at = start.Add(3 * time.Second)
	reply := "Hi! I can help with bookings, opening hours and our menu. What would you like?"
	post := fmt.Sprintf(`{"event_type":"post_message","session_id":%q,"brain_id":"b71c2e4a-0c55-4a8e-9b1e-6f2a1d3c4e5f","channel":"web","timestamp":%d,"input":{"text":"hi","attachments":[]},"output":{"responses":[{"type":"text","text":%q}],"intents":[{"intent":"greeting","confidence":0.97}],"entities":[]},"context":{"sys-channel":"web","sys-user_message_counter":1}}`,
		moveoSID, at.UnixMilli(), reply)
	b.add(at, "moveo", "post_message", moveoSID, "POST", "/moveo", "", post,
		[]model.Turn{turn(model.RoleAI, reply, at)}, moveoHeaders("4b77e0a913"),
		func(ex *model.Exchange) { ex.Response.Body = []byte(`{"context":{"last_intent":"greeting"}}`) })
	at = start.Add(20 * time.Second)
	b.add(at, "moveo", "pre_message", moveoSID, "POST", "/moveo", "", in("Is the terrace open tonight?", at),
		[]model.Turn{turn(model.RoleUser, "Is the terrace open tonight?", at)}, moveoHeaders("0c9d12ee55"), ctxResp)
	at = start.Add(22 * time.Second)
	dialog := fmt.Sprintf(`{"channel":"web","session_id":%q,"brain_id":"b71c2e4a-0c55-4a8e-9b1e-6f2a1d3c4e5f","lang":"en",%s,"input":{"text":"Is the terrace open tonight?"},"intents":[{"intent":"terrace_status","confidence":0.91}],"entities":[]}`, moveoSID, ctx)
	b.add(at, "moveo", "dialog", moveoSID, "POST", "/moveo/dialog", "", dialog,
		[]model.Turn{turn(model.RoleAI, "Yes, the terrace is open until 10pm tonight.", at)}, moveoHeaders("77aa01bc3d"),
		func(ex *model.Exchange) {
			ex.Response.Body = []byte(`{"responses":[{"action_id":"5c1a7e0e-2f4b-4c1d-9e3a-0b8d6f4a2c11","type":"text","texts":["Yes, the terrace is open until 10pm tonight."]}]}`)
			ex.Timings.Total = 2300 * time.Microsecond
		})
	at = start.Add(41 * time.Second)
	b.add(at, "moveo", "pre_message", moveoSID, "POST", "/moveo", "", in("Great, can I bring my dog?", at),
		[]model.Turn{turn(model.RoleUser, "Great, can I bring my dog?", at)}, moveoHeaders("e1f0aa7c42"),
		func(ex *model.Exchange) {
			ex.State, ex.Response = model.StateHeld, nil
			ex.HeldUntil = fixedAt.Add(7 * time.Second)
			ex.Timings = model.Timings{Read: 38 * time.Microsecond, Journal: 350 * time.Microsecond}
		})
	at = start.Add(43 * time.Second)
	b.add(at, "moveo", "post_message", moveoSID, "POST", "/moveo", "", post, nil, moveoHeaders("deadbeef00"),
		func(ex *model.Exchange) {
			ex.Signature = model.Signature{Scheme: "X-Moveo-Signature HMAC-SHA256", State: model.SigInvalid,
				Detail: "expected 5e0b…c19a, got deadbeef00"}
			ex.Response = &model.Response{Status: 401, Headers: headers("Content-Type", "application/json"),
				Body: []byte(`{"error":"signature mismatch"}`), Source: model.SourceDefault}
		})
}

// hostile adds a session whose every field tries to reach the terminal:
// escape sequences (colour, OSC 52 clipboard write, cursor moves), bidi
// overrides, invalid UTF-8 and a very long line.
func (b *builder) hostile(start time.Time) {
	sid := "evil\x1b[2J\x1b]52;c;cm0gLXJmIH4=\x07\u202eredi\xff"
	long := strings.Repeat("A very long line without end ", 200)
	text := "Hello \x1b[31mred\x1b[0m \u202egnp.exe\u202c \xc3\x28 \x9b6n bell\a " + long
	body := "{\"sessionId\":\"evil\\u001b[2J\",\"message\":\"\u202eoops\u202c\",\"raw\":\"\xff\xfe\"}"
	b.add(start, "generic", "message\x1b[1m", sid, "POST", "/hook/\x1b[31mred\u202e", "q=\x1b]0;pwned\x07", body,
		[]model.Turn{turn(model.RoleUser, text, start), turn("bot\x1b[5m", "multi\nline\r\nwith\ttab", start)},
		func(ex *model.Exchange) {
			ex.Request.Headers = headers("Content-Type", "application/json", "X-Evil\x1b[2J", "value\x1b]52;c;ZXZpbA==\x07\u2067end")
			ex.Notes = []string{"not JSON: invalid character '\\xff' \x1b[31m"}
			ex.Response = &model.Response{Status: 502, Body: []byte("upstream \x1b[31mfailed\x1b[0m"), Source: model.SourceForward}
		})
}

// crowd adds n short sessions of each platform for the grid.
func (b *builder) crowd(start time.Time, n int) {
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(i) * 7 * time.Second)
		sid := fmt.Sprintf("%08x-1c2d-4e5f-8a9b-0c1d2e3f4a5b", 0x1a2b3c4d+i*977)
		b.add(at, "navtalk", "message", sid, "POST", "/api/webhook/message", "", navtalkMessage("session.created", "system", "", at),
			[]model.Turn{marker(model.MarkerCreated, at)})
		for j, l := range navtalkLines[:2+i%4] {
			t := at.Add(time.Duration(j+1) * time.Second)
			b.add(t, "navtalk", "message", sid, "POST", "/api/webhook/message", "",
				navtalkMessage("conversation.output", string(l.role), l.text, t), []model.Turn{turn(l.role, l.text, t)})
		}
	}
}
