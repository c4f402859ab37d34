package terms

import (
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"sync"
)

// filtered is a regexp with a cheap necessary condition: every match starts
// (after zero-width assertions) with one of the guard's leading literals.
// When there are none the regexp is always run. The guard adds finer
// conditions (see requiredCNF); like them, the leading literals are derived
// on first use.
type filtered struct {
	g *guard
}

func newFiltered(expr string) filtered {
	return filtered{g: mustGuard(expr)}
}

// leading reports whether the text holds one of the leading literals.
func (f *filtered) leading(text, lower string) bool {
	g := f.g
	g.load()
	if g.lead == nil {
		return true
	}
	hay := text
	if g.leadFold {
		hay = lower
	}
	for _, l := range g.lead {
		if strings.Contains(hay, l) {
			return true
		}
	}
	return false
}

// matchGrams reports whether the regexp matches text. lower is text
// lower-cased (strings.ToLower) and g, when not nil, its bigrams.
func (f *filtered) matchGrams(text, lower string, g *grams) bool {
	return f.g.possibleGrams(text, lower, g) && f.leading(text, lower) && f.g.matchGrams(text, lower, g)
}

// findGrams returns all match spans in text (nil when none); the arguments
// are those of matchGrams.
func (f *filtered) findGrams(text, lower string, g *grams) [][]int {
	if !f.g.possibleGrams(text, lower, g) || !f.leading(text, lower) {
		return nil
	}
	if g != nil {
		if ms, known := f.g.findKnown(text, lower, g, -1); known {
			return matchSpans(ms)
		}
	}
	return f.g.FindAllStringIndex(text, -1)
}

// leadingLiterals lists literals one of which every match must start with.
func leadingLiterals(re *syntax.Regexp) (lits []string, fold bool, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if re.Flags&syntax.FoldCase != 0 {
			return []string{strings.ToLower(s)}, true, true
		}
		return []string{s}, false, true
	case syntax.OpCapture:
		return leadingLiterals(re.Sub[0])
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			l, f, ok := leadingLiterals(s)
			if !ok {
				return nil, false, false
			}
			lits = append(lits, l...)
			fold = fold || f
		}
		return lits, fold, true
	case syntax.OpConcat:
		for _, s := range re.Sub {
			switch s.Op {
			case syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpBeginText, syntax.OpBeginLine, syntax.OpEmptyMatch:
				continue
			}
			return leadingLiterals(s)
		}
	}
	return nil, false, false
}

// lit is a string that a match must contain; fold means the regexp matches
// it case-insensitively, so it is lower-case and looked up in lower-cased
// text.
type lit struct {
	s     string
	fold  bool
	grams []uint16 // bigram hashes of strings.ToLower(s)
}

func mkLit(s string, fold bool) lit {
	var buf []uint16
	return mkLitIn(s, fold, &buf)
}

// mkLitIn is mkLit taking the bigrams' storage from *buf (grown when
// short), so that a guard's literals share one allocation.
func mkLitIn(s string, fold bool, buf *[]uint16) lit {
	l := lit{s: s, fold: fold}
	low := strings.ToLower(s)
	if len(low) < 2 {
		return l
	}
	n := len(low) - 1
	if cap(*buf)-len(*buf) < n {
		*buf = make([]uint16, 0, n) // (callers size it by litGrams)
	}
	start := len(*buf)
	for i := 0; i+1 < len(low); i++ {
		*buf = append(*buf, gramHash(low[i], low[i+1]))
	}
	l.grams = (*buf)[start:len(*buf):len(*buf)]
	return l
}

// grams is a set of hashed byte bigrams of a text: a string whose bigrams
// are not all in it cannot occur in the text.
type grams struct {
	bits [64]uint64
	// longS: the text holds U+017F, which (?i)s matches (see
	// possibleGrams); noted here so that each guard need not look for it.
	longS bool
}

func gramHash(a, b byte) uint16 { return (uint16(a)*131 + uint16(b)) & 4095 }

// gramsOf returns the bigrams of s.
func gramsOf(s string) *grams { return gramsInto(new(grams), s) }

// gramsInto sets g, which must be zero, to the bigrams of s.
func gramsInto(g *grams, s string) *grams {
	for i := 0; i+1 < len(s); i++ {
		h := gramHash(s[i], s[i+1])
		g.bits[h>>6] |= 1 << (h & 63)
		if s[i] == 0xc5 && s[i+1] == 0xbf {
			g.longS = true
		}
	}
	return g
}

