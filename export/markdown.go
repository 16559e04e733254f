package export

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidwall/pretty"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/platform"
)

// MarkdownOptions tune WriteMarkdown.
type MarkdownOptions struct {
	// Location is the time zone of the times shown; UTC when nil.
	Location *time.Location
	// Version is hark's version, named at the end of the transcript.
	Version string
	// MaxBody bounds each body shown, in bytes (after pretty-printing);
	// 0 means DefaultMarkdownBody. A longer body is cut, with a note.
	MaxBody int
	// Raw keeps credentials: without it, the platforms' token parameters
	// in the paths shown are REDACTED (platform.Redact).
	Raw bool
}

// DefaultMarkdownBody is how much of each body a transcript shows.
const DefaultMarkdownBody = 16 << 10

// WriteMarkdown writes a readable transcript of one session, for a bug
// report: what the session is, the conversation turn by turn with times and
// lifecycle markers (and, after a response the user edited, which turn it
// produced), how a delivered session record compares with what was seen
// live, then every hook exchange: method, path, status, where the response
// came from, latency, signature check, notes, and the body sent when it was
// not the platform's default (edited, rule, forward, fallback), with the
// request and response bodies in collapsed sections.
//
// session is the session as a model.Store rebuilt it (its turns carry
// AfterEdit; its Record is the record diff); exchanges are its exchanges,
// in order. Everything from the network is escaped: the transcript renders
// as the text it holds, never as markup.
func WriteMarkdown(w io.Writer, session model.Session, exchanges []*model.Exchange, opts MarkdownOptions) error {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMarkdownBody
	}
	m := &mdWriter{opts: opts, byID: make(map[model.ExchangeID]*model.Exchange, len(exchanges))}
	if !opts.Raw {
		redacted := make([]*model.Exchange, len(exchanges))
		for i, ex := range exchanges {
			redacted[i] = platform.Redact(ex)
		}
		exchanges = redacted
	}
	for _, ex := range exchanges {
		m.byID[ex.ID] = ex
	}
	m.header(session, exchanges)
	m.conversation(session)
	if session.Record != nil {
		m.record(session.Record)
	}
	m.exchanges(exchanges)
	version := opts.Version
	if version == "" {
		version = "devel"
	}
	m.b.WriteString("\n---\n\n_Transcript exported by hark " + mdLine(version) + "._\n")
	_, err := io.WriteString(w, m.b.String())
	return err
}

type mdWriter struct {
	opts MarkdownOptions
	byID map[model.ExchangeID]*model.Exchange
	b    strings.Builder
}

func (m *mdWriter) printf(format string, args ...any) { fmt.Fprintf(&m.b, format, args...) }

func (m *mdWriter) clock(t time.Time) string {
	if t.IsZero() {
		return "`--:--:--`"
	}
	return "`" + t.In(m.opts.Location).Format("15:04:05") + "`"
}

func (m *mdWriter) date(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.In(m.opts.Location).Format("2006-01-02 15:04:05.000 MST")
}

func (m *mdWriter) header(s model.Session, exchanges []*model.Exchange) {
	m.printf("# %s session %s\n\n", mdLine(platform.TitleOf(s.Key.Platform)), mdLine(s.Key.ID))
	m.printf("- **Platform:** %s (%s)\n", mdLine(platform.TitleOf(s.Key.Platform)), mdLine(s.Key.Platform))
	m.printf("- **Session:** %s\n", mdLine(s.Key.ID))
	m.printf("- **First seen:** %s\n", m.date(s.FirstSeen))
	last := m.date(s.LastSeen)
	if !s.FirstSeen.IsZero() && s.LastSeen.After(s.FirstSeen) {
		last += " (" + s.LastSeen.Sub(s.FirstSeen).Round(time.Millisecond).String() + " later)"
	}
	m.printf("- **Last seen:** %s\n", last)

	var errs, edited int
	for _, ex := range exchanges {
		if ex.Failed() {
			errs++
		}
		if ex.Response != nil && ex.Response.Source == model.SourceEdited {
			edited++
		}
	}
	counts := strconv.Itoa(len(exchanges))
	if errs > 0 {
		counts += ", " + plural(errs, "error")
	}
	if edited > 0 {
		counts += ", " + plural(edited, "edited response")
	}
	m.printf("- **Exchanges:** %s\n", counts)
	state := "open"
	if s.Closed {
		state = "closed"
	}
	m.printf("- **Turns:** %d spoken; session %s\n", s.SpokenTurns(), state)
}

