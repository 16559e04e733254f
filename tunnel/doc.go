// Package tunnel gives the receiver a net.Listener with a URL: a public
// ngrok endpoint served in-process (golang.ngrok.com/ngrok/v2), or, without
// an authtoken or with --local, a listener on 127.0.0.1. It knows nothing
// about webhooks.
//
// The local listener may bind another address (--bind, e.g. 0.0.0.0 in a
// container) only with --basic-auth or --allow-cidr, which ngrok's edge
// enforces for the public URL and Plan.Guard enforces on that listener
// itself (401, 403); Serve applies it in local mode.
//
// Two steps, so that bad input is rejected before any connection:
//
//   - Resolve (no network) finds the authtoken (--authtoken, then
//     $NGROK_AUTHTOKEN, then the ngrok agent config: --ngrok-config FILE,
//     else the default locations, v3 agent.authtoken or v2 authtoken), the
//     config's connect_url/server_addr and connect_cas/root_cas, checks
//     --url, --basic-auth, --allow-cidr and --traffic-policy, and builds the
//     Traffic Policy. Bad values come back as *UsageError (exit 2).
//   - Start connects and returns once online, or with a *Error that carries
//     ngrok's message, its ERR_NGROK code, the docs link and a hint, with
//     the authtoken redacted. Auth failures end the connect at once; a
//     first connect that does not succeed within FirstConnectTimeout is
//     ended by a watchdog.
//
// Traffic Policy merge rule: --allow-cidr and --basic-auth become one rule
// (restrict-ips, then basic-auth). With --traffic-policy FILE, the file's
// policy is used as written and that rule is put first in its
// on_http_request phase, so both apply and the flags' checks run first.
// Plan.Notes says so in an info line.
//
// After Start, Events reports status changes (Connecting, Online,
// Reconnecting with the reason, Failed, Closed); the URL never changes
// across reconnects. Serve runs an http.Server with timeouts that allow long
// holds, and Close shuts everything down in order.
//
// A CLI uses it like this:
//
//	plan, err := tunnel.Resolve(tunnel.Options{
//		Local: local, Port: port, Authtoken: authtoken, NgrokConfig: ngrokConfig,
//		URL: url, BasicAuth: basicAuth, AllowCIDR: allowCIDR, TrafficPolicyFile: policyFile,
//		ClientVersion: version, Logger: logger,
//	})
//	if err != nil { // *tunnel.UsageError: print it, exit 2
//		return err
//	}
//	if plan.Notice != "" {
//		logger.Warn(plan.Notice) // local-only for lack of a token: how to get a URL
//	}
//	for _, note := range plan.Notes {
//		logger.Info(note)
//	}
//	tun := tunnel.New(plan)
//	go func() {
//		for st := range tun.Events() { // ends after Failed or Closed
//			logger.Info("tunnel", "state", st.State, "url", st.URL, "reason", st.Reason)
//		}
//	}()
//	if err := tun.Start(ctx); err != nil { // *tunnel.Error: print err.Error(), exit 1
//		return err
//	}
//	fmt.Println(tun.URL())
//	served := make(chan error, 1)
//	go func() { served <- tun.Serve(handler) }()
//	select {
//	case <-ctx.Done(): // signal
//	case err = <-served: // the endpoint was stopped by ngrok
//	}
//	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
//	defer cancel()
//	closeErr := tun.Close(shutdownCtx) // in-flight requests finish first
//
// Tests and the CLI's end-to-end tests point the real agent at
// tunnel/fakeedge, a fake ngrok edge on 127.0.0.1.
package tunnel
