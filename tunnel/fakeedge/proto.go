package fakeedge

import (
	"encoding/json"
	"strconv"
)

// The wire messages of ngrok's agent protocol, mirrored from ngrok-go
// v2.4.0 internal/tunnel/proto/msg.go (they are internal there). Only the
// fields the fake reads or writes are kept; JSON names match exactly.

// Stream types: the first 4 bytes (big-endian) of every stream.
const (
	typeAuth             = 0
	typeBind             = 1
	typeUnbind           = 2
	typeProxy            = 3
	typeStopTunnel       = 9
	typeSrvInfo          = 8
	typePatchTunnelState = 10
)

type authMsg struct {
	Version  []string
	ClientID string `json:"ClientId"`
	Extra    struct {
		OS        string
		Arch      string
		Authtoken string
		Version   string
		UserAgent string
		Metadata  string
		Cookie    string
		LegNumber uint32
	}
}

type authRespExtra struct {
	Version        string
	Region         string
	Cookie         string
	AccountName    string
	PlanName       string
	AgentSessionID string
}

type authResp struct {
	Version  string
	ClientID string `json:"ClientId"`
	Error    string
	Extra    authRespExtra
}

type bindMsg struct {
	ClientID      string `json:"Id"`
	Proto         string
	ForwardsTo    string
	ForwardsProto string
	Opts          json.RawMessage
	Extra         struct {
		Name           string
		Token          string
		IPPolicyRef    string
		Metadata       string
		Description    string
		Bindings       []string
		PoolingEnabled bool
	}
}

// httpEndpointOpts is the part of proto.HTTPEndpoint (a bind's Opts) the
// fake reads.
type httpEndpointOpts struct {
	URL           string
	TrafficPolicy string
}

type bindResp struct {
	ClientID string `json:"Id"`
	URL      string
	Proto    string
	Opts     map[string]any
	Error    string
	Extra    struct {
		Token    string
		TunnelID string
	}
}

type unbindMsg struct {
	ClientID string `json:"Id"`
}

type errorResp struct {
	Error string
}

type srvInfoResp struct {
	Region string
}

// stopTunnelMsg asks the agent to close one endpoint, with a reason.
type stopTunnelMsg struct {
	ClientID  string `json:"Id"`
	Message   string
	ErrorCode string
}

// proxyHeader precedes the visitor's bytes on a proxy stream, after its
// int64 little-endian length.
type proxyHeader struct {
	ID             string `json:"Id"`
	ClientAddr     string
	Proto          string
	EdgeType       string
	PassthroughTLS bool
}

// ErrorText is an error as the ngrok service words it: the message, a blank
// line, then ERR_NGROK_<code>. ngrok-go reads the code from that last line.
func ErrorText(code int, message string) string {
	return message + "\r\n\r\nERR_NGROK_" + strconv.Itoa(code)
}
