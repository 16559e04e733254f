package export

import (
	"strings"

	"github.com/harkhq/hark/sanitize"
)

// Markdown files are read in editors and rendered by code hosts, not drawn
// on a terminal: real Unicode stays, but what comes from the network must
// neither change the document's structure (emphasis, links, tables, HTML,
// math) nor hide from the reader (control characters, bidi overrides). So
// text is first made visible with sanitize (control characters become
// escapes such as \x1b), then every character Markdown gives a meaning to
// is backslash-escaped.

// mdSpecial are the ASCII punctuation characters that CommonMark and GitHub
// Flavored Markdown may give a meaning to inside a line (emphasis, code,
// links, HTML, tables, strikethrough, a heading's closing #, entities,
// math); each can be backslash-escaped. "!" needs no escape: an image
// needs the "[" that follows it, and that one is escaped.
const mdSpecial = "\\`*_[]<>|~#&$"

// mdText is untrusted text for use inside a line of Markdown: newlines
// become <br> (the only HTML hark writes itself).
func mdText(s string) string {
	s = sanitize.Text(s)
	if !strings.ContainsAny(s, mdSpecial+"\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\n':
			b.WriteString("<br>")
		case strings.IndexByte(mdSpecial, c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// mdLine is mdText for text that must stay on one line (headings, list
// labels): newlines are shown as \n.
func mdLine(s string) string {
	return mdText(sanitize.Line(s))
}

// fence returns a code fence of backticks longer than any run of backticks
// in body, so that the body cannot close it.
func fence(body string) string {
	longest, run := 0, 0
	for i := 0; i < len(body); i++ {
		if body[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// codeBlock writes a fenced block: body is made visible with sanitize
// (newlines kept) and may be anything.
func codeBlock(b *strings.Builder, lang, body string) {
	body = sanitize.Text(body)
	f := fence(body)
	b.WriteString(f + lang + "\n")
	b.WriteString(body)
	if !strings.HasSuffix(body, "\n") {
		b.WriteByte('\n')
	}
	b.WriteString(f + "\n")
}
