package platform

import (
	"fmt"
	"net/textproto"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/harkhq/hark/model"
)

// The keys of a profile file; docs/platform-format.md says what each does.
var profileKeys = []string{
	"name", "title", "badge", "docs", "override", "common", "paths", "secret", "verification", "unverified",
	"limit", "response", "default", "match", "batch", "guessed", "session", "groups", "also", "time", "kind",
	"kinds", "fallback", "turns", "consumed", "handshake", "signature", "credentials", "simulate",
}

var (
	nameRe  = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	badgeRe = regexp.MustCompile(`^[A-Z0-9]{3}$`)
)

// maxDeadline bounds a deadline: no platform waits longer, and a hold of
// hours is a typo.
const maxDeadline = 10 * time.Minute

// maxTolerance bounds a signature's tolerance: platforms allow minutes
// (Slack and Retell 5); a day still catches a replayed request.
const maxTolerance = 24 * time.Hour

// Compile reads a profile file in the declarative format. Every mistake is
// reported as file:line: what is wrong (the error is FormatErrors).
func Compile(file string, src []byte) (*Profile, error) {
	c := &compiler{file: file}
	p := c.profile(src)
	if len(c.errs) > 0 {
		slices.SortStableFunc(c.errs, func(a, b *FormatError) int { return a.Line - b.Line })
		return nil, c.errs
	}
	p.file, p.source = file, src
	return p, nil
}

// profile compiles a whole file.
func (c *compiler) profile(src []byte) *Profile {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		c.yamlError(err)
		return nil
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		c.errf(nil, "the file is empty: a profile needs at least name, title and match")
		return nil
	}
	root := doc.Content[0]
	budget := maxNodes
	if !c.resolveAliases(root, &budget) {
		return nil
	}
	o := c.object(root, "the profile", profileKeys...)
	p := &Profile{Name: o.str("name"), Title: o.str("title"), Badge: o.str("badge"), Docs: o.str("docs"),
		Verification: o.str("verification"), Common: true}
	p.nameLine = lineOf(o.key["name"], root)
	switch {
	case !o.has("name"):
		c.errf(root, "a profile needs a name (lower-case letters, digits and -: the name of --secret NAME=…)")
	case !nameRe.MatchString(p.Name):
		c.errf(o.val["name"], "name %q: use lower-case letters, digits and - (it starts with a letter)", p.Name)
	}
	if strings.TrimSpace(p.Title) == "" {
		c.errf(root, "a profile needs a title (the platform's name as people write it)")
	}
	if p.Badge == "" {
		p.Badge = badgeOf(p.Title)
	} else if !badgeRe.MatchString(p.Badge) {
		c.errf(o.val["badge"], "badge %q: three capital letters or digits, e.g. %s", p.Badge, badgeOf(p.Title))
	}
	if o.has("common") {
		p.Common, p.commonSet = o.boolean("common"), true
	}
	p.override = o.boolean("override")
	if p.Docs != "" && !strings.HasPrefix(p.Docs, "https://") && !strings.HasPrefix(p.Docs, "http://") {
		c.errf(o.val["docs"], "docs %q: give the URL of the platform's webhook documentation", p.Docs)
	}
	p.Paths = c.paths(o.val["paths"])
	p.Unverified = o.strs("unverified")
	if o.has("limit") {
		p.MaxResponse = c.size(o.val["limit"], "limit")
	}
	p.guessed = o.boolean("guessed")
	c.batch(p, o)
	p.detect = c.detectors(o.val["match"])
	p.session = c.sources(o.val["session"], "session", true)
	p.also = c.alsoSources(o.val["also"])
	p.time = c.sources(o.val["time"], "time", false)
	p.groups = c.groups(o.val["groups"])
	if o.has("signature") {
		p.sign = c.signatures(o.val["signature"])
	}
	c.kinds(p, o)
	if o.has("handshake") {
		p.handshake = c.handshake(o.val["handshake"], p)
	}
	c.secret(p, o)
	c.credentials(p, o.val["credentials"])
	if p.Verification == "" {
		p.Verification = p.describeVerification()
	}
	if o.has("simulate") {
		p.sim = c.simulate(o.val["simulate"], p)
	}
	return p
}

