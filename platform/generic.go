package platform

import (
	"net/url"
	"time"

	"github.com/harkhq/hark/model"
)

// The generic profile is profiles/generic.yaml; this is what its file
// cannot say: a bot in one of three body shapes, for the simulator.
var genericCode = code{
	simulate: simulateGeneric,
	about:    []string{"simulate: a reachability GET, messages in one of three common body shapes, a form-encoded status callback"},
}

const (
	kindWebhook = "webhook"
	kindNonJSON = "non-json"
	kindEmpty   = "empty"

	genericPath = "/webhook"
)

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