// has reports whether the bigram h is in g.
func (g *grams) has(h uint16) bool { return g.bits[h>>6]&(1<<(h&63)) != 0 }

// mayHoldString reports whether the text of g may contain w (bigrams of w
// itself, not lower-cased).
func (g *grams) mayHoldString(w string) bool {
	for i := 0; i+1 < len(w); i++ {
		if !g.has(gramHash(w[i], w[i+1])) {
			return false
		}
	}
	return true
}

// mayHold reports whether the text of g may contain l.
func (g *grams) mayHold(l *lit) bool {
	for _, h := range l.grams {
		if !g.has(h) {
			return false
		}
	}
	return true
}

// anyLit reports whether one of ls occurs in text (in lower, the text
// lower-cased, for folded literals). g, when not nil, holds the bigrams of
// lower, which must then be strings.ToLower(text).
func anyLit(ls []lit, text, lower string, g *grams) bool {
	for i := range ls {
		l := &ls[i]
		if g != nil && !g.mayHold(l) {
			continue
		}
		hay := text
		if l.fold {
			hay = lower
		}
		if strings.Contains(hay, l.s) {
			return true
		}
	}
	return false
}

// guard is a regexp with a necessary condition checked before it runs:
// every match contains, for each clause of need, one of its literals. A
// guard on a top-level alternation also keeps its alternatives, each with
// its own condition, so that MatchString only runs those that can match.
//
// Nothing is compiled before it is needed: the condition is derived from
// the parsed expression on first use (cheap), the regexp is compiled only
// when a text passes the condition, and each alternative only when a text
// passes its own condition. A process that reads a few texts compiles the
// few regexps they can match.
type guard struct {
	expr string

	cond sync.Once // need, fold, alts, lead, leadFold
	need [][]lit
	fold bool     // some literals are case-folded
	alts []*guard // alternatives for MatchString, or nil
	// lead lists literals one of which every match starts with (after
	// zero-width assertions), or nil; leadFold means they are lower-case
	// and looked up in lower-cased text. Only filtered uses them.
	lead     []string
	leadFold bool
	// starts lists strings one of which every match starts with, or nil;
	// startsFold: as leadFold. Anchored matching uses them (anchor.go).
	starts     []lit
	startsFold bool

	compile sync.Once
	re      *regexp.Regexp

	afterOnce sync.Once
	after     *regexp.Regexp // re anchored after one rune (anchor.go)
}

// allGuards lists every guard made by mustGuard (for tests).
var allGuards []*guard

// mustGuard returns a guard for expr (Go regexp syntax); its condition and
// regexp are made on first use. An invalid expr panics then.
func mustGuard(expr string) *guard {
	g := &guard{expr: expr}
	allGuards = append(allGuards, g)
	return g
}

//go:generate go test -run ^TestGuardTable$ -update .

// guardCond is a guard's condition as load applies it: its clauses of
// literals, leading literals and alternatives. Deriving it parses the
// expression (most of the cost of a first extraction), so guards_gen.go
// holds it for every guard of the package, derived at generate time by
// deriveCond (TestGuardTable); a guard missing there is derived on use.
type guardCond struct {
	Expr     string
	Need     [][]litSpec
	Lead     []string // nil: no leading literals known
	LeadFold bool
	Starts   []string // nil: no start literals known (see startLiterals)
	// StartsFold: the starts are lower-case, looked up in lower-cased text.
	StartsFold bool
	Alts       []altCond
}

// litSpec is a literal of a condition (see lit).
type litSpec struct {
	S    string
	Fold bool
}

// altCond is one alternative of a top-level alternation: its expression
// and its own clauses.
type altCond struct {
	Expr       string
	Need       [][]litSpec
	Starts     []string
	StartsFold bool
}

// load applies the condition once: the generated one, else derived.
func (g *guard) load() {
	g.cond.Do(func() {
		c, ok := generatedCond(g.expr)
		if !ok {
			c = deriveCond(g.expr)
		}
		g.lead, g.leadFold = c.Lead, c.LeadFold
		g.setStarts(c.Starts, c.StartsFold)
		g.setNeed(c.Need)
		for _, alt := range c.Alts {
			a := &guard{expr: alt.Expr}
			a.setNeed(alt.Need)
			a.setStarts(alt.Starts, alt.StartsFold)
			a.cond.Do(func() {})
			g.alts = append(g.alts, a)
		}
	})
}

