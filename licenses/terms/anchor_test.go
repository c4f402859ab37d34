package terms

import (
	"slices"
	"strings"
	"testing"
)

// The string literals of these tests are shorter than 12 bytes: longer ones
// would be inputs of the golden test (see testLiterals).

func TestStartLiterals(t *testing.T) {
	for _, c := range []struct {
		expr string
		want []string // nil: none known
		fold bool
	}{
		{`\bfoo|bar\b`, []string{"foo", "bar"}, false},
		{`(?i)A[cd]`, []string{"ac", "ad"}, true},
		{`users?x`, []string{"user"}, false},
		{`(?:x|xy)z`, []string{"xz", "xyz"}, false},
		{`(?:ab|a)c`, []string{"abc", "ac"}, false},
		{`long(?:a|b)`, []string{"long"}, false},
		{`\b[ab]\s+x`, []string{"a", "b"}, false},
		{`a(?:b|c)d`, []string{"abd", "acd"}, false},
		{`(?:x|)y`, []string{"xy", "y"}, false},
		{`ab?c`, []string{"abc", "ac"}, false},
		{`ab?c+`, []string{"a"}, false},
		{`[ab]{1,3}c`, []string{"a", "b"}, false},
		{`(?:ab)+c`, []string{"ab"}, false},
		{`a{0,2}b`, nil, false},
		{`(a[bc])d*`, []string{"ab", "ac"}, false},
		{`Ab|(?i)cd`, []string{"ab", "cd"}, true},
		{`x*y`, nil, false},
		{`a?`, nil, false},
		{`\b\w+`, nil, false},
		{`^`, nil, false},
		{`^ab`, nil, false},
		{`(?m)^ab`, nil, false},
		{`\Aab`, nil, false},
		{`ab|(?:^c)`, nil, false},
	} {
		cond := deriveCond(c.expr)
		got, fold := cond.Starts, cond.StartsFold
		if strings.Join(got, "|") != strings.Join(c.want, "|") || (got == nil) != (c.want == nil) || fold != c.fold {
			t.Errorf("%q: %q %v", c.expr, got, fold)
		}
	}
}

// TestAnchoredSound checks on many sentences that matching and finding (the
// first match or all) a guard at its starts, and finding by its alternatives, agree with its
// regexp, for every guard and alternative of the package, on the
// lower-cased and on the original text of each sentence.
// Sentences made of upper/lower case variants, U+017F and non-ASCII text
// around the corpus words are among them.
func TestAnchoredSound(t *testing.T) {
	if testing.Short() {
		t.Skip("slow") // runs every guarded regexp on many sentences
	}
	var ss []sentence
	k := 0
	for _, in := range goldenInputs(t) {
		if !strings.HasPrefix(in.name, "corpus:") && !strings.HasPrefix(in.name, "example:") {
			continue
		}
		for _, s := range splitSentences(in.text, nil) {
			if k%16 == 1 {
				ss = append(ss, s)
				if k%48 == 1 {
					// Variants: upper case, one letter swapped for U+017F
					// or a non-ASCII letter, a word glued in front.
					for _, v := range []string{strings.ToUpper(s.text), strings.Replace(s.text, "s", "\u017f", 1), strings.Replace(s.text, " ", " é", 1), "x" + s.text} {
						ss = append(ss, splitSentences(v, nil)...)
					}
				}
			}
			k++
		}
	}
	var guards []*guard
	for _, g := range packageGuards {
		g.load()
		guards = append(guards, g)
		guards = append(guards, g.alts...)
	}
	anchored, matched, found, several := 0, 0, 0, 0
	for _, g := range guards {
		for i := range ss {
			s := &ss[i]
			for _, v := range matchInputs(s) {
				// Finding (by alternatives, anchored) agrees with the regexp.
				wantLoc := g.regexp().FindStringIndex(v.text)
				if loc := g.findIndexGrams(v.text, v.lower, v.gr); !slices.Equal(loc, wantLoc) {
					t.Fatalf("%s %q %v", g.expr, v.text, loc)
				}
				if g.alts != nil && wantLoc != nil {
					found++
				}
				if g.starts == nil {
					continue
				}
				want := wantLoc != nil // MatchString
				var buf [maxStarts]int
				if _, ok := g.startPositions(v.text, v.lower, v.gr, &buf); ok {
					anchored++
					if want {
						matched++
					}
				}
				if got := g.matchAnchored(v.text, v.lower, v.gr); got != want {
					t.Fatalf("%s: %q", g.expr, v.text)
				}
				if loc, ok := g.findAnchored(v.text, v.lower, v.gr); ok && !slices.Equal(loc, wantLoc) {
					t.Fatalf("%s %q %v", g.expr, v.text, loc)
				}
				for _, n := range []int{-1, 1} {
					ms, known := g.findAllAnchored(v.text, v.lower, v.gr, n)
					var wantMs [][]int // none without a first match
					if want {
						wantMs = g.regexp().FindAllStringSubmatchIndex(v.text, n)
					}
					if known && !slices.EqualFunc(ms, wantMs, slices.Equal) {
						t.Fatalf("%s %q %v", g.expr, v.text, ms)
					}
					if known && len(ms) > 1 {
						several++
					}
				}
				if got := g.run(v.text, v.lower, v.gr); got != want {
					t.Fatalf("%s: %q", g.expr, v.text)
				}
			}
		}
	}
	// Not vacuous: the anchored path ran, and found matches.
	if anchored < 50000 || matched < 500 || found < 200 || several < 50 {
		// anchored runs, their matches, matches found by alternatives,
		// anchored finds of more than one match
		t.Fatalf("%d %d %d %d", anchored, matched, found, several)
	}
}
