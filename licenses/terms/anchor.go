package terms

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// Anchored matching. An unanchored regexp search tries a match at every
// position of the text; with bounded gaps such as [^.;]{0,140}? each try
// that gets past the first words costs up to the gap's length, and the
// whole search costs far more than the few places where a match can start.
// When every match of a guard starts with one of a few strings (its
// starts), MatchString is instead asked at each occurrence p of them, of
// the regexp anchored after one rune,
//
//	^(?s:.)(?:expr)
//
// on the text from the rune before p (at p = 0, on " " and the text), so
// that the anchored expr sees the same text after p and the same rune
// before it as the unanchored search does: \b and \B depend on that rune,
// and treat a space as they treat the start of the text. (Expressions with
// ^ or \A, which tell them apart, get no starts.) The regexp matches the
// text if and only if one of these anchored searches matches.

// maxStarts bounds the occurrences of a guard's starts tried one by one;
// with more, the unanchored search is cheaper.
const maxStarts = 16

// startLen is how long start literals need to be to occur at few places:
// pieces are joined on only while some are shorter (each join multiplies
// the strings to look for).
const startLen = 4

// startLiterals lists strings one of which every match of re starts with
// (lower-cased when fold: some parts of them match case-insensitively).
// They are longer than leadingLiterals' (pieces after the first are joined
// on while they match few strings), so that they occur at few places. ok is
// false when no such list is known or a match may be empty.
func startLiterals(re *syntax.Regexp) (set []string, fold bool, ok bool) {
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return startLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false, false
		}
		// x{n,m} with n >= 1 starts as x does.
		return startLiterals(re.Sub[0])
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			x, f, ok := startLiterals(s)
			if !ok || len(set)+len(x) > maxExact {
				return nil, false, false
			}
			set = append(set, x...)
			fold = fold || f
		}
	case syntax.OpConcat:
		set = []string{""}
		for _, s := range re.Sub {
			if len(set[0]) > 0 && minLen(set) >= startLen {
				break
			}
			x, f, ok := exactSet(s)
			if !ok {
				if len(set) == 1 && set[0] == "" {
					// Only zero-width pieces so far: the match starts
					// where s does.
					return startLiterals(s)
				}
				break
			}
			next, nf, ok := crossSets(set, fold, x, f)
			if !ok {
				break // too many strings: the shorter ones still start every match
			}
			set, fold = next, nf
		}
	default:
		set, fold, ok = exactSet(re)
		if !ok {
			return nil, false, false
		}
	}
	var low []string
	for _, s := range set {
		if s == "" {
			return nil, false, false
		}
		if fold {
			// An alternation may join case-sensitive strings to folded
			// ones; all are looked up in lower-cased text.
			s = strings.ToLower(s)
		}
		low = append(low, s)
	}
	// A string that another one starts (or repeats) adds no position.
	var out []string
	for i, s := range low {
		redundant := false
		for j, p := range low {
			if j != i && strings.HasPrefix(s, p) && (s != p || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, s)
		}
	}
	return out, fold, len(out) > 0
}

// minLen is the length of the shortest of ss.
func minLen(ss []string) int {
	n := len(ss[0])
	for _, s := range ss[1:] {
		n = min(n, len(s))
	}
	return n
}

// startsOf returns the start literals of expr for the generated table (nil
// when there are none, or when expr asserts the start of a text or line,
// which anchored matching cannot tell from a space: see the top of this
// file).
func startsOf(p *syntax.Regexp) ([]string, bool) {
	if assertsStart(p) {
		return nil, false
	}
	set, fold, ok := startLiterals(p)
	if !ok {
		return nil, false
	}
	return set, fold
}

// assertsStart reports whether re holds ^, \A or (?m)^.
func assertsStart(re *syntax.Regexp) bool {
	if re.Op == syntax.OpBeginText || re.Op == syntax.OpBeginLine {
		return true
	}
	return slices.ContainsFunc(re.Sub, assertsStart)
}

// window returns the text the anchored regexp reads for a match at p of s:
// from the rune before p, or " " and s for p = 0; and the offset in s of
// its first byte (-1 for the space).
func window(s string, p int) (string, int) {
	if p == 0 {
		return " " + s, -1
	}
	_, w := utf8.DecodeLastRuneInString(s[:p])
	return s[p-w:], p - w
}

