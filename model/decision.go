package model

// Decision is the response chosen for an exchange: by the user for a held
// exchange, by a rule, by the forward target, or the profile's default.
type Decision struct {
	Status  int
	Headers map[string][]string
	Body    []byte
	Source  Source
	Rule    string // the rule that produced it, when Source is SourceRule
}

// Response turns the decision into the response record of an exchange.
func (d Decision) Response() *Response {
	return &Response{Status: d.Status, Headers: d.Headers, Body: d.Body, Source: d.Source, Rule: d.Rule}
}
