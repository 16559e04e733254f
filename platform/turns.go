package platform

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/harkhq/hark/model"
)

// turnRule reads turns from a body: one per element of the array at each
// (arrays of arrays are flattened), or one from the body itself. A turn is
// made when the rule finds text or a lifecycle marker; marker turns are
// spoken by the system.
type turnRule struct {
	when     *cond             // the request must match it for the rule to apply (a header, the path...)
	each     string            // path of an array; the rule reads each element ("" = the body)
	where    []keyMatch        // element paths that must match, when set
	text     []source          // where the text is; the first string found wins
	roleAt   []source          // where the speaker's name is
	roles    []roleMatch       // speaker names → roles, first match wins; else common names (assistant, customer...)
	role     model.Role        // the speaker when none of the above tells
	time     []source          // where the turn's time is, else the request's
	marker   string            // a lifecycle marker every turn of the rule carries
	markerAt source            // where a value that markers maps to a lifecycle marker is
	markers  map[string]string //
}

// roleMatch maps speaker names that match to a role.
type roleMatch struct {
	m    matcher
	role model.Role
}

// Timestamps: a turn whose body carries no readable time gets the zero
// time, and whoever records it (the receiver) puts the receive time there;
// the platform package does no clock reading, so Classify stays a pure
// function of the request.

// turns applies the kind's rules in order.
func (in *input) turns(p *Profile, k *Kind) []model.Turn {
	if len(k.turns) == 0 || (in.shape != shapeJSON && in.form == nil) {
		return nil
	}
	root := in.root()
	reqTime := in.firstTime(&root, p.time)
	var out []model.Turn
	for i := range k.turns {
		r := &k.turns[i]
		if r.when != nil && !r.when.match(in) {
			continue
		}
		if r.each == "" {
			out = in.applyTurn(r, &root, reqTime, out)
			continue
		}
		eachLeaf(in.get(r.each), func(el gjson.Result) bool {
			if el.Exists() {
				out = in.applyTurn(r, &node{r: el}, reqTime, out)
			}
			return true
		})
	}
	return out
}

func (in *input) applyTurn(r *turnRule, el *node, reqTime time.Time, out []model.Turn) []model.Turn {
	if len(r.where) > 0 && (el.in != nil && in.shape != shapeJSON || !matchJSON(el, r.where)) {
		return out
	}
	t := model.Turn{Role: r.role, Marker: r.marker}
	if r.markers != nil {
		if m, ok := r.markers[in.value(&r.markerAt, el)]; ok {
			t.Marker = m
		}
	}
	for i := range r.text {
		if v := in.value(&r.text[i], el); strings.TrimSpace(v) != "" {
			t.Text = in.turnText(v)
			break
		}
	}
	if t.Text == "" && t.Marker == "" {
		return out
	}
	if role, ok := r.speaker(in, el); ok {
		t.Role = role
	}
	if t.Role == "" {
		t.Role = model.RoleUser
	}
	if t.Marker != "" && t.Text == "" {
		t.Role = model.RoleSystem
	}
	t.Time = reqTime
	if tm := in.firstTime(el, r.time); !tm.IsZero() {
		t.Time = tm
	}
	return append(out, t)
}

// speaker reads who spoke: the first name found that the rule's roles map,
// else that hark knows.
func (r *turnRule) speaker(in *input, el *node) (model.Role, bool) {
	for i := range r.roleAt {
		s := &r.roleAt[i]
		name := in.value(s, el)
		if name == "" {
			if v := el.get(s.key); s.readsJSON() && (v.Type == gjson.True || v.Type == gjson.False) {
				name = v.Raw // is_bot: true
			} else {
				continue
			}
		}
		for i := range r.roles {
			if r.roles[i].m.test(name, true) {
				return r.roles[i].role, true
			}
		}
		if role, ok := normalizeRole(name); ok {
			return role, true
		}
	}
	return "", false
}