// afterRune returns the regexp anchored after the first rune of the text
// (see the top of this file), compiling it on first use.
func (g *guard) afterRune() *regexp.Regexp {
	g.afterOnce.Do(func() { g.after = regexp.MustCompile(`^(?s:.)(?:` + g.expr + `)`) })
	return g.after
}

// startPositions returns the positions in s where a match may start: the
// occurrences of the guard's starts. lower is strings.ToLower(s) (or "").
// ok is false when they are not known exactly or are too many: the starts
// are folded and s is not ASCII (where case-folded matches such as U+017F
// for s make byte positions of lower-cased strings unsafe) or lower is
// missing, or they occur more than maxStarts times. Starts that are not
// folded are matched byte for byte, so they are found in s itself, ASCII
// or not. gr, when not nil, holds the bigrams of lower; a start whose
// lower-cased bigrams are not all there is not in s (lower-casing s keeps
// each occurrence, lower-cased).
func (g *guard) startPositions(s, lower string, gr *grams, buf *[maxStarts]int) ([]int, bool) {
	if g.starts == nil || g.startsFold && !isASCII(s) {
		return nil, false
	}
	hay := s
	if g.startsFold {
		// s is ASCII, so lower-casing keeps byte positions.
		if len(lower) != len(s) {
			return nil, false
		}
		hay = lower
	}
	pos := buf[:0]
	for i := range g.starts {
		if gr != nil && !gr.mayHold(&g.starts[i]) {
			continue
		}
		st := g.starts[i].s
		for from := 0; ; {
			k := strings.Index(hay[from:], st)
			if k < 0 {
				break
			}
			k += from
			if !slices.Contains(pos, k) {
				if len(pos) == maxStarts {
					return nil, false
				}
				pos = append(pos, k)
			}
			from = k + 1
		}
	}
	return pos, true
}

// matchAnchored is the regexp's MatchString(s) (see the top of this file);
// lower is strings.ToLower(s) or "", gr nil or the bigrams of lower.
func (g *guard) matchAnchored(s, lower string, gr *grams) bool {
	var buf [maxStarts]int
	pos, ok := g.startPositions(s, lower, gr, &buf)
	if !ok {
		return g.regexp().MatchString(s)
	}
	for _, p := range pos {
		if t, _ := window(s, p); g.afterRune().MatchString(t) {
			return true
		}
	}
	return false
}

// findAnchored is the regexp's FindStringIndex(s) found at the starts: the
// match at the first of them where the anchored regexp matches (the
// leftmost match; there the anchored search prefers what the unanchored
// one does). ok is false when the starts' positions are not known (see
// startPositions); the arguments are those of matchAnchored.
func (g *guard) findAnchored(s, lower string, gr *grams) (loc []int, ok bool) {
	var buf [maxStarts]int
	pos, ok := g.startPositions(s, lower, gr, &buf)
	if !ok {
		return nil, false
	}
	slices.Sort(pos)
	for _, p := range pos {
		t, q := window(s, p)
		if m := g.afterRune().FindStringIndex(t); m != nil {
			return []int{p, q + m[1]}, true
		}
	}
	return nil, true
}

// findAllAnchored is the regexp's FindAllStringSubmatchIndex(s, n) found at
// the starts: going through them in order, a match at each where the
// anchored regexp matches and no earlier match ends after it. These are the
// successive leftmost matches the unanchored search finds (each search goes
// on where the last match ended, seeing the text before it; no match is
// empty, as every match holds a start). The anchored forms have the
// expression's groups, so only the offsets change. known is false when the
// starts' positions are not known (see startPositions); the other arguments
// are those of matchAnchored.
func (g *guard) findAllAnchored(s, lower string, gr *grams, n int) (ms [][]int, known bool) {
	var buf [maxStarts]int
	pos, ok := g.startPositions(s, lower, gr, &buf)
	if !ok {
		return nil, false
	}
	slices.Sort(pos)
	end := 0
	for _, p := range pos {
		if p < end {
			continue
		}
		t, q := window(s, p)
		m := g.afterRune().FindStringSubmatchIndex(t)
		if m == nil {
			continue
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += q
			}
		}
		m[0] = p // the rune before p is not part of the match
		ms = append(ms, m)
		end = m[1]
		if n > 0 && len(ms) == n {
			break
		}
	}
	return ms, true
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