func (m *mdWriter) conversation(s model.Session) {
	m.b.WriteString("\n## Conversation\n\n")
	if len(s.Turns) == 0 {
		m.b.WriteString("_No turns: the session's webhooks carried no conversation text._\n")
		return
	}
	for _, t := range s.Turns {
		m.b.WriteString("- " + m.turn(t))
		if t.Exchange != 0 {
			m.b.WriteString(" · " + t.Exchange.String())
		}
		if t.AfterEdit != 0 {
			m.b.WriteString(" · ↳ after the edit of " + t.AfterEdit.String())
		}
		m.b.WriteByte('\n')
	}
}

// turn is one turn on a line: its time, then who said what, or the
// lifecycle marker.
func (m *mdWriter) turn(t model.Turn) string {
	var b strings.Builder
	b.WriteString(m.clock(t.Time) + " ")
	if t.Marker != "" {
		b.WriteString("— _session " + mdLine(t.Marker) + "_")
		if t.Text != "" {
			b.WriteString(" ")
		}
	}
	if t.Text != "" || t.Marker == "" {
		b.WriteString("**" + mdLine(string(t.Role)) + ":** " + mdText(t.Text))
	}
	return b.String()
}

func (m *mdWriter) record(d *model.RecordDiff) {
	m.b.WriteString("\n## Session record\n\n")
	if d.Clean() {
		m.printf("The platform delivered a complete record of the session in %s; it matches the live events (%s).\n",
			d.Exchange, plural(d.Matched, "turn"))
		return
	}
	m.printf("The platform delivered a complete record of the session in %s: %s; %s matched.\n",
		d.Exchange, mdLine(strings.TrimPrefix(d.Summary(), "record: ")), plural(d.Matched, "turn"))
	m.b.WriteByte('\n')
	for _, t := range d.Missing {
		m.b.WriteString("- Missing from the live events: " + m.turn(t) + "\n")
	}
	for _, t := range d.Extra {
		m.b.WriteString("- Seen live, absent from the record: " + m.turn(t) + "\n")
	}
	for _, p := range d.Different {
		m.printf("- Different text: %s **%s:** live %s · record %s\n",
			m.clock(p.Live.Time), mdLine(string(p.Live.Role)), quoted(p.Live.Text), quoted(p.Record.Text))
	}
}

func quoted(s string) string { return "“" + mdText(s) + "”" }

func (m *mdWriter) exchanges(exchanges []*model.Exchange) {
	m.b.WriteString("\n## Exchanges\n")
	for _, ex := range exchanges {
		m.exchange(ex)
	}
}

