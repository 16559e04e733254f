package platform

import (
	"time"
)

// ChatBot.com's profile is profiles/chatbot.yaml; this is what its file
// cannot say: the bodies of its two builders' webhooks, for the simulator.
var chatbotCode = code{
	simulate: simulateChatBot,
	about:    []string{"simulate: the old builder's matched interactions and the current builder's webhook blocks, in one chat"},
}

const (
	chatbotOld  = "webhook"
	chatbotNew  = "webhook.v2"
	chatbotPath = "/chatbot"
)

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
