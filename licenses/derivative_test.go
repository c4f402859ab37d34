package licenses

import (
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses/terms"
)

func TestBaseModelLicense(t *testing.T) {
	tests := []struct {
		model, want string // want "" = unresolved
	}{
		{"meta-llama/Llama-2-7b-hf", "llama2"},
		{"meta-llama/Llama-2-13b-chat-hf", "llama2"},
		{"meta-llama/CodeLlama-70b-Python-hf", "llama2"},
		{"meta-llama/Meta-Llama-3-8B", "llama3"},
		{"meta-llama/Meta-Llama-3-8B-Instruct", "llama3"},
		{"meta-llama/Meta-Llama-3.1-70B-Instruct", "llama3.1"},
		{"meta-llama/Llama-3.1-8B", "llama3.1"},
		{"meta-llama/Llama-3.2-1B-Instruct", "llama3.2"},
		{"meta-llama/Llama-3.2-11B-Vision-Instruct", "llama3.2"},
		{"meta-llama/Llama-3.3-70B-Instruct", "llama3.3"},
		{"meta-llama/Llama-4-Scout-17B-16E-Instruct", "llama4"},
		{"meta-llama/Llama-Guard-3-8B", "llama3.1"},
		{"meta-llama/Llama-Guard-3-1B", "llama3.2"},
		{"meta-llama/Prompt-Guard-2-86M", ""},
		{"unsloth/meta-llama-3.1-8b-bnb-4bit", "llama3.1"},
		{"NousResearch/Meta-Llama-3-8B", "llama3"},
		{"NousResearch/Hermes-2-Pro-Llama-3-8B", ""},
		{"google/gemma-2b-it", "gemma-2025-03-24"},
		{"google/gemma-3-27b-pt", "gemma-2025-03-24"},
		{"google/medgemma-27b-it", ""},
		{"google/flan-t5-xl", ""},
		{"Qwen/Qwen2.5-72B", "qwen"},
		{"Qwen/Qwen2.5-72B-Instruct", "qwen"},
		{"Qwen/Qwen2.5-14B", "Apache-2.0"},
		{"Qwen/Qwen2.5-7B-Instruct", "Apache-2.0"},
		{"Qwen/Qwen2.5-3B-Instruct", "qwen-research"},
		{"Qwen/Qwen2.5-Coder-1.5B", "Apache-2.0"},
		{"Qwen/Qwen2.5-Math-1.5B", "Apache-2.0"},
		{"Qwen/Qwen1.5-0.5B-Chat", "tongyi-qianwen-research"},
		{"Qwen/Qwen1.5-72B-Chat", "tongyi-qianwen"},
		{"Qwen/Qwen1.5-4B", ""},
		{"Qwen/Qwen-72B", "tongyi-qianwen"},
		{"Qwen/Qwen3-8B", "Apache-2.0"},
		{"mistralai/Mistral-7B-v0.1", "Apache-2.0"},
		{"mistralai/Mistral-7B-Instruct-v0.3", "Apache-2.0"},
		{"mistralai/Mistral-Small-3.1-24B-Instruct-2503", "Apache-2.0"},
		{"mistralai/Mistral-Large-Instruct-2407", "mistral-mrl-0.1"},
		{"mistralai/Codestral-22B-v0.1", "mistral-mnpl-0.1"},
		{"mistralai/Mistral-Large-Instruct-2502", ""},
		{"stabilityai/stable-diffusion-3.5-large", "stability-ai-community"},
		{"stabilityai/stable-diffusion-2-1", "openrail++"},
		{"runwayml/stable-diffusion-v1-5", "creativeml-openrail-m"},
		{"deepseek-ai/DeepSeek-R1-Distill-Llama-8B", ""},
		{"Hugofernandez/Mistral-7B-v0.1-colab-sharded", ""},
		{"fdtn-ai/Foundation-Sec-8B", ""},
		{"https://huggingface.co/meta-llama/Llama-3.1-8B/", "llama3.1"},
		{"hf:Qwen/Qwen2.5-72B", "qwen"},
		{"META-LLAMA/LLAMA-3.1-8B", "llama3.1"},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := BaseModelLicense(tt.model)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("BaseModelLicense(%q) = %q, %v; want %q", tt.model, got, ok, tt.want)
		}
	}
	if b, ok := LookupBaseModel("google/medgemma-4b-it"); !ok || b.License != "" || !strings.Contains(b.Note, "Health AI") {
		t.Errorf("medgemma row = %+v, %v", b, ok)
	}
}

