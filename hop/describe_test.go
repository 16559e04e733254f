package hop

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestDescribe makes each failure happen for real, against httptest
// servers, a closed port and a resolver that knows no name, and reads what
// Describe says of the client's error.
func TestDescribe(t *testing.T) {
	release := make(chan struct{})
	reached := make(chan struct{}, 1)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cancel" {
			reached <- struct{}{}
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer hang.Close()
	defer close(release) // before Close, which waits for the handlers
	plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer plain.Close()
	// The TLS servers' own logs of the failed handshakes are not wanted.
	quiet := log.New(io.Discard, "", 0)
	secure := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	secure.Config.ErrorLog = quiet
	secure.StartTLS()
	defer secure.Close()
	tls13 := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tls13.TLS = &tls.Config{MinVersion: tls.VersionTLS13}
	tls13.Config.ErrorLog = quiet
	tls13.StartTLS()
	defer tls13.Close()
	hangUp := func(linger bool) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			if linger {
				conn.(*net.TCPConn).SetLinger(0) // close with a reset
			}
			conn.Close()
		}))
	}
	closes, resets := hangUp(false), hangUp(true)
	defer closes.Close()
	defer resets.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := ln.Addr().String()
	ln.Close()

	cancelled, cancel := context.WithCancel(context.Background())
	go func() { <-reached; cancel() }()
	expired, cancelExpired := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancelExpired()

	for _, tt := range []struct {
		name   string
		client func(*http.Transport) // changes a client made by NewClient
		opts   ClientOptions
		ctx    context.Context
		url    string
		want   string // the whole description, or its start when it ends in "…"
	}{
		{name: "refused", url: "http://" + closedPort, want: "target down: connection refused"},
		{name: "context deadline", ctx: expired, url: hang.URL, want: "no answer in time"},
		{name: "client timeout", opts: ClientOptions{Timeout: time.Millisecond}, url: hang.URL, want: "no answer in time"},
		{name: "cancelled", ctx: cancelled, url: hang.URL + "/cancel", want: "cancelled"},
		{name: "unknown host", url: "http://no-such-host.invalid/hook", want: "DNS: no such host no-such-host.invalid",
			client: func(tr *http.Transport) { tr.DialContext = (&net.Dialer{Resolver: nxdomainResolver()}).DialContext }},
		{name: "untrusted certificate", url: secure.URL, want: "TLS: the target's certificate is not trusted: certificate signed by unknown authority…"},
		{name: "certificate for another name", url: strings.Replace(secure.URL, "127.0.0.1", "localhost", 1),
			client: func(tr *http.Transport) {
				tr.TLSClientConfig = secure.Client().Transport.(*http.Transport).TLSClientConfig
			},
			want: "TLS: the target's certificate is not trusted: certificate is valid for …"},
		{name: "https to plain http", url: strings.Replace(plain.URL, "http:", "https:", 1), want: "TLS: the target does not speak TLS (http:// rather than https://?)"},
		{name: "TLS handshake refused", url: tls13.URL, want: "TLS: the target refused the handshake: tls: protocol version not supported",
			client: func(tr *http.Transport) {
				tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12}
			}},
		{name: "closed before the response", url: closes.URL, want: "connection closed before the response"},
		{name: "reset", url: resets.URL, want: "connection reset by the target"},
		{name: "no such scheme", url: "ftp://h/x", want: `unsupported protocol scheme "ftp"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClient(tt.opts)
			defer c.CloseIdleConnections()
			if tt.client != nil {
				tt.client(c.Transport.(*http.Transport))
			}
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, tt.url, strings.NewReader(`{"a":1}`))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("status %d, want an error", resp.StatusCode)
			}
			got := Describe(err)
			if prefix, ok := strings.CutSuffix(tt.want, "…"); ok && strings.HasPrefix(got, prefix) {
				return
			}
			if got != tt.want {
				t.Errorf("Describe(%v) = %q, want %q", err, got, tt.want)
			}
		})
	}
}

func TestDescribeOthers(t *testing.T) {
	if got := Describe(nil); got != "" {
		t.Errorf("Describe(nil) = %q", got)
	}
	if got := Describe(errors.New("answer larger than 10 bytes")); got != "answer larger than 10 bytes" {
		t.Errorf("a plain error: %q", got)
	}
	if got := Describe(io.ErrUnexpectedEOF); got != "connection closed before the response" {
		t.Errorf("a body cut short: %q", got)
	}
}

// nxdomainResolver is a resolver whose DNS server answers every question
// with "no such name" (NXDOMAIN), so that a lookup fails the way it does
// for a mistyped host, offline.
func nxdomainResolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		client, server := net.Pipe()
		go answerNXDomain(server)
		return client, nil
	}}
}

// answerNXDomain serves DNS over a stream (each message after its 2-byte
// length): the answer is the question with the header's flags set to
// response, authoritative, recursion available, NXDOMAIN, and no records.
func answerNXDomain(c net.Conn) {
	defer c.Close()
	for {
		var n [2]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			return
		}
		q := make([]byte, binary.BigEndian.Uint16(n[:]))
		if _, err := io.ReadFull(c, q); err != nil || len(q) < 12 {
			return
		}
		end := 12 // the question: its name's labels, then type and class
		for end < len(q) && q[end] != 0 {
			end += int(q[end]) + 1
		}
		end += 1 + 4
		if end > len(q) {
			return
		}
		a := q[:end]
		a[2], a[3] = 0x84|q[2]&0x01, 0x83 // QR, AA, RD as asked; RA, RCODE 3
		clear(a[6:12])                    // no answer, authority or additional records
		binary.BigEndian.PutUint16(n[:], uint16(len(a)))
		if _, err := c.Write(append(n[:], a...)); err != nil {
			return
		}
	}
}
