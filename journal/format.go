// Package journal keeps hark's history: an append-only file of JSON lines,
// a request record and a response record per exchange, written with group
// commit so that many receivers share one fsync, and read back into
// exchanges and sessions by `hark open`, export and replay. It knows nothing
// about HTTP.
//
// # File format
//
// A journal is UTF-8 text, one JSON object a line, each line ended by "\n".
// The "t" field says what a line is. Every run of hark that opens the file
// first writes a header record; then each exchange gets a request record,
// made durable before the exchange's response is sent, and later a response
// record. Records of concurrent exchanges interleave, so a response record
// follows its request but not necessarily directly.
//
// Header, written when hark opens the file:
//
//	{"t":"hark","v":1,"started":"2025-03-14T09:26:53.589793Z","version":"0.4.0"}
//
// Request record:
//
//	{"t":"req","id":17,"at":"2025-03-14T09:27:01.25Z","method":"POST",
//	 "path":"/hook","query":"a=1","proto":"HTTP/1.1","host":"x.ngrok.app",
//	 "remote":"203.0.113.9:5120","headers":{"Content-Type":["application/json"]},
//	 "body":"{\"text\":\"hi\"}","size":13,"platform":"chatbot","kind":"message",
//	 "session":"c-42","turns":[{"role":"user","text":"hi",
//	 "time":"2025-03-14T09:27:01Z","marker":"created"}],"record":true,
//	 "consumed":true,"deadline_ns":10000000000,
//	 "sig":{"scheme":"token","state":"valid","detail":"matches"},
//	 "notes":["not JSON"],"truncated":true,"resent_of":12,"resent_edited":true}
//
// (shown wrapped; a record is always one line). The turns are the exchange's
// own normalized turns; the exchange a turn belongs to is the record's id.
// "resent_of" is set on a request hark sent again itself (a resend from the
// monitor): the exchange it was sent from; "resent_edited" when the user
// changed it first.
//
// Response record:
//
//	{"t":"resp","id":17,"at":"2025-03-14T09:27:01.2531Z","state":"responded",
//	 "status":200,"headers":{"Content-Type":["application/json"]},
//	 "body":"{\"ok\":true}","source":"forward","rule":"greet",
//	 "forward":{"url":"http://localhost:3000/hook","status":200,"headers":{},
//	 "body":"{\"ok\":true}","latency_ns":1830000,"error":"timeout"},
//	 "timings":{"read_ns":41000,"journal_ns":1200000,"hold_ns":0,
//	 "forward_ns":1830000,"total_ns":3100000},
//	 "held_until":"2025-03-14T09:27:09Z","notes":["not JSON","held 2s"]}
//
// "at" is when the record was written. The response fields (status,
// headers, body, source, rule) are present exactly when a response was sent;
// "status" is then always written. "notes" are the exchange's notes at the
// time of the response and replace those of the request record (notes only
// ever grow).
//
// Conventions:
//
//   - Fields that are empty, zero or false are left out.
//   - Times are RFC 3339 in UTC with nanoseconds; a year outside 0000–9999
//     (a platform's odd timestamp) is written with a sign and six digits,
//     "+050000-01-02T03:04:05Z", as ISO 8601 allows.
//   - Durations are integer nanoseconds, in fields whose names end in "_ns".
//   - A body that is valid UTF-8 is stored as a JSON string in "body": JSON
//     string escaping of valid UTF-8 is lossless, so the exact bytes come
//     back. Any other body is stored in "body_b64" (standard base64, padded).
//     A body is never embedded as JSON nor re-serialized.
//   - Other strings (headers, path, query, texts...) come from the network
//     and may hold bytes that are not UTF-8. Such a byte 0x80–0xFF is written
//     as the lone surrogate escape \udc80–\udcff, which valid UTF-8 can never
//     produce, so the journal stays valid JSON and hark reads the exact bytes
//     back (other JSON readers see U+FFFD).
//   - Control characters (C0, DEL and the C1 controls U+0080–U+009F), bidi
//     controls (U+202A–U+202E, U+2066–U+2069, the marks), U+2028, U+2029
//     and other invisible format characters are written as \u escapes, so
//     a line never holds a raw newline and a journal is safe to print on a
//     terminal; the text read back is the same.
//   - Header names keep the case they had; keys are written sorted.
//
// Readers skip fields they do not know and report records of unknown type,
// so later versions may add fields without changing "v".
package journal

// FormatVersion is the "v" of the header record this package writes. A file
// with a higher version is read as far as this version understands it, with
// a note.
const FormatVersion = 1

// Record types, the "t" field of each line.
const (
	typeHeader   = "hark"
	typeRequest  = "req"
	typeResponse = "resp"
)
