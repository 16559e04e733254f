package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// TestOtherIDsShown: a conversation's other id (ChatBot.com's
// conversationId beside the sessionId it is grouped by) is in the
// transcript's header and in the inspector; an exchange whose response
// use is unknown says so.
func TestOtherIDsShown(t *testing.T) {
	b := newBuilder()
	ex := b.chatbot(t0)
	b.store.Update(ex.ID, func(e *model.Exchange) {
		e.Also = []model.Alias{{Name: "conversationId", Value: "5cc6d3c0b4001336f89de71a"}}
	})
	b.add(t0.Add(time.Second), "chatbot", "webhook", chatbotSID, "POST", "/chatbot", "", `{"sessionId":"x"}`, nil,
		func(e *model.Exchange) {
			e.Also = []model.Alias{{Name: "conversationId", Value: "5cc6d3c0b4001336f89de71a"}}
		})
	m := newTestModel(t, b)
	do(m, sizeMsg(140, 40), darkBG)
	do(m, keys("tab")...)
	if s := stripped(screen(m)); !strings.Contains(s, "· conversationId 5cc6d3c") {
		t.Errorf("transcript header lacks the other id:\n%s", s)
	}
	do(m, keys("enter")...)
	s := stripped(screen(m))
	if !strings.Contains(s, "session 125338496333449767  conversationId") || !strings.Contains(s, "5cc6d3c0b4001336f89de71a") || !strings.Contains(s, "response use unknown") {
		t.Errorf("inspector lacks the other id:\n%s", s)
	}
}
