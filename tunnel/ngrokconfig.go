package tunnel

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultConfigPaths lists where the ngrok agent keeps its config file on
// goos, in the order they are tried: the current location first, then the
// legacy ~/.ngrok2/ngrok.yml. env looks up environment variables (HOME,
// XDG_CONFIG_HOME, LOCALAPPDATA, USERPROFILE); a path whose variable is
// unset is left out.
func DefaultConfigPaths(goos string, env func(string) string) []string {
	join := func(elem ...string) string {
		if goos == "windows" {
			return strings.Join(elem, `\`)
		}
		return strings.Join(elem, "/")
	}
	var paths []string
	switch goos {
	case "windows":
		if d := env("LOCALAPPDATA"); d != "" {
			paths = append(paths, join(d, "ngrok", "ngrok.yml"))
		}
		if h := env("USERPROFILE"); h != "" {
			paths = append(paths, join(h, ".ngrok2", "ngrok.yml"))
		}
		return paths
	case "darwin", "ios":
		if h := env("HOME"); h != "" {
			paths = append(paths, join(h, "Library", "Application Support", "ngrok", "ngrok.yml"))
		}
	default:
		if x := env("XDG_CONFIG_HOME"); x != "" {
			paths = append(paths, join(x, "ngrok", "ngrok.yml"))
		} else if h := env("HOME"); h != "" {
			paths = append(paths, join(h, ".config", "ngrok", "ngrok.yml"))
		}
	}
	if h := env("HOME"); h != "" {
		paths = append(paths, join(h, ".ngrok2", "ngrok.yml"))
	}
	return paths
}

// agentConfig is what hark takes from an ngrok agent config file, v3
// (under agent:) or v2 (top level).
type agentConfig struct {
	Path       string
	Authtoken  string
	TokenKey   string // "agent.authtoken" or "authtoken"
	ConnectURL string // host:port, empty for ngrok's default
	ConnectCAs string // "trusted", "host" or a PEM file path, as written
}

// configFile mirrors the parts of ngrok.yml hark reads; everything else in
// the file is ignored.
type configFile struct {
	Version    string `yaml:"version"`
	Authtoken  string `yaml:"authtoken"`
	ServerAddr string `yaml:"server_addr"`
	RootCAs    string `yaml:"root_cas"`
	Agent      struct {
		Authtoken  string `yaml:"authtoken"`
		ConnectURL string `yaml:"connect_url"`
		ConnectCAs string `yaml:"connect_cas"`
	} `yaml:"agent"`
}

// findConfig reads the ngrok config: the named file (which must exist), or
// else the first default path that exists. It returns a nil config when no
// file was named and none exists, and the paths it looked at.
func findConfig(named string, defaults []string) (*agentConfig, []string, error) {
	if named != "" {
		cfg, err := readConfig(named)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, []string{named}, usageErr("--ngrok-config", "%s does not exist", named)
		}
		return cfg, []string{named}, err
	}
	for _, p := range defaults {
		cfg, err := readConfig(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		return cfg, defaults, err
	}
	return nil, defaults, nil
}

func readConfig(path string) (*agentConfig, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, usageErr("", "cannot read the ngrok config file %s: %v (name another with --ngrok-config FILE, or run with --local)", path, unwrapPathError(err))
	}
	var f configFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, usageErr("", "the ngrok config file %s is not valid YAML: %v (check it with `ngrok config check`)", path, err)
	}
	cfg := &agentConfig{Path: path}
	// v3 keeps agent settings under agent:, v2 at the top level; a file
	// with both is read as v3, falling back to the v2 keys.
	switch {
	case f.Agent.Authtoken != "":
		cfg.Authtoken, cfg.TokenKey = f.Agent.Authtoken, "agent.authtoken"
	case f.Authtoken != "":
		cfg.Authtoken, cfg.TokenKey = f.Authtoken, "authtoken"
	}
	cfg.ConnectURL = firstNonEmpty(f.Agent.ConnectURL, f.ServerAddr)
	cfg.ConnectCAs = firstNonEmpty(f.Agent.ConnectCAs, f.RootCAs)
	cfg.Authtoken = strings.TrimSpace(cfg.Authtoken)
	if cfg.ConnectURL != "" {
		addr, err := normalizeConnectURL(cfg.ConnectURL)
		if err != nil {
			return nil, usageErr("", "%s: connect_url %q: %v", path, cfg.ConnectURL, err)
		}
		cfg.ConnectURL = addr
	}
	return cfg, nil
}

func unwrapPathError(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// normalizeConnectURL accepts host:port, host (port 443) or either with a
// tls:// or https:// prefix, and returns host:port.
func normalizeConnectURL(s string) (string, error) {
	for _, scheme := range []string{"tls://", "https://", "tcp://"} {
		s = strings.TrimPrefix(s, scheme)
	}
	s = strings.TrimSuffix(s, "/")
	if s == "" || strings.ContainsAny(s, "/?# ") {
		return "", errors.New("want host:port, such as connect.ngrok-agent.com:443")
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		// No port: the agent connects on 443.
		if strings.Contains(err.Error(), "missing port") {
			return net.JoinHostPort(strings.Trim(s, "[]"), "443"), nil
		}
		return "", errors.New("want host:port, such as connect.ngrok-agent.com:443")
	}
	if host == "" || port == "" {
		return "", errors.New("want host:port, such as connect.ngrok-agent.com:443")
	}
	return net.JoinHostPort(host, port), nil
}

// connectCAPool turns connect_cas into the pool the agent verifies the
// ngrok server with. "trusted" (ngrok's default) means ngrok's own root CA,
// which ngrok-go embeds: nil is returned so it keeps it. "host" means the
// operating system's roots. Anything else is a PEM file; a relative path is
// taken from the config file's folder.
func connectCAPool(value, configPath string) (*x509.CertPool, error) {
	switch value {
	case "", "trusted":
		return nil, nil
	case "host":
		pool, err := x509.SystemCertPool()
		if err != nil {
			return nil, usageErr("", "%s: connect_cas: host: cannot load the system's root certificates: %v", configPath, err)
		}
		return pool, nil
	}
	path := value
	if !filepath.IsAbs(path) && configPath != "" {
		path = filepath.Join(filepath.Dir(configPath), path)
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr("", "%s: connect_cas: cannot read %s: %v", configPath, path, unwrapPathError(err))
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, usageErr("", "%s: connect_cas: %s holds no PEM certificate", configPath, path)
	}
	return pool, nil
}

// describeSource says where a config value came from, for info lines.
func (c *agentConfig) describeSource() string {
	return fmt.Sprintf("%s (%s)", c.Path, c.TokenKey)
}
