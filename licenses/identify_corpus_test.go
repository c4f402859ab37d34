package licenses

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carveout/carveout/internal/corpus"
)

// corpusDir finds ../shared/corpus/licenses relative to the module root,
// skipping the test when it is absent (a fresh clone elsewhere).
func idCorpusDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("no go.mod above the test directory")
		}
		dir = parent
	}
	c := filepath.Join(dir, "..", "shared", "corpus", "licenses")
	if _, err := os.Stat(filepath.Join(c, "EXPECTED.tsv")); err != nil {
		corpus.Skipf(tb, "reference corpus not found at %s (it lives beside the project, in ../shared/corpus): %v", c, err)
	}
	return c
}

type idExpectedRow struct {
	file, ids, family, category, osi, terms string
}

func idReadExpected(tb testing.TB, dir string) []idExpectedRow {
	tb.Helper()
	f, err := os.Open(filepath.Join(dir, "EXPECTED.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var rows []idExpectedRow
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		for len(c) < 6 {
			c = append(c, "")
		}
		rows = append(rows, idExpectedRow{c[0], c[1], c[2], c[3], c[4], c[5]})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return rows
}

func idReadCorpus(tb testing.TB, dir, file string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestIdentifyCorpus scans each corpus file on its own and checks the
// primary identification against EXPECTED.tsv.
func TestIdentifyCorpus(t *testing.T) {
	dir := idCorpusDir(t)
	rows := idReadExpected(t, dir)
	pass := 0
	for _, r := range rows {
		t.Run(r.file, func(t *testing.T) {
			ids := Identify(idReadCorpus(t, dir, r.file))
			if len(ids) == 0 {
				t.Fatalf("no identification, want %s", r.ids)
			}
			got := ids[0]
			ok := true
			if !idContainsAlt(r.ids, got.ID) {
				t.Errorf("id = %q (confidence %.3f, modified %v), want %s", got.ID, got.Confidence, got.Modified, r.ids)
				ok = false
			}
			want := r.category
			if c, ok := catExpectedCategory[r.file]; ok {
				want = c // the text contradicts EXPECTED.tsv: the text wins
			}
			if string(got.Category) != want {
				t.Errorf("%s: category = %q, want %q", got.ID, got.Category, want)
				ok = false
			}
			if wantOSI := r.osi == "true"; got.OSI != wantOSI {
				t.Errorf("%s: osi = %v, want %v", got.ID, got.OSI, wantOSI)
				ok = false
			}
			if got.Kind != MatchText {
				t.Errorf("%s: kind = %q", got.ID, got.Kind)
			}
			if ok {
				pass++
			}
		})
	}
	t.Logf("corpus: %d/%d rows right", pass, len(rows))
}

func idContainsAlt(alts, id string) bool {
	for _, a := range strings.Split(alts, "|") {
		if a == id {
			return true
		}
	}
	return false
}
