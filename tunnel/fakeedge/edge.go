// Package fakeedge is a small ngrok edge on 127.0.0.1 for offline tests.
// The real ngrok agent library (golang.ngrok.com/ngrok/v2) connects to it
// with WithAgentConnectURL(edge.Addr()) and WithAgentConnectCAs(edge.CertPool()),
// or through an ngrok config file written by WriteConfig.
//
// It speaks the agent protocol of ngrok-go v2.4.0: TLS, a muxado session
// with typed streams and heartbeats, JSON RPCs for auth and bind, and proxy
// streams that carry a visitor's HTTP/1.1 bytes to the agent. It records
// what agents send (Auths, Binds), can refuse them with ERR_NGROK codes,
// serves visitors through Client, and simulates outages with DropSessions.
package fakeedge

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.ngrok.com/muxado/v2"
)

// Failure is an error the edge answers with.
type Failure struct {
	Code    int    // the ERR_NGROK number, e.g. 107
	Message string // what ngrok would say
}

// Config chooses how the edge behaves.
type Config struct {
	// Authtoken, when set, is the only token accepted; any other gets
	// ERR_NGROK_107, whose message quotes the token as ngrok's does.
	Authtoken string
	// AuthFailure, when set, refuses every authentication with it.
	AuthFailure *Failure
	// BindFailure, when set, refuses every bind with it.
	BindFailure *Failure
	// Domain is the base of random URLs (default "ngrok-free.app").
	Domain string
	// HangUnbind leaves unbind requests unanswered until the session ends,
	// as a stalled connection would (the agent's listener Close then
	// blocks).
	HangUnbind bool
}

// Auth is an authentication request as the edge received it.
type Auth struct {
	ClientID  string // empty on a first connect, the session's id on a reconnect
	Authtoken string
	Cookie    string // empty on a first connect, the edge's cookie on a reconnect
	UserAgent string
	Metadata  string
	Error     string // what the edge answered, "" when accepted
}

// Bind is a bind request as the edge received it, with the URL it got.
type Bind struct {
	ID            string // the bind (tunnel) id, kept across reconnects
	Proto         string
	URL           string // the URL assigned (or "" when refused)
	RequestedURL  string // Opts.URL as sent
	TrafficPolicy string
	Metadata      string
	Description   string
	Name          string
	ForwardsTo    string
	Token         string // the bind token: empty on a first bind, the edge's token on a re-bind
	Error         string // what the edge answered, "" when accepted
}

// Edge is a running fake edge.
type Edge struct {
	domain string
	ln     net.Listener
	caPEM  []byte
	pool   *x509.CertPool
	wg     sync.WaitGroup

	mu          sync.Mutex
	closed      bool
	authtoken   string
	authFailure *Failure
	bindFailure *Failure
	hangUnbind  bool
	sessions    map[*session]bool
	tunnels     map[string]*tunnel // live binds by id
	urlOfToken  map[string]string  // bind token → URL, so a re-bind gets its URL back
	auths       []Auth
	binds       []Bind
	seq         int
}

type session struct {
	mux muxado.TypedStreamSession
}

type tunnel struct {
	url  string
	sess *session
}

// Start runs an edge on 127.0.0.1 with a fresh self-signed certificate.
func Start(cfg Config) (*Edge, error) {
	cert, caPEM, err := selfSigned()
	if err != nil {
		return nil, fmt.Errorf("fakeedge: certificate: %w", err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
	})
	if err != nil {
		return nil, fmt.Errorf("fakeedge: listen: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	e := &Edge{
		domain:      cfg.Domain,
		ln:          ln,
		caPEM:       caPEM,
		pool:        pool,
		authtoken:   cfg.Authtoken,
		authFailure: cfg.AuthFailure,
		bindFailure: cfg.BindFailure,
		hangUnbind:  cfg.HangUnbind,
		sessions:    make(map[*session]bool),
		tunnels:     make(map[string]*tunnel),
		urlOfToken:  make(map[string]string),
	}
	if e.domain == "" {
		e.domain = "ngrok-free.app"
	}
	e.wg.Add(1)
	go e.acceptLoop()
	return e, nil
}

// Addr is the host:port agents connect to (connect_url).
func (e *Edge) Addr() string { return e.ln.Addr().String() }

// CertPool trusts the edge's certificate (for WithAgentConnectCAs).
func (e *Edge) CertPool() *x509.CertPool { return e.pool }

// CAPEM is the edge's certificate in PEM form (for connect_cas files).
func (e *Edge) CAPEM() []byte { return e.caPEM }

// SetAuthFailure makes later authentications fail with f (nil: accept).
func (e *Edge) SetAuthFailure(f *Failure) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.authFailure = f
}