// generatedCond looks expr up in guards_gen.go's table (sorted by Expr).
func generatedCond(expr string) (guardCond, bool) {
	i := sort.Search(len(guardTable), func(i int) bool { return guardTable[i].Expr >= expr })
	if i < len(guardTable) && guardTable[i].Expr == expr {
		return guardTable[i], true
	}
	return guardCond{}, false
}

// deriveCond derives the condition of expr from its syntax. An invalid
// expr panics, as regexp.MustCompile does.
func deriveCond(expr string) guardCond {
	c := guardCond{Expr: expr}
	p, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		regexp.MustCompile(expr) // panics with the error
		return c
	}
	if lits, fold, ok := leadingLiterals(p); ok {
		c.Lead, c.LeadFold = lits, fold
	}
	c.Need = specs(requiredCNF(p))
	c.Starts, c.StartsFold = startsOf(p)
	if parts, ok := splitAlternatives(expr); ok && len(parts) > 1 {
		for _, part := range parts {
			sub, err := syntax.Parse(part, syntax.Perl)
			if err != nil {
				c.Alts = nil
				break
			}
			a := altCond{Expr: part, Need: specs(requiredCNF(sub))}
			a.Starts, a.StartsFold = startsOf(sub)
			c.Alts = append(c.Alts, a)
		}
	} else if p.Op == syntax.OpAlternate {
		for _, sub := range p.Sub {
			// An alternative's syntax tree prints the same language.
			a := altCond{Expr: sub.String(), Need: specs(requiredCNF(sub))}
			a.Starts, a.StartsFold = startsOf(sub)
			c.Alts = append(c.Alts, a)
		}
	}
	return c
}

func specs(cnf [][]lit) [][]litSpec {
	if cnf == nil {
		return nil
	}
	out := make([][]litSpec, len(cnf))
	for i, c := range cnf {
		for _, l := range c {
			out[i] = append(out[i], litSpec{S: l.s, Fold: l.fold})
		}
	}
	return out
}

// splitAlternatives splits expr at its top-level "|" into expressions whose
// union is expr's language, each carrying a leading flag group of expr
// such as (?i). Cutting the text is much cheaper than printing parsed
// alternatives (syntax.Regexp.String folds every case-insensitive class).
// ok is false for syntax it does not follow (\Q, a flag group after the
// start): the caller then uses the parsed alternatives.
func splitAlternatives(expr string) (parts []string, ok bool) {
	prefix, rest := "", expr
	if strings.HasPrefix(rest, "(?") {
		if end := strings.IndexByte(rest, ')'); end > 0 && !strings.ContainsAny(rest[2:end], ":<P") {
			prefix, rest = rest[:end+1], rest[end+1:]
		}
	}
	depth, start := 0, 0
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '\\':
			if i+1 < len(rest) && rest[i+1] == 'Q' {
				return nil, false
			}
			i++
		case '[':
			i++
			if i < len(rest) && rest[i] == '^' {
				i++
			}
			if i < len(rest) && rest[i] == ']' {
				i++ // a leading ] is a literal
			}
			for ; i < len(rest) && rest[i] != ']'; i++ {
				switch {
				case rest[i] == '\\':
					i++
				case strings.HasPrefix(rest[i:], "[:"):
					if end := strings.Index(rest[i+2:], ":]"); end >= 0 {
						i += end + 3
					}
				}
			}
			if i >= len(rest) {
				return nil, false
			}
		case '(':
			if depth == 0 && strings.HasPrefix(rest[i:], "(?") {
				end := strings.IndexByte(rest[i:], ')')
				if end > 0 && !strings.ContainsAny(rest[i+2:i+end], ":<P") {
					return nil, false // flags set mid-expression reach later alternatives
				}
			}
			depth++
		case ')':
			depth--
		case '|':
			if depth == 0 {
				parts = append(parts, prefix+rest[start:i])
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, false
	}
	return append(parts, prefix+rest[start:]), true
}

