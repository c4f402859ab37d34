package terms

import (
	"strconv"
	"strings"
	"testing"
)

// clip gives what clipping the runes of s gives, for ASCII, multi-byte
// and invalid UTF-8 texts of every length around n.
func TestClipRunes(t *testing.T) {
	want := func(s string, n int) string {
		r := []rune(s)
		if len(r) <= n {
			return s
		}
		return string(r[:n-1]) + "…"
	}
	parts := []string{"a", "é", "中", "\xff", " ", "ſ", "\xe4\xb8"}
	for _, n := range []int{1, 2, 5, 12} {
		for length := 0; length < 30; length++ {
			for p := range parts {
				var b strings.Builder
				for i := 0; i < length; i++ {
					b.WriteString(parts[(p+i*i)%len(parts)])
				}
				s := b.String()
				if got, w := clip(s, n), want(s, n); got != w {
					// (short literals: longer ones are golden inputs)
					t.Fatal("clip", strconv.Quote(s), n, "got", strconv.Quote(got), "want", strconv.Quote(w))
				}
			}
		}
	}
}
