package card

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// corpusSeeds returns the corpus files whose names end with one of the
// suffixes, read at test time (the corpus is not copied into the project).
// It returns nothing when the corpus is absent.
func corpusSeeds(suffixes ...string) [][]byte {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		return nil
	}
	var out [][]byte
	for _, e := range entries {
		for _, s := range suffixes {
			if strings.HasSuffix(e.Name(), s) {
				if data, err := os.ReadFile(filepath.Join(corpusDir, e.Name())); err == nil {
					out = append(out, data)
				}
				break
			}
		}
	}
	return out
}

// maxLines is an upper bound on the lines of data under any of the line
// break conventions Parse accepts.
func maxLines(data []byte) int {
	return 1 + bytes.Count(data, []byte{'\n'}) + bytes.Count(data, []byte{'\r'})
}

var knownRules = map[string]bool{
	RuleMalformed: true, RuleLFSPointer: true, RuleNotUTF8: true, RuleEmpty: true,
	RuleNoFrontMatter: true, RuleDuplicateFrontMatter: true, RuleMisplacedFrontMatter: true,
	RuleWrongType: true, RuleDuplicateKey: true,
	RuleMalformedConfig: true, RuleConfigLFSPointer: true, RuleConfigNotUTF8: true,
	RuleConfigWrongType: true, RuleConfigDuplicateKey: true,
}

func checkProblems(t *testing.T, probs []Problem, n int) {
	t.Helper()
	for _, p := range probs {
		if !knownRules[p.Rule] || p.Message == "" || p.Line < 1 || p.Line > n {
			t.Fatalf("bad problem %+v (file has at most %d lines)", p, n)
		}
	}
}

func inFile(t *testing.T, what string, l, n int) {
	t.Helper()
	if l < 0 || l > n {
		t.Fatalf("%s = %d, outside the file's %d lines", what, l, n)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range corpusSeeds(".md") {
		f.Add(s)
	}
	for _, s := range []string{
		"",
		"---\nlicense: mit\n---\nbody\n",
		"---\r\nlicense:\r\n- mit\r\n- other\r\n---\r\n",
		"\uFEFF\n---  \nlicense: [llama2, other]\nbase_model: https://huggingface.co/org/name\n...\n",
		"---\nlicense: other\nlicense_link: >-\n  LICENSE\nextra_gated_prompt: |-\n  text\n\n  more\nextra_gated_eu_disallowed: true\n---\n",
		"---\nlicense: mit\nfoo: bar: baz\n\tx: [\n---\n",
		"---\n\n### Overview:\n  description: x\n",
		"---\nlicense: a\n---\n---\nlicense: b\n---\n",
		"# t\n---\nlicense: x\n---\n",
		"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n",
		"---\nlicense: {a: b}\nlicense: [ {x: y}, ~ ]\n---\n",
		"---\na: &a [*a]\nlicense: *a\n<<: *a\n---\n",
		"---\nx: &x {<<: *x, license: mit}\n<<: *x\n---\n",
		"---\nlicense: caf\xe9\n---\n",
		"\xff\xfe-\x00-\x00-\x00\n\x00",
		"-\x00-\x00-\x00\n\x00l\x00:\x00 \x00m\x00\n\x00-\x00-\x00-\x00\n\x00",
		"---\na: &a\n  license: x\nb: &b\n  <<: *a\n<<: [*b, *a, {license: y}]\nlicense: z\n---\n",
		"---\n<<: 1\n<<: [1, {a: b}]\n---\n",
		"---\nlicense: a\nlicense: b\nlicense_name: a\nlicense_name: a\n---\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, probs := Parse("README.md", data)
		if c == nil {
			t.Fatal("nil Card")
		}
		n := maxLines(data)
		checkProblems(t, probs, n)
		for k, l := range c.KeyLines {
			if l < 1 || l > n {
				t.Fatalf("KeyLines[%q] = %d, outside the file's %d lines", k, l, n)
			}
		}
		inFile(t, "BodyStartLine", c.BodyStartLine, n)
		inFile(t, "FrontMatterLines.End", c.FrontMatterLines.End, n)
		inFile(t, "ExtraGatedPromptLines.End", c.ExtraGatedPromptLines.End, n)
		if c.HasFrontMatter && !(c.FrontMatterLines.Start >= 1 && c.FrontMatterLines.Start < c.FrontMatterLines.End) {
			t.Fatalf("FrontMatterLines = %+v", c.FrontMatterLines)
		}
		if r := c.ExtraGatedPromptLines; r.Start > r.End {
			t.Fatalf("ExtraGatedPromptLines = %+v", r)
		}
		if c.Body != "" && c.BodyStartLine+strings.Count(c.Body, "\n") > n {
			t.Fatalf("Body of %d lines from line %d in a file of %d lines", strings.Count(c.Body, "\n")+1, c.BodyStartLine, n)
		}
		if !utf8.ValidString(c.Body) || !utf8.ValidString(c.ExtraGatedPrompt) {
			t.Fatal("invalid UTF-8 in Body or ExtraGatedPrompt")
		}
		if IsLFSPointer(data) != (c.LFS != nil) {
			t.Fatalf("IsLFSPointer = %v, Card.LFS = %v", IsLFSPointer(data), c.LFS)
		}
		if c.Recovered && len(probs) == 0 {
			t.Fatal("values recovered from broken YAML without a problem")
		}
		c2, probs2 := Parse("README.md", data)
		if !reflect.DeepEqual(c, c2) || !reflect.DeepEqual(probs, probs2) {
			t.Fatal("Parse is not deterministic")
		}
	})
}

