package export

import (
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/harkhq/hark/model"
)

// harEntryOf describes one exchange as a HAR entry.
func harEntryOf(ex *model.Exchange, base string) harEntry {
	req := &ex.Request
	send := harMS(ex.Timings.Read)
	wait := 0.0
	if rest := ex.Timings.Total - ex.Timings.Read; rest > 0 {
		wait = harMS(rest)
	}
	e := harEntry{
		StartedDateTime: ex.Received.UTC().Format(harTime),
		Time:            send + wait,
		Request: harRequest{
			Method:      req.Method,
			URL:         requestURL(req, base),
			HTTPVersion: httpVersion(req.Proto),
			Cookies:     requestCookies(req.Headers),
			Headers:     harHeaders(req.Headers),
			QueryString: queryParams(req.RawQuery),
			PostData:    postData(req),
			HeadersSize: -1,
			BodySize:    req.Size,
			Truncated:   req.Truncated,
		},
		Timings: harTimings{
			Blocked: -1, DNS: -1, Connect: -1, SSL: -1,
			Send: send, Wait: wait,
			Journal: harMS(ex.Timings.Journal),
			Hold:    harMS(ex.Timings.Hold),
			Forward: harMS(ex.Timings.Forward),
		},
		ID:       ex.ID,
		Platform: ex.Platform,
		Kind:     ex.Kind,
		Session:  ex.Session().ID,
		State:    ex.State,
		Remote:   req.RemoteAddr,
		Consumed: ex.Consumed(),
		Use:      ex.Use.String(),
		Also:     ex.Also,
		Deadline: harMS(ex.Deadline),
		Turns:    ex.Turns,
		Record:   ex.Record,
		Notes:    ex.Notes,
		Evicted:  ex.Evicted,
	}
	if ex.Signature != (model.Signature{}) {
		sig := ex.Signature
		e.Signature = &sig
	}
	if !ex.HeldUntil.IsZero() {
		e.HeldUntil = ex.HeldUntil.UTC().Format(harTime)
	}
	if r := ex.Response; r != nil {
		e.Response = harResponse{
			Status:      r.Status,
			StatusText:  http.StatusText(r.Status),
			HTTPVersion: e.Request.HTTPVersion,
			Cookies:     responseCookies(r.Headers),
			Headers:     harHeaders(r.Headers),
			Content:     contentOf(r.Body, headerValue(r.Headers, "Content-Type")),
			RedirectURL: headerValue(r.Headers, "Location"),
			HeadersSize: -1,
			BodySize:    int64(len(r.Body)),
			Source:      r.Source,
			Rule:        r.Rule,
		}
	} else {
		// HAR requires a response: an exchange that has none is shown the
		// way browsers show a request that got no answer.
		e.Response = harResponse{
			HTTPVersion: e.Request.HTTPVersion,
			Cookies:     []harCookie{},
			Headers:     []harNameValue{},
			Content:     harContent{MimeType: unknownMime},
			HeadersSize: -1,
			BodySize:    -1,
		}
		e.Error = "no response recorded (state " + string(ex.State) + ")"
	}
	if f := ex.Forward; f != nil {
		hf := &harForward{URL: f.URL, Status: f.Status, LatencyMS: harMS(f.Latency), Error: f.Error}
		if len(f.Headers) > 0 {
			hf.Headers = harHeaders(f.Headers)
		}
		if len(f.Body) > 0 {
			c := contentOf(f.Body, headerValue(f.Headers, "Content-Type"))
			hf.Content = &c
		}
		e.Forward = hf
	}
	return e
}

// harMS is a duration in milliseconds, to the microsecond.
func harMS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func httpVersion(proto string) string {
	if proto == "" {
		return "HTTP/1.1"
	}
	return proto
}

