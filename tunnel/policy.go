package tunnel

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Phases are the Traffic Policy phases a policy file may use.
var Phases = []string{"on_http_request", "on_http_response", "on_tcp_connect"}

// policyRule and policyAction are how hark writes the rules it builds from
// --allow-cidr and --basic-auth; field order is the order in the output.
type policyRule struct {
	Actions []policyAction `yaml:"actions"`
}

type policyAction struct {
	Type   string `yaml:"type"`
	Config any    `yaml:"config"`
}

type restrictIPsConfig struct {
	Enforce bool     `yaml:"enforce"`
	Allow   []string `yaml:"allow"`
}

type basicAuthConfig struct {
	Credentials []string `yaml:"credentials"`
	Enforce     bool     `yaml:"enforce"`
}

// flagRules builds the on_http_request rule for --allow-cidr and
// --basic-auth: addresses are checked before credentials, so a visitor from
// elsewhere is refused without a password prompt. It returns nil when
// neither flag is set.
func flagRules(cidrs, creds []string) []policyRule {
	var actions []policyAction
	if len(cidrs) > 0 {
		actions = append(actions, policyAction{Type: "restrict-ips", Config: restrictIPsConfig{Enforce: true, Allow: cidrs}})
	}
	if len(creds) > 0 {
		actions = append(actions, policyAction{Type: "basic-auth", Config: basicAuthConfig{Credentials: creds, Enforce: true}})
	}
	if actions == nil {
		return nil
	}
	return []policyRule{{Actions: actions}}
}

// buildPolicy returns the Traffic Policy (YAML) for the endpoint, and a note
// for the user on how it was put together ("" when there is no policy).
//
// Merge rule: when both a --traffic-policy file and --allow-cidr or
// --basic-auth are given, the file's policy is used as written and the
// flags' rule is put first in its on_http_request phase, so both apply and
// the flags' checks run before the file's rules.
func buildPolicy(file string, cidrs, creds []string) (policy, note string, err error) {
	rules := flagRules(cidrs, creds)
	if file == "" {
		if rules == nil {
			return "", "", nil
		}
		out, err := encodeYAML(map[string][]policyRule{"on_http_request": rules})
		return out, "traffic policy: built from " + flagNames(cidrs, creds), err
	}
	doc, err := readPolicyFile(file)
	if err != nil {
		return "", "", err
	}
	if rules != nil {
		if err := prependRules(doc, rules); err != nil {
			return "", "", err
		}
	}
	out, err := encodeYAML(doc)
	if err != nil {
		return "", "", err
	}
	note = "traffic policy: from " + file
	if rules != nil {
		note += "; the rule for " + flagNames(cidrs, creds) + " runs first in on_http_request, then the file's rules"
	}
	return out, note, nil
}

func flagNames(cidrs, creds []string) string {
	var names []string
	if len(cidrs) > 0 {
		names = append(names, "--allow-cidr")
	}
	if len(creds) > 0 {
		names = append(names, "--basic-auth")
	}
	return strings.Join(names, " and ")
}

// readPolicyFile parses a YAML or JSON policy and checks its shape: a
// mapping of known phases, each a list of rules (mappings).
func readPolicyFile(path string) (*yaml.Node, error) {
	const flag = "--traffic-policy"
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, usageErr(flag, "%s does not exist", path)
	}
	if err != nil {
		return nil, usageErr(flag, "cannot read %s: %v", path, unwrapPathError(err))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, usageErr(flag, "%s is neither valid YAML nor JSON: %v", path, err)
	}
	if len(doc.Content) == 0 {
		return nil, usageErr(flag, "%s is empty; want a policy with %s", path, strings.Join(Phases, ", "))
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, usageErr(flag, "%s: the policy must be a mapping of phases (%s)", path, strings.Join(Phases, ", "))
	}
	for i := 0; i < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		if !slices.Contains(Phases, key.Value) {
			hint := ""
			switch key.Value {
			case "inbound":
				hint = " (inbound is now on_http_request)"
			case "outbound":
				hint = " (outbound is now on_http_response)"
			}
			return nil, usageErr(flag, "%s line %d: unknown phase %q%s; known phases: %s", path, key.Line, key.Value, hint, strings.Join(Phases, ", "))
		}
		if value.Kind == yaml.ScalarNode && value.Tag == "!!null" {
			continue
		}
		if value.Kind != yaml.SequenceNode {
			return nil, usageErr(flag, "%s line %d: %s must be a list of rules", path, value.Line, key.Value)
		}
		for _, rule := range value.Content {
			if rule.Kind != yaml.MappingNode {
				return nil, usageErr(flag, "%s line %d: each rule of %s must be a mapping (with actions:)", path, rule.Line, key.Value)
			}
		}
	}
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		plainStyle(&doc)
	}
	return &doc, nil
}

// prependRules puts rules at the head of the document's on_http_request
// list, creating the phase when the file has none.
func prependRules(doc *yaml.Node, rules []policyRule) error {
	var encoded yaml.Node
	if err := encoded.Encode(rules); err != nil {
		return fmt.Errorf("encoding the flags' policy rules: %w", err)
	}
	root := doc.Content[0]
	for i := 0; i < len(root.Content); i += 2 {
		if root.Content[i].Value != "on_http_request" {
			continue
		}
		list := root.Content[i+1]
		if list.Kind != yaml.SequenceNode { // an empty (null) phase
			*list = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		}
		list.Content = append(slices.Clone(encoded.Content), list.Content...)
		return nil
	}
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "on_http_request"}
	root.Content = append([]*yaml.Node{key, &encoded}, root.Content...)
	return nil
}

// plainStyle rewrites a JSON document (parsed as flow YAML with every
// string quoted) in block style with plain scalars, so the policy sent
// reads like the YAML ones; the encoder still quotes a string that would
// otherwise read as another type.
func plainStyle(n *yaml.Node) {
	n.Style &^= yaml.FlowStyle
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		n.Style &^= yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle
	}
	for _, c := range n.Content {
		plainStyle(c)
	}
}

func encodeYAML(v any) (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("encoding the traffic policy: %w", err)
	}
	if err := enc.Close(); err != nil {
		return "", fmt.Errorf("encoding the traffic policy: %w", err)
	}
	return b.String(), nil
}