// SetBindFailure makes later binds fail with f (nil: accept).
func (e *Edge) SetBindFailure(f *Failure) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.bindFailure = f
}

// Auths lists the authentication requests received, oldest first.
func (e *Edge) Auths() []Auth {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Auth(nil), e.auths...)
}

// Binds lists the bind requests received, oldest first.
func (e *Edge) Binds() []Bind {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Bind(nil), e.binds...)
}

// DropSessions closes every agent session, as an outage would, and says
// how many there were. Agents reconnect on their own.
func (e *Edge) DropSessions() int {
	e.mu.Lock()
	sessions := make([]*session, 0, len(e.sessions))
	for s := range e.sessions {
		sessions = append(sessions, s)
	}
	e.mu.Unlock()
	for _, s := range sessions {
		s.mux.Close()
	}
	return len(sessions)
}

// StopEndpoints closes every live endpoint from the edge's side with f, as
// ngrok does when an endpoint is stopped from the dashboard or API, and
// says how many there were. Sessions stay up.
func (e *Edge) StopEndpoints(f Failure) int {
	e.mu.Lock()
	stops := make(map[string]*tunnel, len(e.tunnels))
	for id, t := range e.tunnels {
		stops[id] = t
		delete(e.tunnels, id)
	}
	e.mu.Unlock()
	for id, t := range stops {
		st, err := t.sess.mux.OpenTypedStream(typeStopTunnel)
		if err != nil {
			continue
		}
		_ = json.NewEncoder(st).Encode(stopTunnelMsg{ClientID: id, Message: f.Message, ErrorCode: "ERR_NGROK_" + strconv.Itoa(f.Code)})
		st.Close()
	}
	return len(stops)
}

// Close stops the edge, ends every session and waits for its goroutines.
func (e *Edge) Close() error {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	err := e.ln.Close()
	e.DropSessions()
	e.wg.Wait()
	return err
}

func (e *Edge) acceptLoop() {
	defer e.wg.Done()
	for {
		conn, err := e.ln.Accept()
		if err != nil {
			return
		}
		s := &session{mux: muxado.NewHeartbeat(
			muxado.NewTypedStreamSession(muxado.Server(conn, nil)),
			func(time.Duration, bool) {}, nil)}
		e.mu.Lock()
		if e.closed {
			e.mu.Unlock()
			s.mux.Close()
			return
		}
		e.sessions[s] = true
		e.mu.Unlock()
		e.wg.Add(1)
		go e.serveSession(s)
	}
}

// serveSession answers the agent's RPC streams; the heartbeat wrapper
// echoes heartbeats by itself.
func (e *Edge) serveSession(s *session) {
	defer e.wg.Done()
	for {
		st, err := s.mux.AcceptTypedStream()
		if err != nil {
			break
		}
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			defer st.Close()
			e.handleRPC(s, st)
		}()
	}
	s.mux.Close()
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.sessions, s)
	for id, t := range e.tunnels {
		if t.sess == s {
			delete(e.tunnels, id)
		}
	}
}

