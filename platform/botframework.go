package platform

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/harkhq/hark/model"
)

// Microsoft Bot Framework's profile is profiles/botframework.yaml; this is
// what its file cannot say: the Bearer token the Bot Connector sends is a
// JWT signed with RS256 by keys published at
// https://login.botframework.com/v1/.well-known/openidconfiguration, which
// hark does not fetch (it does no network I/O). What can be checked
// offline is checked, as the Bot Connector's authentication page lists it:
// the issuer, the audience (the bot's app id, given as the secret), the
// serviceurl claim against the activity's serviceUrl, and the validity
// period with five minutes of clock skew, against the receive time. Every
// result says that the signature itself was not verified.
var botframeworkCode = code{
	check:   botframeworkCheck,
	signSim: botframeworkSign,
	secret: &Secret{Value: "APP_ID", Signs: true, Demo: "hark-demo-app-id",
		Checks: "the claims of Microsoft Bot Framework's Bearer token (issuer, audience = your bot's app id, serviceurl, expiry; not its RS256 signature)"},
	about: []string{
		"check: the claims of the Authorization Bearer JWT (issuer, audience = --secret botframework=APP_ID, serviceurl, expiry), offline; its RS256 signature is not verified",
		"simulate: signs each request with a Bearer JWT whose claims check, and whose signature is not a real one",
	},
}

const (
	// bfIssuer is the Bot Connector's token issuer; bfGovIssuer the one of
	// US Government clouds.
	bfIssuer    = "https://api.botframework.com"
	bfGovIssuer = "https://api.botframework.us"
	// bfSkew is the clock skew the authentication page allows.
	bfSkew = 5 * time.Minute
	// bfNotVerified ends every result: what hark cannot check offline.
	bfNotVerified = "the RS256 signature itself was NOT verified (it needs Microsoft's signing keys, which hark does not fetch)"
	bfScheme      = "Authorization Bearer JWT (claims checked, signature not verified)"
)

// bfEmulatorIssuers issue the tokens of the Bot Framework Emulator (and of
// skills), whose app id is in appid (v1 tokens) or azp (v2), as the Bot
// Builder SDKs check them (ToBotFromBotOrEmulatorTokenValidationParameters).
var bfEmulatorIssuers = []string{
	"https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/",
	"https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0",
	"https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/",
	"https://login.microsoftonline.com/f8cdef31-a31e-4b4a-93e4-5f571e91255a/v2.0",
}

// botframeworkCheck checks the Bearer token's claims with the app id.
func botframeworkCheck(in *input, c *Classification) {
	auth, present := in.header("Authorization")
	appID := in.secret
	sig := model.Signature{Scheme: bfScheme}
	token, bearer := strings.CutPrefix(strings.TrimSpace(auth), "Bearer ")
	if !bearer {
		token, bearer = strings.CutPrefix(strings.TrimSpace(auth), "bearer ")
	}
	switch {
	case !present || strings.TrimSpace(auth) == "":
		if appID == "" {
			return // nothing sent, nothing to check with: the Emulator without an app id
		}
		sig.State, sig.Detail = model.SigMissing, "--secret botframework is set but the request has no Authorization: Bearer token (the Emulator sends none when it has no app id)"
	case !bearer:
		sig.State, sig.Detail = model.SigInvalid, "Authorization is not a Bearer token; "+bfNotVerified
	case appID == "":
		sig.State, sig.Detail = model.SigUnchecked, "a Bearer JWT, but no --secret botframework=APP_ID to check its claims with"
	default:
		problems, facts := bfClaims(in, strings.TrimSpace(token), appID)
		if len(problems) > 0 {
			sig.State, sig.Detail = model.SigInvalid, strings.Join(problems, "; ")+"; "+bfNotVerified
		} else {
			sig.State, sig.Detail = model.SigValid, "claims check out ("+strings.Join(facts, ", ")+"); "+bfNotVerified
		}
	}
	c.Signature = sig
}

