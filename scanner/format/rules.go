package format

import "github.com/carveout/carveout/scanner/rules"

// ruleInfo is a finding or policy rule as the encoders show it.
type ruleInfo struct {
	ID       string
	Severity string
	Title    string
	Help     string
	Anchor   string // README anchor of the rule's help
}

// registryRules lists the rules of the registry, in its order.
func registryRules() []ruleInfo {
	var out []ruleInfo
	for _, r := range rules.All() {
		out = append(out, ruleInfo{ID: r.ID, Severity: string(r.Severity), Title: r.Title, Help: r.Help, Anchor: r.Anchor()})
	}
	return out
}
