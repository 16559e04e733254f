// Package hop owns hark's outbound HTTP: every request hark itself sends
// to another server — a webhook forwarded to the user's handler
// (--forward), a journal replayed (hark replay), a simulated conversation
// played (hark send, hark demo). It parses and joins the target URL with a
// request's path and query (escaped paths kept as they were), builds the
// client (which never follows redirects nor asks for compression), says in
// plain words why a request got no answer, sleeps with a context, and knows
// the hop-by-hop headers a message passed on to another connection drops.
//
// It knows nothing of webhooks or platforms: the callers decide what to
// send and what an answer means.
package hop
