package platform

import (
	"crypto/subtle"
	"net/http"
	"net/url"

	"github.com/harkhq/hark/model"
)

// ChatBot.com has no HMAC: its verification GET carries the token the user
// set in ChatBot.com, which the endpoint compares with its own.
const chatbotScheme = "ChatBot.com verification token"

// chatbotHandshake is the verification GET (query parameters challenge and
// token) that ChatBot.com sends when a webhook is saved; the challenge must
// be echoed for the webhook to be saved.
var chatbotHandshake = &handshake{
	kind:    kindVerify,
	when:    chatbotVerify,
	answer:  chatbotAnswer,
	request: chatbotVerifyRequest,
}

// chatbotTokenCheck compares the request's ?token= with --secret chatbot.
// On the verification GET a missing token is a failure; on webhook POSTs
// the token is checked only when present, since the documentation does not
// settle that POSTs carry it.
func chatbotTokenCheck(in *input, verify bool) model.Signature {
	q := in.query()
	token, present := q.Get("token"), q.Has("token")
	secret := in.secret
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

// chatbotAnswer answers a classified verification GET: the raw challenge
// when the token matched or could not be checked, else 403.
func chatbotAnswer(c Classification) model.Decision {
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

// chatbotVerifyRequest is the verification GET, with a random challenge and
// the simulator's token.
func chatbotVerifyRequest(g *gen) SimRequest {
	q := url.Values{"challenge": {g.hex(32)}, "token": {g.secret}}
	return SimRequest{Method: "GET", Path: chatbotPath, RawQuery: q.Encode()}
}

// resignChatBot replaces the ?token= of a recorded request. ChatBot.com's
// POSTs carry no token as far as its documentation says: adding one would
// send what the platform does not, so a request without one is left as it
// is.
func resignChatBot(req model.Request, token string) (model.Request, string) {
	q, replaced := replaceQueryParam(req.RawQuery, "token", token)
	if !replaced {
		return req, ""
	}
	req.RawQuery = q
	return req, "token replaced"
}
