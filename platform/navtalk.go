package platform

import (
	"fmt"
	"time"

	"github.com/harkhq/hark/model"
)

// NavTalk POSTs real-time events to <base>/api/webhook/message and the
// complete record of a session to <base>/api/webhook/session when it ends.
// It ignores the response body.
const (
	navtalkCreated = "session.created"
	navtalkOutput  = "conversation.output"
	navtalkClosed  = "session.closed"
	navtalkRecord  = "session"
	navtalkOther   = "other"

	navtalkMessagePath = "/api/webhook/message"
	navtalkSessionPath = "/api/webhook/session"
)

var navtalkEvents = []string{navtalkCreated, navtalkOutput, navtalkClosed}

// navtalkTurn reads a message event, on its own or as an element of a
// session record's messages: conversation.output is a spoken turn, the
// session events are lifecycle markers.
func navtalkTurn(each string) turnRule {
	return turnRule{
		each:     each,
		text:     []string{"message"},
		roleAt:   []string{"role"},
		time:     []string{"timestamp"},
		markerAt: "event",
		markers:  map[string]string{navtalkCreated: model.MarkerCreated, navtalkClosed: model.MarkerClosed},
	}
}

func navtalkKind(name, title string, turns ...turnRule) Kind {
	ack := jsonTemplate("ack", "Acknowledge (NavTalk ignores the body)", `{"received":true}`)
	return Kind{Name: name, Title: title, Default: ack, Templates: []Template{ack}, kindRules: kindRules{turns: turns}}
}

var navtalk = &Profile{
	Name:  "navtalk",
	Title: "NavTalk",
	Badge: "NAV",
	Docs:  "https://jinfulaikeji-organization.mintlify.app/api/resources/webhook",
	Paths: []PathHint{
		{Path: navtalkMessagePath, What: "real-time events: session.created, conversation.output, session.closed"},
		{Path: navtalkSessionPath, What: "the complete session record, when a session ends"},
	},
	Kinds: []Kind{
		navtalkKind(navtalkCreated, "session created", navtalkTurn("")),
		navtalkKind(navtalkOutput, "message from the user or the AI", navtalkTurn("")),
		navtalkKind(navtalkClosed, "session closed", navtalkTurn("")),
		func() Kind {
			k := navtalkKind(navtalkRecord, "complete session record", navtalkTurn("messages"))
			k.record = true
			return k
		}(),
		navtalkKind(navtalkOther, "event NavTalk does not document", navtalkTurn("")),
	},
	Verification: "none: NavTalk documents no signature or token",
	profileRules: profileRules{
		detect: []detector{
			{byPath, cond{suffix: []string{navtalkMessagePath, navtalkSessionPath}}},
			{byShape, cond{field: "event", values: navtalkEvents, has: []string{"sessionId"}}},
			{byShape, cond{has: []string{"sessionId", "startTime", "endTime", "messages"}}},
		},
		kinds: []kindRule{
			{cond{field: "event", values: []string{navtalkCreated}}, navtalkCreated},
			{cond{field: "event", values: []string{navtalkOutput}}, navtalkOutput},
			{cond{field: "event", values: []string{navtalkClosed}}, navtalkClosed},
			{cond{has: []string{"messages"}}, navtalkRecord},
			{cond{suffix: []string{navtalkSessionPath}}, navtalkRecord},
		},
		fallback: navtalkOther,
		session:  atBodies("sessionId"),
		time:     []string{"timestamp", "endTime"},
		check:    navtalkCheck,
		simulate: simulateNavTalk,
	},
}

func navtalkCheck(in *input, c *Classification) {
	if in.shape != shapeJSON {
		return
	}
	switch c.Kind {
	case navtalkOther:
		if ev := in.get("event"); ev.Exists() {
			in.note(fmt.Sprintf("event %s is not one NavTalk documents", quoteShort(ev.Raw)))
		} else {
			in.note("no event field: hark cannot tell which NavTalk event this is")
		}
	case navtalkOutput:
		if !in.get("message").Exists() {
			in.note("conversation.output without a message")
		}
	case navtalkRecord:
		if !in.get("messages").IsArray() {
			in.note("session record without a messages list")
		}
	}
}