// Every license the table names must be in the catalog.
func TestBaseModelTableIDs(t *testing.T) {
	if len(Catalog()) < 20 {
		t.Fatal("the catalog is empty")
	}
	for _, b := range BaseModels() {
		if b.License == "" {
			continue
		}
		l, ok := Lookup(b.License)
		if !ok {
			t.Errorf("%s: license %q is not in the catalog", b.Pattern, b.License)
		} else if l.ID != b.License {
			t.Errorf("%s: %q is an alias; use the catalog id %q", b.Pattern, b.License, l.ID)
		}
	}
}

func lookup(t *testing.T, id string) *License {
	t.Helper()
	l, ok := Lookup(id)
	if !ok {
		t.Fatalf("the catalog has no %s (a test of its terms cannot pass by skipping)", id)
	}
	return l
}

func TestCompatible(t *testing.T) {
	tests := []struct {
		base, declared string
		ok             bool
		contain        string
	}{
		{"llama3.1", "apache-2.0", false, "cannot be relabelled Apache-2.0"},
		{"llama3.1", "mit", false, "cannot be relabelled MIT"},
		{"llama3.1", "llama3.1", true, "keeps"},
		{"llama3.1", "LLAMA3.1", true, ""},
		{"llama3", "llama3.1", false, "different agreement"},
		{"llama2", "gemma-2025-03-24", false, "another licensor's license"},
		{"llama2", "CC-BY-NC-4.0", false, "another licensor's license"},
		{"gemma-2025-03-24", "apache-2.0", false, "cannot be relabelled"},
		{"gemma-2025-03-24", "mit", false, "cannot be relabelled"},
		{"gemma-2024-02-21", "gemma-2025-03-24", true, "later revision"},
		{"gemma-2025-03-24", "gemma-2024-02-21", false, ""},
		{"qwen-research", "qwen", false, ""},
		{"qwen-research", "apache-2.0", false, ""},
		{"Apache-2.0", "mit", true, "permissive"},
		{"Apache-2.0", "llama3.1", true, ""},
		{"Apache-2.0", "other", true, ""},
		{"MIT", "", false, "declares no license"},
		{"llama3.1", "other", false, "not a known license"},
		{"GPL-3.0-only", "mit", false, "copyleft"},
	}
	for _, tt := range tests {
		base := lookup(t, tt.base)
		ok, reason := Compatible(base, tt.declared)
		if ok != tt.ok || !strings.Contains(reason, tt.contain) || reason == "" {
			t.Errorf("Compatible(%s, %q) = %v, %q; want %v containing %q", tt.base, tt.declared, ok, reason, tt.ok, tt.contain)
		}
	}
	if ok, reason := Compatible(nil, "mit"); ok || !strings.Contains(reason, "unresolved") {
		t.Errorf("nil base: %v %q", ok, reason)
	}
	// Hand-built licenses: the rules do not depend on catalog contents.
	restricted := &License{ID: "acme-1", Family: "acme", Category: CustomRestricted,
		Terms: []terms.Term{{Kind: terms.PassThrough}, {Kind: terms.NamingRequirement, Prefix: "Acme"}}}
	if ok, reason := Compatible(restricted, "apache-2.0"); ok || !strings.Contains(reason, "(naming-requirement, pass-through)") && !strings.Contains(reason, "(pass-through, naming-requirement)") {
		t.Errorf("restricted base: %v %q", ok, reason)
	}
}

func TestCheckName(t *testing.T) {
	llama31 := []terms.Term{{Kind: terms.NamingRequirement, Prefix: "Llama"}}
	llama3 := []terms.Term{{Kind: terms.NamingRequirement, Prefix: "Llama 3"}}
	tests := []struct {
		name string
		ts   []terms.Term
		ok   bool
	}{
		{"Llama-3.1-MyTune", llama31, true},
		{"llama-3.1-mytune", llama31, true},
		{"acme/Llama-3.1-MyTune", llama31, true},
		{"MyTune-Llama", llama31, false},
		{"MyTune-Llama-3.1", llama31, false},
		{"", llama31, false},
		{"Llama 3 MyTune", llama3, true},
		{"Llama-3-MyTune-8B", llama3, true},
		{"Llama_3_MyTune", llama3, true},
		{"Llama-3.1-MyTune", llama3, true}, // starts with "Llama 3" followed by ".1"
		{"Llama-2-MyTune", llama3, false},
		{"Llama3-MyTune", llama3, false},
		{"Llama-30B-MyTune", llama3, false},
		{"Hermes-2-Pro-Llama-3-8B", llama3, false},
		{"AnyName", nil, true},
		{"AnyName", []terms.Term{{Kind: terms.AttributionRequirement, Statement: "Built with Llama"}}, true},
	}
	for _, tt := range tests {
		ok, reason := CheckName(tt.name, tt.ts)
		if ok != tt.ok || reason == "" {
			t.Errorf("CheckName(%q, %v) = %v, %q; want %v", tt.name, tt.ts, ok, reason, tt.ok)
		}
	}
	if _, reason := CheckName("", llama31); !strings.Contains(reason, "derivative_name") {
		t.Errorf("empty name reason %q", reason)
	}
}

