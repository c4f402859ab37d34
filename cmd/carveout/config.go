package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/carveout/carveout/licenses/profile"
)

// defaultConfig is the configuration file read from the current folder
// when neither --config nor CARVEOUT_CONFIG names one.
const defaultConfig = ".carveout.yaml"

// config is a .carveout.yaml file: defaults for scan and check that a
// repository keeps beside its models. Flags win over CARVEOUT_*
// environment variables, which win over the file.
type config struct {
	path string
	// profile and policyPath are paths relative to the config's folder;
	// policyInline is a policy written in the file itself.
	profile      string
	policyPath   string
	policyInline []byte
	failOn       string
	outputs      []string
	targets      []string
	// waivers is the waivers block (YAML, lines kept) added to the policy.
	waivers []byte
}

// configKeys are the keys a config file may have.
var configKeys = []string{"profile", "policy", "fail-on", "fail_on", "outputs", "targets", "waivers"}

// loadConfig reads the config file named by --config, else
// CARVEOUT_CONFIG, else .carveout.yaml in the current folder when there is
// one. nil means no config. Errors name the file and line (exit 2).
func loadConfig(app *App, flagPath string) (*config, error) {
	name := flagPath
	if name == "" {
		name = app.Getenv("CARVEOUT_CONFIG")
	}
	if name == "" {
		if _, err := os.Stat(defaultConfig); err != nil {
			return nil, nil
		}
		name = defaultConfig
	}
	b, err := readSmall(name)
	if err != nil {
		return nil, usagef("config: %v", err)
	}
	c, err := parseConfig(name, b)
	if err != nil {
		return nil, usageErr(err)
	}
	return c, nil
}

