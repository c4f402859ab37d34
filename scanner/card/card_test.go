package card

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

// rulesOf lists the rules of problems, in order.
func rulesOf(probs []Problem) []string {
	var out []string
	for _, p := range probs {
		out = append(out, p.Rule)
	}
	return out
}

func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		rules []string // expected problem rules, in order
		lines []int    // expected problem lines, when given
		check func(t *testing.T, c *Card)
	}{
		{
			name: "string license",
			in:   "---\nlicense: mit\nlibrary_name: transformers\n---\n# Model\n\ntext\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"mit"})
				eq(t, "LicenseList", c.LicenseList, false)
				eq(t, "Line(license)", c.Line("license"), 2)
				eq(t, "LibraryName", c.LibraryName, "transformers")
				eq(t, "HasFrontMatter", c.HasFrontMatter, true)
				eq(t, "FrontMatterLines", c.FrontMatterLines, LineRange{1, 4})
				eq(t, "FrontMatter", c.FrontMatter, "license: mit\nlibrary_name: transformers")
				eq(t, "Body", c.Body, "# Model\n\ntext\n")
				eq(t, "BodyStartLine", c.BodyStartLine, 5)
				eq(t, "Recovered", c.Recovered, false)
				eq(t, "Line(missing)", c.Line("base_model"), 0)
			},
		},
		{
			name: "block list license",
			in:   "---\nlanguage: en\nlicense:\n- mit\n- other\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"mit", "other"})
				eq(t, "LicenseList", c.LicenseList, true)
				eq(t, "Line(license)", c.Line("license"), 3)
				eq(t, "Body", c.Body, "")
			},
		},
		{
			name: "indented block list of one",
			in:   "---\nlicense:\n  - mit\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"mit"})
				eq(t, "LicenseList", c.LicenseList, true)
			},
		},
		{
			name: "flow list license",
			in:   "---\nlicense: [llama2, other]\n---\nbody",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"llama2", "other"})
				eq(t, "LicenseList", c.LicenseList, true)
			},
		},
		{
			name: "quoted license and numeric scalar",
			in:   "---\nlicense: \"apache-2.0\"\nlicense_name: 2.0\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"apache-2.0"})
				eq(t, "LicenseName", c.LicenseName, "2.0")
			},
		},
		{
			name: "other with name and folded link",
			in:   "---\nlicense: other\nlicense_name: tongyi-qianwen-research\nlicense_link: >-\n  https://huggingface.co/Qwen/Qwen1.5-0.5B-Chat/blob/main/LICENSE\nlanguage:\n- en\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"other"})
				eq(t, "LicenseName", c.LicenseName, "tongyi-qianwen-research")
				eq(t, "LicenseLink", c.LicenseLink, "https://huggingface.co/Qwen/Qwen1.5-0.5B-Chat/blob/main/LICENSE")
				eq(t, "Line(license_link)", c.Line("license_link"), 4)
				eq(t, "Line(license_name)", c.Line("license_name"), 3)
			},
		},
		{
			name: "base model string",
			in:   "---\nbase_model: meta-llama/Llama-3.1-8B\nbase_model_relation: quantized\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "BaseModel", c.BaseModel, []string{"meta-llama/Llama-3.1-8B"})
				eq(t, "BaseModelRelation", c.BaseModelRelation, "quantized")
				eq(t, "Line(base_model)", c.Line("base_model"), 2)
			},
		},
		{
			name: "base model list and hub urls",
			in:   "---\nbase_model:\n- https://huggingface.co/org/name\n- hf.co/org2/name2/tree/main\n- Qwen/Qwen2.5-14B\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "BaseModel", c.BaseModel, []string{"org/name", "org2/name2", "Qwen/Qwen2.5-14B"})
			},
		},
		{
			name: "base model url string",
			in:   "---\nbase_model: https://huggingface.co/mistralai/Mistral-7B-v0.1/\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "BaseModel", c.BaseModel, []string{"mistralai/Mistral-7B-v0.1"})
			},
		},
		{
			name: "tags string and list",
			in:   "---\ntags: llama\npipeline_tag: text-generation\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "Tags", c.Tags, []string{"llama"})
				eq(t, "PipelineTag", c.PipelineTag, "text-generation")
			},
		},
		{
			name: "quantized card keys",
			in:   "---\nbase_model: meta-llama/Llama-2-7b-chat-hf\nmodel_creator: Meta Llama 2\nmodel_name: Llama 2 7B Chat\nquantized_by: TheBloke\ntags:\n- llama\n- gguf\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "ModelCreator", c.ModelCreator, "Meta Llama 2")
				eq(t, "ModelName", c.ModelName, "Llama 2 7B Chat")
				eq(t, "QuantizedBy", c.QuantizedBy, "TheBloke")
				eq(t, "Tags", c.Tags, []string{"llama", "gguf"})
			},
		},
		{
			name: "model-index name",
			in:   "---\nmodel-index:\n- name: my-model\n  results: []\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "ModelName", c.ModelName, "my-model")
			},
		},
		{
			name: "model_name wins over model-index",
			in:   "---\nmodel_name: Mine\nmodel-index:\n- name: other\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "ModelName", c.ModelName, "Mine")
			},
		},
		{
			name: "gated prompt literal block",
			in:   "---\nlicense: llama3.2\nextra_gated_prompt: |-\n  ### LICENSE\n\n  Line two.\n\nextra_gated_eu_disallowed: true\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "ExtraGatedPrompt", c.ExtraGatedPrompt, "### LICENSE\n\nLine two.")
				eq(t, "ExtraGatedPromptLines", c.ExtraGatedPromptLines, LineRange{4, 6})
				eq(t, "ExtraGatedPromptLine", c.ExtraGatedPromptLine, 4)
				eq(t, "ExtraGatedEUDisallowed", c.ExtraGatedEUDisallowed, true)
				eq(t, "Line(extra_gated_eu_disallowed)", c.Line("extra_gated_eu_disallowed"), 8)
			},
		},
		{
			name: "gated prompt folded last key",
			in:   "---\nextra_gated_prompt: >-\n  ### LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\n  more text\n---\nbody\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "ExtraGatedPrompt", c.ExtraGatedPrompt, "### LLAMA 3.2 COMMUNITY LICENSE AGREEMENT more text")
				eq(t, "ExtraGatedPromptLines", c.ExtraGatedPromptLines, LineRange{3, 4})
			},
		},
		{
			name: "gated prompt plain multi-line",
			in:   "---\nlicense: gemma\nextra_gated_prompt: To access Gemma you must\n  agree to the terms.\n# trailing comment\nlibrary_name: gemma.cpp\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "ExtraGatedPrompt", c.ExtraGatedPrompt, "To access Gemma you must agree to the terms.")
				eq(t, "ExtraGatedPromptLines", c.ExtraGatedPromptLines, LineRange{3, 4})
			},
		},
		{
			name: "gated prompt double quoted",
			in:   "---\nextra_gated_prompt: \"### LICENSE\\n\\nText\\\n  \\ more\"\nlicense: llama3.2\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "ExtraGatedPrompt", c.ExtraGatedPrompt, "### LICENSE\n\nText more")
				eq(t, "ExtraGatedPromptLines", c.ExtraGatedPromptLines, LineRange{2, 3})
			},
		},
		{
			name: "eu disallowed yes and false",
			in:   "---\nextra_gated_eu_disallowed: yes\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "ExtraGatedEUDisallowed", c.ExtraGatedEUDisallowed, true)
			},
		},
		{
			name:  "eu disallowed not a bool",
			in:    "---\nextra_gated_eu_disallowed: maybe\n---\n",
			rules: []string{RuleWrongType},
			lines: []int{2},
			check: func(t *testing.T, c *Card) {
				eq(t, "ExtraGatedEUDisallowed", c.ExtraGatedEUDisallowed, false)
			},
		},
		{
			name: "CRLF",
			in:   "---\r\nlicense: other\r\nlicense_name: stabilityai-ai-community\r\nlicense_link: LICENSE.md\r\n---\r\n\r\n# Title\r\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"other"})
				eq(t, "LicenseName", c.LicenseName, "stabilityai-ai-community")
				eq(t, "LicenseLink", c.LicenseLink, "LICENSE.md")
				eq(t, "Body", c.Body, "\n# Title\n")
				eq(t, "BodyStartLine", c.BodyStartLine, 6)
			},
		},
		{
			name: "lone CR line endings",
			in:   "---\rlicense: mit\r---\rbody",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"mit"})
				eq(t, "Body", c.Body, "body")
				eq(t, "BodyStartLine", c.BodyStartLine, 4)
			},
		},
		{
			name: "UTF-8 BOM",
			in:   "\uFEFF---\nlicense: apache-2.0\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"apache-2.0"})
				eq(t, "Line(license)", c.Line("license"), 2)
			},
		},
		{
			name: "blank lines before opening",
			in:   "\n  \n---\nlicense: llama2\n---\ntext\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"llama2"})
				eq(t, "Line(license)", c.Line("license"), 4)
				eq(t, "FrontMatterLines", c.FrontMatterLines, LineRange{3, 5})
				eq(t, "BodyStartLine", c.BodyStartLine, 6)
			},
		},
		{
			name: "trailing spaces after delimiters",
			in:   "---  \nlicense: mit\n--- \t\nbody\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"mit"})
				eq(t, "FrontMatterLines", c.FrontMatterLines, LineRange{1, 3})
			},
		},
		{
			name: "closing dots",
			in:   "---\nlicense: mit\n...\n# Body\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"mit"})
				eq(t, "Body", c.Body, "# Body\n")
			},
		},
		{
			name: "empty front matter",
			in:   "---\n---\n# Body\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "HasFrontMatter", c.HasFrontMatter, true)
				eq(t, "License", c.License, []string(nil))
			},
		},
		{
			name: "alias",
			in:   "---\nlicense: &l apache-2.0\nlicense_name: *l\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"apache-2.0"})
				eq(t, "LicenseName", c.LicenseName, "apache-2.0")
			},
		},
		{
			name: "horizontal rules and fenced yaml in body are not front matter",
			in:   "---\nlicense: mit\n---\n# T\n---\ntext\n---\n```yaml\n---\nlicense: apache-2.0\n---\n```\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"mit"})
				eq(t, "OtherFrontMatter", len(c.OtherFrontMatter), 0)
			},
		},
		{
			name:  "yaml error recovers license",
			in:    "---\nlicense: apache-2.0\nlicense_name: foo\nbase_model: org/base\ntags:\n- a\n  - b: [\nlibrary_name: peft\n---\nbody\n",
			rules: []string{RuleMalformed},
			check: func(t *testing.T, c *Card) {
				eq(t, "Recovered", c.Recovered, true)
				eq(t, "License", c.License, []string{"apache-2.0"})
				eq(t, "LicenseName", c.LicenseName, "foo")
				eq(t, "BaseModel", c.BaseModel, []string{"org/base"})
				eq(t, "LibraryName", c.LibraryName, "peft")
				eq(t, "Line(license)", c.Line("license"), 2)
				eq(t, "Line(library_name)", c.Line("library_name"), 8)
				eq(t, "Body", c.Body, "body\n")
			},
		},
		{
			name:  "yaml error in license line itself",
			in:    "---\nlanguage: en\nlicense: [llama2, other # broken\nbase_model:\n  - \"org/one\"\n  - org/two\n\tbad: tab\n---\n",
			rules: []string{RuleMalformed},
			check: func(t *testing.T, c *Card) {
				eq(t, "Recovered", c.Recovered, true)
				eq(t, "License", c.License, []string{"llama2", "other"})
				eq(t, "LicenseList", c.LicenseList, true)
				eq(t, "Line(license)", c.Line("license"), 3)
				eq(t, "BaseModel", c.BaseModel, []string{"org/one", "org/two"})
			},
		},
		{
			name:  "yaml error line is mapped to the file",
			in:    "\n---\nlicense: mit\nfoo: bar: baz\n---\n",
			rules: []string{RuleMalformed},
			lines: []int{4},
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"mit"})
				eq(t, "Recovered", c.Recovered, true)
			},
		},
		{
			name:  "yaml error with folded link recovered",
			in:    "---\nlicense: other\nlicense_link: >-\n  https://example.com/LICENSE\n\t- broken\n---\n",
			rules: []string{RuleMalformed},
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"other"})
				eq(t, "LicenseLink", c.LicenseLink, "https://example.com/LICENSE")
			},
		},
		{
			name:  "front matter is a list",
			in:    "---\n- license\n- mit\n---\n",
			rules: []string{RuleMalformed},
			lines: []int{1},
		},
		{
			name:  "unterminated front matter",
			in:    "---\n\n### Overview:\n  description: a model\n\nSome text.\n",
			rules: []string{RuleMalformed},
			lines: []int{1},
			check: func(t *testing.T, c *Card) {
				eq(t, "HasFrontMatter", c.HasFrontMatter, false)
				eq(t, "Recovered", c.Recovered, false)
				eq(t, "License", c.License, []string(nil))
				eq(t, "BodyStartLine", c.BodyStartLine, 1)
				if !strings.HasPrefix(c.Body, "---\n") {
					t.Errorf("Body = %q, want the whole file", c.Body)
				}
			},
		},
		{
			name:  "unterminated front matter with license",
			in:    "---\nlicense: mit\nbase_model: org/m\n# Title\nSee: the docs\n```yaml\nlicense: apache-2.0\n```\n",
			rules: []string{RuleMalformed},
			check: func(t *testing.T, c *Card) {
				eq(t, "Recovered", c.Recovered, true)
				eq(t, "License", c.License, []string{"mit"})
				eq(t, "BaseModel", c.BaseModel, []string{"org/m"})
				eq(t, "Has(See)", c.Has("See"), false)
			},
		},
		{
			name:  "second front matter block without a license",
			in:    "---\nlicense: apache-2.0\n---\n\n---\nbase_model: meta-llama/Meta-Llama-3-8B\n---\n# Body\n",
			rules: []string{RuleDuplicateFrontMatter},
			lines: []int{5},
		},
		{
			// The license the Hub ignores may be the one that applies.
			name:  "two front matter blocks",
			in:    "---\nlicense: apache-2.0\n---\n\n---\nlicense: llama3\nbase_model: meta-llama/Meta-Llama-3-8B\n---\n# Body\n",
			rules: []string{RuleMalformed},
			lines: []int{5},
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"apache-2.0"})
				eq(t, "BaseModel", c.BaseModel, []string(nil))
				eq(t, "OtherFrontMatter", c.OtherFrontMatter, []FrontMatterBlock{{Lines: LineRange{5, 8}, License: []string{"llama3"}, BaseModel: []string{"meta-llama/Meta-Llama-3-8B"}}})
			},
		},
		{
			name:  "misplaced front matter",
			in:    "# My model\n\n---\nlicense: mit\n---\n",
			rules: []string{RuleMisplacedFrontMatter},
			lines: []int{3},
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string(nil))
				eq(t, "OtherFrontMatter", c.OtherFrontMatter, []FrontMatterBlock{{Lines: LineRange{3, 5}, License: []string{"mit"}}})
			},
		},
		{
			name:  "no front matter",
			in:    "# Model\n\nLicense: MIT\n",
			rules: []string{RuleNoFrontMatter},
			lines: []int{1},
			check: func(t *testing.T, c *Card) {
				eq(t, "Body", c.Body, "# Model\n\nLicense: MIT\n")
				eq(t, "BodyStartLine", c.BodyStartLine, 1)
			},
		},
		{
			name:  "LFS pointer",
			in:    "version https://git-lfs.github.com/spec/v1\noid sha256:320f01f7e1bada6351f919f3ad5d4c5fa1af75b222db1f285c89a21b85fc536e\nsize 41438\n",
			rules: []string{RuleLFSPointer},
			lines: []int{1},
			check: func(t *testing.T, c *Card) {
				eq(t, "LFS", c.LFS, &LFSPointer{OID: "sha256:320f01f7e1bada6351f919f3ad5d4c5fa1af75b222db1f285c89a21b85fc536e", Size: 41438})
				eq(t, "Body", c.Body, "")
			},
		},
		{
			name:  "LFS pointer CRLF",
			in:    "version https://git-lfs.github.com/spec/v1\r\noid sha256:abc\r\nsize 10\r\n",
			rules: []string{RuleLFSPointer},
		},
		{
			name:  "empty file",
			in:    "",
			rules: []string{RuleEmpty},
			lines: []int{1},
		},
		{
			name:  "whitespace only",
			in:    " \n\t\r\n",
			rules: []string{RuleEmpty},
		},
		{
			name:  "not UTF-8",
			in:    "---\nlicense: mit\nmodel_creator: caf\xe9\n---\n",
			rules: []string{RuleNotUTF8},
			lines: []int{3},
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"mit"})
				eq(t, "ModelCreator", c.ModelCreator, "caf\uFFFD")
			},
		},
		{
			name:  "UTF-16LE",
			in:    utf16le("---\nlicense: mit\n---\n"),
			rules: []string{RuleNotUTF8},
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"mit"})
			},
		},
		{
			name:  "license as a map",
			in:    "---\nlicense:\n  name: mit\n  url: x\n---\n",
			rules: []string{RuleWrongType},
			lines: []int{2},
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string(nil))
				eq(t, "Line(license)", c.Line("license"), 2)
			},
		},
		{
			name:  "license empty",
			in:    "---\nlicense:\nbase_model: ~\n---\n",
			rules: []string{RuleWrongType, RuleWrongType},
			lines: []int{2, 3},
		},
		{
			name:  "license list with a map item",
			in:    "---\nlicense:\n- mit\n- {name: x}\n---\n",
			rules: []string{RuleWrongType},
			lines: []int{4},
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"mit"})
			},
		},
		{
			name:  "license_name as list",
			in:    "---\nlicense: other\nlicense_name: [a, b]\n---\n",
			rules: []string{RuleWrongType},
			check: func(t *testing.T, c *Card) {
				eq(t, "LicenseName", c.LicenseName, "a")
			},
		},
		{
			name:  "duplicate key",
			in:    "---\nlicense: mit\ntags: [a]\ntags: [b]\nlicense: mit\n---\n",
			rules: []string{RuleDuplicateKey, RuleDuplicateKey},
			lines: []int{4, 5},
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"mit"})
				eq(t, "Line(license)", c.Line("license"), 5)
			},
		},
		{
			// The first value may be the license that applies: an error.
			name:  "duplicate license key, restrictive first",
			in:    "---\nlicense: cc-by-nc-4.0\ntags: [a]\nlicense: apache-2.0\n---\n",
			rules: []string{RuleMalformed},
			lines: []int{4},
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"apache-2.0"})
				eq(t, "Line(license)", c.Line("license"), 4)
			},
		},
		{
			name:  "non-scalar key",
			in:    "---\n[a, b]: c\nlicense: mit\n---\n",
			rules: []string{RuleWrongType},
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"mit"})
			},
		},
		{
			name: "merge key",
			in:   "---\nx: &x\n  license: mit\n<<: *x\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"mit"})
			},
		},
		{
			name:  "100,000 license ids",
			in:    "---\nlicense: [" + strings.Repeat("mit, ", 100000) + "mit]\n---\n",
			rules: []string{RuleMalformed},
			check: func(t *testing.T, c *Card) {
				eq(t, "len(License)", len(c.License), MaxListItems)
			},
		},
		{
			name: "a quoted << is a plain key, not a merge",
			in:   "---\n\"<<\": {license: cc-by-nc-4.0}\nlicense: apache-2.0\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"apache-2.0"})
			},
		},
		{
			name:  "UTF-32 card",
			in:    "-\x00\x00\x00-\x00\x00\x00-\x00\x00\x00\n\x00\x00\x00",
			rules: []string{RuleMalformed, RuleNoFrontMatter},
		},
		// Merge keys as PyYAML (the Hub) reads them.
		{
			name: "license only through nested merges",
			in:   "---\na: &a\n  license: cc-by-nc-4.0\nb: &b\n  <<: *a\n  x: 1\nc: &c\n  <<: *b\n<<: *c\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"cc-by-nc-4.0"})
			},
		},
		{
			name: "merge after an explicit key does not override it",
			in:   "---\nbase: &base\n  license: mit\nlicense: cc-by-nc-4.0\n<<: *base\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"cc-by-nc-4.0"})
			},
		},
		{
			name: "merge before an explicit key",
			in:   "---\nbase: &base\n  license: mit\n<<: *base\nlicense: cc-by-nc-4.0\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"cc-by-nc-4.0"})
			},
		},
		{
			name: "merge list: the first mapping wins",
			in:   "---\na: &a\n  license: cc-by-nc-4.0\nb: &b\n  license: mit\n<<: [*a, *b]\n---\n",
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"cc-by-nc-4.0"})
			},
		},
		{
			name:  "merge of a scalar: the Hub reads nothing",
			in:    "---\nlicense: mit\n<<: 3\n---\n",
			rules: []string{RuleMalformed},
		},
		{
			name:  "UTF-16LE without a byte-order mark",
			in:    utf16NoBOM("---\nlicense: cc-by-nc-4.0\n---\n# Model\n", false),
			rules: []string{RuleNotUTF8},
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"cc-by-nc-4.0"})
			},
		},
		{
			name:  "UTF-16BE without a byte-order mark",
			in:    utf16NoBOM("---\nlicense: cc-by-nc-4.0\n---\n", true),
			rules: []string{RuleNotUTF8},
			check: func(t *testing.T, c *Card) {
				eq(t, "License", c.License, []string{"cc-by-nc-4.0"})
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, probs := Parse("README.md", []byte(tt.in))
			if c == nil {
				t.Fatal("Parse returned a nil Card")
			}
			if got := rulesOf(probs); !reflect.DeepEqual(got, tt.rules) {
				t.Errorf("rules = %q, want %q; problems: %+v", got, tt.rules, probs)
			}
			if tt.lines != nil {
				var got []int
				for _, p := range probs {
					got = append(got, p.Line)
				}
				if !reflect.DeepEqual(got, tt.lines) {
					t.Errorf("problem lines = %v, want %v; problems: %+v", got, tt.lines, probs)
				}
			}
			for _, p := range probs {
				if p.Message == "" || p.Line < 1 {
					t.Errorf("bad problem %+v", p)
				}
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func utf16le(s string) string {
	b := []byte{0xFF, 0xFE}
	for _, r := range s { // ASCII only
		b = append(b, byte(r), 0)
	}
	return string(b)
}

func TestParseMessages(t *testing.T) {
	_, probs := Parse("README.md", []byte("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n"))
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "not in the repository, only an LFS pointer") {
		t.Errorf("LFS pointer problem = %+v", probs)
	}
	_, probs = Parse("README.md", []byte("---\nlicense: mit\nfoo: bar: baz\n---\n"))
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "not valid YAML") || !strings.Contains(probs[0].Message, "license: mit") {
		t.Errorf("YAML problem = %+v", probs)
	}
	_, probs = Parse("README.md", []byte("---\nlicense: apache-2.0\n---\n---\nlicense: llama3\n---\n"))
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "license: llama3") {
		t.Errorf("duplicate front matter problem = %+v", probs)
	}
}

