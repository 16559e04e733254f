package fakeedge

import (
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// WriteCA writes the edge's certificate as a PEM file at path.
func (e *Edge) WriteCA(path string) error {
	return os.WriteFile(path, e.caPEM, 0o600)
}

// WriteConfig writes an ngrok v3 agent config in dir that points an agent
// at this edge, and returns its path: dir/ngrok.yml with agent.authtoken,
// agent.connect_url (the edge's address) and agent.connect_cas (the edge's
// certificate, written beside it as dir/fakeedge-ca.pem). A CLI run with
// --ngrok-config on that path talks to the edge.
func (e *Edge) WriteConfig(dir, authtoken string) (string, error) {
	caPath := filepath.Join(dir, "fakeedge-ca.pem")
	if err := e.WriteCA(caPath); err != nil {
		return "", fmt.Errorf("fakeedge: writing the CA: %w", err)
	}
	var cfg struct {
		Version string `yaml:"version"`
		Agent   struct {
			Authtoken  string `yaml:"authtoken"`
			ConnectURL string `yaml:"connect_url"`
			ConnectCAs string `yaml:"connect_cas"`
		} `yaml:"agent"`
	}
	cfg.Version = "3"
	cfg.Agent.Authtoken = authtoken
	cfg.Agent.ConnectURL = e.Addr()
	cfg.Agent.ConnectCAs = caPath
	data, err := yaml.Marshal(&cfg)
	if err != nil {
		return "", fmt.Errorf("fakeedge: encoding the config: %w", err)
	}
	path := filepath.Join(dir, "ngrok.yml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("fakeedge: writing the config: %w", err)
	}
	return path, nil
}