func (g *guard) setNeed(need [][]litSpec) {
	if need == nil {
		return
	}
	n, m := 0, 0
	for _, c := range need {
		n += len(c)
		for _, l := range c {
			m += litGrams(l.S)
		}
	}
	lits := make([]lit, 0, n) // one allocation for every clause
	grams := make([]uint16, 0, m)
	g.need = make([][]lit, len(need))
	for i, c := range need {
		start := len(lits)
		for _, l := range c {
			lits = append(lits, mkLitIn(l.S, l.Fold, &grams))
			g.fold = g.fold || l.Fold
		}
		if len(c) > 0 {
			g.need[i] = lits[start:len(lits):len(lits)]
		}
	}
}

// litGrams is how many bigrams mkLitIn makes for s (more when lower-casing
// lengthens s; mkLitIn then grows the storage).
func litGrams(s string) int { return max(len(s)-1, 0) }

// setStarts sets the start literals (see guard.starts); their bigrams let
// startPositions skip those a sentence cannot hold.
func (g *guard) setStarts(starts []string, fold bool) {
	g.starts, g.startsFold = nil, fold
	if len(starts) == 0 {
		return
	}
	m := 0
	for _, s := range starts {
		m += litGrams(s)
	}
	grams := make([]uint16, 0, m)
	g.starts = make([]lit, 0, len(starts))
	for _, s := range starts {
		g.starts = append(g.starts, mkLitIn(s, fold, &grams))
	}
}

// regexp returns the compiled regexp, compiling it on first use.
func (g *guard) regexp() *regexp.Regexp {
	g.compile.Do(func() { g.re = regexp.MustCompile(g.expr) })
	return g.re
}

// possible reports whether the regexp may match s.
func (g *guard) possible(s string) bool {
	return g.possibleGrams(s, "", nil)
}

// possibleGrams is possible with lower, when not "", strings.ToLower(s) and
// gr, when not nil, the bigrams of lower.
func (g *guard) possibleGrams(s, lower string, gr *grams) bool {
	g.load()
	if g.need == nil {
		return true
	}
	if g.fold {
		// (?i)s also matches U+017F, which lower-casing keeps. It is in s
		// exactly when it is in lower (no other rune lower-cases to it),
		// and gr knows whether it is in lower.
		if gr != nil && gr.longS || gr == nil && strings.Contains(s, "\u017f") {
			return true
		}
		if lower == "" {
			lower = strings.ToLower(s)
		}
	}
	for _, c := range g.need {
		if !anyLit(c, s, lower, gr) {
			return false
		}
	}
	return true
}

// matchGrams is MatchString with the arguments of possibleGrams.
func (g *guard) matchGrams(s, lower string, gr *grams) bool {
	if !g.possibleGrams(s, lower, gr) {
		return false
	}
	if g.alts != nil {
		for _, a := range g.alts {
			if a.possibleGrams(s, lower, gr) && a.run(s, lower, gr) {
				return true
			}
		}
		return false
	}
	return g.run(s, lower, gr)
}

// run is the regexp's MatchString(s) for an s that passed the condition
// (arguments as for possibleGrams). A sentence's text (gr not nil) is
// matched anchored at the starts (anchor.go), where most of them occur
// once or twice; other texts by the regexp, compiled as it is (such callers
// read few texts, and compile one regexp rather than two).
func (g *guard) run(s, lower string, gr *grams) bool {
	if gr != nil && g.starts != nil {
		return g.matchAnchored(s, lower, gr)
	}
	return g.regexp().MatchString(s)
}

func (g *guard) MatchString(s string) bool {
	return g.matchGrams(s, "", nil)
}

func (g *guard) FindStringIndex(s string) []int {
	if !g.possible(s) {
		return nil
	}
	return g.regexp().FindStringIndex(s)
}

func (g *guard) FindString(s string) string {
	if !g.possible(s) {
		return ""
	}
	return g.regexp().FindString(s)
}

func (g *guard) FindStringSubmatch(s string) []string {
	if !g.possible(s) {
		return nil
	}
	return g.regexp().FindStringSubmatch(s)
}

func (g *guard) FindAllStringIndex(s string, n int) [][]int {
	if !g.possible(s) {
		return nil
	}
	return g.regexp().FindAllStringIndex(s, n)
}

func (g *guard) FindAllStringSubmatch(s string, n int) [][]string {
	if !g.possible(s) {
		return nil
	}
	return g.regexp().FindAllStringSubmatch(s, n)
}

