package scanner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carveout/carveout/internal/corpus"
	"github.com/carveout/carveout/internal/golden"
	"github.com/carveout/carveout/scanner/source"
)

// TestGoldenReports scans every bundled example repository and compares
// the JSON report with testdata/golden/NAME.json (go test -update rewrites).
func TestGoldenReports(t *testing.T) {
	dirs, err := filepath.Glob("../testdata/models/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no example models: %v", err)
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			src, err := source.NewDir(filepath.ToSlash(dir))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Scan(context.Background(), src, Options{Lineage: TableResolver{}})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(r); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", name+".json"), buf.Bytes())
		})
	}
}

// TestDeterministic scans the same repository twice and expects the same
// bytes.
func TestDeterministic(t *testing.T) {
	var outs []string
	for i := 0; i < 3; i++ {
		src, _ := source.NewDir("../testdata/models/llama-finetune-mislabelled")
		r, err := Scan(context.Background(), src, Options{Lineage: TableResolver{}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		outs = append(outs, string(b))
	}
	if outs[0] != outs[1] || outs[1] != outs[2] {
		t.Fatal("reports differ between runs")
	}
}

// Two different unknown license texts are two licenses, each with its own
// terms and place; only identical identifications merge.
func TestUnknownLicensesKeyedByPlace(t *testing.T) {
	r := scanMem(t, map[string]string{
		"README.md": "---\nlicense: other\n---\n# model\n",
		"LICENSE": "Acme Model License\n\nYou may use the model. If your products have more than 50 million monthly active users\n" +
			"you must request a separate license from Acme before you use the model.\n",
		"LICENSE-DATA": "Data Terms of Beta Corp\n\nThe data may be used for non-commercial research purposes only; any commercial use of the data\n" +
			"is not permitted without a written agreement with Beta Corp.\n",
	})
	var unknown []License
	for _, l := range r.Licenses {
		if l.ID == "unknown" {
			unknown = append(unknown, l)
		}
	}
	if len(unknown) != 2 {
		t.Fatalf("want 2 unknown licenses, got %d: %+v", len(unknown), r.Licenses)
	}
	kinds := map[string]string{}
	for _, l := range unknown {
		var ks []string
		for _, tm := range l.Terms {
			ks = append(ks, tm.Kind)
			for _, e := range tm.Evidence {
				if e.Path != l.Evidence[0].Path {
					t.Errorf("term %s of the license at %s cites %s", tm.Kind, l.Evidence[0].Place(), e.Place())
				}
			}
		}
		kinds[l.Evidence[0].Path] = strings.Join(ks, ",")
	}
	if !strings.Contains(kinds["LICENSE"], "user-threshold") || strings.Contains(kinds["LICENSE"], "non-commercial") {
		t.Errorf("LICENSE terms = %q, want the user threshold only", kinds["LICENSE"])
	}
	if !strings.Contains(kinds["LICENSE-DATA"], "non-commercial") || strings.Contains(kinds["LICENSE-DATA"], "user-threshold") {
		t.Errorf("LICENSE-DATA terms = %q, want non-commercial only", kinds["LICENSE-DATA"])
	}
	// The card's "other" is evidence of both unknown texts.
	for _, l := range unknown {
		found := false
		for _, e := range l.Evidence {
			found = found || e.Path == "README.md"
		}
		if !found {
			t.Errorf("unknown license at %s lacks the card's declaration as evidence", l.Evidence[0].Path)
		}
	}
}

// A checkout without LFS holds pointers where the weights are: "weights
// not fetched" (a warning), never a malformed header (an error), so a CI
// job without lfs: true is not failed by it.
func TestLFSPointerWeights(t *testing.T) {
	ptr := "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 4920000000\n"
	r := scanMem(t, map[string]string{
		"README.md":         "---\nlicense: mit\n---\n",
		"LICENSE":           "Released under the MIT License.",
		"model.safetensors": ptr,
		"model-q4.gguf":     ptr,
	})
	got := findingRules(r)
	if got["weights-not-fetched"] != SeverityWarning {
		t.Errorf("findings %v: want weights-not-fetched (warning)", got)
	}
	if _, bad := got["malformed-weights-header"]; bad {
		t.Errorf("an LFS pointer reported as a malformed header: %v", got)
	}
	n := 0
	for _, f := range r.Findings {
		if f.Rule == "weights-not-fetched" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d weights-not-fetched findings, want one per pointer", n)
	}
}

// A card declaring an open license whose shipped text was changed into a
// restrictive one (a non-commercial sentence added to MIT) is a mismatch,
// never a pass.
func TestModifiedTextOfDeclaredLicense(t *testing.T) {
	mit, err := os.ReadFile(filepath.Join(corpus.Dir(t), "licenses", "mit.txt"))
	if err != nil {
		t.Fatal(err)
	}
	r := scanMem(t, map[string]string{
		"README.md": "---\nlicense: mit\n---\n",
		"LICENSE":   string(mit) + "\nThe Software may be used for non-commercial purposes only.\n",
	})
	if findingRules(r)["declared-license-mismatch"] != SeverityError || r.Summary.Status != "fail" {
		t.Errorf("findings %v, status %s: want declared-license-mismatch (error)", findingRules(r), r.Summary.Status)
	}
	for _, l := range r.Licenses {
		if l.Match.Kind == "text" && (l.OSIApproved || l.Category != "non-commercial") {
			t.Errorf("modified MIT text: category %s, OSI %v", l.Category, l.OSIApproved)
		}
	}
	// The same text unmodified passes.
	r = scanMem(t, map[string]string{"README.md": "---\nlicense: mit\n---\n", "LICENSE": string(mit)})
	if _, bad := findingRules(r)["declared-license-mismatch"]; bad {
		t.Errorf("unmodified MIT reported as a mismatch: %v", findingRules(r))
	}
}
