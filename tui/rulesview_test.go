package tui

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

func twoRules() *model.Rules {
	return model.NewRules([]model.Rule{
		{Scope: model.ScopeKind, Platform: "moveo", Kind: "post_message", Enabled: true, Status: 200,
			Body: `{"output":{"responses":[{"type":"text","text":"Your order ships today."}]}}`, Used: 2, Note: "kept from #12", Created: t0},
		{Scope: model.ScopeSession, Platform: "chatbot", Session: chatbotSID, Limit: 3, Enabled: true, Status: 200,
			Body: `{"responses":[{"type":"text","elements":["Closed today."]}]}`, Note: "kept from #30", Created: t0},
	})
}

// R lists the rules; space toggles one, d deletes one after asking, s
// saves them where the user says when no --rules file was given.
func TestFlowRulesDialog(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	rules := twoRules()
	var mu sync.Mutex
	var savedPath string
	var saved []model.Rule
	f := startFlow(t, b, 120, 30, func(o *Options) {
		o.Rules = rules
		o.SaveRules = func(path string, list []model.Rule) error {
			mu.Lock()
			defer mu.Unlock()
			savedPath, saved = path, list
			return nil
		}
	})
	f.waitFor("NAV c7f3a1e2")
	f.press("R")
	f.waitFor("Rules 2", "not saved: s saves them to a file", "moveo post_message", "2/∞",
		"chatbot session 125338496333449767", "0/3", `{"output":{"responses"`)
	f.press("space")
	f.waitFor("rule #1 off")
	if l := rules.List(); l[0].Enabled {
		t.Fatal("space did not turn rule #1 off")
	}
	f.press("down", "d")
	f.waitFor("Delete rule #2?")
	f.press("n")
	if len(rules.List()) != 2 {
		t.Fatal("n deleted the rule")
	}
	f.press("d", "y")
	f.waitFor("rule #2 deleted")
	if l := rules.List(); len(l) != 1 || l[0].ID != "1" {
		t.Fatalf("rules after delete: %+v", l)
	}
	f.press("s")
	f.waitFor("save to ./hark-rules.json")
	f.press("enter")
	f.waitFor("saved 1 rule to ./hark-rules.json · next time: hark --rules ./hark-rules.json")
	mu.Lock()
	if savedPath != "./hark-rules.json" || len(saved) != 1 || saved[0].Enabled {
		t.Errorf("saved %q: %+v", savedPath, saved)
	}
	mu.Unlock()
	f.press("esc")
	s := f.screen()
	if strings.Contains(s, "Rules 1") {
		t.Errorf("esc did not close the rules:\n%s", s)
	}
}

// With --rules FILE, rules save themselves: s says so; a failed save says
// why.
func TestRulesSaveMessages(t *testing.T) {
	b := newBuilder()
	b.navtalk(t0)
	m := newTestModel(t, b, func(o *Options) { o.Rules, o.RulesFile = twoRules(), "team-rules.json" })
	do(m, sizeMsg(120, 30), keyMsg("R"))
	if text := plain(m); !strings.Contains(text, "saved to team-rules.json after every change") {
		t.Errorf("the dialog does not say where rules go:\n%s", text)
	}
	do(m, keyMsg("s"))
	if text := plain(m); !strings.Contains(text, "rules are saved to team-rules.json after every change") {
		t.Errorf("s over a rules file:\n%s", text)
	}
	m.Update(rulesSavedMsg{path: "/ro/rules.json", n: 2, err: errors.New("permission denied")})
	if text := plain(m); !strings.Contains(text, "rules not saved: permission denied") {
		t.Errorf("failed save:\n%s", text)
	}
	empty := newTestModel(t, b, func(o *Options) { o.Rules = model.NewRules(nil) })
	do(empty, sizeMsg(100, 30), keyMsg("R"))
	if text := plain(empty); !strings.Contains(text, "No rules yet. After you send an edited response, r keeps it") {
		t.Errorf("empty rules:\n%s", text)
	}
}

