package tui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/harkhq/hark/model"
)

// Golden views: each case at 80×24 and 160×48, on dark and light
// backgrounds. Per size, text.golden is what a reader sees (the styles
// stripped; the same on both backgrounds) and dark/light.golden the full
// styled frame. Regenerate with `go test ./tui -run TestGolden -update`.

type goldenCase struct {
	name  string
	build func(b *builder)
	steps []tea.Msg
	opts  func(*Options)
	// prep sets options that depend on what build made (holds, rules).
	prep func(b *builder) func(*Options)
}

func goldenCases() []goldenCase {
	return []goldenCase{
		{name: "empty", build: func(*builder) {}},
		{name: "navtalk", build: func(b *builder) {
			b.navtalk(t0)
		}, steps: keys("tab")},
		{name: "chatbot_inspector", build: func(b *builder) {
			b.navtalk(t0)
			b.chatbot(t0.Add(60 * time.Second))
		}, steps: keys("tab", "enter")},
		{name: "moveo", build: func(b *builder) {
			b.navtalk(t0)
			b.moveo(t0.Add(120 * time.Second))
		}, steps: keys("tab")},
		{name: "grid", build: func(b *builder) {
			b.crowd(t0, 6)
			b.navtalk(t0.Add(30 * time.Second))
			b.chatbot(t0.Add(60 * time.Second))
			b.moveo(t0.Add(120 * time.Second))
		}, steps: keys("v", "right")},
		{name: "filter", build: func(b *builder) {
			b.crowd(t0, 3)
			b.navtalk(t0.Add(30 * time.Second))
			b.chatbot(t0.Add(60 * time.Second))
			b.moveo(t0.Add(120 * time.Second))
		}, steps: append(keys("/"), typed("kind:pre")...)},
		{name: "hostile", build: func(b *builder) {
			b.navtalk(t0)
			b.hostile(t0.Add(200 * time.Second))
		}, steps: keys("tab", "g")},
		{name: "hostile_inspector", build: func(b *builder) {
			b.hostile(t0.Add(200 * time.Second))
		}, steps: keys("tab", "enter")},
		{name: "editor", build: func(b *builder) {
			b.navtalk(t0)
			b.moveo(t0.Add(120 * time.Second))
		}, prep: ruleProposal, steps: keys("E")},
		{name: "editor_invalid", build: func(b *builder) {
			b.navtalk(t0)
			b.moveo(t0.Add(120 * time.Second))
		}, prep: holdsFor, steps: append(append(keys("E", "ctrl+k"), typed(`{"input":{"text":"Can I bring my dog?",}}`)...), keyMsg("ctrl+s"))},
		{name: "rules", build: func(b *builder) {
			b.navtalk(t0)
		}, opts: func(o *Options) { o.Rules = twoRules() }, steps: keys("R")},
		{name: "timeline", build: func(b *builder) {
			b.navtalk(t0)
			b.timelineSession()
		}, steps: keys("t")},
		{name: "timeline_inspector", build: func(b *builder) {
			b.navtalk(t0)
			b.timelineSession()
		}, steps: keys("t", "up", "up", "up", "enter")},
		{name: "edited_transcript", build: func(b *builder) {
			b.navtalk(t0)
			editedSession(b)
		}, steps: keys("tab")},
	}
}

// ruleProposal holds the builder's held exchanges with a rule's answer as
// the proposal.
func ruleProposal(b *builder) func(*Options) {
	holds := model.NewHolds()
	rules := model.NewRules(nil)
	r := rules.Add(model.Rule{Scope: model.ScopeKind, Platform: "moveo", Kind: "pre_message", Enabled: true, Status: 200,
		Headers: headers("Content-Type", "application/json"),
		Body:    `{"context":{"live_instructions":"The guest asked about dogs: only small dogs, on the terrace."}}`})
	holdWith(b, holds, r.Decision())
	return func(o *Options) {
		o.Holds, o.Rules, o.Intercept = holds, rules, model.NewIntercept(model.InterceptConsumed)
	}
}

// holdsFor registers the builder's held exchanges for the editor.
func holdsFor(b *builder) func(*Options) {
	opt, _, _ := withHolds(b)
	return opt
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases() {
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s/%dx%d", c.name, size[0], size[1]), func(t *testing.T) {
				var text string
				for _, bg := range []struct {
					name string
					msg  tea.BackgroundColorMsg
				}{{"dark", darkBG}, {"light", lightBG}} {
					b := newBuilder()
					c.build(b)
					var opts []func(*Options)
					if c.opts != nil {
						opts = append(opts, c.opts)
					}
					if c.prep != nil {
						opts = append(opts, c.prep(b))
					}
					m := newTestModel(t, b, opts...)
					do(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]}, bg.msg)
					do(m, c.steps...)
					content := screen(m)
					checkFrame(t, content, size[0], size[1])
					t.Run(bg.name, func(t *testing.T) { golden.RequireEqual(t, content) })
					stripped := ansi.Strip(content)
					if text != "" && stripped != text {
						t.Errorf("the %s view reads differently from the dark one", bg.name)
					}
					text = stripped
				}
				t.Run("text", func(t *testing.T) { golden.RequireEqual(t, text) })
			})
		}
	}
}

// The journal picker, in the same sizes and backgrounds.
func TestGoldenPicker(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			var text string
			for _, bg := range []struct {
				name string
				msg  tea.BackgroundColorMsg
			}{{"dark", darkBG}, {"light", lightBG}} {
				p := newPicker("/home/ana/.local/share/hark/journals", pickerEntries(), fixedAt, time.UTC, false)
				p.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				p.Update(bg.msg)
				p.Update(keyMsg("down"))
				content := p.View().Content
				checkFrame(t, content, size[0], size[1])
				t.Run(bg.name, func(t *testing.T) { golden.RequireEqual(t, content) })
				text = ansi.Strip(content)
			}
			t.Run("text", func(t *testing.T) { golden.RequireEqual(t, text) })
		})
	}
}
