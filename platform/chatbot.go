package platform

import (
	"net/http"
	"time"

	"github.com/harkhq/hark/model"
)

// ChatBot.com sends a verification GET when a webhook is saved, then POSTs
// to the webhook whenever the bot reaches it: the old builder sends the
// matched interaction, the current builder the webhook block's chat state.
// The response's bot messages are added to the bot's own, within 10 s.
const (
	kindVerify = "verify"
	chatbotOld = "webhook"
	chatbotNew = "webhook.v2"

	chatbotPath = "/chatbot"
)

var chatbotVerify = cond{method: http.MethodGet, query: []string{"challenge", "token"}}

var (
	chatbotPass = unverified(jsonTemplate("pass", "Add nothing to the bot's answer", `{"responses":[]}`))

	chatbotText = jsonTemplate("text", "Text (one of the elements, at random)", `{
  "responses": [
    {
      "type": "text",
      "elements": ["Hi", "Hello!"]
    }
  ]
}`)
	chatbotImage = jsonTemplate("image", "Image", `{
  "responses": [
    {
      "type": "image",
      "imageUrl": "https://example.com/picture.png"
    }
  ]
}`)
	chatbotQuickReplies = jsonTemplate("quickReplies", "Quick replies", `{
  "responses": [
    {
      "type": "quickReplies",
      "title": "What would you like to do?",
      "buttons": [
        {"type": "postback", "title": "Track my order", "value": "track my order"},
        {"type": "goto", "title": "Talk to a human", "value": "INTERACTION_ID"}
      ]
    }
  ]
}`)
	chatbotCard = jsonTemplate("card", "Card", `{
  "responses": [
    {
      "type": "card",
      "title": "Trail running shoes",
      "subtitle": "In stock, ships tomorrow",
      "imageUrl": "https://example.com/shoes.png",
      "buttons": [
        {"type": "postback", "title": "Add to cart", "value": "add shoes to cart"}
      ]
    }
  ]
}`)
	chatbotV2Text = jsonTemplate("text", "Text after a delay, and set attributes", `{
  "responses": [
    {
      "type": "text",
      "delay": 1000,
      "message": "Your order is on its way."
    }
  ],
  "attributes": {
    "order_status": "shipped"
  }
}`)
	chatbotV2Attributes = jsonTemplate("attributes", "Set attributes only", `{
  "responses": [],
  "attributes": {
    "order_status": "shipped"
  }
}`)
)

var chatbot = &Profile{
	Name:  "chatbot",
	Title: "ChatBot.com",
	Badge: "CBT",
	Secret: &Secret{
		Value: "TOKEN", Checks: "ChatBot.com's verification token",
		Demo: demoToken,
	},
	Docs: "https://www.chatbot.com/docs/webhooks/",
	Paths: []PathHint{
		{Path: chatbotPath, What: "any path: the webhook URL set in ChatBot.com (hark answers its verification GET)"},
	},
	Kinds: []Kind{
		{
			Name: kindVerify, Title: "verification GET when a webhook is saved",
			// hark answers it itself (chatbotHandshake): echoing the
			// challenge is the only answer that lets the user save the
			// webhook.
			Default: Template{Name: "challenge", Title: "Echo the challenge", Status: http.StatusOK,
				Headers: map[string][]string{"Content-Type": {"text/plain; charset=utf-8"}}},
		},
		{
			Name: chatbotOld, Title: "webhook of the old builder (matched interaction)",
			Consumed: true, Deadline: 10 * time.Second,
			Default:   chatbotPass,
			Templates: []Template{chatbotPass, chatbotText, chatbotImage, chatbotQuickReplies, chatbotCard},
			kindRules: kindRules{turns: []turnRule{
				{text: []string{"result.resolvedQuery"}, role: model.RoleUser},
				{each: "result.fulfillment", where: "type", is: "text", text: []string{"message"}, role: model.RoleAI},
			}},
		},
		{
			// The current builder sends no user text: its turns are unknown.
			Name: chatbotNew, Title: "webhook block of the current builder",
			Consumed: true, Deadline: 10 * time.Second,
			Default:   chatbotPass,
			Templates: []Template{chatbotPass, chatbotV2Text, chatbotV2Attributes},
		},
	},
	MaxResponse:  100_000,
	Verification: "the verification GET carries the token set in ChatBot.com; hark compares it with --secret chatbot=TOKEN (ChatBot.com signs nothing)",
	Credentials:  Credentials{Query: []string{"token"}},
	Unverified: []string{
		"whether webhook POSTs also carry ?token= (hark checks it when present)",
		`whether {"responses":[]} is accepted as "add nothing" (hark's pass-through default)`,
		"the documented 100kb response limit, which hark reads as 100 000 bytes",
	},
	profileRules: profileRules{
		detect: []detector{
			{byShape, chatbotVerify},
			{byShape, cond{has: []string{"conversationId", "result"}}},
			{byShape, cond{has: []string{"chatId", "node"}}},
		},
		kinds: []kindRule{
			{chatbotVerify, kindVerify},
			{cond{has: []string{"chatId", "node"}}, chatbotNew},
		},
		fallback: chatbotOld,
		session:  atBodies("sessionId", "conversationId", "chatId"),
		time:     []string{"timestamp"},
		sign: func(in *input, kind string) model.Signature {
			return chatbotTokenCheck(in, kind == kindVerify)
		},
		resign:    resignChatBot,
		handshake: chatbotHandshake,
		check:     chatbotCheck,
		simulate:  simulateChatBot,
	},
}

