package tui

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
)

// The content of the inspector's tabs. Every string from the request, the
// response or the forward target is sanitized here before it is measured.

// tabPainter draws the tabs of one exchange: besides the exchange, it needs
// how to draw, the clock, and what the monitor can do with the exchange.
type tabPainter struct {
	st        *styles
	loc       *time.Location
	now       time.Time
	canDecide bool // E opens the editor on a held exchange
	canKeep   bool // r keeps an edited response as a rule
}

func (v *tabPainter) requestLines(ex *model.Exchange, w int) []string {
	st := v.st
	req := &ex.Request
	var out []string
	add := func(s string) { out = append(out, s) }
	addWrapped := func(s string) {
		for _, l := range wrap(s, w) {
			add(l)
		}
	}
	proto := req.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	target := oneLine(req.Path)
	if req.RawQuery != "" {
		target += "?" + oneLine(req.RawQuery)
	}
	for i, l := range wrap(oneLine(req.Method)+" "+target+" "+oneLine(proto), w) {
		if i == 0 {
			l = st.bold.Render(l)
		}
		add(l)
	}
	from := ""
	if req.RemoteAddr != "" {
		from = "  from " + oneLine(req.RemoteAddr)
	}
	addWrapped(st.muted.Render("host ") + oneLine(req.Host) + st.muted.Render(from))
	addWrapped(st.muted.Render("received ") + ex.Received.In(v.loc).Format("2006-01-02 15:04:05.000 MST") +
		st.muted.Render("  exchange ") + ex.ID.String())
	consumed := "response ignored by the platform"
	if ex.Consumed {
		consumed = "response consumed by the platform"
		if ex.Deadline > 0 {
			consumed += " within " + latency(ex.Deadline)
		}
	}
	addWrapped(st.muted.Render("platform ") + platformTitle(ex.Platform) + st.muted.Render("  kind ") + oneLine(ex.Kind) +
		st.muted.Render("  session ") + oneLine(ex.SessionID))
	addWrapped(st.muted.Render(consumed))
	if line := v.signatureLine(ex.Signature); line != "" {
		addWrapped(line)
	}
	for _, n := range ex.Notes {
		addWrapped(st.warn.Render("ⓘ ") + oneLine(n))
	}
	if r := ex.Resent; r != nil {
		addWrapped(st.accentBold.Render(r.Label()) + st.muted.Render(pick(r.Edited, ": hark sent it again, as you edited it", ": hark sent it again")))
	}
	if len(ex.Resends) > 0 {
		ids := make([]string, len(ex.Resends))
		for i, id := range ex.Resends {
			ids[i] = id.String()
		}
		addWrapped(st.accent.Render("↻ resent as " + strings.Join(ids, ", ")))
	}
	if req.RawQuery != "" {
		add("")
		add(st.accentBold.Render("Query"))
		out = append(out, v.queryLines(req.RawQuery, w)...)
	}
	add("")
	out = append(out, v.headerSection("Headers", req.Headers, ex.Evicted, w)...)
	add("")
	out = append(out, v.bodySection(req.Body, req.Size, req.Truncated, ex.Evicted, w)...)
	return out
}

// signatureLine says how the request's signature checked out.
func (v *tabPainter) signatureLine(sig model.Signature) string {
	st := v.st
	if sig.State == model.SigNone {
		return ""
	}
	scheme := oneLine(sig.Scheme)
	if scheme == "" {
		scheme = "signature"
	}
	var verdict string
	switch sig.State {
	case model.SigValid:
		verdict = st.ok.Render("✓ valid")
	case model.SigInvalid:
		verdict = st.err.Render("✗ invalid")
	case model.SigMissing:
		verdict = st.err.Render("✗ missing")
	case model.SigUnchecked:
		verdict = st.warn.Render("? not checked (no secret configured)")
	default:
		verdict = oneLine(string(sig.State))
	}
	line := st.muted.Render("signature ") + scheme + " " + verdict
	if sig.Detail != "" {
		line += st.muted.Render(" — " + oneLine(sig.Detail))
	}
	return line
}

// queryLines lists query parameters decoded, in order of appearance.
func (v *tabPainter) queryLines(raw string, w int) []string {
	var pairs [][2]string
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			v = dv
		}
		pairs = append(pairs, [2]string{oneLine(k), oneLine(v)})
	}
	return v.table(pairs, w)
}