// requestURL makes the absolute URL the platform called: the Host it sent,
// with the scheme ngrok saw (X-Forwarded-Proto), else http.
func requestURL(req *model.Request, base string) string {
	var b strings.Builder
	if req.Host != "" {
		scheme := "http"
		if p, _, _ := strings.Cut(headerValue(req.Headers, "X-Forwarded-Proto"), ","); strings.EqualFold(strings.TrimSpace(p), "https") {
			scheme = "https"
		}
		b.WriteString(scheme + "://" + req.Host)
	} else {
		b.WriteString(base)
	}
	if !strings.HasPrefix(req.Path, "/") {
		b.WriteByte('/')
	}
	b.WriteString(req.Path)
	if req.RawQuery != "" {
		b.WriteString("?" + req.RawQuery)
	}
	return b.String()
}

// harHeaders lists headers one value a line, names sorted, values in the
// order they came.
func harHeaders(h map[string][]string) []harNameValue {
	names := make([]string, 0, len(h))
	n := 0
	for k, vs := range h {
		names = append(names, k)
		n += len(vs)
	}
	slices.Sort(names)
	out := make([]harNameValue, 0, n)
	for _, k := range names {
		for _, v := range h[k] {
			out = append(out, harNameValue{Name: k, Value: v})
		}
	}
	return out
}

// queryParams splits a raw query in order, decoding what decodes (a value
// that does not is shown as it came).
func queryParams(raw string) []harNameValue {
	out := []harNameValue{}
	if raw == "" {
		return out
	}
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		out = append(out, harNameValue{Name: unescapeQuery(k), Value: unescapeQuery(v)})
	}
	return out
}

func unescapeQuery(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func requestCookies(h map[string][]string) []harCookie {
	out := []harCookie{}
	for _, line := range headerValues(h, "Cookie") {
		cookies, err := http.ParseCookie(line)
		if err != nil {
			continue // still in the headers, as it came
		}
		for _, c := range cookies {
			out = append(out, harCookie{Name: c.Name, Value: c.Value})
		}
	}
	return out
}

func responseCookies(h map[string][]string) []harCookie {
	out := []harCookie{}
	for _, line := range headerValues(h, "Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			continue
		}
		hc := harCookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain, HTTPOnly: c.HttpOnly, Secure: c.Secure}
		if !c.Expires.IsZero() {
			hc.Expires = c.Expires.UTC().Format(harTime)
		}
		out = append(out, hc)
	}
	return out
}

// postData is the request body, or nil when there is none.
func postData(req *model.Request) *harPostData {
	if len(req.Body) == 0 {
		return nil
	}
	ct := headerValue(req.Headers, "Content-Type")
	pd := &harPostData{MimeType: ct}
	if pd.MimeType == "" {
		pd.MimeType = unknownMime
	}
	if !utf8.Valid(req.Body) {
		pd.Text, pd.Encoding = base64.StdEncoding.EncodeToString(req.Body), "base64"
		return pd
	}
	pd.Text = string(req.Body)
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == "application/x-www-form-urlencoded" {
		pd.Params = queryParams(pd.Text)
	}
	return pd
}

// contentOf is a response body: as text when it is UTF-8, else base64.
func contentOf(body []byte, contentType string) harContent {
	c := harContent{Size: len(body), MimeType: contentType}
	if c.MimeType == "" {
		c.MimeType = unknownMime
	}
	if utf8.Valid(body) {
		c.Text = string(body)
	} else {
		c.Text, c.Encoding = base64.StdEncoding.EncodeToString(body), "base64"
	}
	return c
}

func sessionTitle(k model.SessionKey) string {
	return k.Platform + " session " + k.ID
}

// headerValue is the first value of a header, whatever the case of its
// recorded name.
func headerValue(h map[string][]string, name string) string {
	if vs := headerValues(h, name); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func headerValues(h map[string][]string, name string) []string {
	if vs, ok := h[name]; ok {
		return vs
	}
	for k, vs := range h {
		if strings.EqualFold(k, name) {
			return vs
		}
	}
	return nil
}