func (g *guard) FindAllStringSubmatchIndex(s string, n int) [][]int {
	if !g.possible(s) {
		return nil
	}
	return g.regexp().FindAllStringSubmatchIndex(s, n)
}

// requiredCNF lists clauses of literals such that every match of re
// contains one literal of each clause, the most selective clause first.
// Clauses with one-byte literals are left out (they test little) unless
// there are no others.
func requiredCNF(re *syntax.Regexp) [][]lit {
	var out [][]lit
	var walk func(re *syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpCapture, syntax.OpPlus:
			walk(re.Sub[0])
			return
		case syntax.OpRepeat:
			if re.Min >= 1 {
				walk(re.Sub[0])
			}
			return
		case syntax.OpConcat:
			for _, s := range re.Sub {
				walk(s)
			}
			concatRuns(re.Sub, func(l []lit) { out = append(out, l) })
			return
		}
		if l, ok := requiredLits(re); ok {
			out = append(out, l)
		}
	}
	walk(re)
	kept := out[:0]
	for _, c := range out {
		short := false
		for _, l := range c {
			short = short || len(l.s) < 2
		}
		if !short {
			kept = append(kept, c)
		}
	}
	if len(kept) > 0 {
		out = kept
	}
	out = simplifyCNF(out)
	sort.SliceStable(out, func(i, j int) bool { return litsQuality(out[i]) > litsQuality(out[j]) })
	if len(out) == 0 {
		return nil
	}
	return out
}

// simplifyCNF drops what a CNF of literals does not need, so that fewer
// literals are looked for: within a clause, a literal that contains another
// (looked up in the same text: same fold) or repeats one, since whenever it
// occurs so does the other; and a clause implied by another one (each of
// whose literals contains one of its literals), or repeating one. The
// conjunction holds for exactly the same texts.
func simplifyCNF(cnf [][]lit) [][]lit {
	implies := func(a, b lit) bool { return a.fold == b.fold && strings.Contains(a.s, b.s) }
	for i, c := range cnf {
		var kept []lit
		for j, a := range c {
			redundant := false
			for k, b := range c {
				// a goes when it implies another literal, unless that one
				// is a copy of a kept earlier (the first copy stays).
				if k != j && implies(a, b) && (!implies(b, a) || k < j) {
					redundant = true
					break
				}
			}
			if !redundant {
				kept = append(kept, a)
			}
		}
		cnf[i] = kept
	}
	clauseImplies := func(c, d []lit) bool {
		for _, a := range c {
			found := false
			for _, b := range d {
				if implies(a, b) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	var out [][]lit
	for i, d := range cnf {
		redundant := false
		for j, c := range cnf {
			if j != i && clauseImplies(c, d) && (!clauseImplies(d, c) || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, d)
		}
	}
	return out
}

// requiredLits lists literals one of which every match of re contains
// (anywhere in the match). ok is false when no such list is known.
func requiredLits(re *syntax.Regexp) (lits []lit, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if re.Flags&syntax.FoldCase != 0 {
			return []lit{mkLit(strings.ToLower(s), true)}, true
		}
		return []lit{mkLit(s, false)}, true
	case syntax.OpCharClass:
		// A small class is a choice of exact runes (case folding, if any,
		// is already expanded into the class).
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			n += int(re.Rune[i+1]-re.Rune[i]) + 1
		}
		if n == 0 || n > 16 {
			return nil, false
		}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				lits = append(lits, mkLit(string(r), false))
			}
		}
		return lits, true
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLits(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLits(re.Sub[0])
		}
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			l, ok := requiredLits(s)
			if !ok {
				return nil, false
			}
			lits = append(lits, l...)
		}
		return lits, true
	case syntax.OpConcat:
		found, best := false, 0
		consider := func(l []lit) {
			if q := litsQuality(l); !found || q > best {
				found, best, lits = true, q, l
			}
		}
		for _, s := range re.Sub {
			if l, ok := requiredLits(s); ok {
				consider(l)
			}
		}
		concatRuns(re.Sub, consider)
		return lits, found
	}
	return nil, false
}

// litsQuality rates a list of literals as a filter (higher is better): a
// literal of n bytes counts as if it occurred with a chance of 2^-n, up to
// 8 bytes, and the chances of the list add up.
func litsQuality(ls []lit) int {
	cost := 0
	for _, l := range ls {
		n := len(l.s)
		if n > 8 {
			n = 8
		}
		cost += 1 << (8 - n)
	}
	return -cost
}

