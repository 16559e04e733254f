package platform

import (
	"fmt"
	"time"

	"github.com/tidwall/gjson"

	"github.com/harkhq/hark/model"
)

// checkTime checks, for a request whose digest matched, when the platform
// signed it against when hark received it: a platform that puts the time
// in what it signs (Retell, Slack) rejects requests signed too long ago,
// so that a captured request cannot be played again. The detail is added
// to the valid signature's; an invalid one's says why.
func (s *signature) checkTime(in *input, header string) (model.SigState, string) {
	if s.stamp == nil {
		return model.SigValid, ""
	}
	parts, _ := s.split(header)
	text := s.expand(in, parts, s.stamp)
	signed, ok := parseTime(gjson.Result{Type: gjson.String, Str: text})
	switch {
	case !ok:
		return model.SigInvalid, fmt.Sprintf("the digest matches, but its time %s is not a time hark reads", quoteShort(fmt.Sprintf("%q", text)))
	case in.at.IsZero():
		return model.SigValid, fmt.Sprintf(" (signed at %s; no receive time to compare it with)", signed.Format("2006-01-02 15:04:05 MST"))
	}
	d := in.at.Sub(signed)
	if d <= s.tolerance && d >= -s.tolerance {
		return model.SigValid, ""
	}
	when := roughly(d) + " before it arrived"
	if d < 0 {
		when = roughly(-d) + " after it arrived"
	}
	return model.SigInvalid, fmt.Sprintf("the digest matches, but it was signed at %s, %s (at most %s apart): a replayed or delayed request",
		signed.Format("2006-01-02 15:04:05 MST"), when, roughly(s.tolerance))
}

// roughly writes a duration the way people say it: 14m30s, 3h0m, 2 days.
func roughly(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= time.Minute:
		return d.Truncate(time.Second).String()
	}
	return d.Round(time.Millisecond).String()
}
