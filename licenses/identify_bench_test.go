package licenses

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses/internal/shingle"
	"github.com/google/licensecheck"
)

func corpusTexts(tb testing.TB) [][]byte {
	dir := idCorpusDir(tb)
	var texts [][]byte
	for _, r := range idReadExpected(tb, dir) {
		texts = append(texts, idReadCorpus(tb, dir, r.file))
	}
	return texts
}

// BenchmarkIdentifyCorpus identifies all corpus texts (one op = all 66),
// past Identify's memo (which would answer every op after the first).
func BenchmarkIdentifyCorpus(b *testing.B) {
	texts := corpusTexts(b)
	identify(texts[0], fullMode) // load fingerprints once
	b.ResetTimer()
	for b.Loop() {
		for _, t := range texts {
			identify(t, fullMode)
		}
	}
}

// BenchmarkIdentifyCorpusNoTerms is BenchmarkIdentifyCorpus without term
// extraction: the fingerprint matcher and licensecheck alone.
func BenchmarkIdentifyCorpusNoTerms(b *testing.B) {
	texts := corpusTexts(b)
	identify(texts[0], identifyMode{unknowns: true})
	b.ResetTimer()
	for b.Loop() {
		for _, t := range texts {
			identify(t, identifyMode{unknowns: true})
		}
	}
}

// BenchmarkLicensecheckScan runs licensecheck's built-in scanner over the
// same texts, for comparison (its one-time initialisation excluded).
func BenchmarkLicensecheckScan(b *testing.B) {
	texts := corpusTexts(b)
	licensecheck.Scan(texts[0])
	b.ResetTimer()
	for b.Loop() {
		for _, t := range texts {
			licensecheck.Scan(t)
		}
	}
}

// BenchmarkFindReferences scans all corpus texts for references.
func BenchmarkFindReferences(b *testing.B) {
	texts := corpusTexts(b)
	FindReferences(texts[0])
	b.ResetTimer()
	for b.Loop() {
		for _, t := range texts {
			FindReferences(t)
		}
	}
}

func FuzzIdentify(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		ids := Identify(b)
		if len(ids) == 0 && len(shingleTokens(b)) > 0 {
			t.Fatalf("no identification for %q", b) // only wordless texts give nothing
		}
		for _, id := range ids {
			if id.Confidence < 0 || id.Confidence > 1 || id.Lines.Start > id.Lines.End {
				t.Fatalf("bad identification %+v", id)
			}
		}
	})
}

func FuzzFindReferences(f *testing.F) {
	seedCorpus(f)
	f.Add([]byte("licensed under the Llama 3.1 Community License"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, id := range FindReferences(b) {
			if id.Kind != MatchReference || id.Lines.Start < 1 || id.Lines.Start > id.Lines.End {
				t.Fatalf("bad reference %+v", id)
			}
		}
	})
}

// seedCorpus adds the corpus texts (read at test time, never copied) and
// a few hostile shapes as seeds.
func seedCorpus(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("\ufeff\r\n\r"))
	f.Add([]byte("1. a. (i) ** __ [x](y) &amp; &#x41;"))
	dir := filepath.Join("..", "..", "shared", "corpus", "licenses")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return // no corpus beside the project: built-in seeds only
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".txt") {
			if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
				f.Add(b)
			}
		}
	}
}

// largeAdversarial is 1 MiB of repetitive and mixed text.
func largeAdversarial(tb testing.TB) []byte {
	dir := idCorpusDir(tb)
	var b strings.Builder
	for b.Len() < 1<<20 {
		b.WriteString(string(idReadCorpus(tb, dir, "llama3.1.txt")))
		b.WriteString(strings.Repeat("1. a) (ii) ** llama 3.1 community license ", 200))
		b.WriteString(string(idReadCorpus(tb, dir, "gemma-prohibited-use.txt")))
	}
	return []byte(b.String()[:1<<20])
}

// TestIdentifyLargeAdversarial: Identify and FindReferences answer on 1 MiB
// of repetitive and mixed text (its cost is BenchmarkIdentifyLarge's).
func TestIdentifyLargeAdversarial(t *testing.T) {
	text := largeAdversarial(t)
	ids := Identify(text)
	refs := FindReferences(text)
	if len(ids) == 0 || len(refs) == 0 {
		t.Errorf("ids %s refs %d", idList(ids), len(refs))
	}
	one := []byte(strings.Repeat("x", 1<<20))
	if ids := Identify(one); len(ids) != 1 || ids[0].ID != UnknownID {
		t.Errorf("one long word: %s", idList(ids))
	}
	nl := []byte(strings.Repeat("\n", 1<<20))
	if ids := Identify(nl); len(ids) != 0 {
		t.Errorf("newlines: %s", idList(ids))
	}
}

// BenchmarkIdentifyLarge measures Identify and FindReferences on 1 MiB of
// adversarial text (it was a timed test).
func BenchmarkIdentifyLarge(b *testing.B) {
	text := largeAdversarial(b)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Identify(text)
		FindReferences(text)
	}
}

func shingleTokens(b []byte) []shingle.Token { return shingle.Tokenize(b) }

// TestIdentifyConcurrent runs Identify from several goroutines (run with
// -race): the lazy loads and the licensecheck scanner cache are shared.
func TestIdentifyConcurrent(t *testing.T) {
	texts := corpusTexts(t)
	done := make(chan []string)
	for g := range 4 {
		go func() {
			var ids []string
			for i := g; i < len(texts); i += 4 {
				ids = append(ids, Identify(texts[i])[0].ID)
			}
			done <- ids
		}()
	}
	for range 4 {
		if ids := <-done; len(ids) == 0 {
			t.Error("no results")
		}
	}
}