// firstTime reads the first of paths that holds a time; a value that is
// there but not a time hark reads gets a note, unless the paths are the
// generic profile's guesses.
func (in *input) firstTime(el *node, srcs []source) time.Time {
	for i := range srcs {
		s := &srcs[i]
		var v gjson.Result
		switch {
		case s.readsJSON() && (el.in == nil || in.shape == shapeJSON):
			v = el.get(s.key)
		default: // a form field, header or query parameter: read as a JSON string
			text := in.value(s, el)
			if text == "" {
				continue
			}
			v = gjson.Result{Type: gjson.String, Str: text, Raw: fmt.Sprintf("%q", text)}
		}
		if !v.Exists() || v.Type == gjson.Null {
			continue
		}
		if t, ok := parseTime(v); ok {
			return t
		}
		if !in.quietTimes {
			in.noteOnce(fmt.Sprintf("%s %s is not a time hark reads (ISO 8601 or epoch)", s.key, quoteShort(v.Raw)))
		}
	}
	return time.Time{}
}

func (in *input) noteOnce(s string) {
	for _, n := range in.notes {
		if n == s {
			return
		}
	}
	in.note(s)
}

// parseTime reads ISO 8601 / RFC 3339 text, and epoch numbers (or numeric
// strings) in seconds, milliseconds, microseconds or nanoseconds, told
// apart by magnitude. Times are returned in UTC.
func parseTime(v gjson.Result) (time.Time, bool) {
	switch v.Type {
	case gjson.Number:
		return epoch(v.Num)
	case gjson.String:
		s := strings.TrimSpace(v.Str)
		if numeric(s) {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return epoch(f)
			}
		}
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return plausible(t)
			}
		}
	}
	return time.Time{}, false
}

// numeric reports whether s can only be a number, so that ISO dates skip
// ParseFloat (and its error allocation).
func numeric(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9', c == '.', c == 'e', c == 'E', c == '+':
		case c == '-' && (i == 0 || s[i-1] == 'e' || s[i-1] == 'E'):
		default:
			return false
		}
	}
	return s != ""
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",       // no zone: taken as UTC
	"2006-01-02 15:04:05.999999999Z07:00", // a space for the T
	"2006-01-02 15:04:05.999999999",       //
	"2006-01-02T15:04:05.999999999Z0700",  // zone without colon
	"2006-01-02 15:04:05.999999999 -0700", //
	time.RFC1123Z, time.RFC1123, time.UnixDate,
}

func epoch(f float64) (time.Time, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 {
		return time.Time{}, false
	}
	var t time.Time
	switch {
	case f >= 1e17: // nanoseconds
		t = time.Unix(0, int64(f))
	case f >= 1e14: // microseconds
		t = time.UnixMicro(int64(f))
	case f >= 1e11: // milliseconds: from March 1973 on
		t = time.UnixMilli(int64(f))
	default: // seconds, possibly fractional: to the microsecond, all a
		// float64 of today's seconds holds (1735812009.02 is .02, not .0199999)
		sec, frac := math.Modf(f)
		t = time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3)
	}
	return plausible(t)
}

// plausible rejects times a conversation cannot have, which are more
// likely counters or ids than timestamps.
func plausible(t time.Time) (time.Time, bool) {
	if t.Year() < 1990 || t.Year() > 2200 {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// normalizeRole maps the names platforms give speakers to hark's roles.
func normalizeRole(s string) (model.Role, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "user", "human", "customer", "visitor", "client", "caller", "contact", "end_user", "enduser":
		return model.RoleUser, true
	case "ai", "assistant", "bot", "agent", "model", "brain", "virtual_agent":
		return model.RoleAI, true
	case "system", "tool", "function":
		return model.RoleSystem, true
	}
	return "", false
}

// maxTurnText bounds the text a turn keeps: sessions keep their turns for
// good, and the body (journal, inspector) still has all of it.
const maxTurnText = 32 << 10

func (in *input) turnText(s string) string {
	s, cut := keep(s, maxTurnText)
	if cut {
		in.noteOnce(fmt.Sprintf("a turn's text was cut to %d KiB for the transcript; the body has all of it", maxTurnText>>10))
		s += "…"
	}
	return s
}

// keep returns text to keep from a body: valid UTF-8 (invalid bytes become
// U+FFFD, as they would on the way through JSON), at most max bytes cut on
// a character boundary, and sharing no memory with the body, so that
// keeping a turn or an id does not keep the whole body alive.
func keep(s string, max int) (kept string, cut bool) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) > max {
		s, cut = cutUTF8(s, max), true
	}
	return strings.Clone(s), cut
}

// cutUTF8 cuts s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// quoteShort shows a raw JSON value in a note, cut to a readable length.
func quoteShort(raw string) string {
	const max = 40
	s, cut := keep(raw, max)
	if cut {
		s += "…"
	}
	return s
}
