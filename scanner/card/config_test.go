package card

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		rules []string
		lines []int
		check func(t *testing.T, c *Config)
	}{
		{
			name: "adapter config",
			in: `{
  "alpha_pattern": {},
  "auto_mapping": null,
  "base_model_name_or_path": "Hugofernandez/Mistral-7B-v0.1-colab-sharded",
  "peft_type": "LORA",
  "target_modules": ["k_proj", "q_proj"],
  "task_type": "CAUSAL_LM"
}`,
			check: func(t *testing.T, c *Config) {
				eq(t, "BaseModelNameOrPath", c.BaseModelNameOrPath, "Hugofernandez/Mistral-7B-v0.1-colab-sharded")
				eq(t, "BaseModel()", c.BaseModel(), "Hugofernandez/Mistral-7B-v0.1-colab-sharded")
				eq(t, "PeftType", c.PeftType, "LORA")
				eq(t, "TaskType", c.TaskType, "CAUSAL_LM")
				eq(t, "IsAdapter", c.IsAdapter(), true)
				eq(t, "Line(base_model_name_or_path)", c.Line("base_model_name_or_path"), 4)
				eq(t, "Line(task_type)", c.Line("task_type"), 7)
				eq(t, "Licenses", c.Licenses, []ConfigValue(nil))
			},
		},
		{
			name: "model config",
			in: `{
  "_name_or_path": "/content/drive/MyDrive/out",
  "architectures": [
    "LlamaForCausalLM"
  ],
  "eos_token_id": [1, 2],
  "rope_scaling": {"factor": 32.0, "rope_type": "llama3"},
  "model_type": "llama",
  "torch_dtype": "bfloat16"
}`,
			check: func(t *testing.T, c *Config) {
				eq(t, "NameOrPath", c.NameOrPath, "/content/drive/MyDrive/out")
				eq(t, "Architectures", c.Architectures, []string{"LlamaForCausalLM"})
				eq(t, "ModelType", c.ModelType, "llama")
				eq(t, "IsAdapter", c.IsAdapter(), false)
				eq(t, "BaseModel()", c.BaseModel(), "")
			},
		},
		{
			name: "local base path",
			in:   `{"base_model_name_or_path": "./outputs/checkpoint-500", "peft_type": "LORA"}`,
			check: func(t *testing.T, c *Config) {
				eq(t, "BaseModelNameOrPath", c.BaseModelNameOrPath, "./outputs/checkpoint-500")
				eq(t, "BaseModel()", c.BaseModel(), "")
			},
		},
		{
			name: "hub url base",
			in:   `{"base_model_name_or_path": "https://huggingface.co/org/name"}`,
			check: func(t *testing.T, c *Config) {
				eq(t, "BaseModel()", c.BaseModel(), "org/name")
			},
		},
		{
			name: "license-like keys at any depth",
			in: `{
  "license": "llama3.1",
  "text_config": {
    "model_type": "x",
    "licence_url": "https://example.com/L"
  },
  "model_license": ["mit", "other"],
  "license_info": {"name": "qwen", "year": 2024},
  "notes": "mit"
}`,
			check: func(t *testing.T, c *Config) {
				want := []ConfigValue{
					{Key: "license", Value: "llama3.1", Line: 2},
					{Key: "text_config.licence_url", Value: "https://example.com/L", Line: 5},
					{Key: "model_license", Value: "mit", Line: 7},
					{Key: "model_license", Value: "other", Line: 7},
					{Key: "license_info.name", Value: "qwen", Line: 8},
					{Key: "license_info.year", Value: "2024", Line: 8},
				}
				eq(t, "Licenses", c.Licenses, want)
				eq(t, "ModelType", c.ModelType, "")
			},
		},
		{
			name: "NaN and Infinity as Python writes them",
			in:   "{\n  \"a\": NaN,\n  \"b\": -Infinity,\n  \"s\": \"NaN\",\n  \"model_type\": \"gpt2\"\n}",
			check: func(t *testing.T, c *Config) {
				eq(t, "ModelType", c.ModelType, "gpt2")
			},
		},
		{
			name:  "syntax error",
			in:    "{\n  \"model_type\": \"llama\",\n  \"peft_type\": \"LORA\"\n  \"r\": 8\n}",
			rules: []string{RuleMalformedConfig},
			lines: []int{4},
			check: func(t *testing.T, c *Config) {
				eq(t, "ModelType", c.ModelType, "llama")
				eq(t, "PeftType", c.PeftType, "LORA")
			},
		},
		{
			name:  "trailing comma",
			in:    "{\n  \"model_type\": \"llama\",\n}\n",
			rules: []string{RuleMalformedConfig},
			lines: []int{3},
		},
		{
			name:  "truncated",
			in:    "{\n  \"base_model_name_or_path\": \"org/m\",\n  \"target_modules\": [\n    \"q_proj\"",
			rules: []string{RuleMalformedConfig},
			lines: []int{4},
			check: func(t *testing.T, c *Config) {
				eq(t, "BaseModelNameOrPath", c.BaseModelNameOrPath, "org/m")
			},
		},
		{
			name:  "empty",
			in:    "  \n",
			rules: []string{RuleMalformedConfig},
			lines: []int{1},
		},
		{
			name:  "not an object",
			in:    "[1, 2]",
			rules: []string{RuleMalformedConfig},
		},
		{
			name:  "scalar root",
			in:    "\"x\"",
			rules: []string{RuleMalformedConfig},
		},
		{
			name:  "extra data",
			in:    "{\"model_type\": \"a\"}\n{\"model_type\": \"b\"}",
			rules: []string{RuleMalformedConfig},
			lines: []int{2},
			check: func(t *testing.T, c *Config) {
				eq(t, "ModelType", c.ModelType, "a")
			},
		},
		{
			name:  "BOM",
			in:    "\uFEFF{\"model_type\": \"a\"}",
			rules: []string{RuleMalformedConfig},
			check: func(t *testing.T, c *Config) {
				eq(t, "ModelType", c.ModelType, "a")
			},
		},
		{
			name:  "not UTF-8",
			in:    "{\"model_type\": \"caf\xe9\"}",
			rules: []string{RuleConfigNotUTF8},
			check: func(t *testing.T, c *Config) {
				eq(t, "ModelType", c.ModelType, "caf\uFFFD")
			},
		},
		{
			name:  "wrong types",
			in:    "{\n\"base_model_name_or_path\": 5,\n\"model_type\": {\"a\": 1},\n\"architectures\": \"LlamaForCausalLM\",\n\"peft_type\": null\n}",
			rules: []string{RuleConfigWrongType, RuleConfigWrongType, RuleConfigWrongType},
			lines: []int{2, 3, 4},
			check: func(t *testing.T, c *Config) {
				eq(t, "BaseModelNameOrPath", c.BaseModelNameOrPath, "")
				eq(t, "ModelType", c.ModelType, "")
				eq(t, "Architectures", c.Architectures, []string{"LlamaForCausalLM"})
			},
		},
		{
			name:  "duplicate key",
			in:    "{\n\"model_type\": \"a\",\n\"model_type\": \"b\"\n}",
			rules: []string{RuleConfigDuplicateKey},
			lines: []int{3},
			check: func(t *testing.T, c *Config) {
				eq(t, "ModelType", c.ModelType, "b")
			},
		},
		{
			name:  "LFS pointer",
			in:    "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 700\n",
			rules: []string{RuleConfigLFSPointer},
			check: func(t *testing.T, c *Config) {
				eq(t, "LFS", c.LFS, &LFSPointer{OID: "sha256:abc", Size: 700})
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, probs := ParseConfig("adapter_config.json", []byte(tt.in))
			if c == nil {
				t.Fatal("ParseConfig returned a nil Config")
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

func TestParseConfigSyntaxMessage(t *testing.T) {
	_, probs := ParseConfig("config.json", []byte("{\n  \"a\": 1,\n  \"b\" 2\n}"))
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "line 3, column 7") {
		t.Errorf("problem = %+v, want one at line 3, column 7", probs)
	}
}

func TestIsLocalPath(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"org/name", false},
		{"gpt2", false},
		{"https://huggingface.co/org/name", false},
		{"/content/model", true},
		{"./out", true},
		{"../out", true},
		{"~/models/x", true},
		{"C:\\models\\x", true},
		{"D:/models/x", true},
		{"outputs/run1/checkpoint-5", true},
		{"", true},
	}
	for _, tt := range tests {
		if got := IsLocalPath(tt.in); got != tt.want {
			t.Errorf("IsLocalPath(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
