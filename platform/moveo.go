package platform

import (
	"fmt"
	"time"

	"github.com/tidwall/gjson"
)

// Moveo.ai's profile is profiles/moveo.yaml; this is what its file cannot
// say: a support chat's calls for the simulator, and the comparison of the
// session id in the header with the body's.
var moveoCode = code{
	simulate: simulateMoveo,
	check:    moveoCheck,
	about: []string{
		"simulate: a support chat's first, pre and post message calls, a dialog webhook, and custom-integration deliveries",
		"check: a note when X-Moveo-Session-Id differs from the body's session_id",
	},
}

const (
	moveoFirst    = "first_message"
	moveoPre      = "pre_message"
	moveoPost     = "post_message"
	moveoDialog   = "dialog"
	moveoDelivery = "delivery"
)

func moveoCheck(in *input, c *Classification) {
	if in.shape != shapeJSON {
		return
	}
	h, _ := in.header("X-Moveo-Session-Id")
	body := in.get("session_id").Str
	if in.isArray && in.array > 0 {
		body = gjson.Get(in.json, "0.session_id").Str
	}
	if h != "" && body != "" && body != h {
		in.note(fmt.Sprintf("X-Moveo-Session-Id %s differs from the body's session_id", quoteShort(h)))
	}
}

// simulateMoveo plays a support chat: the first message, then for each
// later user message a pre message call, for one of them a dialog webhook,
// and after each reply a post message call. Conversation signs every call
// with --secret moveo, or with the demo token when none is set.
func simulateMoveo(g *gen) []SimRequest {
	sid := g.sessionID(g.uuid)
	brainID, deskID, integrationID, accountID := g.uuid(), g.uuid(), g.uuid(), g.uuid()
	chat := moveoChats[g.rng.IntN(len(moveoChats))]
	userID := "web-" + g.hex(20)
	visitor := fmt.Sprintf("Visitor %d", 1000+g.rng.IntN(9000))

	type user struct {
		UserID      string `json:"user_id"`
		DisplayName string `json:"display_name"`
		Verified    bool   `json:"verified"`
	}
	type eventContext struct {
		User               *user  `json:"user,omitempty"`
		UnknownCounter     int    `json:"sys-unknown_counter"`
		Session            string `json:"sys-session,omitempty"`
		BrainID            string `json:"sys-brain_id,omitempty"`
		Channel            string `json:"sys-channel"`
		Business           string `json:"sys-business,omitempty"`
		UserMessageCounter int    `json:"sys-user_message_counter"`
		CurrentIntent      string `json:"current_intent,omitempty"`
	}
	type userInput struct {
		Text        string `json:"text"`
		Attachments []any  `json:"attachments"`
	}
	type intent struct {
		Intent     string  `json:"intent"`
		Confidence float64 `json:"confidence"`
	}
	type entity struct {
		Entity     string  `json:"entity"`
		Value      string  `json:"value"`
		Start      int     `json:"start"`
		End        int     `json:"end"`
		Confidence float64 `json:"confidence"`
	}
	type response struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	type output struct {
		Responses []response `json:"responses"`
		Intents   []intent   `json:"intents"`
		Entities  []entity   `json:"entities"`
	}
	type messageBody struct { // first and pre message
		Channel        string       `json:"channel"`
		SessionID      string       `json:"session_id"`
		DeskID         string       `json:"desk_id"`
		IntegrationID  string       `json:"integration_id"`
		BrainID        string       `json:"brain_id"`
		Lang           string       `json:"lang"`
		Context        eventContext `json:"context"`
		Timestamp      int64        `json:"timestamp"`
		Input          userInput    `json:"input"`
		BusinessClosed bool         `json:"business_closed"`
	}
	type postBody struct {
		EventType string       `json:"event_type"`
		SessionID string       `json:"session_id"`
		BrainID   string       `json:"brain_id"`
		Channel   string       `json:"channel"`
		Timestamp int64        `json:"timestamp"`
		Input     userInput    `json:"input"`
		Output    output       `json:"output"`
		Context   eventContext `json:"context"`
	}
	type dialogBody struct {
		Channel   string       `json:"channel"`
		SessionID string       `json:"session_id"`
		BrainID   string       `json:"brain_id"`
		Lang      string       `json:"lang"`
		Context   eventContext `json:"context"`
		Input     struct {
			Text string `json:"text"`
		} `json:"input"`
		Intents  []intent `json:"intents"`
		Entities []entity `json:"entities"`
	}
	send := func(kind, path string, body any) {
		b := g.json(body)
		g.add(SimRequest{Kind: kind, Method: "POST", Path: path, Body: b, Headers: map[string][]string{
			"Content-Type":         {"application/json"},
			"X-Moveo-Request-Id":   {g.uuid()},
			"X-Moveo-Session-Id":   {sid},
			"X-Moveo-Account-Id":   {accountID},
			"X-Moveo-Account-Slug": {"northwind"},
		}})
	}
	ctx := func(counter int) eventContext {
		return eventContext{
			User:    &user{UserID: userID, DisplayName: visitor},
			Session: sid, BrainID: brainID, Channel: "web", Business: "open",
			UserMessageCounter: counter,
		}
	}
	dialogAt := 1 + g.rng.IntN(len(chat)-1) // the later user message that reaches a dialog node
	for i, ex := range chat {
		counter := i + 1
		userText, reply := g.values.Replace(ex.user), g.values.Replace(ex.reply)
		g.wait(1200*time.Millisecond, 4*time.Second)
		kind, path := moveoPre, "/moveo/pre-message"
		if counter == 1 { // the same body as pre message, at the first message webhook's URL
			kind, path = moveoFirst, "/moveo/first-message"
		}
		send(kind, path, messageBody{
			Channel: "web", SessionID: sid, DeskID: deskID, BrainID: brainID, IntegrationID: integrationID, Lang: "en",
			Context: ctx(counter), Timestamp: g.now().UnixMilli(), Input: userInput{Text: userText, Attachments: []any{}},
		})
		in := intent{Intent: ex.intent, Confidence: float64(80+g.rng.IntN(20)) / 100}
		if i == dialogAt {
			g.wait(150*time.Millisecond, 600*time.Millisecond)
			d := dialogBody{Channel: "web", SessionID: sid, BrainID: brainID, Lang: "en", Context: ctx(counter),
				Intents: []intent{in}, Entities: []entity{}}
			d.Input.Text = userText
			send(moveoDialog, "/moveo/dialog", d)
		}
		g.wait(400*time.Millisecond, 1500*time.Millisecond)
		c := ctx(counter)
		c.User, c.Session, c.BrainID, c.Business, c.CurrentIntent = nil, "", "", "", in.Intent
		send(moveoPost, "/moveo/post-message", postBody{
			EventType: moveoPost, SessionID: sid, BrainID: brainID, Channel: "web", Timestamp: g.now().UnixMilli(),
			Input:   userInput{Text: userText, Attachments: []any{}},
			Output:  output{Responses: []response{{Type: "text", Text: reply}}, Intents: []intent{in}, Entities: []entity{}},
			Context: c,
		})
	}
	// The goodbye goes through a custom integration: the brain's message,
	// then the session's end, deliveries whose response Moveo ignores.
	type delivery struct {
		EventType string  `json:"event_type"`
		RequestID string  `json:"request_id"`
		SessionID string  `json:"session_id"`
		Integr    string  `json:"integration_id"`
		DeskID    string  `json:"desk_id"`
		Timestamp int64   `json:"timestamp"`
		Output    *output `json:"output,omitempty"`
	}
	g.wait(2*time.Second, 5*time.Second)
	bye := g.values.Replace("Goodbye, {name}! Have a nice day.")
	send(moveoDelivery, "/moveo/integration", delivery{EventType: "message:brain_send", RequestID: "req-" + g.uuid(), SessionID: sid,
		Integr: integrationID, DeskID: deskID, Timestamp: g.now().UnixMilli(),
		Output: &output{Responses: []response{{Type: "text", Text: bye}}, Intents: []intent{}, Entities: []entity{}}})
	g.wait(3*time.Second, 8*time.Second)
	send(moveoDelivery, "/moveo/integration", delivery{EventType: "session:closed", RequestID: "req-" + g.uuid(), SessionID: sid,
		Integr: integrationID, DeskID: deskID, Timestamp: g.now().UnixMilli()})
	return g.reqs
}

// moveoExchange is a user message, the intent Moveo recognizes in it, and
// the agent's reply.
type moveoExchange struct{ user, intent, reply string }

// Support chats of a bank and of a telecom operator.
var moveoChats = [][]moveoExchange{
	{
		{"hi", "greeting", "Hello! I'm Ava, Northwind Bank's virtual assistant. How can I help?"},
		{"I lost my card", "card_lost", "I'm sorry to hear that. I've blocked the card ending in {last4}; a new one arrives in 3–5 working days."},
		{"Can I get a virtual card meanwhile?", "virtual_card", "Yes: open the app, go to Cards › Virtual card, and it's ready to use at once."},
		{"thanks!", "thanks", "You're welcome, {name}. Anything else I can do?"},
	},
	{
		{"Hello, my internet is down since this morning", "outage_report", "Sorry about that! Let me check your line. Could you confirm the account holder's name?"},
		{"{name}", "provide_name", "Thanks, {name}. There is an outage in your area; it should be fixed by {hour}."},
		{"Will I get a refund for today?", "refund_request", "Yes, a credit for the day will appear on your next bill automatically."},
	},
}
