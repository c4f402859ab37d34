package terms

import (
	"strings"
	"testing"
)

// TestGuardsSound checks on many texts that no guard rejects a text its
// regexp matches and that matching by alternatives agrees with the regexp.
func TestGuardsSound(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: runs every guarded regexp on many corpus sentences")
	}
	var texts []string
	for _, in := range goldenInputs(t) {
		if strings.HasPrefix(in.name, "corpus:") || strings.HasPrefix(in.name, "example:") {
			texts = append(texts, in.text)
		}
	}
	// Every 4th sentence keeps the test quick; the golden test covers the
	// rest end to end.
	var ss []sentence
	k := 0
	for _, tx := range texts {
		for _, s := range splitSentences(tx, nil) {
			if k%4 == 0 {
				ss = append(ss, s)
			}
			k++
		}
	}
	for _, tx := range []string{"Ruſſia", "RUSSIA", "T\u00dcRKIYE", "\u212aorea", "U.S. Dollars", "US$ 5", "NOTICE\tfile"} {
		ss = append(ss, splitSentences(tx, nil)...)
	}
	if len(allGuards) < 30 {
		t.Fatalf("only %d guards registered", len(allGuards))
	}
	for gi, g := range allGuards {
		g.load()
		for i := range ss {
			s := &ss[i]
			for _, v := range matchInputs(s) {
				want := g.regexp().MatchString(v.text)
				if want && !g.possibleGrams(v.text, v.lower, v.gr) {
					t.Fatalf("guard %d (%s) rejects %q", gi, g.expr, v.text)
				}
				if want && !g.possible(v.text) {
					t.Fatalf("guard %d (%s) rejects %q without bigrams", gi, g.expr, v.text)
				}
				if g.alts == nil {
					continue // matchGrams is possibleGrams && MatchString
				}
				if got := g.matchGrams(v.text, v.lower, v.gr); got != want {
					t.Fatalf("guard %d (%s) on %q: match %v, regexp %v", gi, g.expr, v.text, got, want)
				}
			}
		}
	}
}

// TestGuardsLazy: building the package compiles no regexp; a guard's
// regexp compiles only when a text passes its literal condition, and an
// alternative's only when a text passes the alternative's own condition
// (start-up of every carveout process stays cheap).
func TestGuardsLazy(t *testing.T) {
	g := mustGuard(`(?i)\bexample\s+clause\b`)
	if g.re != nil {
		t.Fatal("guard compiled at construction")
	}
	if g.MatchString("Nothing to see here.") || g.re != nil {
		t.Fatal("guard compiled for a text its condition rejects")
	}
	if !g.MatchString("An Example clause.") || g.re == nil {
		t.Fatal("guard did not compile on first use")
	}

	a := mustGuard(`\bfirst alternative\b|\bsecond alternative\b`)
	if !a.MatchString("the second alternative applies") {
		t.Fatal("alternation did not match")
	}
	if len(a.alts) != 2 || a.alts[0].re != nil || a.alts[1].re == nil || a.re != nil {
		t.Fatalf("compiled: whole %v, alternatives %v %v; want only the second alternative",
			a.re != nil, a.alts[0].re != nil, a.alts[1].re != nil)
	}
}

func TestSplitAlternatives(t *testing.T) {
	for _, c := range []struct {
		expr string
		want []string // nil: not split
	}{
		{`a|b`, []string{`a`, `b`}},
		{`(?i)a|b(c|d)`, []string{`(?i)a`, `(?i)b(c|d)`}},
		{`[|]x|y`, []string{`[|]x`, `y`}},
		{`[]|]x|y`, []string{`[]|]x`, `y`}},
		{`[^]|]x|[[:alpha:]|]`, []string{`[^]|]x`, `[[:alpha:]|]`}},
		{`\|a|b`, []string{`\|a`, `b`}},
		{`(?:a|b)`, []string{`(?:a|b)`}},
		{`(?i:a)|b`, []string{`(?i:a)`, `b`}},
		{`a(?i)b|c`, nil},
		{`\Qa|b\E`, nil},
		{`(a|b`, nil},
	} {
		got, ok := splitAlternatives(c.expr)
		if !ok {
			got = nil
		}
		if strings.Join(got, "\x00") != strings.Join(c.want, "\x00") || (got == nil) != (c.want == nil) {
			t.Errorf("splitAlternatives(%q) = %q, %v; want %q", c.expr, got, ok, c.want)
		}
	}
}

// matchInput is one way the extractors match a sentence: the text a
// regexp runs on, the lower-cased text its folded literals are looked up
// in, and the bigrams of that.
type matchInput struct {
	text, lower string
	gr          *grams
}

// matchInputs are a sentence's two: its lower-cased text (the matchL
// calls) and its text with the plain lower-cased form (matchT).
func matchInputs(s *sentence) []matchInput {
	return []matchInput{{s.lower, s.lower, s.lgrams}, {s.text, s.plain, s.pgrams}}
}
