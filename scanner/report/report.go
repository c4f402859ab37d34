// Package report holds the types of carveout's JSON report, the
// carveout.report/v1 contract documented in the README and published as a
// JSON Schema (schema/report.schema.json). It is a leaf: it imports nothing
// of carveout, so a change in the catalog's or the extractor's own types
// cannot change the contract silently; the scanner maps its internal types
// onto these.
package report

import "fmt"

// Schema is the version of the JSON report. It changes only when a field
// changes meaning or disappears; new fields may be added within a version.
const Schema = "carveout.report/v1"

// Severity of a finding.
type Severity string

// Severities, most severe first.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Rank orders severities: error 3, warning 2, info 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarning:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

// Evidence sources: where a piece of evidence was read.
const (
	SourceModelCard   = "model-card"      // model card front matter
	SourceCardText    = "model-card-text" // model card body or gated prompt
	SourceLicenseFile = "license-file"    // LICENSE, NOTICE, USE_POLICY...
	SourceConfig      = "config"          // config.json, adapter_config.json
	SourceWeights     = "weights"         // GGUF / safetensors header
	SourceHub         = "hub-api"         // Hugging Face Hub API
	SourceGitHub      = "github-api"      // GitHub API
	SourceLineage     = "lineage"         // a base model's metadata
)

// Evidence points at the place something was read from.
type Evidence struct {
	Path      string `json:"path"`
	StartLine int    `json:"start_line"`
	EndLine   int    `json:"end_line"`
	Source    string `json:"source"`
	// Detail is an optional short note (the key read, the value seen).
	Detail string `json:"detail,omitempty"`
}

// Place renders the evidence as path, path:line or path:start-end (the
// source name when there is no path).
func (e Evidence) Place() string {
	switch {
	case e.Path == "":
		return e.Source
	case e.StartLine == 0:
		return e.Path
	case e.EndLine == 0 || e.EndLine == e.StartLine:
		return fmt.Sprintf("%s:%d", e.Path, e.StartLine)
	}
	return fmt.Sprintf("%s:%d-%d", e.Path, e.StartLine, e.EndLine)
}

// Report is the result of scanning one target. Its JSON form is the
// carveout.report/v1 contract documented in the README.
type Report struct {
	Schema   string     `json:"schema"`
	Target   string     `json:"target"`
	Source   SourceInfo `json:"source"`
	Declared Declared   `json:"declared"`
	Licenses []License  `json:"licenses"`
	Files    []File     `json:"files"`
	Lineage  []Link     `json:"lineage"`
	// Datasets are the training data sets the card names, with their
	// declared licenses (omitted when the card names none).
	Datasets []Dataset `json:"datasets,omitempty"`
	// Profile, Obligations and Violations are filled when a profile or
	// policy is evaluated.
	Profile     *Profile     `json:"profile,omitempty"`
	Obligations []Obligation `json:"obligations"`
	Violations  []Violation  `json:"violations"`
	Findings    []Finding    `json:"findings"`
	Summary     Summary      `json:"summary"`
	// Error says why the target could not be read at all (summary status
	// "error"); such a report is never a pass.
	Error string `json:"error,omitempty"`
	// Model is what the scan read about the model beyond the contract,
	// for the evaluation (whether it is multimodal); not reported.
	Model ModelFacts `json:"-"`
}

// ModelFacts are facts about the model the evaluation reads and the report
// does not show.
type ModelFacts struct {
	// Config is config.json decoded as JSON (nil when absent or
	// malformed); Files are every file path of the repository.
	Config map[string]any
	Files  []string
}

// SourceInfo describes where the target was read.
type SourceInfo struct {
	Kind     string `json:"kind"` // dir, file, hf, hf-cache, github
	ID       string `json:"id,omitempty"`
	Revision string `json:"revision,omitempty"`
	URL      string `json:"url,omitempty"`
	// ServiceLicense is the hosting service's own opinion of the license
	// (GitHub's license API, the Hub's cardData), beside carveout's.
	ServiceLicense []string `json:"service_license,omitempty"`
	Gated          string   `json:"gated,omitempty"`
}