// simulateNavTalk plays an avatar session: created, the AI greets and the
// user and AI alternate, closed, then the record of every message.
func simulateNavTalk(g *gen) []SimRequest {
	sid := g.sessionID(func() string { return "session_" + g.digits(12) })
	script := g.script(navtalkScripts)
	type event struct {
		Event     string `json:"event"`
		SessionID string `json:"sessionId"`
		Role      string `json:"role"`
		Timestamp string `json:"timestamp"`
		Message   string `json:"message,omitempty"`
	}
	stamp := func() string { return g.now().Format(time.RFC3339) }
	post := func(kind string, e event) {
		g.add(SimRequest{Kind: kind, Method: "POST", Path: navtalkMessagePath, Headers: jsonRequestHeaders(), Body: g.json(e)})
	}
	startTime := stamp()
	post(navtalkCreated, event{Event: navtalkCreated, SessionID: sid, Role: "system", Timestamp: startTime})
	var record []event
	for _, line := range script {
		if line.role == model.RoleAI {
			g.wait(600*time.Millisecond, 2*time.Second)
		} else {
			g.wait(1500*time.Millisecond, 4*time.Second)
		}
		role := "user"
		if line.role == model.RoleAI {
			role = "ai"
		}
		e := event{Event: navtalkOutput, SessionID: sid, Role: role, Timestamp: stamp(), Message: line.text}
		record = append(record, e)
		post(navtalkOutput, e)
	}
	g.wait(time.Second, 3*time.Second)
	endTime := stamp()
	post(navtalkClosed, event{Event: navtalkClosed, SessionID: sid, Role: "system", Timestamp: endTime})
	g.wait(300*time.Millisecond, 900*time.Millisecond)
	g.add(SimRequest{Kind: navtalkRecord, Method: "POST", Path: navtalkSessionPath, Headers: jsonRequestHeaders(), Body: g.json(struct {
		SessionID string  `json:"sessionId"`
		StartTime string  `json:"startTime"`
		EndTime   string  `json:"endTime"`
		Messages  []event `json:"messages"`
	}{sid, startTime, endTime, record})})
	return g.reqs
}

// An avatar receptionist, a clinic and a language tutor.
var navtalkScripts = []script{
	{
		{model.RoleAI, "Hello, welcome to the {hotel}. How can I help you today?"},
		{model.RoleUser, "Hi! I'd like to check in early tomorrow, around {hour}."},
		{model.RoleAI, "Early check-in from {hour} is available for 25 euros. Shall I add it to your booking?"},
		{model.RoleUser, "Yes please, the booking is under {name}."},
		{model.RoleAI, "Done, {name}. Your room will be ready at {hour}. Anything else?"},
		{model.RoleUser, "No, that's all. Thanks!"},
		{model.RoleAI, "You're welcome. Have a pleasant trip!"},
	},
	{
		{model.RoleAI, "Good morning, this is the front desk of Lindenhof Clinic. What can I do for you?"},
		{model.RoleUser, "I need to move my appointment on {day}."},
		{model.RoleAI, "Of course. May I have your name, please?"},
		{model.RoleUser, "{name}."},
		{model.RoleAI, "Thank you, {name}. I can offer {day} at {hour} or Friday at 9:30."},
		{model.RoleUser, "{day} at {hour} works."},
		{model.RoleAI, "Your appointment is moved to {day} at {hour}. You'll get a confirmation by SMS."},
	},
	{
		{model.RoleAI, "¡Hola! Ready for today's Spanish practice?"},
		{model.RoleUser, "Sí. How do I say 'where is the train station'?"},
		{model.RoleAI, "You say: «¿Dónde está la estación de tren?» Try it!"},
		{model.RoleUser, "¿Dónde está la estación de tren?"},
		{model.RoleAI, "Perfecto 👏 Your pronunciation of «estación» is spot on."},
		{model.RoleUser, "Gracias, that's enough for today."},
		{model.RoleAI, "¡Hasta luego, {name}!"},
	},
}
