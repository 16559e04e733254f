package hop

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
)

// Describe says in plain words why a request got no (full) answer: the
// target is down, did not answer in time, its name does not resolve, TLS
// failed, the connection was cut. The words leave out the URL and the
// addresses, which the caller shows beside them, so that alike failures
// read alike (a report counts them by their description). nil is "".
func Describe(err error) string {
	var (
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		recErr  tls.RecordHeaderError
		opErr   *net.OpError
		netErr  net.Error
	)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &dnsErr):
		return describeDNS(dnsErr)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "target down: connection refused"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "no answer in time"
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return "target down: " + innermost(opErr.Err)
	case errors.As(err, &certErr):
		return "TLS: the target's certificate is not trusted: " + strings.TrimPrefix(innermost(certErr.Err), "x509: ")
	// net/http turns a TLS record that starts "HTTP/" into an error of its
	// own, which only its text tells apart.
	case errors.As(err, &recErr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "TLS: the target does not speak TLS (http:// rather than https://?)"
	case errors.As(err, &opErr) && opErr.Op == "remote error": // a TLS alert
		return "TLS: the target refused the handshake: " + opErr.Err.Error()
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the target"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed before the response"
	}
	return innermost(err)
}

func describeDNS(e *net.DNSError) string {
	switch {
	case e.IsNotFound:
		return "DNS: no such host " + e.Name
	case e.IsTimeout:
		return "DNS: looking up " + e.Name + " timed out"
	}
	return "DNS: looking up " + e.Name + ": " + e.Err
}

// innermost is the message of err without the wrappers that repeat the
// request ("Post \"http://…\": ") or the system call ("connect: ").
func innermost(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	var sysErr *os.SyscallError
	if errors.As(err, &sysErr) {
		err = sysErr.Err
	}
	return err.Error()
}