func TestCheckNotice(t *testing.T) {
	ts := []terms.Term{{Kind: terms.NoticeRequirement, Notice: "Llama 3.1 is licensed under the Llama 3.1 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved."}}
	tests := []struct {
		text string
		ok   bool
	}{
		{"Llama 3.1 is licensed under the Llama 3.1 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved.\n", true},
		{"Our model.\n\nLlama 3.1 is licensed under the Llama 3.1 Community\r\nLicense, Copyright (c) Meta Platforms, Inc.  All Rights Reserved.", true},
		{"Llama 3 is licensed under the Llama 3 Community License", false},
		{"", false},
	}
	for _, tt := range tests {
		if ok, reason := CheckNotice(tt.text, ts); ok != tt.ok || reason == "" {
			t.Errorf("CheckNotice(%q) = %v, %q", tt.text, ok, reason)
		}
	}
	if ok, _ := CheckNotice("", nil); !ok {
		t.Error("no requirement, no NOTICE needed")
	}
	if ok, _ := CheckNotice("", []terms.Term{{Kind: terms.NoticeRequirement}}); ok {
		t.Error("a NOTICE requirement without text still needs a NOTICE file")
	}
}

func TestCheckPolicyReference(t *testing.T) {
	ts := []terms.Term{{Kind: terms.IncorporatedPolicy, Policy: "https://stability.ai/use-policy"}}
	if ok, _ := CheckPolicyReference("Use is subject to the policy at stability.ai/use-policy.", ts); !ok {
		t.Error("URL reference not found")
	}
	if ok, reason := CheckPolicyReference("No policy here.", ts); ok || !strings.Contains(reason, "not referenced") {
		t.Errorf("missing reference: %v %q", ok, reason)
	}
	if ok, _ := CheckPolicyReference("anything", nil); !ok {
		t.Error("nothing to reference")
	}
	byID := []terms.Term{{Kind: terms.IncorporatedPolicy, Policy: "llama3.1-aup"}}
	if ok, _ := CheckPolicyReference("See USE_POLICY.md: llama3.1-aup applies.", byID); !ok {
		t.Error("id reference not found")
	}
	if _, ok := Lookup("llama3.1-aup"); ok {
		if ok, _ := CheckPolicyReference("You must follow the Llama 3.1 Acceptable Use Policy.", byID); !ok {
			t.Error("name reference not found")
		}
	}
}

func TestCompatibleSameLicensor(t *testing.T) {
	base, ok := Lookup("gemma")
	if !ok {
		t.Fatal("the catalog has no gemma entry")
	}
	if _, ok := Lookup("health-ai-developer-foundations"); !ok {
		t.Fatal("the catalog has no health-ai-developer-foundations entry")
	}
	if ok, reason := Compatible(base, "health-ai-developer-foundations"); !ok {
		t.Errorf("same licensor relicensing refused: %s", reason)
	}
	if ok, _ := Compatible(base, "apache-2.0"); ok {
		t.Error("gemma derivative relabelled apache-2.0 accepted")
	}
}

func TestKeepsBase(t *testing.T) {
	llama, _ := Lookup("llama3.1")
	deepseek, _ := Lookup("deepseek")
	for _, c := range []struct {
		name     string
		base     *License
		declared []string
		shipped  []Shipped
		ok       bool
	}{
		{"other with an MIT text", deepseek, nil, []Shipped{{"MIT", "LICENSE"}}, false},
		{"other with only a NOTICE line", llama, nil, []Shipped{{"MIT", "LICENSE"}, {"llama3.1", "NOTICE"}}, false},
		{"other shipping the base license", llama, nil, []Shipped{{"llama3.1", "LICENSE"}}, true},
		{"declared apache with the base text", llama, []string{"apache-2.0"}, []Shipped{{"llama3.1", "LICENSE"}}, false},
		{"declared the base license", llama, []string{"llama3.1"}, nil, true},
		{"nothing shipped", deepseek, nil, nil, false},
	} {
		ok, reason := KeepsBase(c.base, c.declared, c.shipped)
		if ok != c.ok || reason == "" {
			t.Errorf("%s: KeepsBase = %v (%s), want %v", c.name, ok, reason, c.ok)
		}
	}
}
