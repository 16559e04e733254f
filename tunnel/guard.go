package tunnel

import (
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Loopback is where the local receiver listens unless --bind says
// otherwise.
const Loopback = "127.0.0.1"

// normalizeBind checks --bind: an IP address of this machine ("localhost"
// stands for 127.0.0.1), returned in canonical form, and whether it is
// reachable from other machines.
func normalizeBind(raw string) (addr string, exposed bool, err error) {
	s := strings.Trim(strings.TrimSpace(raw), "[]")
	switch strings.ToLower(s) {
	case "":
		return Loopback, false, nil
	case "localhost":
		return Loopback, false, nil
	}
	a, perr := netip.ParseAddr(s)
	if perr != nil || a.Zone() != "" {
		return "", false, usageErr("--bind", "%q: give an IP address of this machine, e.g. 127.0.0.1 (the default), 0.0.0.0 or :: (every interface)", raw)
	}
	return a.String(), !a.Unmap().IsLoopback(), nil
}

// guard enforces --basic-auth and --allow-cidr on a listener that other
// machines can reach (--bind): ngrok's edge enforces them only for the
// public URL. Rejected requests never reach the receiver, so they are not
// journaled; an accepted request loses its Authorization header, so hark's
// own credential is not journaled either.
type guard struct {
	next  http.Handler
	creds [][sha256.Size]byte // sha256 of "user:password": compared in constant time
	cidrs []netip.Prefix
}

// Guard wraps h with the plan's --basic-auth and --allow-cidr checks when
// the plan binds an address other machines can reach, and returns h as is
// otherwise. Tunnel.Serve applies it in local mode; a CLI that serves the
// receiver locally beside ngrok applies it itself.
func (p Plan) Guard(h http.Handler) http.Handler {
	if p.secret == nil || !p.exposed {
		return h
	}
	g := &guard{next: h}
	for _, c := range p.secret.basicAuth {
		g.creds = append(g.creds, sha256.Sum256([]byte(c)))
	}
	for _, c := range p.allowCIDR {
		if pfx, err := netip.ParsePrefix(c); err == nil {
			g.cidrs = append(g.cidrs, pfx)
		}
	}
	return g
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if len(g.cidrs) > 0 && !g.allowedAddr(r.RemoteAddr) {
		http.Error(w, "forbidden: this address is not in hark's --allow-cidr list", http.StatusForbidden)
		return
	}
	if len(g.creds) > 0 {
		user, pass, ok := r.BasicAuth()
		if !ok || !g.allowedCred(user+":"+pass) {
			w.Header().Set("WWW-Authenticate", `Basic realm="hark", charset="UTF-8"`)
			http.Error(w, "unauthorized: hark asks for the --basic-auth credentials", http.StatusUnauthorized)
			return
		}
		r.Header.Del("Authorization")
	}
	g.next.ServeHTTP(w, r)
}

func (g *guard) allowedAddr(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap().WithZone("")
	for _, p := range g.cidrs {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// allowedCred compares against every credential, so the time taken does
// not say which one nearly matched.
func (g *guard) allowedCred(cred string) bool {
	sum := sha256.Sum256([]byte(cred))
	ok := 0
	for _, c := range g.creds {
		ok |= subtle.ConstantTimeCompare(sum[:], c[:])
	}
	return ok == 1
}
