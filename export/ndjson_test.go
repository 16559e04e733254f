package export

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/harkhq/hark/model"
	"github.com/harkhq/hark/sanitize"
)

// marshalled is the NDJSON line as encoding/json writes the summary, with
// the invisible runes escaped as every machine-readable output has them
// (sanitize.JSON): what AppendNDJSON must write byte for byte.
func marshalled(t *testing.T, ex *model.Exchange) []byte {
	t.Helper()
	b, err := json.Marshal(ex.Summarize())
	if err != nil {
		t.Fatal(err)
	}
	return append(sanitize.JSON(b), '\n')
}

// FuzzNDJSONIsEncodingJSON: whatever an exchange holds, the hand-written
// line is the one encoding/json writes.
func FuzzNDJSONIsEncodingJSON(f *testing.F) {
	f.Add("hello", "/hook", "a=1", "\x1b[31m\u2028\u2029<>&\"\\\b\f\n\r\t\x00\x7f\xff\u202e é 😀", int64(1234567), 200, true)
	f.Add("", "", "", "", int64(0), 0, false)
	f.Add("\xed\xa0\x80", "\u0085", "%zz", "\x80abc\xc3", int64(-5), -1, true)
	f.Add("\u009b31m \u2066iso\u2069\u200f \u00ad", "\U000e0001\U000e0041", "\u200d\ufeff", "\u061c", int64(3), 201, true)
	f.Fuzz(func(t *testing.T, text, path, query, note string, micros int64, status int, full bool) {
		ex := &model.Exchange{
			ID: 7, Received: time.Date(2026, 5, 1, 10, 0, 0, int(micros%1e9+1e9)%1e9, time.FixedZone("X", 5400)),
			Request:  model.Request{Method: "POST", Path: path, RawQuery: query, Size: micros},
			Platform: "generic", Kind: text, SessionID: note,
			Turns: []model.Turn{{Role: model.RoleUser, Text: text}, {Role: model.RoleSystem, Marker: note, Time: time.Unix(micros, 0).UTC()}},
			State: model.StateResponded, Use: model.ResponseUse((micros%3 + 3) % 3),
			Timings: model.Timings{Read: time.Duration(micros), Journal: time.Duration(micros) * 3, Total: time.Duration(micros) * 1000},
		}
		if full {
			ex.Request.RemoteAddr = text
			ex.Signature = model.Signature{Scheme: note, State: model.SigInvalid, Detail: text}
			ex.Response = &model.Response{Status: status, Source: model.SourceRule, Rule: text, Body: []byte(text)}
			ex.Forward = &model.Forward{URL: path, Status: status, Latency: time.Duration(micros), Error: note}
			ex.Timings.Hold, ex.Timings.Forward = time.Duration(micros)*7, time.Duration(micros)/3
			ex.Notes = []string{text, note}
			ex.Resent = &model.Resent{Of: model.ExchangeID(status), Edited: micros%2 == 0}
			ex.Also = []model.Alias{{Name: note, Value: text}}
		}
		if got, want := AppendNDJSON(nil, ex), marshalled(t, ex); !bytes.Equal(got, want) {
			t.Fatalf("line differs from encoding/json's:\ngot  %s\nwant %s", got, want)
		}
	})
}

// Random exchanges of every shape give encoding/json's line too.
func TestNDJSONIsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "Z", " ", "\"", "\\", "<", "&", "\n", "\x00", "\x1f", "\x7f", "é", "\u2028", "\u202e", "😀", "\xff", "\xe2\x80", "\u0085",
		"\u009b", "\u2066", "\u200f", "\u00ad", "\u200d", "\ufeff", "\U000e0001", "\U000e0041", "👨\u200d👩"}
	str := func() string {
		var b []byte
		for range rng.IntN(12) {
			b = append(b, alphabet[rng.IntN(len(alphabet))]...)
		}
		return string(b)
	}
	dur := func() time.Duration { return time.Duration(rng.Int64N(int64(5 * time.Second))) }
	for range 2000 {
		ex := &model.Exchange{ID: model.ExchangeID(rng.Uint64()), Received: time.Unix(rng.Int64N(2e9), rng.Int64N(1e9)),
			Request:  model.Request{Method: str(), Path: str(), RawQuery: str(), RemoteAddr: str(), Size: rng.Int64()},
			Platform: str(), Kind: str(), SessionID: str(), Use: model.ResponseUse(rng.IntN(3)), State: model.State(str()),
			Timings: model.Timings{Read: dur(), Journal: dur(), Total: dur()}}
		for range rng.IntN(4) {
			ex.Turns = append(ex.Turns, model.Turn{Role: model.Role(str()), Text: str(), Marker: str(), Time: time.Unix(rng.Int64N(2e9), 0)})
		}
		if rng.IntN(2) == 0 {
			ex.Response = &model.Response{Status: rng.IntN(600), Source: model.Source(str()), Rule: str(), Body: []byte(str())}
			ex.Signature = model.Signature{Scheme: str(), State: model.SigState(str()), Detail: str()}
			ex.Notes = []string{str(), str()}
			ex.Timings.Hold, ex.Timings.Forward = dur(), dur()
		}
		if rng.IntN(4) == 0 {
			ex.Resent = &model.Resent{Of: model.ExchangeID(rng.IntN(3)), Edited: rng.IntN(2) == 0}
		}
		if rng.IntN(3) == 0 {
			ex.Forward = &model.Forward{URL: str(), Status: rng.IntN(600), Latency: dur(), Error: str()}
		}
		if got, want := AppendNDJSON(nil, ex), marshalled(t, ex); !bytes.Equal(got, want) {
			t.Fatalf("line differs from encoding/json's:\ngot  %s\nwant %s", got, want)
		}
	}
}

// The escapes are there: what encoding/json leaves raw, the line does not.
func TestNDJSONEscapesInvisibleRunes(t *testing.T) {
	ex := webhookExchange()
	ex.SessionID = "a\u0085b\u202ec\u00add\U000e0001e\u200df"
	line := string(AppendNDJSON(nil, ex))
	for _, want := range []string{`a\u0085b\u202ec\u00add\udb40\udc01e`, "\u200df"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %s lacks %+q", line, want)
		}
	}
}

func BenchmarkAppendNDJSON(b *testing.B) {
	ex := webhookExchange()
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendNDJSON(buf[:0], ex)
	}
}

func BenchmarkMarshalNDJSON(b *testing.B) {
	ex := webhookExchange()
	b.ReportAllocs()
	for b.Loop() {
		s := ex.Summarize()
		json.Marshal(s)
	}
}

func webhookExchange() *model.Exchange {
	return &model.Exchange{ID: 12345, Received: time.Now(), Request: model.Request{Method: "POST", Path: "/chatbot", RemoteAddr: "127.0.0.1:5555", Size: 850},
		Platform: "chatbot", Kind: "webhook", SessionID: "5e1f000000000000000001ab", Use: model.UseConsumed, State: model.StateResponded,
		Turns:     []model.Turn{{Role: model.RoleUser, Text: "I want to return my shoes", Time: time.Now()}, {Role: model.RoleAI, Text: "No problem. Returns are free within 30 days.", Time: time.Now()}},
		Response:  &model.Response{Status: 200, Source: model.SourceDefault, Body: []byte(`{"responses":[]}`)},
		Signature: model.Signature{Scheme: "token", State: model.SigUnchecked},
		Timings:   model.Timings{Read: 12 * time.Microsecond, Journal: 2 * time.Millisecond, Total: 2100 * time.Microsecond}}
}