func (e *Edge) handleRPC(s *session, st muxado.TypedStream) {
	dec := json.NewDecoder(st)
	var resp any
	switch st.StreamType() {
	case typeAuth:
		var req authMsg
		if dec.Decode(&req) != nil {
			return
		}
		resp = e.auth(req)
	case typeBind:
		var req bindMsg
		if dec.Decode(&req) != nil {
			return
		}
		resp = e.bind(s, req)
	case typeUnbind:
		var req unbindMsg
		if dec.Decode(&req) != nil {
			return
		}
		e.mu.Lock()
		delete(e.tunnels, req.ClientID)
		hang := e.hangUnbind
		e.mu.Unlock()
		if hang {
			s.mux.Wait()
			return
		}
		resp = errorResp{}
	case typeSrvInfo:
		resp = srvInfoResp{Region: "local"}
	case typePatchTunnelState:
		var req json.RawMessage
		if dec.Decode(&req) != nil {
			return
		}
		resp = errorResp{}
	default:
		return
	}
	_ = json.NewEncoder(st).Encode(resp)
}

func (e *Edge) auth(req authMsg) authResp {
	e.mu.Lock()
	defer e.mu.Unlock()
	token := req.Extra.Authtoken
	rec := Auth{ClientID: req.ClientID, Authtoken: token, Cookie: req.Extra.Cookie,
		UserAgent: req.Extra.UserAgent, Metadata: req.Extra.Metadata}
	resp := authResp{Version: "3", ClientID: req.ClientID}
	switch {
	case e.authFailure != nil:
		resp.Error = ErrorText(e.authFailure.Code, e.authFailure.Message)
	case e.authtoken != "" && token != e.authtoken:
		resp.Error = ErrorText(107, "The authtoken you specified is properly formed, but it is invalid.\n"+
			"Your authtoken: "+token+"\n"+
			"This usually happens when:\n    - You reset your authtoken\n"+
			"Go to your ngrok dashboard and double check that your authtoken is correct:\n"+
			"https://dashboard.ngrok.com/get-started/your-authtoken")
	}
	rec.Error = resp.Error
	e.auths = append(e.auths, rec)
	if resp.Error != "" {
		return resp
	}
	if resp.ClientID == "" {
		resp.ClientID = e.nextID("cli")
	}
	resp.Extra = authRespExtra{
		Version: "fakeedge", Region: "local", Cookie: req.Extra.Cookie,
		AccountName: "hark tests", PlanName: "free", AgentSessionID: e.nextID("ags"),
	}
	if resp.Extra.Cookie == "" {
		resp.Extra.Cookie = e.nextID("cookie")
	}
	return resp
}

func (e *Edge) bind(s *session, req bindMsg) bindResp {
	e.mu.Lock()
	defer e.mu.Unlock()
	var opts httpEndpointOpts
	_ = json.Unmarshal(req.Opts, &opts)
	rec := Bind{ID: req.ClientID, Proto: req.Proto, RequestedURL: opts.URL, TrafficPolicy: opts.TrafficPolicy,
		Metadata: req.Extra.Metadata, Description: req.Extra.Description, Name: req.Extra.Name,
		ForwardsTo: req.ForwardsTo, Token: req.Extra.Token}
	resp := bindResp{Proto: req.Proto, Opts: map[string]any{}}
	if rec.ID == "" {
		rec.ID = e.nextID("tun")
	}
	assigned, known := e.urlOfToken[rec.Token]
	if !known {
		assigned = e.requestedURL(opts.URL)
	}
	switch {
	case e.bindFailure != nil:
		resp.Error = ErrorText(e.bindFailure.Code, e.bindFailure.Message)
	case req.Proto != "https" && req.Proto != "http":
		resp.Error = ErrorText(9037, "Invalid URL "+opts.URL+", scheme "+req.Proto+" is not allowed.")
	case e.onlineElsewhere(assigned, rec.ID):
		resp.Error = ErrorText(334, "The endpoint '"+assigned+"' is already online. Either\n1. stop your existing endpoint first, or\n2. start both endpoints with `--pooling-enabled` to load balance between them.")
	}
	if resp.Error != "" {
		rec.Error = resp.Error
		e.binds = append(e.binds, rec)
		return resp
	}
	token := rec.Token
	if !known {
		token = e.nextID("tok")
		e.urlOfToken[token] = assigned
	}
	rec.URL = assigned
	e.binds = append(e.binds, rec)
	e.tunnels[rec.ID] = &tunnel{url: assigned, sess: s}
	resp.ClientID, resp.URL = rec.ID, assigned
	resp.Opts["URL"] = assigned
	resp.Extra.Token, resp.Extra.TunnelID = token, "tn_"+rec.ID
	return resp
}

