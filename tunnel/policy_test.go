package tunnel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"go.yaml.in/yaml/v3"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPolicyGolden pins the exact policy text sent to ngrok for each way of
// building it; run with -update to rewrite testdata after a deliberate change.
func TestPolicyGolden(t *testing.T) {
	yamlFile := `# deny bots
on_http_request:
  - expressions:
      - "req.headers['user-agent'][0].contains('bot')"
    actions:
      - type: deny
on_http_response:
  - actions:
      - type: add-headers
        config:
          headers:
            x-served-by: hark
`
	jsonFile := "{\n\t\"on_http_response\": [\n\t\t{\"actions\": [{\"type\": \"add-headers\", \"config\": {\"headers\": {\"x-a\": \"1\"}}}]}\n\t]\n}\n"
	cases := []struct {
		name        string
		file        string // content of the policy file, "" for none
		cidrs, cred []string
		note        string
	}{
		{name: "cidr_only", cidrs: []string{"203.0.113.0/24", "198.51.100.7/32"},
			note: "traffic policy: built from --allow-cidr"},
		{name: "basic_auth_only", cred: []string{"alice:correct-horse", "bob:battery-staple"},
			note: "traffic policy: built from --basic-auth"},
		{name: "both_flags", cidrs: []string{"203.0.113.0/24"}, cred: []string{"alice:correct-horse"},
			note: "traffic policy: built from --allow-cidr and --basic-auth"},
		{name: "file_only", file: yamlFile, note: "traffic policy: from FILE"},
		{name: "file_and_flags", file: yamlFile, cidrs: []string{"203.0.113.0/24"}, cred: []string{"alice:correct-horse"},
			note: "traffic policy: from FILE; the rule for --allow-cidr and --basic-auth runs first in on_http_request, then the file's rules"},
		{name: "json_file_and_flags", file: jsonFile, cred: []string{"alice:correct-horse"},
			note: "traffic policy: from FILE; the rule for --basic-auth runs first in on_http_request, then the file's rules"},
		{name: "null_phase_and_flags", file: "on_http_request:\n", cidrs: []string{"::1/128"},
			note: "traffic policy: from FILE; the rule for --allow-cidr runs first in on_http_request, then the file's rules"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := ""
			if c.file != "" {
				file = writeFile(t, "policy.yml", c.file)
			}
			policy, note, err := buildPolicy(file, c.cidrs, c.cred)
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.ReplaceAll(c.note, "FILE", file); note != want {
				t.Errorf("note = %q\nwant %q", note, want)
			}
			var parsed map[string]any
			if err := yaml.Unmarshal([]byte(policy), &parsed); err != nil {
				t.Fatalf("the policy does not parse back: %v\n%s", err, policy)
			}
			golden.RequireEqual(t, policy)
		})
	}
}

func TestPolicyNone(t *testing.T) {
	policy, note, err := buildPolicy("", nil, nil)
	if policy != "" || note != "" || err != nil {
		t.Fatalf("buildPolicy with nothing = %q, %q, %v; want nothing", policy, note, err)
	}
}

func TestPolicyFileErrors(t *testing.T) {
	cases := []struct {
		name, content, want string
	}{
		{"unknown_phase", "on_http_request: []\non_request: []\n", `line 2: unknown phase "on_request"; known phases: on_http_request, on_http_response, on_tcp_connect`},
		{"legacy_inbound", "inbound: []\n", `unknown phase "inbound" (inbound is now on_http_request)`},
		{"not_yaml", "on_http_request: [\n", `is neither valid YAML nor JSON`},
		{"bad_json", `{"on_http_request": [}`, `is neither valid YAML nor JSON`},
		{"empty", "", `is empty; want a policy with on_http_request, on_http_response, on_tcp_connect`},
		{"list_root", "- actions: []\n", `the policy must be a mapping of phases`},
		{"phase_not_list", "on_http_request: deny\n", `line 1: on_http_request must be a list of rules`},
		{"rule_not_mapping", "on_http_request:\n  - deny\n", `line 2: each rule of on_http_request must be a mapping (with actions:)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, "p.yml", c.content)
			_, _, err := buildPolicy(path, []string{"203.0.113.0/24"}, nil)
			ue, ok := err.(*UsageError)
			if !ok || ue.Flag != "--traffic-policy" || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error = %v; want a --traffic-policy usage error naming the file and containing %q", err, c.want)
			}
		})
	}
	_, _, err := buildPolicy(filepath.Join(t.TempDir(), "missing.yml"), nil, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "invalid --traffic-policy: ") || !strings.HasSuffix(err.Error(), "missing.yml does not exist") {
		t.Fatalf("missing file error = %v", err)
	}
}