// headerSection lists headers sorted by name, one line per value.
func (v *tabPainter) headerSection(title string, h map[string][]string, evicted bool, w int) []string {
	st := v.st
	out := []string{st.accentBold.Render(title)}
	if len(h) == 0 {
		note := "(none)"
		if evicted {
			note = "(evicted from memory; the journal keeps them)"
		}
		return append(out, st.muted.Render(note))
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var pairs [][2]string
	for _, k := range names {
		for _, v := range h[k] {
			pairs = append(pairs, [2]string{oneLine(k), oneLine(v)})
		}
	}
	return append(out, v.table(pairs, w)...)
}

// table lays out name/value pairs: names in a column, values wrapped.
func (v *tabPainter) table(pairs [][2]string, w int) []string {
	st := v.st
	nameW := 0
	for _, p := range pairs {
		nameW = max(nameW, width(p[0]))
	}
	nameW = min(nameW, max(w/3, 8))
	valW := max(w-nameW-3, 8)
	var out []string
	for _, p := range pairs {
		name := fit(p[0], nameW)
		for i, part := range wrap(p[1], valW) {
			if i == 0 {
				out = append(out, "  "+st.info.Render(name)+" "+part)
			} else {
				out = append(out, "  "+spaces(nameW)+" "+part)
			}
		}
	}
	return out
}

// bodySection titles and formats a body.
func (v *tabPainter) bodySection(body []byte, size int64, truncated, evicted bool, w int) []string {
	st := v.st
	if evicted && len(body) == 0 {
		return []string{st.accentBold.Render("Body"), st.muted.Render("(evicted from memory; the journal keeps it)")}
	}
	n := size
	if n == 0 {
		n = int64(len(body))
	}
	title := st.accentBold.Render("Body") + st.muted.Render("  "+byteSize(n))
	if k := bodyKind(body); k != "" {
		title += st.muted.Render(" " + k)
	}
	if truncated {
		title += st.warn.Render("  truncated at " + byteSize(int64(len(body))))
	}
	return append([]string{title}, bodyView(v.st, body, w)...)
}

// responseLines show what went back to the platform and, beside it on a
// wide pane (else below), what the forward target answered.
func (v *tabPainter) responseLines(ex *model.Exchange, w int) []string {
	st := v.st
	var out []string
	add := func(s string) { out = append(out, wrap(s, w)...) }
	switch {
	case ex.State == model.StateHeld:
		add(st.warn.Render("⏸ held") + st.muted.Render(" — the proposal goes out as fallback at "+ex.HeldUntil.In(v.loc).Format("15:04:05")+
			" (in "+countdown(ex.HeldUntil.Sub(v.now))+")"))
		if v.canDecide {
			add(st.muted.Render("E opens the editor on it"))
		}
	case ex.Response == nil:
		add(st.muted.Render("no response yet (" + string(ex.State) + ")"))
	}
	for _, n := range ex.Notes { // what the receiver had to say: a forward that failed, a fallback
		add(st.warn.Render("ⓘ ") + oneLine(n))
	}
	if ex.Response != nil && ex.Response.Source == model.SourceEdited && v.canKeep {
		add(st.muted.Render("you edited this response: r keeps it as a rule"))
	}
	sent := v.sentLines(ex, w)
	if ex.Forward == nil {
		if len(out) > 0 && len(sent) > 0 {
			out = append(out, "")
		}
		return append(out, sent...)
	}
	const gap = 3
	if w >= 2*56+gap && ex.Response != nil {
		cw := (w - gap) / 2
		left, right := v.sentLines(ex, cw), v.forwardLines(ex, w-gap-cw)
		if len(out) > 0 {
			out = append(out, "")
		}
		sep := st.subtle.Render(" │ ")
		for i := 0; i < max(len(left), len(right)); i++ {
			l, r := "", ""
			if i < len(left) {
				l = left[i]
			}
			if i < len(right) {
				r = right[i]
			}
			out = append(out, fit(l, cw)+sep+r)
		}
		return out
	}
	if len(out) > 0 && len(sent) > 0 {
		out = append(out, "")
	}
	out = append(out, sent...)
	out = append(out, "")
	return append(out, v.forwardLines(ex, w)...)
}

// sentLines are the response that went back to the platform.
func (v *tabPainter) sentLines(ex *model.Exchange, w int) []string {
	st := v.st
	r := ex.Response
	if r == nil {
		return nil
	}
	out := []string{st.accentBold.Render("Sent to the platform")}
	line := statusStyle(v.st, r.Status, ex.Failed()).Render(strconv.Itoa(r.Status)+" "+http.StatusText(r.Status)) +
		st.muted.Render("  source ") + oneLine(string(r.Source))
	if r.Rule != "" {
		line += st.muted.Render(" #") + oneLine(r.Rule)
	}
	if ex.Timings.Total > 0 {
		line += st.muted.Render("  answered in ") + latency(ex.Timings.Total)
	}
	out = append(out, wrap(line, w)...)
	if ex.State == model.StateFallback {
		out = append(out, wrap(st.warn.Render("the hold ran out of time: the proposal was sent as fallback"), w)...)
	}
	out = append(out, "")
	out = append(out, v.headerSection("Headers", r.Headers, ex.Evicted, w)...)
	out = append(out, "")
	return append(out, v.bodySection(r.Body, int64(len(r.Body)), false, ex.Evicted, w)...)
}

// forwardLines are the forward target's answer, or why there was none.
func (v *tabPainter) forwardLines(ex *model.Exchange, w int) []string {
	st := v.st
	f := ex.Forward
	out := []string{st.accentBold.Render("Forward target")}
	out = append(out, hardwrapStyled([]string{st.muted.Render(oneLine(f.URL))}, w)...)
	if f.Error != "" {
		out = append(out, wrap(st.err.Render("✗ failed: ")+oneLine(f.Error), w)...)
		if f.Latency > 0 {
			out = append(out, st.muted.Render("gave up after "+latency(f.Latency)))
		}
		if ex.Response != nil && ex.Response.Source != model.SourceForward {
			out = append(out, wrap(st.muted.Render("the platform got the "+sourceName(model.Decision{Source: ex.Response.Source, Rule: ex.Response.Rule})+" instead"), w)...)
		}
		return out
	}
	line := statusStyle(v.st, f.Status, false).Render(strconv.Itoa(f.Status)+" "+http.StatusText(f.Status)) + st.muted.Render("  in "+latency(f.Latency))
	if ex.Deadline > 0 && f.Latency > ex.Deadline/2 {
		line += " " + st.warn.Render("slow: "+strconv.Itoa(int(f.Latency*100/ex.Deadline))+"% of the deadline")
	}
	out = append(out, wrap(line, w)...)
	if ex.Response != nil && ex.Response.Source != model.SourceForward {
		out = append(out, wrap(st.muted.Render("not what went back: the platform got the "+sourceName(model.Decision{Source: ex.Response.Source, Rule: ex.Response.Rule})), w)...)
	}
	out = append(out, "")
	out = append(out, v.headerSection("Headers", f.Headers, ex.Evicted, w)...)
	out = append(out, "")
	return append(out, v.bodySection(f.Body, int64(len(f.Body)), false, ex.Evicted, w)...)
}

// rawLines show the request and the response as they travelled, headers
// sorted, bodies byte for byte with control characters made visible.
func (v *tabPainter) rawLines(ex *model.Exchange, w int) []string {
	st := v.st
	var out []string
	raw := func(s string) { out = append(out, hardwrapStyled(strings.Split(s, "\n"), w)...) }
	req := &ex.Request
	proto := req.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	target := req.Path
	if req.RawQuery != "" {
		target += "?" + req.RawQuery
	}
	out = append(out, st.muted.Render("── request ──"))
	raw(oneLine(req.Method + " " + target + " " + proto))
	if req.Host != "" {
		raw("Host: " + oneLine(req.Host))
	}
	raw(rawHeaders(req.Headers))
	out = append(out, "")
	switch {
	case ex.Evicted && len(req.Body) == 0:
		out = append(out, st.muted.Render("(body evicted from memory; the journal keeps it)"))
	default:
		raw(sanitize.Text(string(req.Body)))
	}
	if r := ex.Response; r != nil {
		out = append(out, "", st.muted.Render("── response ──"))
		raw("HTTP/1.1 " + strconv.Itoa(r.Status) + " " + http.StatusText(r.Status))
		raw(rawHeaders(r.Headers))
		out = append(out, "")
		raw(sanitize.Text(string(r.Body)))
	}
	return out
}

func rawHeaders(h map[string][]string) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		for _, v := range h[k] {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(oneLine(k) + ": " + oneLine(v))
		}
	}
	return b.String()
}

