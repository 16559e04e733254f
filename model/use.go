package model

// ResponseUse says what a platform does with the body of the response to
// one of its webhooks. hark claims only what it knows: a webhook of a
// platform it has no profile for is UseUnknown, not "consumed", so that no
// view promises a deadline nobody documented.
type ResponseUse uint8

const (
	UseUnknown  ResponseUse = iota // nobody told hark: a platform without a profile
	UseIgnored                     // the platform only needs a quick 2xx
	UseConsumed                    // the body changes what the bot does, within a deadline
)

var useNames = [...]string{UseUnknown: "unknown", UseIgnored: "ignored", UseConsumed: "consumed"}

func (u ResponseUse) String() string {
	if int(u) < len(useNames) {
		return useNames[u]
	}
	return "unknown"
}

// ParseResponseUse reads a use's name: consumed, ignored or unknown.
func ParseResponseUse(s string) (ResponseUse, bool) {
	for i, n := range useNames {
		if n == s {
			return ResponseUse(i), true
		}
	}
	return UseUnknown, false
}

// MarshalText and UnmarshalText write a use as its name in JSON.
func (u ResponseUse) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

func (u *ResponseUse) UnmarshalText(b []byte) error {
	*u, _ = ParseResponseUse(string(b)) // an unknown name is an unknown use
	return nil
}

// Describe says in a few words what the platform does with the response.
func (u ResponseUse) Describe() string {
	switch u {
	case UseConsumed:
		return "response consumed by the platform"
	case UseIgnored:
		return "response ignored by the platform"
	}
	return "response use unknown"
}

// Alias is another id of a conversation that a platform sends beside the
// one hark groups by (ChatBot.com's conversationId beside its sessionId):
// shown, not grouped by.
type Alias struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}
