package tui

import (
	"testing"

	"github.com/harkhq/hark/filter"
	"github.com/harkhq/hark/model"
)

// Whatever arrives from the network, every view stays exactly the
// terminal's size — measured by grapheme cluster as the layout does, and
// by code point as terminals do, so no joined emoji moves a border — and
// nothing but style sequences reaches the terminal.
func FuzzRenderUntrusted(f *testing.F) {
	f.Add("c7f3a1e2", "Hello!", "/api/webhook/message", "a=b", `{"event":"session.created"}`, "X-Note", "v")
	f.Add("evil\x1b[2J", "red \x1b[31m\u202e \xff", "/p\x1b]52;c;eA==\a", "q=\x9b", "{\"a\":\"\xff\u202e\"}", "X\x1b[1m", "\x07")
	f.Add("", "", "", "", "", "", "")
	f.Add("日本語のセッション", "😀👍🏽‍ zero\u200dwidth joiner", "/ü", "ä=ö", `[1,2,3]`, "Ü", "ö")
	f.Add("👨\u200d👩\u200d👧", "family 👨\u200d👩\u200d👧 thumbs 👍🏽 heart ❤️ flag 🇫🇷 क्ष กำ", "/🏳️\u200d🌈", "e=\u0301", `{"t":"👨\u200d👩"}`, "X-👍🏽", "1️⃣")
	f.Add("x", string(make([]byte, 3000)), "/"+string(make([]byte, 500)), "", "\x00\x01\x02", "A", "\r\n")
	f.Fuzz(func(t *testing.T, sid, text, path, query, body, hname, hvalue string) {
		b := newBuilder()
		b.add(t0, "generic", "message", sid, "POST", path, query, body,
			[]model.Turn{turn(model.RoleUser, text, t0), {Role: model.Role(text), Marker: text, Time: t0}},
			func(ex *model.Exchange) {
				ex.Request.Headers = map[string][]string{hname: {hvalue}}
				ex.Notes = []string{text}
				ex.Response.Body = []byte(body)
			})
		m := newTestModel(t, b)
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			do(m, sizeMsg(size[0], size[1]))
			checkFrame(t, screen(m), size[0], size[1])
			for _, steps := range [][]string{{"tab"}, {"enter"}, {"2"}, {"3"}, {"4"}, {"esc", "v"}, {"v"}, {"t"}, {"enter"}, {"esc", "t"}} {
				do(m, keys(steps...)...)
				checkFrame(t, screen(m), size[0], size[1])
			}
		}
	})
}

// Whatever is typed, the index's shortcut never rules out a session that
// has a matching exchange.
func FuzzRejects(f *testing.F) {
	for _, s := range []string{"", "platform:moveo status:4xx", `"a b" -kind:x`, "-", ":", `"`, "status:", "a:b:c", "hello", "body:hello", "HEL"} {
		f.Add(s)
	}
	b := newBuilder()
	b.add(t0, "moveo", "pre_message", "s-1", "POST", "/moveo", "", `{"hello":1}`, []model.Turn{{Role: model.RoleUser, Text: "hello"}},
		func(ex *model.Exchange) { ex.State, ex.Response = model.StateHeld, nil })
	m := newTestModel(f, b, func(o *Options) { o.ReadOnly = true })
	e := m.ix.order[0]
	bodies := &bodySearch{store: b.store, history: true}
	m.ix.bodies = bodies
	f.Fuzz(func(t *testing.T, s string) {
		q := filter.Parse(s)
		if m.ix.rejects(q, e) && q.Match(&e.rows[0].Row, bodies) {
			t.Errorf("%q: the session is ruled out, yet its exchange matches", s)
		}
	})
}
