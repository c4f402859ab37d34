// Package card reads the metadata a model repository declares about itself:
// the YAML front matter of a Hugging Face model card (README.md), and the
// config.json / adapter_config.json files that name a model's type and base.
//
// Everything here reads untrusted bytes. The parsers never panic and never
// fail silently: whatever could not be read is returned as a Problem with the
// file line it concerns, and whatever could still be read is returned in the
// Card or Config, marked Recovered when it came from a best-effort reading of
// broken YAML.
package card

import (
	"strings"

	"github.com/carveout/carveout/scanner/rules"
)

// Problem rules. A Problem's Rule is one of these; they are finding
// rules of the registry (package rules), which gives their severity.
const (
	// RuleMalformed: the front matter cannot be read as the Hub would read
	// it: YAML that does not parse, front matter that is not a mapping of
	// keys, or a front matter block opened with "---" and never closed.
	RuleMalformed = rules.MalformedModelCard
	// RuleLFSPointer: the card file is a Git LFS pointer; the card text is
	// not in the repository.
	RuleLFSPointer = rules.ModelCardLFSPointer
	// RuleNotUTF8: the file is not valid UTF-8 (or is UTF-16); it was read
	// with invalid bytes replaced.
	RuleNotUTF8 = rules.ModelCardNotUTF8
	// RuleEmpty: the file is empty or holds only whitespace.
	RuleEmpty = rules.EmptyModelCard
	// RuleNoFrontMatter: the card has no YAML front matter, so it declares
	// no license or base model to the Hub.
	RuleNoFrontMatter = rules.ModelCardNoFrontMatter
	// RuleDuplicateFrontMatter: a second front matter block follows the
	// first; the Hub reads only the first.
	RuleDuplicateFrontMatter = rules.DuplicateFrontMatter
	// RuleMisplacedFrontMatter: a front matter block that is not at the
	// top of the file; the Hub does not read it.
	RuleMisplacedFrontMatter = rules.MisplacedFrontMatter
	// RuleWrongType: a known key has a value of the wrong shape (license as
	// a mapping, an empty license, a non-boolean extra_gated_eu_disallowed...).
	RuleWrongType = rules.ModelCardWrongType
	// RuleDuplicateKey: a top-level key is given twice; the later value is
	// used (as PyYAML does), strict YAML parsers reject the card.
	RuleDuplicateKey = rules.ModelCardDuplicateKey
)

// Problem is something wrong with a card or config file.
type Problem struct {
	// Line is the 1-based line of the file the problem concerns. Problems
	// about the file as a whole point at line 1.
	Line int
	// Rule is one of the Rule constants.
	Rule string
	// Message says what is wrong, without the file name.
	Message string
}

// LineRange is an inclusive range of 1-based file lines. The zero value
// means "not present".
type LineRange struct {
	Start, End int
}

// FrontMatterBlock is a YAML block found in a card besides the front
// matter the Hub reads (a second block, or one that is not at the top).
type FrontMatterBlock struct {
	Lines       LineRange
	License     []string
	LicenseName string
	BaseModel   []string
}

// Card is what a model card's front matter declares.
type Card struct {
	// Path is the path given to Parse.
	Path string

	// License holds the license ids as written (trimmed): one for a
	// string value, several for a YAML list. LicenseList is true when the
	// value was written as a list (even of one item).
	License     []string
	LicenseList bool
	LicenseName string
	LicenseLink string

	// BaseModel holds the base model ids, with Hub URLs
	// (https://huggingface.co/org/name) normalized to org/name.
	BaseModel         []string
	BaseModelRelation string

	Tags []string

	// Datasets are the training data sets the card names (datasets:),
	// with Hub URLs (https://huggingface.co/datasets/org/name) normalized
	// to org/name.
	Datasets []string

	// ExtraGatedPrompt is the text shown before access to a gated model is
	// granted (often a full license and acceptable-use policy).
	// ExtraGatedPromptLines is where its text is in the file and
	// ExtraGatedPromptLine its first line.
	ExtraGatedPrompt      string
	ExtraGatedPromptLines LineRange
	ExtraGatedPromptLine  int
	// ExtraGatedEUDisallowed is extra_gated_eu_disallowed: true.
	ExtraGatedEUDisallowed bool

	// ModelName is model_name, or the name of the first model-index entry
	// when there is no model_name.
	ModelName    string
	ModelCreator string
	QuantizedBy  string
	PipelineTag  string
	LibraryName  string

	// KeyLines maps every top-level front matter key to its 1-based file
	// line. Use Line.
	KeyLines map[string]int

	// HasFrontMatter is true when the file starts with a closed front
	// matter block; FrontMatterLines is the range from the opening "---"
	// to the closing "---" (or "..."), and FrontMatter the YAML between.
	HasFrontMatter   bool
	FrontMatterLines LineRange
	FrontMatter      string

	// Body is the markdown after the front matter (the whole text when
	// there is none), with line endings normalized to "\n"; BodyStartLine
	// is the file line of its first line.
	Body          string
	BodyStartLine int

	// Recovered is true when the front matter YAML did not parse and the
	// values above were read by a best-effort, line-based reading. The Hub
	// itself reads nothing from such a card.
	Recovered bool

	// LFS is set when the file is a Git LFS pointer instead of a card.
	LFS *LFSPointer

	// OtherFrontMatter lists YAML blocks besides the one the Hub reads.
	// Their values are not in the fields above.
	OtherFrontMatter []FrontMatterBlock
}

// Line returns the 1-based file line of a top-level front matter key, or 0
// when the key is not there.
func (c *Card) Line(key string) int {
	if c == nil {
		return 0
	}
	return c.KeyLines[key]
}

// Has reports whether the front matter has the top-level key.
func (c *Card) Has(key string) bool {
	if c == nil {
		return false
	}
	_, ok := c.KeyLines[key]
	return ok
}

// NormalizeModelID turns a Hub model reference into an org/name id: full
// URLs (https://huggingface.co/org/name/tree/main, hf.co/org/name) lose
// their host and any path past the name. Anything else is returned trimmed
// and otherwise unchanged (dataset and space URLs included).
func NormalizeModelID(s string) string {
	s = strings.TrimSpace(s)
	rest := s
	low := strings.ToLower(rest)
	for _, p := range []string{"https://", "http://"} {
		if strings.HasPrefix(low, p) {
			rest, low = rest[len(p):], low[len(p):]
			break
		}
	}
	if strings.HasPrefix(low, "www.") {
		rest, low = rest[4:], low[4:]
	}
	host := ""
	for _, h := range []string{"huggingface.co/", "hf.co/"} {
		if strings.HasPrefix(low, h) {
			host = h
			break
		}
	}
	if host == "" {
		return s
	}
	rest = rest[len(host):]
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	rest = strings.Trim(rest, "/")
	if strings.HasPrefix(rest, "api/models/") {
		rest = rest[len("api/models/"):]
	}
	parts := strings.Split(rest, "/")
	switch {
	case rest == "":
		return s
	case parts[0] == "datasets" || parts[0] == "spaces" || parts[0] == "docs" || parts[0] == "api":
		return s
	case len(parts) == 1:
		return parts[0]
	default:
		return parts[0] + "/" + parts[1]
	}
}
