// Package terms holds the structured terms of a license (thresholds,
// territory exclusions, field-of-use bans, naming and attribution duties...)
// and the extractor that reads them from license text.
//
// Every Term points at the lines of the text it was read from. Line numbers
// are 1-based and relative to the text handed to Extract.
package terms

// Kind names a kind of term. The string values are part of the JSON report.
type Kind string

// The kinds of term carveout knows.
const (
	UserThreshold           Kind = "user-threshold"
	RevenueThreshold        Kind = "revenue-threshold"
	TerritoryExclusion      Kind = "territory-exclusion"
	NonCommercial           Kind = "non-commercial"
	FieldOfUse              Kind = "field-of-use"
	OutputsRestriction      Kind = "outputs-restriction"
	NamingRequirement       Kind = "naming-requirement"
	AttributionRequirement  Kind = "attribution-requirement"
	NoticeRequirement       Kind = "notice-requirement"
	PassThrough             Kind = "pass-through"
	IncorporatedPolicy      Kind = "incorporated-policy"
	HostingRestriction      Kind = "hosting-restriction"
	LicensorMayUpdate       Kind = "licensor-may-update"
	RemoteRestriction       Kind = "remote-restriction"
	CopyOfLicenseRequired   Kind = "copy-of-license-required"
	CommercialUseGate       Kind = "commercial-use-gate"
	DistributionRestriction Kind = "distribution-restriction"
	ModificationNotice      Kind = "modification-notice"
	TerminationAtWill       Kind = "termination-at-will"
	ShareAlike              Kind = "share-alike"
)

// Lines is an inclusive 1-based line range.
type Lines struct {
	Start int `json:"start_line" yaml:"start_line"`
	End   int `json:"end_line" yaml:"end_line"`
}

// Term is one structured term of a license. Only the parameters that make
// sense for its Kind are set; the JSON field names are the report contract.
type Term struct {
	Kind Kind `json:"kind" yaml:"kind"`

	// user-threshold: Metric is monthly_active_users, daily_active_users,
	// monthly_visits, ...; Value the count above which the license no
	// longer covers the licensee.
	// revenue-threshold: Value is the amount in Currency (ISO 4217, e.g.
	// USD, EUR, CNY) per Period (e.g. "annual").
	Metric   string `json:"metric,omitempty" yaml:"metric,omitempty"`
	Value    int64  `json:"value,omitempty" yaml:"value,omitempty"`
	Currency string `json:"currency,omitempty" yaml:"currency,omitempty"`
	Period   string `json:"period,omitempty" yaml:"period,omitempty"`
	// Measured says when the metric is measured ("on the release date",
	// "preceding calendar month").
	Measured string `json:"measured,omitempty" yaml:"measured,omitempty"`
	// Effect says what happens above a threshold ("separate license
	// required", "license terminates").
	Effect string `json:"effect,omitempty" yaml:"effect,omitempty"`

	// territory-exclusion: Regions are ISO 3166 alpha-2 codes or "EU";
	// Scope narrows the exclusion ("multimodal models"); Exempt names who
	// is not affected ("end users of products").
	Regions []string `json:"regions,omitempty" yaml:"regions,omitempty"`
	Scope   string   `json:"scope,omitempty" yaml:"scope,omitempty"`
	Exempt  string   `json:"exempt,omitempty" yaml:"exempt,omitempty"`

	// non-commercial: Allowed lists what is still allowed (research,
	// evaluation, personal, non-commercial).
	Allowed []string `json:"allowed,omitempty" yaml:"allowed,omitempty"`
	// field-of-use: Categories lists banned fields (military, surveillance,
	// medical-advice, ...). outputs-restriction: Categories lists what
	// outputs may not be used for (e.g. train-other-models).
	Categories []string `json:"categories,omitempty" yaml:"categories,omitempty"`

	// naming-requirement: Prefix derivatives' names must start with.
	Prefix string `json:"prefix,omitempty" yaml:"prefix,omitempty"`
	// attribution-requirement: Statement to display ("Built with Llama").
	Statement string `json:"statement,omitempty" yaml:"statement,omitempty"`
	// notice-requirement: Notice is the text the NOTICE file must carry.
	Notice string `json:"notice,omitempty" yaml:"notice,omitempty"`
	// incorporated-policy: Policy is a catalog id or a URL.
	Policy string `json:"policy,omitempty" yaml:"policy,omitempty"`

	// Clause names the operative clause of the license the term comes
	// from ("1.b.v", "Section 2", "III"): catalog terms cite it.
	Clause string `json:"clause,omitempty" yaml:"clause,omitempty"`
	// Quote is a short phrase (a few words) of the reference text at the
	// operative clause; catalog terms use it to point at the lines of the
	// text that is present. It is a locator, not reported.
	Quote string `json:"-" yaml:"quote,omitempty"`

	// Text is the sentence (or part of it) of the scanned text the term was
	// read from, whitespace-normalized and cut to a few hundred characters.
	Text string `json:"text,omitempty" yaml:"text,omitempty"`
	// Evidence are the line ranges of the scanned text the term came from.
	Evidence []Lines `json:"evidence" yaml:"evidence,omitempty"`
	// Origin is "text" when extracted from the text that is present, or
	// "catalog" when it is a catalog fact the extraction did not find
	// (kept beside the extracted terms, never replaced by them; its
	// Evidence is where its Quote was found in the text, or empty when the
	// text does not show it).
	Origin string `json:"origin,omitempty" yaml:"-"`
}
