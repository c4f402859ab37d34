package shingle

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/carveout/carveout/internal/corpus"
)

// SetAt gives Set's set and, for every position, where its value is in it.
func TestSetAt(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := [][]uint32{nil, {7}, {3, 3, 3}, {5, 1, 5, 0, 1 << 31, 0xffffffff, 1}}
	for n := 0; n < 20; n++ {
		hs := make([]uint32, r.IntN(300)+n*200) // past radixMin too (up to about 4,100)
		for i := range hs {
			hs[i] = r.Uint32N(uint32(len(hs)/2 + 1)) // repeats
			if r.IntN(4) == 0 {
				hs[i] = r.Uint32()
			}
		}
		cases = append(cases, hs)
	}
	for _, hs := range cases {
		set, at := SetAt(hs)
		if want := Set(hs); !slices.Equal(set, want) {
			t.Fatalf("SetAt(%v) set = %v, want %v", hs, set, want)
		}
		if len(at) != len(hs) {
			t.Fatalf("SetAt(%v): %d positions, want %d", hs, len(at), len(hs))
		}
		for i, h := range hs {
			if set[at[i]] != h {
				t.Fatalf("SetAt(%v): position %d → set[%d] = %d, want %d", hs, i, at[i], set[at[i]], h)
			}
		}
	}
}

// TestSortHigh: values whose low bits increase among equal high bits come
// out as slices.Sort orders them, below radixMin and above it.
func TestSortHigh(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 100, radixMin - 1, radixMin, 3000} {
		v := make([]uint64, n)
		for i := range v {
			hi := r.Uint64N(uint64(n/3 + 1)) // repeats
			if r.IntN(3) == 0 {
				hi = uint64(r.Uint32())
			}
			v[i] = hi<<32 | uint64(i)
		}
		want := slices.Clone(v)
		slices.Sort(want)
		SortHigh(v)
		if !slices.Equal(v, want) {
			t.Fatalf("n=%d: SortHigh differs from slices.Sort", n)
		}
	}
}

// tokenizeBothWays tokenizes text with and without plainWord's fast path.
func tokenizeBothWays(text []byte) (fast, slow []Token) {
	fast = Tokenize(text)
	plainWords = false
	defer func() { plainWords = true }()
	return fast, Tokenize(text)
}

// The fast path for plain words gives the tokens the rune-by-rune reading
// gives.
func TestPlainWordsSameTokens(t *testing.T) {
	for _, text := range []string{
		"", "a", "mit license", "Copyright (c) 2024 Meta Platforms, Inc.",
		"licensor's rights, 1,000,000 users and version 3.1; RAIL++ and c++ or x+y",
		"1. first 2) second (iv) third a. b) e.g. 1.x 10.5.2 end.",
		"naïve café Ŀicense ſtate 中文字 한국어 user’s 2,5 x'y 7'8 '9 don't",
		"[link](http://example.com/a_b) &amp; &quot;x&quot; tab\there\r\nnext\rline\ufeff",
		"ab12cd 12ab 0.5. ,5 5, 5,a a,5 --x-- __y__ **z**",
	} {
		fast, slow := tokenizeBothWays([]byte(text))
		if !slices.Equal(fast, slow) {
			t.Errorf("Tokenize(%q):\nfast %v\nslow %v", text, fast, slow)
		}
	}
}

func FuzzPlainWords(f *testing.F) {
	f.Add([]byte("Permission is hereby granted, 1,000 users' 3.1 c++ Naïve"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, slow := tokenizeBothWays(b)
		if !slices.Equal(fast, slow) {
			t.Fatalf("Tokenize(%q):\nfast %v\nslow %v", b, fast, slow)
		}
	})
}

// The same on every text of the reference corpus.
func TestPlainWordsSameTokensCorpus(t *testing.T) {
	dir := corpus.Dir(t)
	var files []string
	for _, pat := range []string{"licenses/*.txt", "modelcards/*"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		files = append(files, m...)
	}
	if len(files) < 100 {
		t.Fatalf("%d corpus texts, want the licenses and model cards", len(files))
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if fast, slow := tokenizeBothWays(b); !slices.Equal(fast, slow) {
			t.Errorf("%s: the fast path gives other tokens", p)
		}
	}
}

// BenchmarkTokenize normalizes the corpus license texts (one op: all).
func BenchmarkTokenize(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(corpus.Dir(b), "licenses", "*.txt"))
	var texts [][]byte
	size := 0
	for _, p := range files {
		t, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, t)
		size += len(t)
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, t := range texts {
			Tokenize(t)
		}
	}
}
