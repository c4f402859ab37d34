package terms

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// genTexts returns texts made of pieces that the hand-written matchers
// care about (case variants, white space of every kind, U+017F, non-ASCII
// letters and word bytes next to the pieces), so that their comparisons
// with the regexps they replace cannot pass on easy inputs only.
//
// The string literals of these tests are shorter than 12 bytes: longer ones
// would be inputs of the golden test (see testLiterals).
func genTexts(n int, pieces []string) []string {
	r := rand.New(rand.NewSource(1))
	common := []string{" ", "  ", "\t", "\n", "\u00a0", "\u2028", "\u017f", "\u00e9", "é", "x", "_", "1", "-", ".", "A", "", "ſ"}
	all := append(append([]string(nil), pieces...), common...)
	out := []string{"", " ", "  ", "a", strings.Join(pieces, ""), strings.Join(pieces, " ")}
	for len(out) < n {
		var b strings.Builder
		for k := r.Intn(12); k >= 0; k-- {
			p := all[r.Intn(len(all))]
			switch r.Intn(4) {
			case 0:
				p = strings.ToUpper(p)
			case 1:
				if p != "" {
					p = strings.ToUpper(p[:1]) + p[1:]
				}
			}
			b.WriteString(p)
		}
		out = append(out, b.String())
	}
	return out
}

// collapseSpacesSlow is collapseSpaces without its fast path.
func collapseSpacesSlow(s string) string {
	var b []byte
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		b = append(b, string(r)...)
	}
	return string(b)
}

func TestCollapseSpacesFastPath(t *testing.T) {
	fast := 0
	for _, s := range genTexts(5000, []string{"word", "two words", " lead", "trail ", "a\u0085b", "\v", "\f", "\r"}) {
		if _, ok := collapsedASCII(s); ok {
			fast++
		}
		if got, want := collapseSpaces(s), collapseSpacesSlow(s); got != want {
			t.Fatalf("%q: %q", s, got) // want: want
		}
	}
	if fast < 100 {
		t.Fatalf("fast: %d", fast) // too few texts took the fast path
	}
}

func TestIsRule(t *testing.T) {
	re := regexp.MustCompile(ruleExpr)
	hits := 0
	texts := genTexts(3000, []string{"---", "===", "*", "_", "|", ":", "~", "+", " ", "- -", "‐"})
	for _, s := range texts {
		want := re.MatchString(s)
		if want {
			hits++
		}
		if got := isRule(s); got != want {
			t.Fatalf("%q: %v", s, got)
		}
	}
	if hits < 50 {
		t.Fatalf("rules: %d", hits) // too few rules generated
	}
}

func TestFoldNonCommercial(t *testing.T) {
	re := regexp.MustCompile(nonCommercialExpr)
	changed := 0
	texts := genTexts(5000, []string{"non", "commercial", "non-", "non ", "nonnon", "xnon", "non" + "commercial", "non-" + "commercial", "non " + "commercial", "non--" + "commercial", "é"})
	for _, s := range texts {
		s = strings.ToLower(s)
		want := re.ReplaceAllString(s, "non"+"commercial")
		if want != s {
			changed++
		}
		if got := foldNonCommercial(s); got != want {
			t.Fatalf("%q: %q", s, got) // want: want
		}
	}
	if changed < 200 {
		t.Fatalf("changed: %d", changed) // too few texts to fold
	}
}

func TestLowerGrams(t *testing.T) {
	var scratch []byte
	ascii := 0
	for _, s := range genTexts(3000, []string{"Word", "UPPER", "lower", "Ünï", "\u212a", "ſ"}) {
		low, g := lowerGrams(s, &scratch, new(grams))
		if isASCII(s) {
			ascii++
		}
		if want := strings.ToLower(s); low != want || *g != *gramsOf(want) {
			t.Fatalf("%q: %q", s, low)
		}
	}
	if ascii < 300 {
		t.Fatalf("ascii: %d", ascii) // too few texts took the one pass
	}
}

// TestLineMap compares lineMap with a line per byte, for lookups in
// increasing order (the walk) and in random order (the search).
func TestLineMap(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for round := 0; round < 50; round++ {
		var m lineMap
		var ref []int32
		line := 1
		for k := r.Intn(40); k >= 0; k-- {
			line += r.Intn(3)
			n := r.Intn(5) // empty additions too
			m.add(len(ref), n, line)
			for i := 0; i < n; i++ {
				ref = append(ref, int32(line))
			}
		}
		for off := range ref {
			if got := m.line(off); got != ref[off] {
				t.Fatalf("walk %d: %d", off, got)
			}
		}
		for k := 0; k < len(ref); k++ {
			off := r.Intn(len(ref))
			if got := m.line(off); got != ref[off] {
				t.Fatalf("find %d: %d", off, got)
			}
		}
	}
}

func TestLineClass(t *testing.T) {
	for _, s := range genTexts(3000, []string{"*", "_", "`", "\\", "]", "\t", "\r", "é", "word"}) {
		cls := lineClass(s)
		if got, want := cls&clsReplace != 0, strings.ContainsAny(s, "\t\r") || !isASCII(s); got != want {
			t.Fatalf("%q: %v", s, got)
		}
		if got, want := cls&clsMarkdown != 0, strings.ContainsAny(s, "*_`\\]"); got != want {
			t.Fatalf("%q: %v", s, got)
		}
		if got, want := cls&clsSpace != 0, strings.ContainsAny(s, " \n\t\v\f\r"); got != want {
			t.Fatalf("%q: %v", s, got)
		}
	}
}

// An arena's sets are zero when handed out again, after a release; a
// sentence's sets from an arena equal those made afresh.
func TestGramArenaReuse(t *testing.T) {
	a := &gramArena{}
	var got []*grams
	for range 3*gramBlock + 5 {
		g := a.get()
		if *g != (grams{}) {
			t.Fatal("a fresh set is not zero")
		}
		gramsInto(g, "Any Text, with ſ long s")
		got = append(got, g)
	}
	a.reset()
	for i := range got {
		if g := a.get(); g != got[i] || *g != (grams{}) {
			t.Fatalf("set %d handed out again is another or not zero", i)
		}
	}
	b := &gramArena{}
	var scratch []byte
	for _, text := range []string{"Plain words here", "MIXED Case and NON-COMMERCIAL", "Ünïcödé sentence"} {
		s := newSentence(text, 1, 1, &scratch, b)
		f := newSentence(text, 1, 1, &scratch, nil)
		if *s.pgrams != *f.pgrams || *s.lgrams != *f.lgrams || s.lower != f.lower {
			t.Errorf("%q: arena sets differ from fresh ones", text)
		}
	}
}
