// Package rules is the registry of finding rules: every finding the
// scanner reports is made from one of these, with its default severity, a
// one-line title, how to fix it and a stable anchor in the README. The
// `carveout rules` command, the README's table (checked by a test) and the
// SARIF output's rule list all derive from it.
package rules

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/carveout/carveout/licenses/profile"
	"github.com/carveout/carveout/licenses/terms"
	"github.com/carveout/carveout/scanner/report"
)

// Rule describes one finding rule.
type Rule struct {
	// ID is the rule id of findings and waivers ("declared-license-mismatch").
	ID string `json:"id"`
	// Severity is the default severity; a few rules are raised or lowered
	// by what else the scan found (Varies says how).
	Severity report.Severity `json:"severity"`
	// Varies explains when the severity differs from the default ("" when
	// it never does).
	Varies string `json:"severity_varies,omitempty"`
	// Group is where the rule comes from: card, files, identification,
	// weights, lineage, derivative, service.
	Group string `json:"group"`
	// Title says in one line what the finding means.
	Title string `json:"title"`
	// Help says how to fix it.
	Help string `json:"help"`
}

// Anchor is the rule's anchor in the README ("rule-declared-license-mismatch";
// the verdict rules of every term kind share "rule-applies" and
// "rule-undetermined").
func (r Rule) Anchor() string {
	if verdict, _, ok := strings.Cut(r.ID, ":"); ok {
		return "rule-" + verdict
	}
	return "rule-" + r.ID
}

// The rule ids. Every one is registered below; a test fails when one is not.
const (
	DeclaredLicenseMismatch   = "declared-license-mismatch"
	BaseLicenseConflict       = "base-license-conflict"
	WeightsLicenseMismatch    = "weights-license-mismatch"
	UnknownLicenseText        = "unknown-license-text"
	ModifiedLicenseText       = "modified-license-text"
	NoLicenseDeclared         = "no-license-declared"
	NoLicenseFile             = "no-license-file"
	NoLicenseFound            = "no-license-found"
	LicenseLinkMissing        = "license-link-missing"
	ReferencedLicenseMismatch = "referenced-license-mismatch"
	UnidentifiedDeclared      = "unidentified-declared-license"

	MalformedModelCard     = "malformed-model-card"
	ModelCardLFSPointer    = "model-card-lfs-pointer"
	ModelCardNotUTF8       = "model-card-not-utf8"
	EmptyModelCard         = "empty-model-card"
	ModelCardNoFrontMatter = "model-card-no-front-matter"
	DuplicateFrontMatter   = "duplicate-front-matter"
	MisplacedFrontMatter   = "misplaced-front-matter"
	ModelCardWrongType     = "model-card-wrong-type"
	ModelCardDuplicateKey  = "model-card-duplicate-key"
	GatedEUDisallowed      = "gated-eu-disallowed"

	TargetUnreadable = "target-unreadable"
	UnreadableFile   = "unreadable-file"
	LFSPointer       = "lfs-pointer"
	FileTruncated    = "file-truncated"
	EmptyLicenseFile = "empty-license-file"
	MalformedConfig  = "malformed-config"

	MalformedWeightsHeader     = "malformed-weights-header"
	UnidentifiedWeightsLicense = "unidentified-weights-license"
	WeightsNotFetched          = "weights-not-fetched"

	LineageError     = "lineage-error"
	LineageTruncated = "lineage-truncated"

	NoBaseModel                       = "no-base-model"
	BaseModelUnresolved               = "base-model-unresolved"
	DerivativeNameUnknown             = "derivative-name-unknown"
	DerivativeNamePrefix              = "derivative-name-prefix"
	DerivativeNoticeMissing           = "derivative-notice-missing"
	DerivativeLicenseCopyMissing      = "derivative-license-copy-missing"
	DerivativePolicyNotReferenced     = "derivative-policy-not-referenced"
	DerivativeRestrictionsNotPassedOn = "derivative-restrictions-not-passed-on"

	ServiceLicenseDiffers = "service-license-differs"

	DatasetLicense = "dataset-license"
)

const (
	errorSev   = report.SeverityError
	warningSev = report.SeverityWarning
	infoSev    = report.SeverityInfo
)

