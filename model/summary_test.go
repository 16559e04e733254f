package model

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	ex := &Exchange{
		ID: 7, Received: t0, Platform: "moveo", Kind: "pre_message", SessionID: "s",
		Request:   Request{Method: "POST", Path: "/m", Size: 12},
		Turns:     []Turn{{Role: RoleUser, Text: "hi", Time: t0, Exchange: 7}},
		Use:       UseConsumed,
		Also:      []Alias{{"conversationId", "c-1"}},
		Signature: Signature{Scheme: "hmac", State: SigValid},
		State:     StateResponded,
		Response:  &Response{Status: 200, Body: []byte("{}"), Source: SourceDefault},
		Timings:   Timings{Total: 1500 * time.Microsecond},
	}
	b, err := json.Marshal(ex.Summarize())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id":7`, `"kind":"pre_message"`, `"status":200`, `"total_ms":1.5`, `"state":"valid"`, `"turns":[{"role":"user","text":"hi"`, `"response_bytes":2`, `"consumed":true`, `"also":[{"name":"conversationId","value":"c-1"}]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("summary %s lacks %s", b, want)
		}
	}
	// A platform whose use of the response is unknown says so: null, not false.
	ex.Use = UseUnknown
	if b, _ := json.Marshal(ex.Summarize()); !strings.Contains(string(b), `"consumed":null`) {
		t.Errorf("unknown use: %s", b)
	}
	if strings.Contains(string(b), `"exchange"`) {
		t.Errorf("summary turns carry the exchange back-reference: %s", b)
	}
}

func TestHeaderLookupIsCaseInsensitive(t *testing.T) {
	r := Request{Headers: map[string][]string{"X-Moveo-Signature": {"abc"}, "weird-case": {"v"}}}
	if r.Header("x-moveo-signature") != "abc" || r.Header("Weird-Case") != "v" || r.Header("missing") != "" {
		t.Fatal("header lookup")
	}
}
