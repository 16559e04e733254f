package platform

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
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
	token := in.secret
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

// resignMoveo recomputes X-Moveo-Signature over the recorded body with
// another token.
func resignMoveo(req model.Request, token string) (model.Request, string) {
	req.Headers = cloneHeaders(req.Headers)
	for k := range req.Headers {
		if strings.EqualFold(k, moveoSignatureHeader) {
			delete(req.Headers, k)
		}
	}
	req.Headers[moveoSignatureHeader] = []string{MoveoSignature(req.Body, token)}
	return req, moveoSignatureHeader + " recomputed"
}
