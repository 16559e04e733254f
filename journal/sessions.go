package journal

import (
	"fmt"
	"slices"
	"strings"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
)

// Sessions lists the journal's sessions in the order they were first seen,
// each with its first and last time and its exchange ids (turns are what
// a model.Store rebuilds with Fill).
func (l *Loaded) Sessions() []model.Session {
	index := map[model.SessionKey]int{}
	var out []model.Session
	for _, ex := range l.Exchanges {
		k := ex.Session()
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, model.Session{Key: k, FirstSeen: ex.Received, LastSeen: ex.Received})
		}
		s := &out[i]
		s.Exchanges = append(s.Exchanges, ex.ID)
		if ex.Received.Before(s.FirstSeen) {
			s.FirstSeen = ex.Received
		}
		if ex.Received.After(s.LastSeen) {
			s.LastSeen = ex.Received
		}
	}
	return out
}

// Selection is a part of a journal: some sessions and their exchanges, in
// id order.
type Selection struct {
	Sessions  []model.Session
	Exchanges []*model.Exchange
}

// Select keeps the sessions that want names: a session id on any platform,
// or PLATFORM/ID, as it is or as hark shows it (sanitize.Line: a control
// character or a bidi override escaped), so that an id copied from a
// message or the monitor can be typed back. An empty want keeps the whole
// journal. No session of that name is a *NoSessionError.
func (l *Loaded) Select(want string) (Selection, error) {
	sessions := l.Sessions()
	if want == "" {
		return Selection{Sessions: sessions, Exchanges: l.Exchanges}, nil
	}
	var keys []model.SessionKey
	var kept []model.Session
	for _, s := range sessions {
		if s.Key.ID == want || s.Key.String() == want || sanitize.Line(s.Key.ID) == want || sanitize.Line(s.Key.String()) == want {
			keys = append(keys, s.Key)
			kept = append(kept, s)
		}
	}
	if len(keys) == 0 {
		return Selection{}, &NoSessionError{Want: want, Path: l.Path, Sessions: sessions}
	}
	var exs []*model.Exchange
	for _, ex := range l.Exchanges {
		if slices.Contains(keys, ex.Session()) {
			exs = append(exs, ex)
		}
	}
	return Selection{Sessions: kept, Exchanges: exs}, nil
}

// NoSessionError is a session name that matches no session of a journal.
// Its message names a few sessions that are there, the busiest first.
type NoSessionError struct {
	Want     string
	Path     string
	Sessions []model.Session
}

func (e *NoSessionError) Error() string {
	return fmt.Sprintf(`--session "%s": no such session in %s; %s`, sanitize.Line(e.Want), sanitize.Line(e.Path), SessionList(e.Sessions))
}

// SessionList names a few sessions, the busiest first, for a message that
// must help the user pick one.
func SessionList(sessions []model.Session) string {
	if len(sessions) == 0 {
		return "the journal holds no sessions"
	}
	sorted := slices.Clone(sessions)
	slices.SortStableFunc(sorted, func(a, b model.Session) int { return len(b.Exchanges) - len(a.Exchanges) })
	const shown = 8
	var names []string
	for _, s := range sorted[:min(shown, len(sorted))] {
		names = append(names, fmt.Sprintf("%s (%s)", sanitize.Line(s.Key.String()), count(len(s.Exchanges), "exchange")))
	}
	list := strings.Join(names, ", ")
	if len(sorted) > shown {
		list += fmt.Sprintf(", and %d more", len(sorted)-shown)
	}
	if len(sessions) == 1 {
		return "1 session is in it: " + list
	}
	return fmt.Sprintf("%d sessions are in it: %s", len(sessions), list)
}

// count is "1 exchange" or "2 exchanges".
func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
