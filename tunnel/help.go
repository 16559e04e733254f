package tunnel

// Help texts for the flags whose values go into Options, so every command
// describes them the same way.
const (
	HelpLocal         = "never use ngrok: serve on 127.0.0.1 only"
	HelpAuthtoken     = "ngrok authtoken (default: $NGROK_AUTHTOKEN, then the ngrok agent config file)"
	HelpNgrokConfig   = "ngrok agent config file to take the authtoken, connect_url and connect_cas from (default: ngrok's own locations)"
	HelpURL           = "reserved ngrok domain for the endpoint, e.g. example.ngrok.app (https:// optional, no path)"
	HelpBasicAuth     = "require HTTP basic auth user:password at the ngrok edge, and on a --bind address other than loopback; password 8-128 characters; repeatable, at most 10"
	HelpAllowCIDR     = "accept visitors only from this CIDR or IP at the ngrok edge, and on a --bind address other than loopback; repeatable"
	HelpBind          = "address of the local receiver; one that other machines can reach (e.g. 0.0.0.0 in a container) needs --basic-auth or --allow-cidr, which hark then enforces on it"
	HelpTrafficPolicy = "ngrok Traffic Policy file (YAML or JSON); the --allow-cidr/--basic-auth rule is put first in its on_http_request phase, so both apply"
)
