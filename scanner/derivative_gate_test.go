package scanner

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses/profile"
	"github.com/carveout/carveout/licenses/terms"
	"github.com/carveout/carveout/scanner/source"
)

const mitText = `MIT License

Copyright (c) 2025 Example Tuners

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`

// TestDerivativeGate: relabelling a restricted base under "other" (or an
// unidentified license) with an MIT text drops the base's pass-through
// restrictions just as apache-2.0 does; a NOTICE line naming the base
// license is no copy of it; shipping the base text keeps its terms.
func TestDerivativeGate(t *testing.T) {
	llama31, err := os.ReadFile("../../shared/corpus/licenses/llama3.1.txt")
	if err != nil {
		t.Skipf("reference corpus not found (../shared/corpus): %v", err)
	}
	card := func(license, base string) string {
		return "---\nlicense: " + license + "\nbase_model: " + base + "\nmodel_name: Llama-3.1-Tune\n---\n"
	}
	for _, c := range []struct {
		name     string
		files    map[string]string
		conflict bool
	}{
		{"deepseek base relabelled other with an MIT text",
			map[string]string{"README.md": card("other", "deepseek-ai/DeepSeek-V2-Lite"), "LICENSE": mitText}, true},
		{"llama 3.1 base relabelled other with an MIT text",
			map[string]string{"README.md": card("other", "meta-llama/Meta-Llama-3.1-8B"), "LICENSE": mitText}, true},
		{"llama 3.1 base, unidentified id, MIT text and a NOTICE line",
			map[string]string{"README.md": card("my-own-license", "meta-llama/Meta-Llama-3.1-8B"), "LICENSE": mitText,
				"NOTICE": "Llama 3.1 is licensed under the Llama 3.1 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved.\n"}, true},
		{"llama 3.1 base relabelled mit",
			map[string]string{"README.md": card("mit", "meta-llama/Meta-Llama-3.1-8B"), "LICENSE": mitText}, true},
		{"llama 3.1 base, other, ships the Llama 3.1 text",
			map[string]string{"README.md": card("other", "meta-llama/Meta-Llama-3.1-8B"), "LICENSE": string(llama31)}, false},
		{"llama 3.1 base declared llama3.1",
			map[string]string{"README.md": card("llama3.1", "meta-llama/Meta-Llama-3.1-8B"), "LICENSE": string(llama31)}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := findingRules(scanMem(t, c.files))
			if _, ok := got["base-license-conflict"]; ok != c.conflict {
				t.Errorf("base-license-conflict = %v, want %v (findings %v)", ok, c.conflict, got)
			}
		})
	}
}

// TestMultimodalFromConfig: the Llama 4 EU clause binds a model whose
// config has a vision tower even when its card says text-generation.
func TestMultimodalFromConfig(t *testing.T) {
	p, err := profile.ParseProfile("p.yaml", []byte("headquarters: DE\ncountries: [DE]\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, config, want string
	}{
		{"vision config", `{"architectures":["Llama4ForConditionalGeneration"],"vision_config":{"image_size":336}}`, "applies"},
		{"text only", `{"architectures":["LlamaForCausalLM"]}`, "does-not-apply"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := scanMem(t, map[string]string{
				"README.md":   "---\nlicense: llama4\npipeline_tag: text-generation\n---\n",
				"config.json": c.config,
			})
			Evaluate(r, Evaluation{Profile: p})
			found := false
			for _, l := range r.Licenses {
				for _, tm := range l.Terms {
					if tm.Kind == string(terms.TerritoryExclusion) && strings.Contains(tm.Scope, "multimodal") {
						found = true
						if tm.Verdict != c.want {
							t.Errorf("%s %s: %s (%s), want %s", l.ID, tm.Kind, tm.Verdict, tm.Reason, c.want)
						}
					}
				}
			}
			if !found {
				t.Fatal("no multimodal territory term")
			}
		})
	}
}

// TestPassOnUseRestrictions: a Gemma or DeepSeek derivative must carry the
// base's use restrictions to its recipients.
func TestPassOnUseRestrictions(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string
		want  bool
	}{
		{"gemma derivative under other with an MIT text", map[string]string{
			"README.md": "---\nlicense: other\nbase_model: google/gemma-2-9b\n---\n", "LICENSE": mitText}, true},
		{"deepseek derivative under other with an MIT text", map[string]string{
			"README.md": "---\nlicense: other\nbase_model: deepseek-ai/DeepSeek-V2-Lite\n---\n", "LICENSE": mitText}, true},
		{"gemma derivative naming the Gemma terms", map[string]string{
			"README.md": "---\nlicense: gemma\nbase_model: google/gemma-2-9b\n---\n",
			"LICENSE":   "This model is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms.\n"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := map[string][]byte{}
			for k, v := range c.files {
				m[k] = []byte(v)
			}
			r, err := Scan(context.Background(), source.NewMemory("mem", m, nil), Options{Lineage: TableResolver{}, Derivative: true})
			if err != nil {
				t.Fatal(err)
			}
			got := findingRules(r)
			if _, ok := got["derivative-restrictions-not-passed-on"]; ok != c.want {
				t.Errorf("derivative-restrictions-not-passed-on = %v, want %v (findings %v)", ok, c.want, got)
			}
		})
	}
}

// TestObligationsOnce: a model under Llama 3.2 built on a Llama 3.1 base
// (which ships the Llama 3.1 text) lists each duty once, though both
// licenses impose it.
func TestObligationsOnce(t *testing.T) {
	llama31, err := os.ReadFile("../../shared/corpus/licenses/llama3.1.txt")
	if err != nil {
		t.Skipf("reference corpus not found (../shared/corpus): %v", err)
	}
	p, err := profile.ParseProfile("p.yaml", []byte("uses: [commercial, publish-derivatives]\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := scanMem(t, map[string]string{
		"README.md": "---\nlicense: llama3.2\nbase_model: meta-llama/Meta-Llama-3.1-8B\n---\n",
		"LICENSE":   string(llama31),
		"NOTICE":    "Llama 3.1 is licensed under the Llama 3.1 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved.\n",
	})
	Evaluate(r, Evaluation{Profile: p})
	seen := map[string]bool{}
	for _, o := range r.Obligations {
		k := o.Kind + "\x00" + o.Action
		if seen[k] {
			t.Errorf("duty listed twice: %s %s", o.Kind, o.Action)
		}
		seen[k] = true
	}
	if !seen["naming-requirement\x00"+`Begin the name of any derivative model you distribute or make available with "Llama".`] {
		t.Errorf("no naming duty in %+v", r.Obligations)
	}
}