// Declared is what the model card (and configs) say.
type Declared struct {
	Path string `json:"path,omitempty"`
	// Licenses are the raw license values of the card (string or list).
	Licenses []string `json:"licenses"`
	// Canonical are those values mapped to canonical ids ("unknown" for
	// values that are not identified, e.g. "other" without a known name).
	Canonical         []string `json:"canonical"`
	LicenseName       string   `json:"license_name,omitempty"`
	LicenseLink       string   `json:"license_link,omitempty"`
	BaseModels        []string `json:"base_models"`
	BaseModelRelation string   `json:"base_model_relation,omitempty"`
	ModelName         string   `json:"model_name,omitempty"`
	PipelineTag       string   `json:"pipeline_tag,omitempty"`
	Tags              []string `json:"tags,omitempty"`
	GatedEUDisallowed bool     `json:"extra_gated_eu_disallowed,omitempty"`
}

// Match says how a license was identified.
type Match struct {
	Kind       string  `json:"kind"` // text, reference, declared, metadata
	Confidence float64 `json:"confidence"`
	Modified   bool    `json:"modified"`
	// Changed lists the lines of a matched text that are not in the
	// reference text (only for kind text).
	Changed []Evidence `json:"changed,omitempty"`
}

// License is one license found in the target, with every place it was seen.
type License struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Family      string     `json:"family,omitempty"`
	Version     string     `json:"version,omitempty"`
	Category    string     `json:"category"`
	OSIApproved bool       `json:"osi_approved"`
	SPDXID      string     `json:"spdx_id,omitempty"`
	HFID        string     `json:"hf_id,omitempty"`
	URL         string     `json:"url,omitempty"`
	Match       Match      `json:"match"`
	Evidence    []Evidence `json:"evidence"`
	Terms       []Term     `json:"terms"`
	// Incorporates lists documents the license incorporates by reference.
	Incorporates []string `json:"incorporates,omitempty"`
	// Closest is, for an unknown license text, the known license it
	// resembles most and how much (never its id).
	Closest *Closest `json:"closest,omitempty"`
}

// Closest is the known license an unknown text resembles most.
type Closest struct {
	ID         string  `json:"id"`
	Similarity float64 `json:"similarity"`
}

// Term is a license term with its evidence and, when a profile was
// evaluated, its verdict. Only the parameters that make sense for its Kind
// are set (the README lists them per kind).
type Term struct {
	Kind string `json:"kind"`

	Metric   string `json:"metric,omitempty"`
	Value    int64  `json:"value,omitempty"`
	Currency string `json:"currency,omitempty"`
	Period   string `json:"period,omitempty"`
	Measured string `json:"measured,omitempty"`
	Effect   string `json:"effect,omitempty"`

	Regions []string `json:"regions,omitempty"`
	Scope   string   `json:"scope,omitempty"`
	Exempt  string   `json:"exempt,omitempty"`

	Allowed    []string `json:"allowed,omitempty"`
	Categories []string `json:"categories,omitempty"`

	Prefix    string `json:"prefix,omitempty"`
	Statement string `json:"statement,omitempty"`
	Notice    string `json:"notice,omitempty"`
	Policy    string `json:"policy,omitempty"`

	// Clause names the operative clause of the license ("1.b.v", "III").
	Clause string `json:"clause,omitempty"`
	// Text is the sentence the term was read from (bounded).
	Text string `json:"text,omitempty"`
	// Description renders the parameters in a few words, as carveout
	// prints them ("monthly_active_users > 700,000,000").
	Description string `json:"description"`
	// Origin is "text" (read from the text present) or "catalog" (a
	// catalog fact about the license).
	Origin   string     `json:"origin,omitempty"`
	Evidence []Evidence `json:"evidence"`
	Verdict  string     `json:"verdict,omitempty"` // applies, does-not-apply, undetermined
	Reason   string     `json:"reason,omitempty"`
	Missing  []string   `json:"missing_profile_fields,omitempty"`
}

// File is one file of the target that carveout looked at.
type File struct {
	Path string `json:"path"`
	// PathBytes holds the path's bytes when they are not valid UTF-8: JSON
	// strings cannot carry them (Path shows U+FFFD), and the file must
	// still be found. Base64 in JSON.
	PathBytes []byte `json:"path_bytes,omitempty"`
	Size      int64  `json:"size"`
	// Kind: model-card, license, config, weights.
	Kind string `json:"kind"`
	// Read is how many bytes were read (weights: the bounded header).
	Read int64 `json:"bytes_read"`
	// Format of a weight file (gguf, safetensors, pickle, onnx...).
	Format string `json:"format,omitempty"`
	// Metadata read from a weight header (license-related keys).
	Metadata map[string]string `json:"metadata,omitempty"`
	// SHA256 is the hex sha256 of a text file read whole (card, license,
	// config), so a review can show which bytes it judged.
	SHA256 string `json:"sha256,omitempty"`
}

