package cli

import (
	"errors"
	"log/slog"

	"github.com/harkhq/hark/tunnel"
	"github.com/spf13/cobra"
)

// tunnelFlags choose where the receiver is reachable: ngrok or local.
type tunnelFlags struct {
	local         bool
	bind          string
	authtoken     string
	ngrokConfig   string
	url           string
	basicAuth     []string
	allowCIDR     []string
	trafficPolicy string
}

func (f *tunnelFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&f.local, "local", false, tunnel.HelpLocal)
	fs.StringVar(&f.bind, "bind", tunnel.Loopback, tunnel.HelpBind)
	fs.StringVar(&f.authtoken, "authtoken", "", tunnel.HelpAuthtoken)
	fs.StringVar(&f.ngrokConfig, "ngrok-config", "", tunnel.HelpNgrokConfig)
	fs.StringVar(&f.url, "url", "", tunnel.HelpURL)
	fs.StringArrayVar(&f.basicAuth, "basic-auth", nil, tunnel.HelpBasicAuth)
	fs.StringArrayVar(&f.allowCIDR, "allow-cidr", nil, tunnel.HelpAllowCIDR)
	fs.StringVar(&f.trafficPolicy, "traffic-policy", "", tunnel.HelpTrafficPolicy)
}

// plan resolves the flags, the environment and the ngrok config into what
// to start; it touches no network. Bad values are usage errors.
func (f *tunnelFlags) plan(e *env, port int, logger *slog.Logger) (tunnel.Plan, error) {
	plan, err := tunnel.Resolve(tunnel.Options{
		Local: f.local, Port: port, Bind: f.bind, Authtoken: f.authtoken, NgrokConfig: f.ngrokConfig,
		URL: f.url, BasicAuth: f.basicAuth, AllowCIDR: f.allowCIDR, TrafficPolicyFile: f.trafficPolicy,
		Description: "hark webhook receiver", ClientVersion: versionString(),
		Logger: logger, Env: e.getenv,
	})
	var usage *tunnel.UsageError
	if errors.As(err, &usage) {
		return plan, usageError{err}
	}
	return plan, err
}
