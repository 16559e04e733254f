package platform

import (
	"fmt"
	"time"

	"github.com/harkhq/hark/model"
)

// Moveo.ai calls dialog webhooks from dialog nodes, and event webhooks on
// a session's first message, before each user message and after each
// reply. Every call is signed (X-Moveo-Signature) and its response is
// acted on.
const (
	moveoFirst  = "first_message"
	moveoPre    = "pre_message"
	moveoPost   = "post_message"
	moveoDialog = "dialog"
	moveoOther  = "other"
)

// What the transcript shows of Moveo's calls, so that each utterance
// appears once:
//   - first_message: a "created" marker, and the user's message;
//   - pre_message: the user's message;
//   - post_message: the agent's replies only (its input repeats the user
//     message the pre or first message call already showed; a user who
//     subscribes to post message alone sees only the agent's side);
//   - dialog: nothing (its input repeats the user message too, and what the
//     agent says next is the webhook's own response, which the exchange
//     shows).
var (
	moveoUserTurn = turnRule{text: []string{"input.text"}, role: model.RoleUser}
	moveoTurns    = map[string][]turnRule{
		moveoFirst: {{marker: model.MarkerCreated}, moveoUserTurn},
		moveoPre:   {moveoUserTurn},
		moveoPost:  {{each: "output.responses", where: "type", is: "text", text: []string{"text"}, role: model.RoleAI}},
	}
)

var (
	moveoPass    = jsonTemplate("pass", "Change nothing", `{}`)
	moveoContext = jsonTemplate("context", "Set context variables (live instructions)", `{
  "context": {
    "user_crm_level": "platinum",
    "live_instructions": "The user's name is George. He is a VIP customer."
  }
}`)
	moveoInput = unverified(jsonTemplate("input", "Change the user's input", `{
  "input": {
    "text": "I lost my card"
  }
}`))
	moveoOutput = unverified(jsonTemplate("output", "Change the agent's reply", `{
  "output": {
    "responses": [
      {"type": "text", "text": "Sorry for the wait. Here is what I found."}
    ]
  }
}`))
	moveoDialogPass  = unverified(jsonTemplate("pass", "Say nothing", `{"responses":[]}`))
	moveoDialogReply = jsonTemplate("responses", "Reply with options, and set context variables", `{
  "responses": [
    {
      "action_id": "3f1c2a0e-5b7d-4c8e-9a6f-2d4b8e1c7a90",
      "type": "text",
      "texts": ["Your card is blocked. Do you want a replacement?"],
      "options": [
        {"label": "Yes", "text": "Yes, send a new card"},
        {"label": "No", "text": "No, thanks"}
      ]
    }
  ],
  "output": {
    "card_blocked": true
  }
}`)
)

func moveoKind(name, title string, deflt Template, templates ...Template) Kind {
	return Kind{
		Name: name, Title: title, Consumed: true, Deadline: 10 * time.Second,
		Default: deflt, Templates: append([]Template{deflt}, templates...),
		kindRules: kindRules{turns: moveoTurns[name]},
	}
}

var moveo = &Profile{
	Name:  "moveo",
	Title: "Moveo.ai",
	Badge: "MOV",
	Secret: &Secret{
		Value: "TOKEN", Checks: "Moveo's X-Moveo-Signature", Signs: true,
		Demo: demoToken,
	},
	Docs: "https://docs.moveo.ai/docs/ai-agents/ai-agents-webhooks",
	Paths: []PathHint{
		{Path: "/moveo/first-message", What: "first message webhook (same body as pre message: hark tells them apart by this path's word)"},
		{Path: "/moveo/pre-message", What: "pre message webhook"},
		{Path: "/moveo/post-message", What: "post message webhook"},
		{Path: "/moveo/dialog", What: "dialog webhook, called from a dialog node"},
	},
	Kinds: []Kind{
		moveoKind(moveoFirst, "first message of a session (event webhook)", moveoPass, moveoContext, moveoInput),
		moveoKind(moveoPre, "before each user message (event webhook)", moveoPass, moveoContext, moveoInput),
		moveoKind(moveoPost, "after the agent's reply (event webhook)", moveoPass, moveoContext, moveoOutput),
		moveoKind(moveoDialog, "dialog webhook, from a dialog node", moveoDialogPass, moveoDialogReply),
		moveoKind(moveoOther, "Moveo call hark cannot place", moveoPass, moveoContext),
	},
	Verification: "X-Moveo-Signature: hex HMAC-SHA256 of the body keyed with the webhook's verification token (--secret moveo=TOKEN)",
	Credentials:  Credentials{Headers: []string{moveoSignatureHeader}},
	Unverified: []string{
		"the deadline: the documentation says respond quickly; hark assumes 10 s (--deadline moveo=DURATION changes it)",
		`how a pre or first message response changes the user's input (hark offers {"input":{"text":...}})`,
		`how a post message response changes the agent's reply (hark offers {"output":{"responses":[...]}})`,
		`whether an empty {"responses":[]} is a valid dialog webhook answer (hark's pass-through default)`,
		"the response size limit (none documented)",
	},
	profileRules: profileRules{
		detect: []detector{
			{byHeader, cond{header: "X-Moveo-"}},
			{byShape, cond{has: []string{"session_id", "brain_id"}, any: []string{"input", "event_type"}}},
		},
		kinds: []kindRule{
			{cond{field: "event_type", values: []string{moveoFirst}}, moveoFirst},
			{cond{field: "event_type", values: []string{moveoPre}}, moveoPre},
			{cond{field: "event_type", values: []string{moveoPost}}, moveoPost},
			{cond{word: "first"}, moveoFirst},
			{cond{word: "pre"}, moveoPre},
			{cond{word: "post"}, moveoPost},
			{cond{word: "dialog"}, moveoDialog},
			{cond{has: []string{"output"}}, moveoPost},
			{cond{any: []string{"intents", "entities"}}, moveoDialog},
			{cond{has: []string{"input"}}, moveoPre},
		},
		fallback: moveoOther,
		session:  []field{atBody("session_id"), atHeader("X-Moveo-Session-Id"), atBody("context.sys-session")},
		time:     []string{"timestamp"},
		sign:     signMoveo,
		resign:   resignMoveo,
		check:    moveoCheck,
		simulate: simulateMoveo,
	},
}

func moveoCheck(in *input, c *Classification) {
	if c.Kind == moveoOther && in.shape == shapeJSON {
		in.note("hark cannot tell which Moveo webhook this is: no event_type, no first/pre/post/dialog word in the path, no input")
	}
	if h := in.req.Header("X-Moveo-Session-Id"); h != "" && in.shape == shapeJSON {
		if body := in.get("session_id").Str; body != "" && body != h {
			in.note(fmt.Sprintf("X-Moveo-Session-Id %s differs from the body's session_id", quoteShort(h)))
		}
	}
}

// simulateMoveo plays a support chat: the first message, then for each
// later user message a pre message call, for one of them a dialog webhook,
// and after each reply a post message call. Every call is signed with
// --secret moveo, or with a demo token when none is set.
func simulateMoveo(g *gen) []SimRequest {
	sid := g.sessionID(g.uuid)
	brainID, deskID, integrationID, accountID := g.uuid(), g.uuid(), g.uuid(), g.uuid()
	token := g.secret
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
			"X-Moveo-Signature":    {MoveoSignature(b, token)},
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
		if counter == 1 {
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
