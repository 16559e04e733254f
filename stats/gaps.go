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
// (a greeting) or whose time is before the user's makes no gap.
type GapFinder struct {
	user    time.Time // the user's latest turn not answered yet
	waiting bool
}

// Next takes the turns that follow those it already took and returns the
// gaps they close.
func (f *GapFinder) Next(turns []model.Turn) []Gap {
	var out []Gap
	for _, t := range turns {
		if t.Text == "" {
			continue
		}
		switch t.Role {
		case model.RoleUser:
			f.user, f.waiting = t.Time, true
		case model.RoleAI:
			if f.waiting && !t.Time.Before(f.user) && !f.user.IsZero() {
				out = append(out, Gap{User: f.user, Bot: t.Time, Exchange: t.Exchange})
			}
			f.waiting = false
		}
	}
	return out
}
