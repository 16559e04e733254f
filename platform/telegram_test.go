package platform

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

func TestTelegramFixtures(t *testing.T) {
	user, ai, system := model.RoleUser, model.RoleAI, model.RoleSystem
	for file, want := range map[string]classifiedAs{
		"message-start.http": {"message", "123456789", model.UseConsumed, []model.Turn{
			{Role: system, Marker: model.MarkerCreated},
			{Role: user, Text: "/start", Time: time.Unix(1735812600, 0)}}},
		"message.json": {"message", "123456789", model.UseConsumed, []model.Turn{
			{Role: user, Text: "What's the weather in Lisbon tomorrow?", Time: time.Unix(1735812641, 0)}}},
		"edited_message.json": {"edited_message", "123456789", model.UseConsumed, []model.Turn{
			{Role: user, Text: "What's the weather in Porto tomorrow?", Time: time.Unix(1735812655, 0)}}},
		// The pressed button's message is the only place the bot's words appear.
		"callback_query.json": {"callback_query", "123456789", model.UseConsumed, []model.Turn{
			{Role: ai, Text: "Porto tomorrow: 17°C, light rain. Show the hourly forecast?", Time: time.Unix(1735812660, 0)},
			{Role: user, Text: "hourly:porto"}}},
		// The user blocked the bot: the conversation is closed.
		"my_chat_member.json": {"my_chat_member", "123456789", model.UseConsumed, []model.Turn{
			{Role: system, Marker: model.MarkerClosed}}},
	} {
		c := Classify(vendorFixture(t, "telegram", file), nil)
		if c.Platform != "telegram" {
			t.Fatalf("%s: %s", file, c.Platform)
		}
		checkClassified(t, file, c, want)
		if c.Deadline != 60*time.Second || len(c.Notes) > 0 || !slices.Contains(c.Also, model.Alias{Name: "user", Value: "anasouza"}) {
			t.Errorf("%s: deadline %v notes %q also %+v", file, c.Deadline, c.Notes, c.Also)
		}
		// The pass-through default changes nothing: an empty 200, no Bot API call.
		if d := DefaultResponse(c); d.Status != 200 || len(d.Body) != 0 {
			t.Errorf("%s: default %d %q", file, d.Status, d.Body)
		}
	}
}

func TestTelegramSecretToken(t *testing.T) {
	req := vendorFixture(t, "telegram", "message-start.http")
	bare := *req
	bare.Headers = cloneHeaders(req.Headers)
	delete(bare.Headers, "X-Telegram-Bot-Api-Secret-Token")
	for _, tt := range []struct {
		name   string
		req    *model.Request
		secret string
		want   model.SigState
	}{
		{"valid", req, "hark_tg_secret-42", model.SigValid},
		{"another token", req, "other", model.SigInvalid},
		{"missing", &bare, "hark_tg_secret-42", model.SigMissing},
		{"no secret", req, "", model.SigUnchecked},
		{"neither", &bare, "", model.SigNone},
	} {
		c := Classify(tt.req, Secrets{"telegram": tt.secret})
		if c.Platform != "telegram" || c.Signature.State != tt.want {
			t.Errorf("%s: %s %s %q", tt.name, c.Platform, c.Signature.State, c.Signature.Detail)
		}
	}
}

// TestTelegramTemplates: the editor's answers are Bot API calls Telegram
// makes from a webhook's response.
func TestTelegramTemplates(t *testing.T) {
	p, _ := Lookup("telegram")
	for _, kind := range []string{"message", "edited_message", "callback_query", "my_chat_member", "other"} {
		k, ok := p.Kind(kind)
		if !ok || k.Use != model.UseConsumed || k.Deadline != 60*time.Second {
			t.Fatalf("%s: %+v", kind, k)
		}
		methods := map[string]bool{}
		for _, tpl := range k.Templates {
			if tpl.Body == "" {
				continue
			}
			var call struct {
				Method string `json:"method"`
			}
			if err := json.Unmarshal([]byte(tpl.Body), &call); err != nil || call.Method == "" {
				t.Errorf("%s/%s: %q is no Bot API call", kind, tpl.Name, tpl.Body)
			}
			methods[call.Method] = true
		}
		if !methods["sendMessage"] || !methods["answerCallbackQuery"] {
			t.Errorf("%s: methods %v", kind, methods)
		}
	}
	// Another update is consumed too, and read where it has text.
	c := Classify(post("/telegram", []byte(`{"update_id":905732199,"inline_query":{"id":"77","from":{"id":123456789,"is_bot":false,"first_name":"Ana"},"query":"porto","offset":""}}`)), nil)
	if c.Platform != "telegram" || c.Kind != "other" || c.SessionID != "123456789" || !c.Consumed() || len(c.Turns) != 1 || c.Turns[0].Text != "porto" {
		t.Errorf("inline query: %s/%s %q %v %+v", c.Platform, c.Kind, c.SessionID, c.Use, c.Turns)
	}
	// update_id alone, or a non-numeric one, is not Telegram's.
	for _, body := range []string{`{"update_id":1}`, `{"update_id":"x","message":{"chat":{"id":1}}}`} {
		if c := Classify(post("/hook", []byte(body)), nil); c.Platform == "telegram" {
			t.Errorf("%s taken for Telegram", body)
		}
	}
}

func TestTelegramConversation(t *testing.T) {
	secrets := Secrets{"telegram": "tg-token"}
	reqs, err := Conversation("telegram", seeded(6), "", simStart, secrets)
	if err != nil {
		t.Fatal(err)
	}
	var markers []string
	for i, r := range reqs {
		c := Classify(toRequest(r), secrets)
		if c.Platform != "telegram" || c.Kind != r.Kind || c.Signature.State != model.SigValid || len(c.SessionID) != 10 {
			t.Fatalf("%d %s: %s/%s %q %s", i, r.Kind, c.Platform, c.Kind, c.SessionID, c.Signature.State)
		}
		if i == 0 && (len(c.Turns) != 2 || c.Turns[1].Text != "/start") {
			t.Errorf("first request: %+v", c.Turns)
		}
		for _, turn := range c.Turns {
			if turn.Marker != "" {
				markers = append(markers, turn.Marker)
			}
		}
	}
	if strings.Join(markers, ",") != "created,closed" {
		t.Errorf("markers %v", markers)
	}
}