// batch reads batch: true (a JSON array body is a batch) or a body path
// (the array there is one: Sunshine Conversations' events).
func (c *compiler) batch(p *Profile, o *obj) {
	n := o.val["batch"]
	if n == nil {
		return
	}
	if b, err := strconv.ParseBool(n.Value); err == nil && n.Kind == yaml.ScalarNode && n.Tag != "!!str" {
		p.batch = b
		return
	}
	p.batchAt = c.scalar(n, "batch")
	if p.batchAt == "" || strings.ContainsAny(p.batchAt, "#|*?@") {
		c.errf(n, "batch %q: write true (a JSON array body is a batch) or the plain path of the array that holds the events, e.g. events", n.Value)
		return
	}
	p.batch = true
}

// maxNodes bounds what a file may expand to through aliases (a few
// anchors nested can name millions of nodes).
const maxNodes = 100_000

// resolveAliases puts each alias's anchored node in its place, so that the
// rest of the compiler reads *name as what it names.
func (c *compiler) resolveAliases(n *yaml.Node, budget *int) bool {
	for i, ch := range n.Content {
		*budget--
		if *budget < 0 {
			c.errf(ch, "the file expands to more than %d values through its aliases", maxNodes)
			return false
		}
		if ch.Kind == yaml.AliasNode && ch.Alias != nil {
			n.Content[i] = ch.Alias
			ch = ch.Alias
		}
		if !c.resolveAliases(ch, budget) {
			return false
		}
	}
	return true
}

func lineOf(n, fallback *yaml.Node) int {
	if n != nil {
		return n.Line
	}
	if fallback != nil {
		return fallback.Line
	}
	return 1
}

// badgeOf makes a badge from a title: its first three letters or digits,
// in capitals.
func badgeOf(title string) string {
	var b []rune
	for _, r := range title {
		if len(b) == 3 {
			break
		}
		if unicode.IsLetter(r) && r < unicode.MaxASCII || unicode.IsDigit(r) {
			b = append(b, unicode.ToUpper(r))
		}
	}
	for len(b) < 3 {
		b = append(b, 'X')
	}
	return string(b)
}

func (c *compiler) paths(n *yaml.Node) []PathHint {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		c.errf(n, "paths must be a list of {path, what}, not %s", describeNode(n))
		return nil
	}
	var out []PathHint
	for _, el := range n.Content {
		if el.Kind == yaml.ScalarNode {
			out = append(out, PathHint{Path: el.Value})
			continue
		}
		o := c.object(el, "a path", "path", "what")
		h := PathHint{Path: o.str("path"), What: o.str("what")}
		if !strings.HasPrefix(h.Path, "/") {
			c.errf(el, "path %q: a URL path starts with /", h.Path)
		}
		out = append(out, h)
	}
	return out
}

// size reads a byte count: 65536, 64KiB, 100kB, 1MiB.
func (c *compiler) size(n *yaml.Node, what string) int {
	v, err := parseSize(c.scalar(n, what))
	if err != nil {
		c.errf(n, "%s %q: %v", what, n.Value, err)
	}
	return v
}

func parseSize(s string) (int, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"kB", 1000}, {"KB", 1000}, {"MB", 1000_000}, {"B", 1}}
	mult := 1
	for _, u := range units {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || fmt.Sprint(n) != s || n <= 0 {
		return 0, fmt.Errorf("a size is a positive number of bytes, with kB, KiB, MB or MiB, e.g. 64KiB")
	}
	return n * mult, nil
}

// duration reads a deadline: 5s, 7.5s, 500ms.
func (c *compiler) duration(n *yaml.Node, what string, most time.Duration) time.Duration {
	s := c.scalar(n, what)
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		c.errf(n, "%s %q is not a duration: write it like 5s, 7.5s or 500ms", what, s)
	case d <= 0 || d > most:
		c.errf(n, "%s %s: give a duration above 0 and at most %s", what, s, most)
	}
	return d
}

// use reads a response use: consumed, ignored or unknown.
func (c *compiler) use(n *yaml.Node, what string) model.ResponseUse {
	u, ok := model.ParseResponseUse(c.scalar(n, what))
	if !ok {
		c.errf(n, "%s %q: write consumed, ignored or unknown", what, n.Value)
	}
	return u
}

func (c *compiler) groups(n *yaml.Node) map[string][]source {
	keys, vals := c.pairs(n, "groups")
	if len(keys) == 0 {
		return nil
	}
	out := map[string][]source{}
	for i, k := range keys {
		if k.Value == "default" {
			c.errf(k, "groups: default is the name of the profile's own session; give this grouping another name")
			continue
		}
		out[k.Value] = c.sources(vals[i], "groups."+k.Value, true)
	}
	return out
}

