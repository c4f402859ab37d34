package licenses

import (
	"slices"
	"testing"

	"github.com/carveout/carveout/licenses/internal/shingle"
)

// denseWordCandidates is wordCandidates as it was written first: a count
// for every anchor, every anchor visited in order (the reference for
// TestWordCandidates).
func denseWordCandidates(db *fpDB, toks []shingle.Token) []string {
	seen := map[uint32]bool{}
	have := make([]int, len(db.builtin))
	for _, t := range toks {
		w := shingle.WordHash(t.Word)
		if seen[w] {
			continue
		}
		seen[w] = true
		for _, aw := range db.anchorWords {
			if uint32(aw>>32) == w {
				have[uint32(aw)]++
			}
		}
	}
	var ids []string
	for i, a := range db.builtin {
		if a.Words == 0 {
			continue
		}
		need := (a.Words*3 + 3) / 4
		if a.Half {
			need = (a.Words + 1) / 2
		}
		if have[i] >= need && have[i] >= min(a.Words, 3) && !slices.Contains(ids, a.ID) {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// TestWordCandidates: the pooled, sparse counting gives the dense
// reference's candidates, in its order, text after text (the pool's
// counters are left at zero), on the corpus texts, halves and pairs of
// them, and short prose.
func TestWordCandidates(t *testing.T) {
	db := loadFingerprints()
	texts := corpusTexts(t)
	var inputs [][]byte
	for i, x := range texts {
		inputs = append(inputs, x, x[:len(x)/2], append(append([]byte{}, x...), texts[(i+1)%len(texts)]...))
	}
	inputs = append(inputs, []byte("# Model 7\n\nA fine-tune.\n"), []byte("Permission to use, copy, modify and distribute this software."), nil)
	nonEmpty := 0
	for _, in := range inputs {
		toks := shingle.Tokenize(in)
		got, want := db.wordCandidates(toks), denseWordCandidates(db, toks)
		if !slices.Equal(got, want) {
			t.Fatalf("%.40q: candidates %v, want %v", in, got, want)
		}
		if len(want) > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < len(texts)/2 {
		t.Fatalf("only %d inputs had candidates: the test compares nothing", nonEmpty)
	}
}