func (m *mdWriter) exchange(ex *model.Exchange) {
	req := &ex.Request
	path := req.Path
	if req.RawQuery != "" {
		path += "?" + req.RawQuery
	}
	m.printf("\n### %s · %s · %s %s → %s\n\n", ex.ID, m.clock(ex.Received), mdLine(req.Method), mdLine(path), m.outcome(ex))

	kind := "- **Kind:** " + mdLine(ex.Kind)
	if ex.Consumed {
		kind += "; the platform acts on the response"
		if ex.Deadline > 0 {
			kind += " (deadline " + ex.Deadline.String() + ")"
		}
	}
	m.b.WriteString(kind + "\n")
	if s := ex.Signature; s.State != model.SigNone || s.Scheme != "" {
		line := "- **Signature:** " + mdLine(string(s.State))
		if s.Scheme != "" {
			line += " (" + mdLine(s.Scheme) + ")"
		}
		if s.Detail != "" {
			line += ": " + mdLine(s.Detail)
		}
		m.b.WriteString(line + "\n")
	}
	if ex.Timings.Hold > 0 {
		m.printf("- **Held:** %s\n", formatLatency(ex.Timings.Hold))
	}
	if f := ex.Forward; f != nil {
		line := "- **Forward:** " + mdLine(f.URL) + " →"
		if f.Status != 0 {
			line += " " + strconv.Itoa(f.Status) + " in " + formatLatency(f.Latency)
		}
		if f.Error != "" {
			line += " " + mdLine(f.Error)
		}
		m.b.WriteString(line + "\n")
	}
	for _, n := range ex.Notes {
		m.b.WriteString("- **Note:** " + mdText(n) + "\n")
	}
	if ex.Evicted {
		m.b.WriteString("- **Bodies:** no longer in memory when this was exported; the journal has them\n")
	}
	if r := ex.Response; r != nil {
		if what := sentInstead(r); what != "" {
			m.printf("\n%s:\n\n", what)
			m.body(r.Body, headerValue(r.Headers, "Content-Type"))
		}
	}
	if len(req.Body) > 0 {
		m.details("Request body", req.Body, headerValue(req.Headers, "Content-Type"), req.Truncated)
	}
	if r := ex.Response; r != nil && len(r.Body) > 0 && sentInstead(r) == "" {
		m.details("Response body", r.Body, headerValue(r.Headers, "Content-Type"), false)
	}
}

// outcome is "200 edited · 1.40ms", or why there was no response.
func (m *mdWriter) outcome(ex *model.Exchange) string {
	r := ex.Response
	if r == nil {
		return "no response (" + mdLine(string(ex.State)) + ")"
	}
	s := strconv.Itoa(r.Status) + " " + mdLine(string(r.Source))
	if r.Rule != "" {
		s += " " + mdLine(r.Rule)
	}
	if ex.State != model.StateResponded && ex.State != model.StateFallback {
		s += " (" + mdLine(string(ex.State)) + ")"
	}
	return s + " · " + formatLatency(ex.Timings.Total)
}

// sentInstead says how a response came to differ from the platform's
// default, for the responses a transcript shows in full; "" for defaults.
func sentInstead(r *model.Response) string {
	switch r.Source {
	case model.SourceEdited:
		return "**Edited response** sent by the user"
	case model.SourceRule:
		return "**Response of rule " + mdLine(r.Rule) + "**"
	case model.SourceForward:
		return "**Response of the forward target**"
	case model.SourceFallback:
		return "**Fallback response**, sent when the hold ran out of time"
	}
	return ""
}

// details writes a body in a collapsed section.
func (m *mdWriter) details(title string, body []byte, contentType string, truncated bool) {
	summary := title + " (" + plural(len(body), "byte")
	if truncated {
		summary += ", cut by the size limit"
	}
	summary += ")"
	m.printf("\n<details><summary>%s</summary>\n\n", summary)
	m.body(body, contentType)
	m.b.WriteString("\n</details>\n")
}

// body writes a body fenced: JSON pretty-printed, other text as it is,
// anything else as base64; cut at MaxBody.
func (m *mdWriter) body(body []byte, contentType string) {
	var text, lang string
	switch {
	case len(body) == 0:
		m.b.WriteString("_(empty body)_\n")
		return
	case json.Valid(body):
		text, lang = string(pretty.PrettyOptions(body, &pretty.Options{Width: 80, Indent: "  "})), "json"
	case utf8.Valid(body):
		text, lang = string(body), "text"
	default:
		text = base64.StdEncoding.EncodeToString(body)
		m.printf("_%s of binary data (%s), shown as base64:_\n\n", plural(len(body), "byte"), mdLine(orUnknown(contentType)))
	}
	cut := 0
	if len(text) > m.opts.MaxBody {
		n := m.opts.MaxBody
		for n > 0 && !utf8.RuneStart(text[n]) {
			n--
		}
		cut, text = len(text), text[:n]
	}
	codeBlock(&m.b, lang, text)
	if cut > 0 {
		m.printf("\n_(cut: %s shown of %d)_\n", plural(len(text), "byte"), cut)
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "no Content-Type"
	}
	return s
}

func plural(n int, what string) string {
	s := strconv.Itoa(n) + " " + what
	if n != 1 {
		s += "s"
	}
	return s
}
