package platform

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
)

// TestSignatureSchemesCompileErrors: the keys the voice platforms added
// to signature (a list of schemes, a token's prefix and encoding, a
// signature's time and tolerance) and to kinds (session) say what is
// wrong, where.
func TestSignatureSchemesCompileErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		want      string
	}{
		{"empty list", minimal + "signature: []\n", 5, "an empty list"},
		{"two schemes in one place", minimal + "signature:\n  - token: header:X-Key\n  - token: header:x-key\n", 7, "two schemes in header:X-Key"},
		{"token in hex", minimal + "signature: {token: header:Authorization, encoding: hex}\n", 5, "a token is sent as is, or in base64"},
		{"token with a time", minimal + "signature: {token: header:X-Key, tolerance: 5m}\n", 5, "signature.tolerance is for an hmac signature"},
		{"time without tolerance", minimal + "signature: {hmac: sha256, header: X-Sig, timestamp: \"{header:X-Time}\"}\n", 5, "give timestamp (where the time the platform signed at is) and tolerance"},
		{"tolerance without time", minimal + "signature: {hmac: sha256, header: X-Sig, tolerance: 5m}\n", 5, "together"},
		{"bad tolerance", minimal + "signature: {hmac: sha256, header: X-Sig, timestamp: \"{header:X-Time}\", tolerance: soon}\n", 5, `signature.tolerance "soon" is not a duration`},
		{"tolerance over a day", minimal + "signature: {hmac: sha256, header: X-Sig, timestamp: \"{header:X-Time}\", tolerance: 25h}\n", 5, "signature.tolerance 25h: give a duration above 0 and at most 24h0m0s"},
		{"time of an unknown part", minimal + "signature: {hmac: sha256, header: X-Sig, timestamp: \"{t}\", tolerance: 5m}\n", 5, "unknown placeholder {t}"},
		{"kind session", minimal + "kinds:\n  a: {session: [\"call..id\"]}\n", 6, "empty part"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile("acme.yaml", []byte(tt.src))
			var fe FormatErrors
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want FormatErrors", err)
			}
			for _, e := range fe {
				if strings.Contains(e.Msg, tt.want) && e.Line == tt.line {
					return
				}
			}
			t.Errorf("want line %d: …%s…, got:\n%v", tt.line, tt.want, err)
		})
	}
}

// schemesProfile signs with a token or an HMAC over a time header, and
// files its "hello" kind by a session of its own, its "ring" kind in no
// session at all.
const schemesProfile = `name: schemes
title: Schemes
match: {path: /schemes}
session: [id]
kind: type
kinds:
  hello: {session: [greeting.id]}
  ring: {session: []}
  talk: talk
signature:
  - token: header:Authorization
    prefix: "Token "
    encoding: base64
  - hmac: sha256
    header: X-Sig
    payload: "{header:X-Time}:{body}"
    timestamp: "{header:X-Time}"
    tolerance: 30s
`

// TestSignatureSchemes: a request is checked with the scheme it carries,
// the time of one that has a tolerance against the receive time.
func TestSignatureSchemes(t *testing.T) {
	useRegistry(t, withProfile(t, "schemes.yaml", []byte(schemesProfile)))
	body := []byte(`{"type":"talk","id":"s1"}`)
	at := time.Date(2025, 5, 6, 7, 8, 9, 0, time.UTC)
	stamp := "1746515289" // at, in seconds
	p, _ := Lookup("schemes")
	sig := p.sign.alts[0]
	hmacReq := func(secret, ts string) *model.Request {
		return post("/schemes", body, "X-Time", ts, "X-Sig", sig.encode(sig.mac(secret, []byte(ts+":"+string(body)))))
	}
	tests := []struct {
		name     string
		req      *model.Request
		received time.Time
		want     model.SigState
	}{
		{"token", post("/schemes", body, "Authorization", "Token "+base64.StdEncoding.EncodeToString([]byte("k"))), at, model.SigValid},
		{"token, wrong", post("/schemes", body, "Authorization", "Token "+base64.StdEncoding.EncodeToString([]byte("x"))), at, model.SigInvalid},
		{"hmac in time", hmacReq("k", stamp), at.Add(29 * time.Second), model.SigValid},
		{"hmac too late", hmacReq("k", stamp), at.Add(31 * time.Second), model.SigInvalid},
		{"hmac, wrong key", hmacReq("x", stamp), at, model.SigInvalid},
		{"neither", post("/schemes", body), at, model.SigMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ClassifyAt(tt.req, Secrets{"schemes": "k"}, tt.received)
			if c.Signature.State != tt.want {
				t.Fatalf("%s — %s", c.Signature.State, c.Signature.Detail)
			}
			if tt.want == model.SigMissing && !strings.Contains(c.Signature.Detail, "none of Authorization, X-Sig") {
				t.Errorf("detail %q", c.Signature.Detail)
			}
		})
	}
	if !strings.Contains(p.Verification, "Authorization carries Token base64 of the secret, or X-Sig: hex HMAC-SHA256") {
		t.Errorf("verification %q", p.Verification)
	}
	if !SecretHeader("X-Sig") || p.Secret.Checks != "Schemes's header:Authorization token or X-Sig" {
		t.Errorf("credentials: X-Sig %v, checks %q", SecretHeader("X-Sig"), p.Secret.Checks)
	}
	// Kinds with a session of their own, or none.
	for b, want := range map[string]string{
		`{"type":"hello","greeting":{"id":"g7"},"id":"s1"}`: "g7",
		`{"type":"ring","id":"s1"}`:                         model.Unsorted,
		`{"type":"talk","id":"s1"}`:                         "s1",
	} {
		c := Classify(post("/schemes", []byte(b)), nil)
		if c.SessionID != want || len(c.Notes) > 0 {
			t.Errorf("%s: session %q notes %q", b, c.SessionID, c.Notes)
		}
	}
}