// maxExact bounds the size of the sets of exactSet.
const maxExact = 64

// exactSet lists every string re matches when they are few (lower-cased
// when fold: some of them match case-insensitively).
func exactSet(re *syntax.Regexp) (set []string, fold bool, ok bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpBeginLine, syntax.OpEndLine:
		return []string{""}, false, true
	case syntax.OpLiteral:
		s := string(re.Rune)
		if re.Flags&syntax.FoldCase != 0 {
			return []string{strings.ToLower(s)}, true, true
		}
		return []string{s}, false, true
	case syntax.OpCharClass:
		l, ok := requiredLits(re)
		if !ok {
			return nil, false, false
		}
		for _, x := range l {
			set = append(set, x.s)
		}
		return set, false, true
	case syntax.OpCapture:
		return exactSet(re.Sub[0])
	case syntax.OpQuest:
		set, fold, ok = exactSet(re.Sub[0])
		if !ok || len(set) >= maxExact {
			return nil, false, false
		}
		return append(set, ""), fold, true
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			x, f, ok := exactSet(s)
			if !ok || len(set)+len(x) > maxExact {
				return nil, false, false
			}
			set = append(set, x...)
			fold = fold || f
		}
		return set, fold, true
	case syntax.OpConcat:
		set = []string{""}
		for _, s := range re.Sub {
			x, f, ok := exactSet(s)
			if !ok {
				return nil, false, false
			}
			if set, fold, ok = crossSets(set, fold, x, f); !ok {
				return nil, false, false
			}
		}
		return set, fold, true
	}
	return nil, false, false
}

// crossSets joins every string of a with every string of b.
func crossSets(a []string, af bool, b []string, bf bool) ([]string, bool, bool) {
	if len(a)*len(b) > maxExact {
		return nil, false, false
	}
	fold := af || bf
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			s := x + y
			if fold {
				// Lower-casing a case-sensitive part only weakens the test.
				s = strings.ToLower(s)
			}
			out = append(out, s)
		}
	}
	return out, fold, true
}

// setLits turns an exact set into required literals; no literal can be
// required when the set holds the empty string.
// concatRuns calls emit with the literal set of each run of consecutive
// pieces of a concatenation that match few strings, joined.
func concatRuns(subs []*syntax.Regexp, emit func([]lit)) {
	for i := 0; i < len(subs); {
		set, fold, ok := exactSet(subs[i])
		if !ok {
			i++
			continue
		}
		j := i + 1
		for ; j < len(subs); j++ {
			next, f, ok := exactSet(subs[j])
			if !ok {
				break
			}
			set, fold, ok = crossSets(set, fold, next, f)
			if !ok {
				break
			}
		}
		if l, ok := setLits(set, fold); ok {
			emit(l)
		}
		i = j
	}
}

func setLits(set []string, fold bool) ([]lit, bool) {
	var out []lit
	for _, s := range set {
		if s == "" {
			return nil, false
		}
		out = append(out, mkLit(s, fold))
	}
	return out, len(out) > 0
}

// matchL is MatchString(s.lower) using the bigrams of the sentence.
func (g *guard) matchL(s *sentence) bool {
	return g.matchGrams(s.lower, s.lower, s.lgrams)
}

// matchT is MatchString(s.text) using the bigrams of the sentence.
func (g *guard) matchT(s *sentence) bool {
	return g.matchGrams(s.text, s.plain, s.pgrams)
}

// possibleL reports whether the regexp may match s.lower.
func (g *guard) possibleL(s *sentence) bool {
	return g.possibleGrams(s.lower, s.lower, s.lgrams)
}

// possibleT reports whether the regexp may match s.text.
func (g *guard) possibleT(s *sentence) bool {
	return g.possibleGrams(s.text, s.plain, s.pgrams)
}

// findAllSubmatchL is FindAllStringSubmatch(s.lower, -1).
func (g *guard) findAllSubmatchL(s *sentence) [][]string {
	if ms, known := g.findKnown(s.lower, s.lower, s.lgrams, -1); known {
		return submatchStrings(s.lower, ms)
	}
	return g.regexp().FindAllStringSubmatch(s.lower, -1)
}