func TestNormalizeModelID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf"},
		{"  meta-llama/Llama-2-7b-hf  ", "meta-llama/Llama-2-7b-hf"},
		{"https://huggingface.co/meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf"},
		{"http://huggingface.co/meta-llama/Llama-2-7b-hf/", "meta-llama/Llama-2-7b-hf"},
		{"https://www.huggingface.co/org/name/tree/main", "org/name"},
		{"HTTPS://HuggingFace.co/org/name/blob/main/README.md?x=1", "org/name"},
		{"huggingface.co/org/name", "org/name"},
		{"https://hf.co/org/name#readme", "org/name"},
		{"https://huggingface.co/gpt2", "gpt2"},
		{"https://huggingface.co/api/models/org/name", "org/name"},
		{"https://huggingface.co/datasets/org/data", "https://huggingface.co/datasets/org/data"},
		{"https://huggingface.co/", "https://huggingface.co/"},
		{"https://github.com/org/repo", "https://github.com/org/repo"},
		{"gpt2", "gpt2"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeModelID(tt.in); got != tt.want {
			t.Errorf("NormalizeModelID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIsLFSPointer(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n", true},
		{"version https://git-lfs.github.com/spec/v1\r\noid sha256:abc\r\nsize 12\r\n", true},
		{"version https://hawser.github.com/spec/v1\noid sha256:abc\nsize 12", true},
		{"version https://git-lfs.github.com/spec/v1\noid sha256:abc\n", false},
		{"version https://git-lfs.github.com/spec/v1\nsize 12\n", false},
		{"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize -3\n", false},
		{"---\nlicense: mit\n---\n", false},
		{"", false},
		{"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n" + strings.Repeat("x", 2000), false},
	}
	for _, tt := range tests {
		if got := IsLFSPointer([]byte(tt.in)); got != tt.want {
			t.Errorf("IsLFSPointer(%.50q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseBoundsProblems(t *testing.T) {
	in := "---\n" + strings.Repeat("license: mit\n", 200) + "---\n"
	c, probs := Parse("README.md", []byte(in))
	eq(t, "License", c.License, []string{"mit"})
	if len(probs) != maxProblemsPerRule+1 {
		t.Fatalf("got %d problems, want %d", len(probs), maxProblemsPerRule+1)
	}
	last := probs[len(probs)-1]
	if last.Rule != RuleDuplicateKey || !strings.Contains(last.Message, "149 more") {
		t.Errorf("closing problem = %+v", last)
	}

	in = "---\nlicense: a\n---\n" + strings.Repeat("---\nlicense: b\n---\n", 100)
	c, probs = Parse("README.md", []byte(in))
	eq(t, "OtherFrontMatter", len(c.OtherFrontMatter), maxOtherBlocks)
	eq(t, "problems", len(probs), maxOtherBlocks+1)
}

// utf16NoBOM encodes s as UTF-16 without a byte-order mark.
func utf16NoBOM(s string, be bool) string {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		if be {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return string(b)
}