// bfClaims checks a token's claims: what is wrong, else what was checked.
func bfClaims(in *input, token, appID string) (problems, facts []string) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return []string{fmt.Sprintf("the token is not a JWT (%d parts, not 3)", len(parts))}, nil
	}
	head, err := bfSegment(parts[0])
	if err != nil {
		return []string{"the token's header does not read: " + err.Error()}, nil
	}
	claims, err := bfSegment(parts[1])
	if err != nil {
		return []string{"the token's claims do not read: " + err.Error()}, nil
	}
	str := func(k string) string { return claims.Get(k).String() }
	if alg := head.Get("alg").String(); alg != "RS256" {
		problems = append(problems, fmt.Sprintf("alg %s, not RS256", bfQuote(alg)))
	}
	iss := str("iss")
	switch {
	case iss == bfIssuer || iss == bfGovIssuer:
		facts = append(facts, "issuer the Bot Connector")
		if aud := str("aud"); aud != appID {
			problems = append(problems, fmt.Sprintf("audience %s is not the app id of --secret botframework", bfQuote(aud)))
		} else {
			facts = append(facts, "audience the app id")
		}
		problems, facts = bfServiceURL(in, str("serviceurl"), problems, facts)
	case slices.Contains(bfEmulatorIssuers, iss):
		facts = append(facts, "issuer the Emulator's")
		id := str("appid") // v1 tokens
		if str("ver") == "2.0" {
			id = str("azp")
		}
		if id != appID {
			problems = append(problems, fmt.Sprintf("the Emulator token's app id %s is not the one of --secret botframework", bfQuote(id)))
		} else {
			facts = append(facts, "app id the bot's")
		}
	default:
		problems = append(problems, fmt.Sprintf("issuer %s is neither the Bot Connector (%s) nor the Emulator", bfQuote(iss), bfIssuer))
	}
	return bfPeriod(in.at, claims, problems, facts)
}

// bfServiceURL compares the token's serviceurl claim with the activity's
// serviceUrl: a token stolen from one channel cannot post to another.
func bfServiceURL(in *input, claim string, problems, facts []string) ([]string, []string) {
	body := in.get("serviceUrl").Str
	switch {
	case in.req.Truncated:
		facts = append(facts, "serviceurl not compared: the body was cut")
	case claim == "":
		problems = append(problems, "no serviceurl claim")
	case body == "":
		problems = append(problems, "the activity has no serviceUrl to compare the serviceurl claim with")
	case !strings.EqualFold(strings.TrimRight(claim, "/"), strings.TrimRight(body, "/")):
		problems = append(problems, fmt.Sprintf("serviceurl %s is not the activity's serviceUrl %s", bfQuote(claim), bfQuote(body)))
	default:
		facts = append(facts, "serviceurl the activity's")
	}
	return problems, facts
}

// bfPeriod checks nbf and exp against the receive time, with the allowed
// skew; without a receive time it says they were not checked.
func bfPeriod(received time.Time, claims gjson.Result, problems, facts []string) ([]string, []string) {
	num := func(k string) (time.Time, bool) {
		v := claims.Get(k)
		return time.Unix(v.Int(), 0).UTC(), v.Type == gjson.Number
	}
	exp, hasExp := num("exp")
	nbf, hasNbf := num("nbf")
	switch {
	case !hasExp:
		problems = append(problems, "no exp claim")
	case received.IsZero():
		facts = append(facts, "expiry not checked: no receive time")
	case received.After(exp.Add(bfSkew)):
		problems = append(problems, fmt.Sprintf("expired at %s, received %s", exp.Format(time.RFC3339), received.UTC().Format(time.RFC3339)))
	case hasNbf && received.Before(nbf.Add(-bfSkew)):
		problems = append(problems, fmt.Sprintf("not valid before %s, received %s", nbf.Format(time.RFC3339), received.UTC().Format(time.RFC3339)))
	default:
		facts = append(facts, "valid until "+exp.Format(time.RFC3339))
	}
	return problems, facts
}

// bfQuote shows a value from the token or the body in a detail: quoted,
// and cut to a readable length.
func bfQuote(s string) string { return quoteShort(strconv.Quote(s)) }

// bfSegment decodes a JWT segment (base64url, padded or not): a JSON
// object.
func bfSegment(seg string) (gjson.Result, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return gjson.Result{}, errors.New("not base64url")
	}
	if !gjson.ValidBytes(b) || !gjson.ParseBytes(b).IsObject() {
		return gjson.Result{}, errors.New("not a JSON object")
	}
	return gjson.ParseBytes(b), nil
}

// botframeworkSign gives a simulated activity the Bearer token the Bot
// Connector would send: issued by it, for the app id (the secret, or the
// demo one), bound to the activity's serviceUrl, valid for an hour. Its
// signature segment says it is not one.
func botframeworkSign(g *gen, r *SimRequest) {
	head, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "hark-simulated", "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{
		"serviceurl": gjson.GetBytes(r.Body, "serviceUrl").Str,
		"nbf":        g.now().Add(-bfSkew).Unix(),
		"exp":        g.now().Add(time.Hour).Unix(),
		"iss":        bfIssuer,
		"aud":        g.secret,
	})
	enc := base64.RawURLEncoding.EncodeToString
	setHeader(r.Headers, "Authorization", "Bearer "+enc(head)+"."+enc(claims)+"."+enc([]byte("hark simulation: not an RS256 signature")))
}