func FuzzParseConfig(f *testing.F) {
	for _, s := range corpusSeeds(".json") {
		f.Add(s)
	}
	for _, s := range []string{
		"",
		"{}",
		`{"base_model_name_or_path": "org/m", "peft_type": "LORA"}`,
		`{"_name_or_path": "/x", "architectures": ["A", 1], "model_type": {}}`,
		`{"license": ["mit", {"x": null}], "a": {"license_name": 1}}`,
		`{"a": NaN, "b": "NaN", "c": -Infinity}`,
		"{\n\"a\": 1,\n}",
		"[1, {\"license\": 2}]",
		"{\"a\": 1} {}",
		"\uFEFF{\"a\": \"\xe9\"}",
		"{\"a\": [[[[[[[[[[{}]]]]]]]]]]}",
		"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, probs := ParseConfig("config.json", data)
		if c == nil {
			t.Fatal("nil Config")
		}
		n := maxLines(data)
		checkProblems(t, probs, n)
		for k, l := range c.KeyLines {
			if l < 1 || l > n {
				t.Fatalf("KeyLines[%q] = %d, outside the file's %d lines", k, l, n)
			}
		}
		for _, v := range c.Licenses {
			if v.Line < 1 || v.Line > n {
				t.Fatalf("license value %+v outside the file's %d lines", v, n)
			}
		}
		// Differential check against encoding/json for valid UTF-8 objects.
		trimmed := bytes.TrimLeft(data, " \t\r\n")
		if json.Valid(data) && utf8.Valid(data) && len(trimmed) > 0 && trimmed[0] == '{' {
			for _, p := range probs {
				if p.Rule == RuleMalformedConfig || p.Rule == RuleConfigNotUTF8 {
					t.Fatalf("valid JSON object reported as %+v", p)
				}
			}
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatalf("json.Unmarshal: %v", err)
			}
			want, _ := m["base_model_name_or_path"].(string)
			if got := c.BaseModelNameOrPath; got != strings.TrimSpace(want) {
				t.Fatalf("BaseModelNameOrPath = %q, encoding/json says %q", got, want)
			}
			wantType, _ := m["model_type"].(string)
			if c.ModelType != wantType {
				t.Fatalf("ModelType = %q, encoding/json says %q", c.ModelType, wantType)
			}
		}
		c2, probs2 := ParseConfig("config.json", data)
		if !reflect.DeepEqual(c, c2) || !reflect.DeepEqual(probs, probs2) {
			t.Fatal("ParseConfig is not deterministic")
		}
	})
}

// benchCards returns the corpus cards, or a synthetic card when the corpus
// is absent, so the benchmark always runs.
func benchCards() [][]byte {
	if s := corpusSeeds(".md"); len(s) > 0 {
		return s
	}
	var b strings.Builder
	b.WriteString("---\nlicense: llama3.2\nbase_model: meta-llama/Llama-3.2-1B\ntags:\n- llama\nextra_gated_prompt: >-\n")
	for i := 0; i < 200; i++ {
		b.WriteString("  Licensed under the Llama 3.2 Community License Agreement, clause text.\n")
	}
	b.WriteString("---\n# Model\n\nBody text.\n")
	return [][]byte{[]byte(b.String())}
}

func BenchmarkParse(b *testing.B) {
	cards := benchCards()
	var size int64
	for _, c := range cards {
		size += int64(len(c))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cards {
			Parse("README.md", c)
		}
	}
}

func BenchmarkParseConfig(b *testing.B) {
	cfgs := corpusSeeds(".json")
	if len(cfgs) == 0 {
		cfgs = [][]byte{[]byte(`{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "base_model_name_or_path": "org/m"}`)}
	}
	var size int64
	for _, c := range cfgs {
		size += int64(len(c))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cfgs {
			ParseConfig("config.json", c)
		}
	}
}
