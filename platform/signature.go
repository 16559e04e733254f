package platform

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/harkhq/hark/model"
)

// Moveo signs every call: X-Moveo-Signature is the hex HMAC-SHA256 of the
// raw body keyed with the webhook's verification token.
const (
	moveoSignatureHeader = "X-Moveo-Signature"
	moveoScheme          = "X-Moveo-Signature HMAC-SHA256"
)

// MoveoSignature returns the X-Moveo-Signature value of a body signed with
// a Moveo verification token.
func MoveoSignature(body []byte, token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyMoveo reports whether an X-Moveo-Signature value matches the body
// and token. It accepts upper-case hex and a "sha256=" prefix, and compares
// in constant time.
func VerifyMoveo(body []byte, signature, token string) bool {
	sig := strings.TrimSpace(signature)
	if len(sig) > 7 && strings.EqualFold(sig[:7], "sha256=") {
		sig = sig[7:]
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(token))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

func signMoveo(in *input, _ string) model.Signature {
	got := in.req.Header(moveoSignatureHeader)
	token := in.secrets["moveo"]
	sig := model.Signature{Scheme: moveoScheme}
	switch {
	case got == "" && token == "":
		return model.Signature{} // nothing signed, nothing to check with
	case got == "":
		sig.State, sig.Detail = model.SigMissing, "--secret moveo is set but the request has no X-Moveo-Signature header"
	case token == "":
		sig.State, sig.Detail = model.SigUnchecked, "signed, but no --secret moveo=TOKEN to check it with"
	case in.req.Truncated:
		// The signature covers bytes hark did not keep: saying invalid
		// would blame the sender for hark's size limit.
		sig.State, sig.Detail = model.SigUnchecked, "the body was cut by the size limit, so its signature cannot be checked"
	case VerifyMoveo(in.req.Body, got, token):
		sig.State, sig.Detail = model.SigValid, "HMAC-SHA256 of the body matches the moveo token"
	default:
		sig.State, sig.Detail = model.SigInvalid, "HMAC-SHA256 of the body does not match: another token, or the body changed on the way"
	}
	return sig
}

// ChatBot.com has no HMAC: its verification GET carries the token the user
// set in ChatBot.com, which the endpoint compares with its own.
const chatbotScheme = "ChatBot.com verification token"

// chatbotTokenCheck compares the request's ?token= with --secret chatbot.
// On the verification GET a missing token is a failure; on webhook POSTs
// the token is checked only when present, since the documentation does not
// settle that POSTs carry it.
func chatbotTokenCheck(in *input, verify bool) model.Signature {
	q := in.query()
	token, present := q.Get("token"), q.Has("token")
	secret := in.secrets["chatbot"]
	sig := model.Signature{Scheme: chatbotScheme}
	if !verify {
		if !present {
			return model.Signature{}
		}
		sig.Detail = " (a ?token= on webhook POSTs is not documented for sure)"
	}
	switch {
	case secret == "":
		sig.State = model.SigUnchecked
		sig.Detail = "no --secret chatbot=TOKEN: the token was not checked" + sig.Detail
	case token == "":
		sig.State = model.SigMissing
		sig.Detail = "--secret chatbot is set but the request carries no token" + sig.Detail
	case subtle.ConstantTimeCompare([]byte(token), []byte(secret)) == 1:
		sig.State = model.SigValid
		sig.Detail = "token matches --secret chatbot" + sig.Detail
	default:
		sig.State = model.SigInvalid
		sig.Detail = "token does not match --secret chatbot" + sig.Detail
	}
	return sig
}

// Challenge answers ChatBot.com's verification GET (query parameters
// challenge and token), which must be echoed for a webhook to be saved in
// ChatBot.com. The decision is 200 with the raw challenge as a text/plain
// body when the token matches --secret chatbot, or when no secret is set
// (the signature is then "unchecked", so the user sees the token was not
// checked); and 403 when a secret is set and the token is wrong or missing.
// For any other request ok is false.
func Challenge(req *model.Request, secrets Secrets) (d model.Decision, sig model.Signature, ok bool) {
	if req == nil || !strings.EqualFold(req.Method, http.MethodGet) || req.RawQuery == "" {
		return model.Decision{}, model.Signature{}, false
	}
	c := Classify(req, secrets)
	if c.Platform != chatbot.Name || c.Kind != kindVerify {
		return model.Decision{}, model.Signature{}, false
	}
	return verifyDecision(c), c.Signature, true
}

// verifyDecision is the answer to a classified verification GET.
func verifyDecision(c Classification) model.Decision {
	if c.Signature.State == model.SigValid || c.Signature.State == model.SigUnchecked {
		return model.Decision{
			Status:  http.StatusOK,
			Headers: map[string][]string{"Content-Type": {"text/plain; charset=utf-8"}},
			Body:    []byte(c.challenge),
			Source:  model.SourceDefault,
		}
	}
	return model.Decision{
		Status:  http.StatusForbidden,
		Headers: map[string][]string{"Content-Type": {"text/plain; charset=utf-8"}},
		Body:    []byte("verification token does not match\n"),
		Source:  model.SourceDefault,
	}
}
