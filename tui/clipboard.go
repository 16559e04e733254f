package tui

import (
	"sort"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// Copying goes through OSC 52 (tea.SetClipboard), which works over SSH and
// in most terminals; the copied text is base64 in the escape sequence, so it
// never reaches the screen.

// copyURL copies the public URL.
func (m *Model) copyURL() tea.Cmd {
	u := m.endpoint.URL
	if u == "" {
		return m.flash.say("no URL to copy", flashShort)
	}
	return tea.Batch(tea.SetClipboard(u), m.flash.say("copied "+oneLine(u), flashShort))
}

// copyExchange copies the selected exchange's body (the response's when the
// inspector shows the response) or a curl command that replays it.
func (m *Model) copyExchange(msg tea.KeyPressMsg) tea.Cmd {
	id := m.currentExchange()
	if id == 0 {
		return m.flash.say("select an exchange first", flashShort)
	}
	ex, pending, why := m.whole(id)
	switch {
	case pending:
		if m.rb.after == nil {
			m.rb.after = make(map[model.ExchangeID]tea.KeyPressMsg)
		}
		m.rb.after[id] = msg // copied once it is back
		return m.flash.say("reading "+id.String()+" back from the journal…", flashShort)
	case why != "":
		return m.flash.say(why, flashRead)
	}
	if key.Matches(msg, m.keys.CopyCurl) {
		return tea.Batch(tea.SetClipboard(curlCommand(&ex, m.endpoint.URL)), m.flash.say("copied curl for "+id.String(), flashShort))
	}
	body, what := ex.Request.Body, "request body"
	if m.insp.open && m.insp.tab == tabResponse && ex.Response != nil {
		body, what = ex.Response.Body, "response body"
	}
	switch {
	case len(body) == 0:
		return m.flash.say("the "+what+" of "+id.String()+" is empty", flashShort)
	}
	return tea.Batch(tea.SetClipboard(string(body)), m.flash.say("copied "+what+" of "+id.String()+" ("+byteSize(int64(len(body)))+")", flashShort))
}

// currentExchange is the exchange the copy keys act on: the inspected one,
// else the one selected in the transcript.
func (m *Model) currentExchange() model.ExchangeID {
	if m.insp.open {
		return m.insp.id
	}
	if e := m.sel.selected(); e != nil {
		if e.selEx != 0 {
			return e.selEx
		}
		if n := len(e.sess.Exchanges); n > 0 {
			return e.sess.Exchanges[n-1]
		}
	}
	return 0
}

// skipHeaders are not replayed: hop-by-hop headers, those curl computes
// itself, and those the tunnel's edge added.
var skipHeaders = map[string]bool{
	"connection": true, "keep-alive": true, "proxy-authenticate": true,
	"proxy-authorization": true, "proxy-connection": true, "te": true, "trailer": true,
	"transfer-encoding": true, "upgrade": true, "content-length": true, "host": true,
	"x-forwarded-for": true, "x-forwarded-proto": true, "x-forwarded-host": true,
	"x-forwarded-port": true,
}

// curlCommand builds a shell command that sends the same request again:
// method, base URL + path + query, headers (sorted), and the exact body.
// Credentials (Authorization, Cookie, signatures, tokens, and the body
// fields the platform's profile names) are REDACTED: a copied command ends
// up in chats and tickets.
// Every argument is quoted for POSIX shells; one that holds bytes a
// terminal must not see raw is written with bash's $'…' escapes instead.
func curlCommand(ex *model.Exchange, baseURL string) string {
	req := &ex.Request
	base := strings.TrimRight(baseURL, "/")
	if base == "" {
		host := req.Host
		if host == "" {
			host = "localhost"
		}
		base = "http://" + host
	}
	u := base + req.Path
	if req.RawQuery != "" {
		u += "?" + platform.RedactQuery(req.RawQuery)
	}
	hdrs := platform.RedactHeaders(req.Headers)
	parts := []string{"curl", "-X", shellQuote(req.Method), shellQuote(u)}
	names := make([]string, 0, len(hdrs))
	for k := range hdrs {
		if !skipHeaders[strings.ToLower(k)] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range hdrs[k] {
			parts = append(parts, "-H", shellQuote(k+": "+v))
		}
	}
	if body := platform.RedactBody(ex.Platform, req.Body); len(body) > 0 {
		parts = append(parts, "--data-binary", shellQuote(string(body)))
	}
	return strings.Join(parts, " ")
}

// shellQuote quotes s as one shell word. Plain text goes in single quotes
// (a quote inside becomes '\”); text with control characters, invalid
// UTF-8 or other invisible runes uses $'…' with escapes, so pasting the
// command never sends raw control bytes to a terminal.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	if !needsEscapes(s) {
		if isBareWord(s) {
			return s
		}
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x` + hexByte(s[i]))
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\'':
			b.WriteString(`\'`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x` + hexByte(byte(r)))
		case unsafeShellRune(r):
			for _, c := range []byte(s[i : i+size]) {
				b.WriteString(`\x` + hexByte(c))
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteString("'")
	return b.String()
}

// needsEscapes reports bytes that must not be pasted raw: controls other
// than newline and tab, invalid UTF-8, C1 controls and bidi or invisible
// format characters.
func needsEscapes(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return true
		case r == '\n' || r == '\t':
		case r < 0x20 || r == 0x7f:
			return true
		case unsafeShellRune(r):
			return true
		}
		i += size
	}
	return false
}

func unsafeShellRune(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029 ||
		(r >= 0x200b && r <= 0x200f) || (r >= 0x202a && r <= 0x202e) ||
		(r >= 0x2066 && r <= 0x2069) || r == 0xfeff
}

// isBareWord reports a word that needs no quotes at all.
func isBareWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_./:@%+,", c) >= 0) {
			return false
		}
	}
	return true
}

func hexByte(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}
