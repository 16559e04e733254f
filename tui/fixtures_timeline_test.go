package tui

import (
	"fmt"
	"time"

	"github.com/harkhq/hark/model"
)

const timelineSID = "2b9e41c7-8d20-4f6a-b3e5-91c0d7a4f612"

// timelineSession adds a Moveo.ai conversation whose timing tells a
// story, ending at the tests' clock: quick answers; a pre message the
// forward target took 1.4 s over; a resend of it; a hold the user decided
// 8.6 s into the 10 s deadline (a near miss); the bot's answer 9.2 s after
// the user spoke; and one held right now, 3 s in.
func (b *builder) timelineSession() {
	start := fixedAt.Add(-38 * time.Second)
	in := func(text string, at time.Time) string {
		return fmt.Sprintf(`{"channel":"web","session_id":%q,"input":{"text":%q},"timestamp":%d}`, timelineSID, text, at.UnixMilli())
	}
	out := func(text string) string {
		return fmt.Sprintf(`{"event_type":"post_message","session_id":%q,"output":{"responses":[{"type":"text","text":%q}]}}`, timelineSID, text)
	}
	took := func(total time.Duration) exOpt {
		return func(ex *model.Exchange) { ex.Timings.Total = total }
	}
	at := func(s float64) time.Time { return start.Add(time.Duration(s * float64(time.Second))) }
	add := func(s float64, kind, path, body string, turns []model.Turn, opts ...exOpt) *model.Exchange {
		return b.add(at(s), "moveo", kind, timelineSID, "POST", path, "", body, turns, append([]exOpt{moveoHeaders("5d1c")}, opts...)...)
	}
	forwarded := func(lat time.Duration) exOpt {
		return func(ex *model.Exchange) {
			ex.Forward = &model.Forward{URL: "http://localhost:3000/moveo", Status: 200, Latency: lat,
				Headers: headers("Content-Type", "application/json"), Body: []byte(`{"context":{"terrace":"open"}}`)}
			ex.Timings.Forward = lat
			ex.Timings.Total = lat + 900*time.Microsecond
			ex.Response.Source = model.SourceForward
			ex.Response.Body = ex.Forward.Body
		}
	}
	add(0, "first_message", "/moveo", in("hi", at(0)),
		[]model.Turn{marker(model.MarkerCreated, at(0)), turn(model.RoleUser, "hi", at(0))}, took(640*time.Microsecond))
	add(2.1, "post_message", "/moveo", out("Hi! How can I help?"),
		[]model.Turn{turn(model.RoleAI, "Hi! How can I help?", at(2.1))}, took(510*time.Microsecond))
	terrace := add(9, "pre_message", "/moveo", in("Is the terrace open tonight?", at(9)),
		[]model.Turn{turn(model.RoleUser, "Is the terrace open tonight?", at(9))}, forwarded(1400*time.Millisecond))
	add(11.5, "dialog", "/moveo/dialog", in("Is the terrace open tonight?", at(11.5)),
		[]model.Turn{turn(model.RoleAI, "Yes, until 10pm.", at(11.5))}, took(2300*time.Microsecond))
	add(20, "pre_message", "/moveo", in("Can I bring my dog?", at(20)),
		[]model.Turn{turn(model.RoleUser, "Can I bring my dog?", at(20))}, func(ex *model.Exchange) {
			ex.Timings.Hold = 8600 * time.Millisecond
			ex.Timings.Total = 8610 * time.Millisecond
			ex.Response.Source = model.SourceEdited
			ex.Response.Body = []byte(`{"context":{"dogs":"terrace only"}}`)
		})
	add(29.2, "post_message", "/moveo", out("Dogs are welcome on the terrace."),
		[]model.Turn{turn(model.RoleAI, "Dogs are welcome on the terrace.", at(29.2))}, took(480*time.Microsecond))
	add(31, "pre_message", "/moveo", in("Is the terrace open tonight?", at(31)), nil, forwarded(1300*time.Millisecond),
		func(ex *model.Exchange) { ex.Resent = &model.Resent{Of: terrace.ID} })
	add(35, "pre_message", "/moveo", in("Great, book it for 8pm", at(35)),
		[]model.Turn{turn(model.RoleUser, "Great, book it for 8pm", at(35))}, func(ex *model.Exchange) {
			ex.State, ex.Response = model.StateHeld, nil
			ex.HeldUntil = ex.Received.Add(9 * time.Second)
			ex.Timings = model.Timings{Read: 38 * time.Microsecond, Journal: 350 * time.Microsecond}
		})
}

const time20 = 20 * time.Second

func durationMS(n int) time.Duration { return time.Duration(n) * time.Millisecond }