// secret reads what the profile's secret is, or says it from the
// signature and handshake when the file does not.
func (c *compiler) secret(p *Profile, o *obj) {
	needs := p.sign != nil || p.handshake != nil && p.handshake.token != nil
	if !o.has("secret") {
		if !needs {
			return
		}
		p.Secret = &Secret{Value: "SECRET", Demo: demoToken}
	} else {
		so := c.object(o.val["secret"], "secret", "value", "checks", "demo")
		p.Secret = &Secret{Value: so.str("value"), Checks: so.str("checks"), Demo: so.str("demo")}
		if p.Secret.Value == "" {
			p.Secret.Value = "SECRET"
		}
		if p.Secret.Demo == "" {
			p.Secret.Demo = demoToken
		}
		if !needs {
			c.errf(o.key["secret"], "secret: the profile has no signature and no handshake token for it to check")
		}
	}
	if p.Secret.Checks == "" {
		switch {
		case p.sign != nil:
			var places []string
			for _, s := range p.sign.schemes() {
				if s.algo != "" {
					places = append(places, s.header)
				} else {
					places = append(places, s.token.String()+" token")
				}
			}
			p.Secret.Checks = p.Title + "'s " + strings.Join(places, " or ")
		default:
			p.Secret.Checks = p.Title + "'s verification token"
		}
	}
	p.Secret.Signs = p.sign != nil && !p.sign.optional
	if h := p.handshake; h != nil && h.token != nil && h.secret != p.Name {
		part, _ := strings.CutPrefix(h.secret, p.Name+".")
		p.Secret.Parts = append(p.Secret.Parts, SecretPart{Name: part, Value: "TOKEN", Checks: p.Title + "'s " + h.token.key + " on its verification request"})
	}
}

// describeVerification says in one sentence how requests are verified,
// for a file that does not.
func (p *Profile) describeVerification() string {
	var parts []string
	if p.sign != nil {
		var schemes []string
		for _, s := range p.sign.schemes() {
			switch {
			case s.algo != "":
				schemes = append(schemes, fmt.Sprintf("%s: %s%s HMAC-%s of %s keyed with the secret",
					s.header, s.prefix, s.encoding, strings.ToUpper(s.algo), s.payload.src))
			case s.prefix != "" || s.encoding != "":
				schemes = append(schemes, fmt.Sprintf("%s carries %s%s of the secret", s.token, s.prefix, or(s.encoding, "the text")))
			default:
				schemes = append(schemes, fmt.Sprintf("%s carries the shared secret", s.token))
			}
		}
		parts = append(parts, fmt.Sprintf("%s (--secret %s=%s)", strings.Join(schemes, ", or "), p.Name, p.Secret.Value))
	}
	if h := p.handshake; h != nil && h.token != nil {
		parts = append(parts, fmt.Sprintf("the verification request's %s is compared with --secret %s=TOKEN", h.token.key, h.secret))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

// credentials says which parts of the profile's requests carry secrets,
// which exports redact: the signature's and the handshake token's places,
// and those the file lists.
func (c *compiler) credentials(p *Profile, n *yaml.Node) {
	add := func(s source) {
		switch s.from {
		case srcHeader:
			p.Credentials.Headers = append(p.Credentials.Headers, s.key)
		case srcQuery:
			p.Credentials.Query = append(p.Credentials.Query, s.key)
		}
	}
	if p.sign != nil {
		for _, s := range p.sign.schemes() {
			if s.algo != "" {
				add(source{from: srcHeader, key: s.header})
			} else {
				add(s.token)
			}
		}
	}
	if h := p.handshake; h != nil && h.token != nil {
		add(*h.token)
	}
	if n == nil {
		return
	}
	o := c.object(n, "credentials", "headers", "words", "query", "json")
	for _, h := range o.strs("headers") {
		p.Credentials.Headers = append(p.Credentials.Headers, textproto.CanonicalMIMEHeaderKey(h))
	}
	for _, w := range o.strs("words") {
		p.Credentials.Words = append(p.Credentials.Words, strings.ToLower(w))
	}
	p.Credentials.Query = append(p.Credentials.Query, o.strs("query")...)
	for _, path := range o.strs("json") {
		// Plain paths only (items.#.key at most): a query or a modifier
		// reads values, and redaction must find where each one is.
		if path == "" || strings.ContainsAny(path, "|@*?()=!<>%,[]{}") {
			c.errf(o.val["json"], "credentials.json %q: give the plain path of a body field that carries a secret, e.g. verify_token", path)
			continue
		}
		p.Credentials.JSON = append(p.Credentials.JSON, path)
	}
}
