package stats

import (
	"time"

	"github.com/harkhq/hark/model"
)

// Gap is the time between a user's turn and the bot's next turn: how long
// the user waited for an answer.
type Gap struct {
	User, Bot time.Time
	// Exchange is the one that carried the bot's turn.
	Exchange model.ExchangeID
}

// GapFinder finds gaps in a conversation's turns as they come. A gap runs
// from the user's last turn before the bot speaks to the bot's turn;
// markers are not turns, and a bot turn that comes before any user turn
// (a greeting), whose time is before the user's, or that came in the same
// webhook as the user's makes no gap.
type GapFinder struct {
	user     time.Time        // the user's latest turn not answered yet
	userFrom model.ExchangeID // the exchange that carried it
	waiting  bool
}

// Next takes the turns that follow those it already took and returns the
// gaps they close. Turns that came with a resend are not the
// conversation's and are passed over.
func (f *GapFinder) Next(turns []model.Turn) []Gap {
	var out []Gap
	for _, t := range turns {
		if t.Text == "" || t.Resent { // a marker, or hark's own resend
			continue
		}
		switch t.Role {
		case model.RoleUser:
			f.user, f.userFrom, f.waiting = t.Time, t.Exchange, true
		case model.RoleAI:
			// A webhook that carries both the user's turn and the bot's
			// answer (a bot platform's fulfillment) says nothing of the
			// time between them.
			sameHook := t.Exchange != 0 && t.Exchange == f.userFrom
			if f.waiting && !sameHook && !t.Time.Before(f.user) && !f.user.IsZero() {
				out = append(out, Gap{User: f.user, Bot: t.Time, Exchange: t.Exchange})
			}
			f.waiting = false
		}
	}
	return out
}