// requestedURL is the URL a new bind gets: the one asked for, else random.
func (e *Edge) requestedURL(asked string) string {
	if asked == "" {
		return "https://" + randomHex() + "." + e.domain
	}
	if !strings.Contains(asked, "://") {
		return "https://" + asked
	}
	return asked
}

func (e *Edge) onlineElsewhere(endpoint, id string) bool {
	for other, t := range e.tunnels {
		if t.url == endpoint && other != id {
			return true
		}
	}
	return false
}

func (e *Edge) nextID(prefix string) string {
	e.seq++
	return fmt.Sprintf("%s_%d", prefix, e.seq)
}

func randomHex() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Dial opens a visitor connection to the endpoint at host (as in its URL),
// as the edge does for each connection it forwards: a proxy stream to the
// agent, the proxy header with clientAddr (the visitor's host:port), then
// the visitor's bytes, in plain HTTP/1.1 since the edge terminates TLS.
func (e *Edge) Dial(ctx context.Context, host, clientAddr string) (net.Conn, error) {
	e.mu.Lock()
	var id string
	var target *tunnel
	for tid, t := range e.tunnels {
		if u, err := url.Parse(t.url); err == nil && u.Hostname() == host {
			id, target = tid, t
		}
	}
	e.mu.Unlock()
	if target == nil {
		return nil, errors.New("fakeedge: the endpoint " + host + " is offline (ERR_NGROK_3200)")
	}
	st, err := target.sess.mux.OpenTypedStream(typeProxy)
	if err != nil {
		return nil, fmt.Errorf("fakeedge: opening a proxy stream: %w", err)
	}
	hdr, _ := json.Marshal(proxyHeader{ID: id, ClientAddr: clientAddr, Proto: "https"})
	if dl, ok := ctx.Deadline(); ok {
		_ = st.SetWriteDeadline(dl)
	}
	err = binary.Write(st, binary.LittleEndian, int64(len(hdr)))
	if err == nil {
		_, err = st.Write(hdr)
	}
	_ = st.SetWriteDeadline(time.Time{})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("fakeedge: writing the proxy header: %w", err)
	}
	return st, nil
}

// Client is an HTTP client that reaches endpoints through the edge as a
// visitor at clientAddr (host:port) would: requests to an endpoint's URL
// arrive at the agent with RemoteAddr clientAddr and the
// X-Forwarded-For / X-Forwarded-Proto headers ngrok adds.
func (e *Edge) Client(clientAddr string) *http.Client {
	dial := func(ctx context.Context, _, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			host = addr
		}
		return e.Dial(ctx, host, clientAddr)
	}
	ip, _, err := net.SplitHostPort(clientAddr)
	if err != nil {
		ip = clientAddr
	}
	return &http.Client{Transport: forwardedHeaders{
		ip: ip,
		next: &http.Transport{
			DialContext:       dial,
			DialTLSContext:    dial, // TLS ends at the edge: the agent gets plain HTTP
			DisableKeepAlives: true,
		},
	}}
}

type forwardedHeaders struct {
	ip   string
	next http.RoundTripper
}

func (f forwardedHeaders) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.ip)
	r.Header.Set("X-Forwarded-Proto", r.URL.Scheme)
	return f.next.RoundTrip(r)
}