// parseConfig parses a config file; name is used in messages and to
// resolve relative paths.
func parseConfig(name string, data []byte) (*config, error) {
	c := &config{path: name}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(doc.Content) == 0 {
		return c, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: a config file is a mapping of keys (%s)", name, root.Line, strings.Join(configKeys, ", "))
	}
	lines := strings.Split(string(data), "\n")
	var errs []error
	bad := func(n *yaml.Node, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", name, n.Line, fmt.Sprintf(format, args...)))
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		// The lines of this entry: from its key to the line before the
		// next top-level key.
		end := len(lines)
		if i+2 < len(root.Content) {
			end = root.Content[i+2].Line - 1
		}
		switch k.Value {
		case "profile":
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				bad(v, "profile: want the path of a profile file")
				continue
			}
			c.profile = c.rel(v.Value)
		case "policy":
			switch v.Kind {
			case yaml.ScalarNode:
				c.policyPath = c.rel(v.Value)
			case yaml.MappingNode:
				c.policyInline = block(lines, v.Line, end, v.Column-1)
			default:
				bad(v, "policy: want the path of a policy file or a policy mapping")
			}
		case "fail-on", "fail_on":
			if _, err := parseFailOn(v.Value); v.Kind != yaml.ScalarNode || err != nil {
				bad(v, "%s: want error, warning, info or never", k.Value)
				continue
			}
			c.failOn = v.Value
		case "outputs", "targets":
			list, ok := strList(v)
			if !ok {
				bad(v, "%s: want a list of strings", k.Value)
				continue
			}
			if k.Value == "outputs" {
				c.outputs = list
			} else {
				for _, t := range list {
					c.targets = append(c.targets, c.relTarget(t))
				}
			}
		case "waivers":
			c.waivers = block(lines, k.Line, end, 0)
		default:
			bad(k, "unknown key %q (want %s)", k.Value, strings.Join(configKeys, ", "))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// block returns lines [from, to] (1-based) of a file, dedented by indent
// and preceded by from-1 empty lines, so a parser of the block reports the
// file's own line numbers.
func block(lines []string, from, to, indent int) []byte {
	var b strings.Builder
	b.WriteString(strings.Repeat("\n", from-1))
	for i := from; i <= to && i <= len(lines); i++ {
		l := lines[i-1]
		if len(l) >= indent && strings.TrimSpace(l[:indent]) == "" {
			l = l[indent:]
		}
		b.WriteString(l + "\n")
	}
	return []byte(b.String())
}

func strList(n *yaml.Node) ([]string, bool) {
	if n.Kind != yaml.SequenceNode {
		return nil, false
	}
	var out []string
	for _, x := range n.Content {
		if x.Kind != yaml.ScalarNode {
			return nil, false
		}
		out = append(out, x.Value)
	}
	return out, true
}

// rel resolves a path of the config file against the config's folder.
func (c *config) rel(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(c.path), p)
}

// relTarget resolves a local target against the config's folder; remote
// targets are kept as they are.
func (c *config) relTarget(t string) string {
	if strings.Contains(t, ":") {
		return t
	}
	return c.rel(t)
}

// apply fills the options the flags and the environment left unset:
// flags > CARVEOUT_* environment > config file.
func (c *config) apply(app *App, o *scanOptions, args []string) []string {
	set := func(flag string) bool { return o.flags != nil && o.flags.Changed(flag) }
	if !set("profile") && app.Getenv("CARVEOUT_PROFILE") == "" && c != nil && c.profile != "" {
		o.profile = c.profile
	}
	if !set("policy") {
		if env := app.Getenv("CARVEOUT_POLICY"); env != "" {
			o.policy = env
		} else if c != nil && c.policyPath != "" {
			o.policy = c.policyPath
		}
	}
	if !set("fail-on") {
		if env := app.Getenv("CARVEOUT_FAIL_ON"); env != "" {
			o.failOn, o.failOnSet = env, true
		} else if c != nil && c.failOn != "" {
			o.failOn, o.failOnSet = c.failOn, true
		}
	} else {
		o.failOnSet = true
	}
	if c != nil && len(o.out.outs) == 0 && !set("format") && !set("output") {
		o.out.outs = c.outputs
	}
	if c != nil && len(args) == 0 && o.from == "" && o.hfCache == "" && o.githubOrg == "" {
		args = append(args, c.targets...)
	}
	return args
}

// policyOf builds the policy the config gives (inline, plus its waivers
// added to the policy file's); nil when the config sets none.
func (c *config) policyOf(file *profile.Policy) (*profile.Policy, error) {
	if c == nil {
		return file, nil
	}
	p := file
	if p == nil && c.policyInline != nil {
		var err error
		if p, err = profile.ParsePolicy(c.path, c.policyInline); err != nil {
			return nil, usageErr(err)
		}
	}
	if c.waivers != nil {
		w, err := profile.ParsePolicy(c.path, c.waivers)
		if err != nil {
			return nil, usageErr(err)
		}
		if p == nil {
			p = profile.DefaultPolicy()
		}
		p.Waivers = append(p.Waivers, w.Waivers...)
	}
	return p, nil
}

// configTemplate is what carveout init writes as .carveout.yaml.
const configTemplate = `# carveout configuration, read by carveout scan and check from the current
# folder (or --config FILE, or CARVEOUT_CONFIG). Flags win over CARVEOUT_*
# environment variables, which win over this file. Paths are relative to
# this file.

# The organization profile the license terms are evaluated against.
profile: carveout-profile.yaml

# The policy: a file, or the policy itself written here as a mapping.
policy: carveout-policy.yaml

# Exit 1 when a finding has this severity or worse: error, warning, info,
# never (never: report only; a policy's fail_on is then ignored too).
fail-on: error

# Outputs besides the terminal table, as -o FORMAT[=FILE].
outputs: []
#  - sarif=carveout.sarif
#  - markdown=carveout.md

# What to scan when no target is given on the command line.
targets: [.]

# Waivers added to the policy's (each needs a reason and an expiry date).
waivers: []
#  - license: llama3.1
#    rule: "applies:user-threshold"
#    reason: separate license signed with Meta, ticket LEGAL-123
#    expires: 2027-01-31
`
