package platform

import (
	"net/url"
	"time"

	"github.com/harkhq/hark/model"
)

// The generic profile takes every request no other profile recognizes, and
// still groups it into a conversation when it carries a common id field.
const (
	kindWebhook = "webhook"
	kindNonJSON = "non-json"
	kindEmpty   = "empty"

	genericPath = "/webhook"
)

// genericSessionPaths are where platforms hark has no profile for keep a
// conversation's id, tried in this order; a Dialogflow session path
// (projects/…/sessions/<sid>) counts as its last segment. Form-encoded
// bodies are searched for the names without dots.
var genericSessionPaths = []string{
	"session_id", "sessionId", "sessionID", "session", "session.id",
	"conversation_id", "conversationId", "conversationID", "conversation.id",
	"chat_id", "chatId", "chat.id",
	"call_id", "callId", "call.id", "call.call_id", // voice agents (Retell: call.call_id)
	"message.call.id",        // Vapi
	"message.chat.id",        // Telegram
	"data.sessionID",         // Voiceflow
	"data.session_id",        //
	"sessionInfo.session",    // Dialogflow CX
	"sender_id", "sender.id", // Rasa, Messenger
	"thread_id", "threadId", "room_id", "roomId",
	"CallSid", "ConversationSid", // Twilio forms
	"contact_id", "contactId",
	"user_id", "userId", // last: a user's requests are better together than unsorted
}

// genericTextPaths hold a turn's text, first string found wins.
var genericTextPaths = []string{
	"text", "message", "message.text", "message.content", "content",
	"input.text", "input", "query", "queryText", "queryResult.queryText",
	"transcript", "message.transcript", "utterance", "data.text", "payload.text", "event.text",
	"tracker.latest_message.text", // Rasa
}

// genericRolePaths hold who spoke; values are normalized (assistant → ai, ...).
var genericRolePaths = []string{"role", "message.role", "sender", "sender_type", "speaker", "from", "author.role"}

// genericTimePaths hold the request's or the message's time.
var genericTimePaths = []string{
	"timestamp", "time", "created_at", "createdAt", "sent_at", "sentAt", "date", "ts",
	"message.timestamp", "message.created_at", "message.createdAt",
}

var (
	genericPass  = jsonTemplate("pass", "Empty JSON object", `{}`)
	genericEmpty = emptyTemplate("empty", "Empty 200")
)

var generic = &Profile{
	Name:  "generic",
	Title: "Generic JSON",
	Badge: "GEN",
	Paths: []PathHint{
		{Path: genericPath, What: "any path: requests no profile recognizes are grouped by common id fields (session_id, conversationId, call.id, ...)"},
	},
	Kinds: []Kind{
		{
			Name: kindWebhook, Title: "JSON request of an unknown platform",
			Consumed: true, Deadline: 10 * time.Second,
			Default: genericPass, Templates: []Template{genericPass},
			kindRules: kindRules{turns: []turnRule{
				{text: genericTextPaths, roleAt: genericRolePaths, role: model.RoleUser, time: genericTimePaths},
			}},
		},
		{
			Name: kindNonJSON, Title: "body that is not JSON: form, text, binary or malformed JSON",
			Consumed: true, Deadline: 10 * time.Second,
			Default: genericEmpty, Templates: []Template{genericEmpty, genericPass},
		},
		{
			Name: kindEmpty, Title: "request without a body, such as a reachability check",
			Default: genericEmpty, Templates: []Template{genericEmpty},
		},
	},
	Verification: "none",
	// Other senders sign or authenticate with headers of their own, such
	// as X-Hub-Signature-256 or X-Telegram-Bot-Api-Secret-Token.
	Credentials: Credentials{Words: []string{"signature", "secret", "token", "api-key", "apikey"}},
	Unverified: []string{
		"whether the sender acts on the response, and how long it waits: hark assumes it does, within 10 s (--deadline generic=DURATION changes it)",
	},
	profileRules: profileRules{
		kinds: []kindRule{
			{cond{body: shapeJSON}, kindWebhook},
			{cond{body: shapeEmpty}, kindEmpty},
		},
		fallback: kindNonJSON,
		session:  atBodies(genericSessionPaths...),
		time:     genericTimePaths,
		guessed:  true,
		simulate: simulateGeneric,
	},
}

// simulateGeneric plays a bot hark has no profile for: a reachability GET,
// message webhooks in one of three shapes, and a form-encoded status
// callback.
func simulateGeneric(g *gen) []SimRequest {
	sid := g.sessionID(func() string { return "conv_" + g.hex(20) })
	shape := g.rng.IntN(3)
	g.add(SimRequest{Kind: kindEmpty, Method: "GET", Path: genericPath})
	for _, l := range g.script(genericScripts) {
		if l.role == model.RoleAI {
			g.wait(500*time.Millisecond, 1800*time.Millisecond)
		} else {
			g.wait(1500*time.Millisecond, 4*time.Second)
		}
		var body any
		switch shape {
		case 0: // a chat backend: nested conversation and message
			role := "user"
			if l.role == model.RoleAI {
				role = "assistant"
			}
			body = map[string]any{
				"type":         "message.created",
				"conversation": map[string]any{"id": sid},
				"message":      map[string]any{"id": "msg_" + g.hex(12), "role": role, "text": l.text, "created_at": g.now().Format(time.RFC3339Nano)},
			}
		case 1: // a flat bot webhook with epoch milliseconds
			sender := "user"
			if l.role == model.RoleAI {
				sender = "bot"
			}
			body = map[string]any{"session_id": sid, "sender": sender, "text": l.text, "timestamp": g.now().UnixMilli()}
		default: // a voice agent's transcript events
			role := "user"
			if l.role == model.RoleAI {
				role = "assistant"
			}
			body = map[string]any{"type": "transcript", "call": map[string]any{"id": sid}, "role": role, "transcript": l.text, "timestamp": g.now().Format(time.RFC3339)}
		}
		g.add(SimRequest{Kind: kindWebhook, Method: "POST", Path: genericPath, Headers: jsonRequestHeaders(), Body: g.json(body)})
	}
	g.wait(500*time.Millisecond, 2*time.Second)
	form := url.Values{"conversation_id": {sid}, "status": {"completed"}, "duration": {"94"}}
	g.add(SimRequest{Kind: kindNonJSON, Method: "POST", Path: genericPath + "/status",
		Headers: map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}},
		Body:    []byte(form.Encode())})
	return g.reqs
}

// Restaurant and travel bookings.
var genericScripts = []script{
	{
		{model.RoleUser, "Hi, can I book a table for {people} tonight?"},
		{model.RoleAI, "Of course! What time would you like?"},
		{model.RoleUser, "Around 8 pm, on the terrace if possible."},
		{model.RoleAI, "Booked: {people} people at 8 pm on the terrace, under the name {name}. See you tonight!"},
	},
	{
		{model.RoleUser, "I need a train from Lyon to Genève on {day}."},
		{model.RoleAI, "There are departures at 7:04, 9:34 and 13:04. Which one suits you?"},
		{model.RoleUser, "9:34 please, one adult."},
		{model.RoleAI, "Your seat on the 9:34 is reserved; the ticket is in your inbox."},
	},
}
