package scanner

import (
	"context"
	"slices"
	"testing"

	"github.com/carveout/carveout/scanner/source"
)

// TestDeclaredExpression: an SPDX expression in the card's license is
// each of its operands, an exception named as such; an operand carveout
// does not know is unresolved, never allowed.
func TestDeclaredExpression(t *testing.T) {
	for _, c := range []struct {
		card string
		want []string
	}{
		{"---\nlicense: MIT OR Apache-2.0\n---\n", []string{"Apache-2.0", "MIT"}},
		{"---\nlicense: Apache-2.0 WITH LLVM-exception\n---\n", []string{"Apache-2.0 WITH LLVM-exception"}},
		{"---\nlicense:\n- mit\n- GPL-2.0+\n---\n", []string{"GPL-2.0-or-later", "MIT"}},
		{"---\nlicense: MIT OR no-such-license\n---\n", []string{"MIT", "unknown"}},
	} {
		r, err := Scan(context.Background(), source.NewMemory("mem", map[string][]byte{"README.md": []byte(c.card)}, nil), Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := slices.Clone(r.Declared.Canonical)
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: declared %v, want %v", c.card, got, c.want)
		}
	}
}