func chatbotCheck(in *input, c *Classification) {
	if c.Kind == kindVerify {
		c.challenge = in.query().Get("challenge")
		return
	}
	if code := in.get("status.code"); code.Exists() && code.Int() != 200 {
		in.note("ChatBot.com reports status " + quoteShort(in.get("status").Raw))
	}
}

// simulateChatBot plays an order-tracking chat: old-builder webhooks for
// each user message (the interaction's own bot replies in fulfillment),
// then the current builder's webhook blocks. Both builders use the same
// chat id here (sessionId of the old builder, chatId of the current) so a
// run shows both shapes in one conversation.
func simulateChatBot(g *gen) []SimRequest {
	sid := g.sessionID(g.mongoID)
	conversationID := g.mongoID()
	storyID := g.mongoID()
	type interaction struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Action string `json:"action"`
	}
	type fulfillment struct {
		Type      string `json:"type"`
		Debug     bool   `json:"debug,omitempty"`
		WebhookID string `json:"webhookId,omitempty"`
		Used      bool   `json:"used,omitempty"`
		Delay     int    `json:"delay,omitempty"`
		Message   string `json:"message,omitempty"`
	}
	type context struct {
		ID         string         `json:"id,omitempty"`
		Type       string         `json:"type,omitempty"`
		Name       string         `json:"name"`
		Action     string         `json:"action"`
		Parameters map[string]any `json:"parameters"`
	}
	type status struct {
		Code int    `json:"code"`
		Type string `json:"type"`
	}
	type result struct {
		Source            string         `json:"source"`
		ResolvedQuery     string         `json:"resolvedQuery"`
		Confidence        float64        `json:"confidence"`
		Score             float64        `json:"score"`
		Lifespan          int            `json:"lifespan"`
		Incomplete        bool           `json:"incomplete"`
		StoryID           string         `json:"storyId"`
		Interaction       interaction    `json:"interaction"`
		Parameters        map[string]any `json:"parameters"`
		SessionParameters map[string]any `json:"sessionParameters"`
		Contexts          []context      `json:"contexts"`
		Fulfillment       []fulfillment  `json:"fulfillment"`
	}
	type oldBody struct {
		ConversationID string `json:"conversationId"`
		Result         result `json:"result"`
		SessionID      string `json:"sessionId"`
		Timestamp      string `json:"timestamp"`
		Status         status `json:"status"`
	}
	webhookID := g.mongoID()
	welcome := context{Type: "welcome", Name: "Welcome Interaction", Action: "default.welcome", Parameters: map[string]any{}}
	for _, step := range g.chatbotSteps() {
		g.wait(1500*time.Millisecond, 5*time.Second)
		in := interaction{ID: g.mongoID(), Name: step.interaction, Action: step.action}
		ful := []fulfillment{{Type: "webhook", Debug: true, WebhookID: webhookID, Used: true}}
		for _, reply := range step.replies {
			ful = append(ful, fulfillment{Type: "text", Delay: 1000 + 500*g.rng.IntN(3), Message: reply})
		}
		body := oldBody{
			ConversationID: conversationID,
			Result: result{
				Source: "app", ResolvedQuery: step.user,
				Confidence: float64(50+g.rng.IntN(50)) / 100, Score: 1, Lifespan: 2,
				StoryID: storyID, Interaction: in,
				Parameters: map[string]any{}, SessionParameters: map[string]any{},
				Contexts:    []context{{ID: in.ID, Name: in.Name, Action: in.Action, Parameters: map[string]any{}}, welcome},
				Fulfillment: ful,
			},
			SessionID: sid,
			Timestamp: g.now().Format("2006-01-02T15:04:05.000Z07:00"),
			Status:    status{200, "success"},
		}
		g.add(SimRequest{Kind: chatbotOld, Method: "POST", Path: chatbotPath, Headers: jsonRequestHeaders(), Body: g.json(body)})
	}

	type node struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Type        string `json:"type"`
		WebhookID   string `json:"webhookId"`
		WebhookName string `json:"webhookName"`
	}
	type newBody struct {
		ChatID         string            `json:"chatId"`
		MessageID      string            `json:"messageId"`
		UserID         string            `json:"userId"`
		ExternalID     string            `json:"externalId"`
		Node           node              `json:"node"`
		UserAttributes map[string]string `json:"userAttributes"`
		Attributes     map[string]string `json:"attributes"`
	}
	userID, externalID := g.mongoID(), g.uuid()
	name := g.pick([]string{"Ana", "Yuki", "Chloé", "Omar", "Priya", "Lars"})
	attrs := map[string]string{"order_number": g.values.Replace("{order}")}
	for _, block := range []struct{ name, webhook string }{
		{"Check order status", "order-status"},
		{"Create support ticket", "create-ticket"},
	} {
		g.wait(800*time.Millisecond, 3*time.Second)
		body := newBody{
			ChatID: sid, MessageID: g.uuid(), UserID: userID, ExternalID: externalID,
			Node:           node{ID: g.uuid(), Name: block.name, Type: "WEBHOOK", WebhookID: g.mongoID(), WebhookName: block.webhook},
			UserAttributes: map[string]string{"default_name": name, "default_email": "customer@example.com"},
			Attributes:     attrs,
		}
		g.add(SimRequest{Kind: chatbotNew, Method: "POST", Path: chatbotPath, Headers: jsonRequestHeaders(), Body: g.json(body)})
		attrs = map[string]string{"order_number": attrs["order_number"], "ticket_topic": "delivery"}
	}
	return g.reqs
}

