package format

// ruleInfo is a finding rule as the encoders show it.
type ruleInfo struct {
	ID       string
	Severity string
	Title    string
	Help     string
	Anchor   string // README anchor of the rule's help
}

// registryRules lists the finding rules of the registry.
//
// TODO(encoders): the registry (scanner/rules) is not on main yet; until
// it is, SARIF lists the rules the reports name, titled by their id.
func registryRules() []ruleInfo { return nil }