// r over an exchange whose response was edited keeps it as a rule for the
// next N matches of its session.
func TestKeepEditFromInspector(t *testing.T) {
	b := newBuilder()
	b.moveo(t0)
	edited := editedSession(b)
	rules := model.NewRules(nil)
	m := newTestModel(t, b, func(o *Options) { o.Rules, o.Now = rules, fixedNow })
	do(m, sizeMsg(120, 30))
	m.follow = false
	m.sel.set(m.ix.position(model.SessionKey{Platform: "moveo", ID: editedSID}))
	e := m.sel.selected()
	e.selEx, e.stick = edited, false
	do(m, keyMsg("tab"), keyMsg("enter"), keyMsg("right"))
	if text := plain(m); !strings.Contains(text, "you edited this response: r keeps it as a rule") {
		t.Errorf("the response tab does not offer to keep it:\n%s", text)
	}
	do(m, keyMsg("r"))
	if m.dialogs.len() != 1 {
		t.Fatal("r opened no dialog")
	}
	do(m, keyMsg("down"), keyMsg("left")) // the next N
	do(m, keyMsg("backspace"))
	do(m, typed("2")...)
	do(m, keyMsg("enter"))
	l := rules.List()
	if len(l) != 1 {
		t.Fatalf("rules: %+v", l)
	}
	r := l[0]
	if r.Scope != model.ScopeSession || r.Session != editedSID || r.Platform != "moveo" || r.Limit != 2 ||
		r.Body != `{"output":{"responses":[{"type":"text","text":"We are fully booked tonight, sorry."}]}}` ||
		r.Note != "kept from "+edited.String() || !r.Created.Equal(fixedAt) {
		t.Fatalf("rule %+v", r)
	}
	if text := plain(m); !strings.Contains(text, "rule #1: answers moveo session "+editedSID+", next 2 matches") {
		t.Errorf("no confirmation:\n%s", text)
	}
}

const editedSID = "3f9d2c1a-7b6e-4d5f-8a9b-0c1d2e3f4a5b"

// editedSession adds a Moveo session whose post message the user edited,
// and the next reply that followed; it returns the edited exchange.
func editedSession(b *builder) model.ExchangeID {
	at := t0.Add(3 * time.Minute)
	post := func(text string, at time.Time) string {
		return `{"event_type":"post_message","session_id":"` + editedSID + `","brain_id":"b71c","output":{"responses":[{"type":"text","text":"` + text + `"}]}}`
	}
	b.add(at, "moveo", "pre_message", editedSID, "POST", "/moveo/pre-message", "", `{"session_id":"`+editedSID+`","brain_id":"b71c","input":{"text":"A table for 8 tonight?"}}`,
		[]model.Turn{turn(model.RoleUser, "A table for 8 tonight?", at)}, moveoHeaders("aa"))
	at = at.Add(2 * time.Second)
	ex := b.add(at, "moveo", "post_message", editedSID, "POST", "/moveo/post-message", "", post("Yes, we have a table for 8 at 9pm.", at),
		[]model.Turn{turn(model.RoleAI, "Yes, we have a table for 8 at 9pm.", at)}, moveoHeaders("bb"),
		func(ex *model.Exchange) {
			ex.State, ex.Response = model.StateHeld, nil
			ex.HeldUntil = at.Add(9 * time.Second)
		})
	b.store.Update(ex.ID, func(ex *model.Exchange) {
		ex.State = model.StateResponded
		ex.Response = &model.Response{Status: 200, Headers: headers("Content-Type", "application/json"), Source: model.SourceEdited,
			Body: []byte(`{"output":{"responses":[{"type":"text","text":"We are fully booked tonight, sorry."}]}}`)}
		ex.Timings.Hold, ex.Timings.Total = 4200*time.Millisecond, 4201*time.Millisecond
	})
	at = at.Add(6 * time.Second)
	b.add(at, "moveo", "pre_message", editedSID, "POST", "/moveo/pre-message", "", `{"session_id":"`+editedSID+`","brain_id":"b71c","input":{"text":"Oh no. Tomorrow then?"}}`,
		[]model.Turn{turn(model.RoleUser, "Oh no. Tomorrow then?", at)}, moveoHeaders("cc"))
	at = at.Add(2 * time.Second)
	b.add(at, "moveo", "post_message", editedSID, "POST", "/moveo/post-message", "", post("Tomorrow at 8pm works. Shall I book it?", at),
		[]model.Turn{turn(model.RoleAI, "Tomorrow at 8pm works. Shall I book it?", at)}, moveoHeaders("dd"))
	return ex.ID
}