// findAllSubmatchT is FindAllStringSubmatch(s.text, -1).
func (g *guard) findAllSubmatchT(s *sentence) [][]string {
	if ms, known := g.findKnown(s.text, s.plain, s.pgrams, -1); known {
		return submatchStrings(s.text, ms)
	}
	return g.regexp().FindAllStringSubmatch(s.text, -1)
}

// findSubmatchT is FindStringSubmatch(s.text).
func (g *guard) findSubmatchT(s *sentence) []string {
	if ms, known := g.findKnown(s.text, s.plain, s.pgrams, 1); known {
		if ms == nil {
			return nil
		}
		return submatchStrings(s.text, ms)[0]
	}
	return g.regexp().FindStringSubmatch(s.text)
}

// findSubmatchL is FindStringSubmatch(s.lower).
func (g *guard) findSubmatchL(s *sentence) []string {
	if ms, known := g.findKnown(s.lower, s.lower, s.lgrams, 1); known {
		if ms == nil {
			return nil
		}
		return submatchStrings(s.lower, ms)[0]
	}
	return g.regexp().FindStringSubmatch(s.lower)
}

// findAllSubmatchIndexT is FindAllStringSubmatchIndex(s.text, -1).
func (g *guard) findAllSubmatchIndexT(s *sentence) [][]int {
	if ms, known := g.findKnown(s.text, s.plain, s.pgrams, -1); known {
		return ms
	}
	return g.regexp().FindAllStringSubmatchIndex(s.text, -1)
}

// findAllIndexL is FindAllStringIndex(s.lower, -1).
func (g *guard) findAllIndexL(s *sentence) [][]int {
	if ms, known := g.findKnown(s.lower, s.lower, s.lgrams, -1); known {
		return matchSpans(ms)
	}
	return g.regexp().FindAllStringIndex(s.lower, -1)
}

// findKnown answers what it can of FindAllStringSubmatchIndex(s, n)
// without an unanchored search (arguments as for possibleGrams): known
// with the matches (nil: none) when s fails the condition, when the
// matches are found at the starts (findAllAnchored), or when a guard
// without starts but with alternatives matches none of them; not known
// otherwise (the caller then runs the regexp).
func (g *guard) findKnown(s, lower string, gr *grams, n int) (ms [][]int, known bool) {
	if !g.possibleGrams(s, lower, gr) {
		return nil, true
	}
	if g.starts != nil {
		return g.findAllAnchored(s, lower, gr, n)
	}
	if g.alts != nil && !g.matchGrams(s, lower, gr) {
		return nil, true
	}
	return nil, false
}

// submatchStrings turns the submatch indices of matches in s into strings
// as FindAllStringSubmatch returns them ("" for a group that did not
// take part); nil for no matches.
func submatchStrings(s string, ms [][]int) [][]string {
	if ms == nil {
		return nil
	}
	out := make([][]string, len(ms))
	for i, m := range ms {
		out[i] = make([]string, len(m)/2)
		for j := range out[i] {
			if m[2*j] >= 0 {
				out[i][j] = s[m[2*j]:m[2*j+1]]
			}
		}
	}
	return out
}

// matchSpans keeps the whole-match spans of submatch indices, as
// FindAllStringIndex returns them; nil for no matches.
func matchSpans(ms [][]int) [][]int {
	if ms == nil {
		return nil
	}
	out := make([][]int, len(ms))
	for i, m := range ms {
		out[i] = m[:2:2]
	}
	return out
}

// findIndexL is FindStringIndex(s.lower).
func (g *guard) findIndexL(s *sentence) []int {
	return g.findIndexGrams(s.lower, s.lower, s.lgrams)
}

// findIndexGrams is FindStringIndex(s) with the arguments of possibleGrams.
// With alternatives, the match is that of the first alternative (in
// order) among those whose leftmost match starts leftmost: the one a
// backtracking search of the whole regexp prefers there.
func (g *guard) findIndexGrams(s, lower string, gr *grams) []int {
	if !g.possibleGrams(s, lower, gr) {
		return nil
	}
	if g.alts != nil {
		var best []int
		for _, a := range g.alts {
			if loc := a.findIndexGrams(s, lower, gr); loc != nil && (best == nil || loc[0] < best[0]) {
				best = loc
			}
		}
		return best
	}
	if gr != nil && g.starts != nil {
		if loc, ok := g.findAnchored(s, lower, gr); ok {
			return loc
		}
	}
	return g.regexp().FindStringIndex(s)
}