// timingLines show where the time went, as bars scaled to the total, and
// how much of the platform's deadline it used.
func (v *tabPainter) timingLines(ex *model.Exchange, w int) []string {
	st := v.st
	t := ex.Timings
	out := []string{
		st.muted.Render("received ") + ex.Received.In(v.loc).Format("2006-01-02 15:04:05.000 MST"),
		"",
	}
	total := t.Total
	for _, p := range []struct {
		name string
		d    time.Duration
	}{{"read", t.Read}, {"journal", t.Journal}, {"hold", t.Hold}, {"forward", t.Forward}, {"total", t.Total}} {
		bar := ""
		if total > 0 && p.d > 0 {
			n := int(int64(min(max(w-22, 4), 50)) * int64(p.d) / int64(total))
			bar = st.accent.Render(strings.Repeat("█", max(n, 1)))
		}
		out = append(out, fitRight(st.muted.Render(p.name), 9)+fitLeft(latency(p.d), 8)+"  "+bar)
	}
	out = append(out, "")
	if ex.Consumed && ex.Deadline > 0 {
		line := "the platform waits " + latency(ex.Deadline)
		if total > 0 {
			pct := float64(total) / float64(ex.Deadline) * 100
			line += "; this answer used " + strconv.FormatFloat(pct, 'f', 1, 64) + "% of it"
		}
		for _, l := range wrap(line, w) {
			out = append(out, l)
		}
	} else {
		out = append(out, st.muted.Render("the platform does not wait for this response's body"))
	}
	if ex.HeldUntil.After(ex.Received) {
		out = append(out, st.muted.Render("held until ")+ex.HeldUntil.In(v.loc).Format("15:04:05.000"))
	}
	return out
}