var registry = []Rule{
	// What the license really is.
	{DeclaredLicenseMismatch, errorSev, "", "identification",
		"the card declares one license, the license texts or weight headers say another (restrictive) one",
		"declare the license the texts carry (license: other with license_name and license_link for a vendor license) or ship the license the card declares"},
	{BaseLicenseConflict, errorSev, "", "lineage",
		"the declared license drops a restrictive license inherited from a base model",
		"a derivative stays under its base model's license: declare that license and ship its text, or use a base model whose license allows relicensing"},
	{WeightsLicenseMismatch, errorSev, "", "weights",
		"a GGUF/safetensors header declares a license the card does not",
		"make the card and the weight metadata agree; the header travels with the weights when they are copied"},
	{UnknownLicenseText, errorSev, "", "identification",
		"a license text was not identified; its terms were still extracted and it is never treated as allowed",
		"have the text reviewed; waive the finding for this path with the review's outcome, or replace the text with a known license"},
	{ModifiedLicenseText, warningSev, "", "identification",
		"a known license whose text was changed; its terms come from the text present",
		"review the changed lines listed in match.changed: they may add or remove restrictions"},
	{NoLicenseDeclared, errorSev, "warning when a license file or header names a license", "card",
		"the card declares no license",
		"add license: to the card's front matter (license: other with license_name and license_link for a vendor license)"},
	{NoLicenseFile, warningSev, "", "files",
		"no license file ships with the model",
		"add the license text as LICENSE (and the acceptable-use policy it incorporates, if any)"},
	{NoLicenseFound, errorSev, "", "identification",
		"scan FILE: no license was identified in the file",
		"check that the file is a license text; an unidentified text is never allowed"},
	{LicenseLinkMissing, errorSev, "", "card",
		"license_link names a file that is not in the repository",
		"add the file license_link names, or point license_link at the license file that ships"},
	{ReferencedLicenseMismatch, warningSev, "", "identification",
		"the card's text or license_link names a restrictive license the front matter does not declare",
		"declare the license the card's text names, or correct the text"},
	{UnidentifiedDeclared, warningSev, "", "card",
		"a declared id or license_name carveout does not know",
		"use a Hugging Face or SPDX license id, or license: other with a license_name carveout knows and the text in the repository"},

	// The model card.
	{MalformedModelCard, errorSev, "", "card",
		"front matter that cannot be read as the Hub reads it",
		"fix the YAML between the --- lines at the top of README.md"},
	{ModelCardLFSPointer, errorSev, "", "card",
		"the model card is a Git LFS pointer; its text is not in the repository",
		"fetch the card with git lfs pull, or commit README.md outside LFS"},
	{ModelCardNotUTF8, warningSev, "", "card",
		"the card is not valid UTF-8; it was read with invalid bytes replaced",
		"save README.md as UTF-8"},
	{EmptyModelCard, warningSev, "", "card",
		"the model card is empty",
		"write a model card with front matter declaring the license"},
	{ModelCardNoFrontMatter, warningSev, "", "card",
		"the card has no YAML front matter, so it declares no license or base model to the Hub",
		"add front matter (---, license: ..., ---) at the top of README.md"},
	{DuplicateFrontMatter, warningSev, "", "card",
		"a second front-matter block follows the first; the Hub reads only the first",
		"merge the blocks into the first one"},
	{MisplacedFrontMatter, warningSev, "", "card",
		"a front-matter block that is not at the top of the file; the Hub does not read it",
		"move the block to the first line of README.md"},
	{ModelCardWrongType, errorSev, "", "card",
		"a known key has a value of the wrong shape (license as a mapping, an empty license...)",
		"give the key the shape the Hub expects (license: a string or a list of strings)"},
	{ModelCardDuplicateKey, warningSev, "", "card",
		"a top-level key is given twice; the later value is used, as PyYAML does",
		"keep one of the keys"},
	{GatedEUDisallowed, warningSev, "", "card",
		"the Hub refuses access to the model from the European Union",
		"check whether your organization or its users are in the EU before adopting the model"},

	// Files.
	{TargetUnreadable, errorSev, "", "files",
		"the target could not be read at all (not found, no access, network or service error); nothing of it is reported as compliant",
		"check the target's spelling, the token (HF_TOKEN, GH_TOKEN) and access to gated repositories, then scan again"},
	{UnreadableFile, errorSev, "", "files",
		"a file that could hold license terms could not be read; it is never reported as compliant",
		"make the file readable (permissions, network access, a token for gated repositories) and scan again"},
	{LFSPointer, errorSev, "", "files",
		"a license file is a Git LFS pointer, not the text",
		"fetch the file with git lfs pull, or commit the license text outside LFS"},
	{FileTruncated, errorSev, "", "files",
		"a file larger than --max-file-size was read only in part; terms past the cut are not known",
		"raise --max-file-size and scan again"},
	{EmptyLicenseFile, errorSev, "", "files",
		"a license file holds no text (empty, blank or binary)",
		"put the license text in the file, or remove it"},
	{MalformedConfig, warningSev, "", "files",
		"config.json or adapter_config.json could not be read as the loaders read it",
		"fix the JSON; base_model_name_or_path is read from it"},

	// Weights.
	{MalformedWeightsHeader, errorSev, "", "weights",
		"a GGUF/safetensors header could not be read to its end (what was read before the problem still counts)",
		"re-export the weights; a truncated header may hide license metadata"},
	{UnidentifiedWeightsLicense, errorSev, "", "weights",
		"a weight header declares a license value carveout does not know; unknown is never allowed",
		"set general.license (GGUF) or the license metadata key (safetensors) to an SPDX or Hugging Face id"},

	{WeightsNotFetched, warningSev, "", "weights",
		"a weight file is a Git LFS pointer (the weights were not fetched): its header and any license metadata in it were not read",
		"fetch the weights (git lfs pull, or actions/checkout with lfs: true) to read their headers; the license files and card are read either way"},

	// Lineage.
	{LineageError, warningSev, "", "lineage",
		"a base model could not be looked up",
		"scan again online, or check the base_model id in the card"},

	{LineageTruncated, errorSev, "", "lineage",
		"base-model links past the lineage bounds (32 base models per model, 128 lookups per target) were not followed; the licenses they carry are not known",
		"scan the base models that were not followed as targets of their own, or trim the card's base_model list"},

	// carveout check: the derivative's duties.
	{NoBaseModel, infoSev, "", "derivative",
		"no base model is named; derivative checks against a base license were not made",
		"name the base model in the card (base_model:) if the model is a derivative"},
	{DatasetLicense, warningSev, "", "lineage",
		"a training data set the card names (datasets:) is under a non-commercial or unknown license, or its license could not be looked up; it does not by itself decide the model's license",
		"review the data set's terms (they may restrict the model's use); waive the finding for this data set with the review's outcome"},
	{BaseModelUnresolved, warningSev, "", "derivative",
		"a base model whose license could not be established; its terms were not checked",
		"scan online or name a base model carveout can resolve; the base's terms are never assumed"},
	{DerivativeNameUnknown, warningSev, "", "derivative",
		"the base license requires a name prefix and no derivative name is known",
		"set model_name in the card, derivative_name in the profile, or --derivative-name"},
	{DerivativeNamePrefix, errorSev, "", "derivative",
		"the derivative's name does not carry the prefix its base license requires",
		"rename the derivative so that it starts with the required prefix"},
	{DerivativeNoticeMissing, errorSev, "", "derivative",
		"the NOTICE text the base license requires does not ship",
		"add a NOTICE file with the statement the base license gives"},
	{DerivativeLicenseCopyMissing, errorSev, "", "derivative",
		"no copy of the base license ships with the derivative",
		"ship the base license's text (LICENSE) with the derivative"},
	{DerivativePolicyNotReferenced, errorSev, "", "derivative",
		"the base license's acceptable-use policy is not passed on",
		"ship the policy (USE_POLICY.md) or reference it in the card and license"},

	{DerivativeRestrictionsNotPassedOn, errorSev, "", "derivative",
		"the base license's use restrictions must pass on to recipients of derivatives, and no license text in the repository carries them",
		"ship the base license's text, or a license that includes its use restrictions"},

	// The hosting service.
	{ServiceLicenseDiffers, infoSev, "", "service",
		"the hosting service's license opinion differs from carveout's",
		"nothing to fix in the model; the service's detection is shown beside carveout's for review"},
}

