package tunnel

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/harkhq/hark/sanitize"
)

// UsageError is a bad flag or configuration value, found before any
// connection is made. The CLI should print it and exit with status 2.
type UsageError struct {
	Flag string // the flag or setting at fault, e.g. "--basic-auth"; may be empty
	Msg  string // what is wrong and how to fix it
}

func (e *UsageError) Error() string {
	if e.Flag == "" {
		return e.Msg
	}
	return "invalid " + e.Flag + ": " + e.Msg
}

func usageErr(flag, format string, args ...any) *UsageError {
	return &UsageError{Flag: flag, Msg: fmt.Sprintf(format, args...)}
}

// Error is a failure to bring the public endpoint up (or to keep it up), in
// the terms a user needs: what ngrok said, its ERR_NGROK code, the page that
// documents the code, and one line on what to do. The authtoken never
// appears in any of its fields.
type Error struct {
	Code    string // "ERR_NGROK_107"; empty when the failure carries no ngrok code
	Message string // what happened; may span lines; sanitized, token redacted
	Docs    string // https://ngrok.com/docs/errors/err_ngrok_107; empty without a code
	Hint    string // one line: what the user can do about it
	Err     error  `json:"-"` // the underlying error, its text redacted
}

// Error renders the message, then the code, docs link and hint on their own
// indented lines.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if e.Code != "" {
		b.WriteString("\n  code: " + e.Code)
	}
	if e.Docs != "" {
		b.WriteString("\n  docs: " + e.Docs)
	}
	if e.Hint != "" {
		b.WriteString("\n  hint: " + e.Hint)
	}
	return b.String()
}

// Summary is the error on one line (first line of the message, and the
// code), for a status bar.
func (e *Error) Summary() string {
	line, _, _ := strings.Cut(e.Message, "\n")
	if e.Code != "" {
		return line + " (" + e.Code + ")"
	}
	return line
}

func (e *Error) Unwrap() error { return e.Err }

// docsURL is where ngrok documents an error code.
func docsURL(code string) string {
	return "https://ngrok.com/docs/errors/" + strings.ToLower(code)
}

var (
	codePattern = regexp.MustCompile(`ERR_NGROK_\d+`)
	// ngrok-go appends the docs link to some messages; we give our own.
	docsLinePattern = regexp.MustCompile(`^https://ngrok\.com/docs/errors/\S*$`)
)

// errorCode finds the ngrok code of err: through ngrok.Error's Code(), the
// ErrorCode() that errors inside events carry, or in the text itself.
func errorCode(err error) string {
	var withCode interface{ Code() string }
	if errors.As(err, &withCode) && codePattern.MatchString(withCode.Code()) {
		return withCode.Code()
	}
	var withErrorCode interface{ ErrorCode() string }
	if errors.As(err, &withErrorCode) && codePattern.MatchString(withErrorCode.ErrorCode()) {
		return withErrorCode.ErrorCode()
	}
	return codePattern.FindString(err.Error())
}

// errorMessage is the human part of err: ngrok's own message when it has
// one, without the code and docs lines, with blank lines squeezed out.
func errorMessage(err error) string {
	msg := err.Error()
	var withMsg interface{ Msg() string }
	if errors.As(err, &withMsg) && strings.TrimSpace(withMsg.Msg()) != "" {
		msg = withMsg.Msg()
	}
	msg = strings.ReplaceAll(msg, "\r\n", "\n")
	var lines []string
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || codePattern.MatchString(line) && strings.TrimSpace(codePattern.ReplaceAllString(line, "")) == "" || docsLinePattern.MatchString(line) {
			continue
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// hints says, for the codes a hark user meets, what to do next.
var hints = map[string]string{
	"ERR_NGROK_105":  "the authtoken is malformed: copy it again from " + tokenPage + " and run `ngrok config add-authtoken TOKEN` (or set NGROK_AUTHTOKEN)",
	"ERR_NGROK_106":  "that is an old ngrok v1 authtoken: get your current one from " + tokenPage,
	"ERR_NGROK_107":  "the authtoken was reset or revoked: copy the current one from " + tokenPage + " and run `ngrok config add-authtoken TOKEN` (or set NGROK_AUTHTOKEN)",
	"ERR_NGROK_108":  "your plan allows only so many agents online at once: stop another ngrok agent (see https://dashboard.ngrok.com/agents), or run with --local",
	"ERR_NGROK_121":  "ngrok no longer accepts this agent version: update hark",
	"ERR_NGROK_4018": "ngrok needs a verified account: sign up at https://dashboard.ngrok.com/signup, then install your authtoken from " + tokenPage,
	"ERR_NGROK_334":  "this URL is already online in another agent: stop that agent (see https://dashboard.ngrok.com/agents) or pass a different --url",
	"ERR_NGROK_319":  "reserve the domain first at https://dashboard.ngrok.com/domains, or drop --url to get a random URL",
	"ERR_NGROK_313":  "custom subdomains need a paid plan: use the free domain listed at https://dashboard.ngrok.com/domains with --url, or drop --url",
	"ERR_NGROK_9037": "--url takes a bare hostname such as example.ngrok.app (no path, port or other scheme)",
}

const tokenPage = "https://dashboard.ngrok.com/get-started/your-authtoken"

const policyHint = "ngrok rejected the traffic policy: check --traffic-policy FILE (hark puts its --allow-cidr and --basic-auth rules first in on_http_request) against https://ngrok.com/docs/traffic-policy/"

// authCodes are the failures of the authentication step that retrying
// cannot fix: seen before the first success, they end the connect at once
// (ngrok-go would otherwise retry them forever).
var authCodes = map[string]bool{
	"ERR_NGROK_105":  true,
	"ERR_NGROK_106":  true,
	"ERR_NGROK_107":  true,
	"ERR_NGROK_108":  true,
	"ERR_NGROK_121":  true,
	"ERR_NGROK_4018": true,
}

func hintFor(code string) string {
	if h, ok := hints[code]; ok {
		return h
	}
	if strings.HasPrefix(code, "ERR_NGROK_22") || code == "ERR_NGROK_9026" {
		return policyHint
	}
	if code != "" {
		return "see the docs link for this code"
	}
	return ""
}

// newError turns any error from ngrok-go into an *Error: code, docs and hint
// found from the code, everything redacted and made safe for a terminal.
// prefix, when not empty, is put before the message ("could not connect: ").
func newError(err error, prefix string, r redactor) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	code := errorCode(err)
	e := &Error{
		Code:    code,
		Message: r.redact(sanitize.Text(prefix + errorMessage(err))),
		Hint:    hintFor(code),
		Err:     r.redactErr(err),
	}
	if code != "" {
		e.Docs = docsURL(code)
	}
	return e
}

// redactor hides one secret, the authtoken, wherever text may carry it.
type redactor struct{ secret string }

// redacted is how a token is shown: enough to tell tokens apart, never
// enough to use one.
func redacted(token string) string {
	if len(token) < 12 {
		return "[redacted]"
	}
	return token[:4] + "…[redacted]"
}

func (r redactor) redact(s string) string {
	if r.secret == "" {
		return s
	}
	return strings.ReplaceAll(s, r.secret, redacted(r.secret))
}

// redactErr keeps err as it is when its text holds no secret (so errors.Is
// still sees through it), and otherwise replaces it by its redacted text.
func (r redactor) redactErr(err error) error {
	if err == nil || r.secret == "" || !strings.Contains(err.Error(), r.secret) {
		return err
	}
	return errors.New(r.redact(err.Error()))
}
