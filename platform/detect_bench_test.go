package platform

import (
	"fmt"
	"testing"
)

// benchProfiles are throwaway profiles, in the shapes real platforms take
// (a vendor header, body fields, a path), so that detection is measured
// among more profiles than hark ships, as a user's files add to them.
var benchProfiles = []string{`
name: dialogflowish
title: Dialogflowish
match:
  - json: {detectIntentResponseId: "*", sessionInfo.session: "*"}
  - json: {fulfillmentInfo.tag: "*", sessionInfo: "*"}
session: [sessionInfo.session]
kinds:
  webhook:
    turns:
      - {text: text, as: user}
`, `
name: voiceflowish
title: Voiceflowish
match:
  - header: {X-Voiceflow-Signature: "*"}
  - json: {data.sessionID: "*", data.versionID: "*"}
session: [data.sessionID]
`, `
name: telegramish
title: Telegramish
match:
  - header: {X-Telegram-Bot-Api-Secret-Token: "*"}
  - json: {update_id: "*", message.chat.id: "*"}
  - json: {update_id: "*", callback_query: "*"}
session: [message.chat.id, callback_query.message.chat.id]
kinds:
  update:
    turns:
      - {text: message.text, as: user}
`, `
name: messengerish
title: Messengerish
match:
  - {header: {X-Hub-Signature-256: "*"}, json: {object: page}}
  - json: {object: page, entry: "*"}
session: [entry.#.messaging.#.sender.id]
`, `
name: rasaish
title: Rasaish
match:
  - path: "*/webhooks/rest/webhook"
  - json: {next_action: "*", tracker.sender_id: "*"}
  - word: [rasa]
session: [tracker.sender_id, sender]
`}

// syntheticProfile is the i-th of as many more profiles as a scaling
// benchmark wants, each with a header, body fields and a path of its own.
func syntheticProfile(i int) string {
	return fmt.Sprintf(`
name: synth%[1]d
title: Synthetic %[1]d
badge: S%02[1]d
match:
  - header: {X-Synth%[1]d-Signature: "*"}
  - json: {synth%[1]d_event: "*", conversation: "*"}
  - path: "*/synth%[1]d/events"
session: [conversation.id]
`, i)
}

// BenchmarkDetect measures detection alone among the built-in profiles,
// among those and the test profiles (detectRegistry), and among 46 more:
// the index keeps its cost from growing with their number. It compares
// trying every detector (detectEach, what hark did before the index).
//
//	go test -run '^$' -bench Detect -benchmem ./platform/
func BenchmarkDetect(b *testing.B) {
	req := post("/chatbot", testdata(b, "chatbot_old.json"))
	for _, r := range []*Registry{Builtin(), detectRegistry(b, 0), detectRegistry(b, 46)} {
		in := newInput(req, nil)
		if r.detect(in) != r.detectEach(in) {
			b.Fatal("the index and trying every detector disagree")
		}
		name := fmt.Sprintf("profiles=%d", len(r.profiles)-1) // beside the fallback
		b.Run(name+"/index", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.detect(in)
			}
		})
		b.Run(name+"/each", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.detectEach(in)
			}
		})
	}
}

// BenchmarkClassifyMany is some of BenchmarkClassify's requests among the
// built-in profiles and the test ones (detectRegistry).
//
//	go test -run '^$' -bench ClassifyMany -benchmem ./platform/
func BenchmarkClassifyMany(b *testing.B) {
	r := detectRegistry(b, 0)
	for _, bc := range []struct {
		name string
		path string
		file string
	}{
		{"navtalk/message", "/api/webhook/message", "navtalk_message.json"},
		{"chatbot/webhook", "/chatbot", "chatbot_old.json"},
		{"moveo/pre", "/moveo/pre-message", "moveo_pre.json"},
		{"generic/json", "/hook", "generic_voiceflow.json"},
	} {
		req := post(bc.path, testdata(b, bc.file))
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(req.Body)))
			for b.Loop() {
				r.Classify(req, nil)
			}
		})
	}
}