// Policy violations: the license and verdict rules a policy checks. Their
// ids come from the profile package; the verdict rules, one pair per term
// kind, from the term kinds.
func policyRules() []Rule {
	out := []Rule{
		{profile.RuleLicenseDenied, errorSev, "", "policy",
			"the policy denies the license (by id or category)",
			"use a model under another license, or change the policy's deny list after legal review"},
		{profile.RuleLicenseNotAllowed, errorSev, "", "policy",
			"the policy allows only listed licenses or categories and this one is not among them",
			"add the license to the policy's allow list after legal review, or use another model"},
		{profile.RuleUnknownLicense, errorSev, "", "policy",
			"a license could not be identified; unknown is never allowed",
			"have the text reviewed and waive the license for this path with the outcome"},
	}
	for _, k := range terms.Kinds {
		out = append(out,
			Rule{"applies:" + string(k), errorSev, "warning when the policy does not fail on applying terms", "policy",
				"a " + string(k) + " term of a license applies to the organization's profile",
				"meet the term (the reason says how), get a separate license from the licensor, or waive it with the agreement's reference"},
			Rule{"undetermined:" + string(k), warningSev, "error when the policy fails on undetermined terms", "policy",
				"whether a " + string(k) + " term applies cannot be decided from the profile",
				"fill in the profile fields the reason names"})
	}
	return out
}

// known is every rule, the registry's and the policy rules, with the
// position of each id in it; made on first use.
var known = sync.OnceValue(func() ruleTable {
	t := ruleTable{rules: slices.Concat(registry, policyRules())}
	t.index = make(map[string]int, len(t.rules))
	for i, r := range t.rules {
		t.index[r.ID] = i
	}
	return t
})

type ruleTable struct {
	rules []Rule
	index map[string]int
}

// All returns every rule, sorted by id.
func All() []Rule {
	out := slices.Clone(known().rules)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the rule with the id.
func Lookup(id string) (Rule, bool) {
	t := known()
	i, ok := t.index[id]
	if !ok {
		return Rule{}, false
	}
	return t.rules[i], true
}

// Get returns the rule with the id and panics when there is none: a
// finding made from an unregistered rule is a programming error that the
// tests catch.
func Get(id string) Rule {
	r, ok := Lookup(id)
	if !ok {
		panic("rules: unregistered rule " + id)
	}
	return r
}
