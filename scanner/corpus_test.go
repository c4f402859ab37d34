package scanner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carveout/carveout/internal/corpus"
	"github.com/carveout/carveout/scanner/source"
)

func corpusDir(t testing.TB) string { return corpus.Dir(t) }

// TestCorpusModelCards scans every model card of the reference corpus as
// the README.md of a repository and checks the declared license against
// modelcards/INDEX.tsv; malformed cards must give a finding.
func TestCorpusModelCards(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "modelcards")
	index, err := os.ReadFile(filepath.Join(dir, "INDEX.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, line := range strings.Split(strings.TrimSpace(string(index)), "\n") {
		if i == 0 {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 8 {
			t.Fatalf("INDEX.tsv line %d: %d fields", i+1, len(f))
		}
		file, declared, base, category := f[0], f[5], f[6], f[7]
		if !strings.HasSuffix(file, ".md") {
			continue
		}
		n++
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			src := source.NewMemory(file, map[string][]byte{"README.md": data}, nil)
			r, err := Scan(context.Background(), src, Options{Lineage: TableResolver{}})
			if err != nil {
				t.Fatal(err)
			}
			want := parseDeclared(declared)
			got := strings.Join(r.Declared.Licenses, ",")
			if got != strings.Join(want, ",") {
				t.Errorf("declared license %q, INDEX.tsv says %q", got, declared)
			}
			if base != "" && !contains(r.Declared.BaseModels, base) {
				t.Errorf("base models %v, INDEX.tsv says %q", r.Declared.BaseModels, base)
			}
			if category == "malformed" {
				bad := false
				for _, f := range r.Findings {
					if f.Severity == SeverityError && (f.Rule == "malformed-model-card" || f.Rule == "model-card-lfs-pointer") {
						bad = true
					}
				}
				if !bad {
					t.Errorf("malformed card gave no malformed-model-card error: %v", findingRules(r))
				}
			}
			// Nothing is compliant by default: a card that names no
			// license gets a finding.
			if len(want) == 0 {
				if _, ok := findingRules(r)["no-license-declared"]; !ok {
					t.Errorf("card without license: no no-license-declared finding")
				}
			}
		})
	}
	if n < 40 {
		t.Fatalf("only %d cards in the corpus index", n)
	}
}

func parseDeclared(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	var out []string
	for _, p := range strings.Split(s, ",") {
		out = append(out, strings.TrimSpace(p))
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if strings.EqualFold(y, x) {
			return true
		}
	}
	return false
}