type chatbotStep struct {
	user, interaction, action string
	replies                   []string
}

// chatbotSteps picks one of the order-tracking chats.
func (g *gen) chatbotSteps() []chatbotStep {
	chats := [][]chatbotStep{
		{
			{"Where is my order?", "Order status", "order.status", []string{"Sure! What's your order number?"}},
			{"{order}", "Order number", "order.lookup", []string{"Thanks, let me check order {order}…"}},
			{"Can I change the delivery address?", "Change address", "order.address", []string{"I can help with that.", "Which address should we use?"}},
			{"Thanks, bye", "Goodbye", "default.goodbye", []string{"Happy to help. Have a great day! 👋"}},
		},
		{
			{"I want to return my shoes", "Returns", "order.return", []string{"No problem. Returns are free within 30 days."}},
			{"They're too small", "Return reason", "order.return.reason", []string{"Got it: size issue. Would you like a bigger size instead of a refund?"}},
			{"Yes, one size up", "Exchange", "order.exchange", []string{"Great, I'll prepare the exchange for order {order}."}},
		},
	}
	steps := chats[g.rng.IntN(len(chats))]
	out := make([]chatbotStep, len(steps))
	for i, s := range steps {
		out[i] = chatbotStep{user: g.values.Replace(s.user), interaction: s.interaction, action: s.action}
		for _, r := range s.replies {
			out[i].replies = append(out[i].replies, g.values.Replace(r))
		}
	}
	return out
}
