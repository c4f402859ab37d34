package shingle

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// SetAt gives Set's set and, for every position, where its value is in it.
func TestSetAt(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := [][]uint32{nil, {7}, {3, 3, 3}, {5, 1, 5, 0, 1 << 31, 0xffffffff, 1}}
	for n := 0; n < 20; n++ {
		hs := make([]uint32, r.IntN(300))
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