// Link is one step of a model's lineage.
type Link struct {
	Model    string   `json:"model"`
	Base     string   `json:"base"`
	Relation string   `json:"relation,omitempty"` // finetune, adapter, quantized, merge
	Depth    int      `json:"depth"`
	Licenses []string `json:"licenses"`
	Source   string   `json:"source"`   // where the link was read
	Resolved bool     `json:"resolved"` // false: the base's license could not be established
	Note     string   `json:"note,omitempty"`
}

// Obligation is something the organization must do.
type Obligation struct {
	License  string     `json:"license"`
	Kind     string     `json:"kind"`
	Action   string     `json:"action"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Violation is a policy failure.
type Violation struct {
	Rule          string `json:"rule"`
	Message       string `json:"message"`
	License       string `json:"license,omitempty"`
	Path          string `json:"path,omitempty"`
	Waived        bool   `json:"waived"`
	WaiverReason  string `json:"waiver_reason,omitempty"`
	WaiverExpired bool   `json:"waiver_expired,omitempty"`
}

// Finding is a problem or notable fact about the target.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// License is the license the finding is about, where there is one
	// (policy waivers can name it).
	License  string     `json:"license,omitempty"`
	Evidence []Evidence `json:"evidence"`
}

// Summary condenses the report.
type Summary struct {
	Licenses   int            `json:"licenses"`
	Categories map[string]int `json:"categories"`
	Findings   map[string]int `json:"findings"` // by severity
	// Status is "pass" when nothing fails at the failing severity and the
	// policy (if any) passes, "fail" otherwise, "error" when the target
	// could not be read.
	Status string `json:"status"`
	FailOn string `json:"fail_on"`
	// Unknown is true when any license could not be identified: unknown is
	// never allowed.
	Unknown bool `json:"unknown_license"`
	// Decision is what was decided for the organization (set when the
	// report is evaluated): blocked (the policy fails), needs-information
	// (nothing blocks, but terms are undetermined: Missing names the
	// profile fields to fill in, "profile" without one), allowed with
	// obligations, allowed.
	Decision string `json:"decision,omitempty"`
	// Applies, Undetermined and Waived count the terms that apply, the
	// terms that could not be decided and the waived violations;
	// Obligations the duties to fulfil.
	Applies      int      `json:"applies,omitempty"`
	Undetermined int      `json:"undetermined,omitempty"`
	Waived       int      `json:"waived,omitempty"`
	Obligations  int      `json:"obligations,omitempty"`
	Missing      []string `json:"missing_profile_fields,omitempty"`
}

// Money is an amount in an ISO 4217 currency.
type Money struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

// Profile is the organization profile a report was evaluated against.
type Profile struct {
	Name               string             `json:"name,omitempty"`
	MonthlyActiveUsers *int64             `json:"monthly_active_users,omitempty"`
	DailyActiveUsers   *int64             `json:"daily_active_users,omitempty"`
	MonthlyVisits      *int64             `json:"monthly_visits,omitempty"`
	AnnualRevenue      *Money             `json:"annual_revenue,omitempty"`
	Headquarters       string             `json:"headquarters,omitempty"`
	Countries          []string           `json:"countries,omitempty"`
	Uses               []string           `json:"uses,omitempty"`
	Fields             []string           `json:"fields,omitempty"`
	DerivativeName     string             `json:"derivative_name,omitempty"`
	Role               string             `json:"role,omitempty"`
	ExchangeRates      map[string]float64 `json:"exchange_rates,omitempty"`
	// MonthlyActiveUsersAt is a history of monthly active users by date.
	MonthlyActiveUsersAt map[string]int64 `json:"monthly_active_users_at,omitempty"`
	// CommercialLicenses are the licenses whose commercial registration or
	// separate license the organization holds.
	CommercialLicenses []string `json:"commercial_licenses,omitempty"`
}

// Dataset is a training data set of the model (the card's datasets:) and
// what its own card declares.
type Dataset struct {
	ID string `json:"id"`
	// Licenses are the data set's declared license values (Hub card data);
	// empty when none is declared or it was not looked up.
	Licenses []string `json:"licenses"`
	// Category is the most restrictive category of those licenses
	// ("unknown" when none is identified).
	Category string `json:"category"`
	// Source says where the licenses come from ("hub-api"), "" when the
	// data set was not looked up.
	Source string `json:"source,omitempty"`
	// Note says why the licenses are not known.
	Note string `json:"note,omitempty"`
}
