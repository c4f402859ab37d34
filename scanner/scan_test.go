package scanner

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return ""
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
