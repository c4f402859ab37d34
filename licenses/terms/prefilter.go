package terms

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// filtered is a regexp with a cheap necessary condition: every match starts
// (after zero-width assertions) with one of lits. When lits is nil the
// regexp is always run.
type filtered struct {
	re   *regexp.Regexp
	lits []string
	fold bool // lits are lower-case and must be looked up in lower-cased text
	// need is a second, finer condition: every match contains one of need
	// (see requiredLits); nil when unknown.
	need     []lit
	needFold bool
}

func newFiltered(expr string) filtered {
	f := filtered{re: regexp.MustCompile(expr)}
	if p, err := syntax.Parse(expr, syntax.Perl); err == nil {
		if lits, fold, ok := leadingLiterals(p); ok {
			f.lits, f.fold = lits, fold
		}
		if need, ok := requiredLits(p); ok {
			f.need = need
			for _, l := range need {
				f.needFold = f.needFold || l.fold
			}
		}
	}
	return f
}

// match reports whether the regexp matches text; lower is text lower-cased.
func (f *filtered) match(text, lower string) bool {
	return f.find(text, lower) != nil
}

// find returns all match spans in text (nil when none).
func (f *filtered) find(text, lower string) [][]int {
	if f.lits != nil {
		hay := text
		if f.fold {
			hay = lower
		}
		hit := false
		for _, l := range f.lits {
			if strings.Contains(hay, l) {
				hit = true
				break
			}
		}
		if !hit {
			return nil
		}
	}
	// (?i)s also matches U+017F, which lower-casing keeps.
	if f.need != nil && !(f.needFold && strings.Contains(text, "\u017f")) {
		hit := false
		for _, l := range f.need {
			hay := text
			if l.fold {
				hay = lower
			}
			if strings.Contains(hay, l.s) {
				hit = true
				break
			}
		}
		if !hit {
			return nil
		}
	}
	return f.re.FindAllStringIndex(text, -1)
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
	s    string
	fold bool
}

// guard is a regexp with a necessary condition checked before it runs: every
// match contains one of lits (nil lits: no condition). A guard on a
// top-level alternation also keeps its alternatives, each with its own
// condition, so that MatchString only runs those that can match.
type guard struct {
	*regexp.Regexp
	lits []lit
	fold bool     // some lits are case-folded
	alts []*guard // alternatives for MatchString, or nil
}

// mustGuard compiles expr (Go regexp syntax) with its literal condition.
func mustGuard(expr string) *guard {
	g := &guard{Regexp: regexp.MustCompile(expr)}
	p, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return g
	}
	g.setLits(p)
	if p.Op == syntax.OpAlternate {
		for _, sub := range p.Sub {
			a := &guard{Regexp: regexp.MustCompile(sub.String())}
			a.setLits(sub)
			g.alts = append(g.alts, a)
		}
	}
	return g
}

func (g *guard) setLits(p *syntax.Regexp) {
	if lits, ok := requiredLits(p); ok {
		g.lits = lits
		for _, l := range lits {
			g.fold = g.fold || l.fold
		}
	}
}

// possible reports whether the regexp may match s.
func (g *guard) possible(s string) bool {
	if g.lits == nil {
		return true
	}
	var lower string
	if g.fold {
		// (?i)s also matches U+017F, which lower-casing keeps.
		if strings.Contains(s, "\u017f") {
			return true
		}
		lower = strings.ToLower(s)
	}
	for _, l := range g.lits {
		hay := s
		if l.fold {
			hay = lower
		}
		if strings.Contains(hay, l.s) {
			return true
		}
	}
	return false
}

func (g *guard) MatchString(s string) bool {
	if !g.possible(s) {
		return false
	}
	if g.alts != nil {
		for _, a := range g.alts {
			if a.possible(s) && a.Regexp.MatchString(s) {
				return true
			}
		}
		return false
	}
	return g.Regexp.MatchString(s)
}

func (g *guard) FindStringIndex(s string) []int {
	if !g.possible(s) {
		return nil
	}
	return g.Regexp.FindStringIndex(s)
}

func (g *guard) FindString(s string) string {
	if !g.possible(s) {
		return ""
	}
	return g.Regexp.FindString(s)
}

func (g *guard) FindStringSubmatch(s string) []string {
	if !g.possible(s) {
		return nil
	}
	return g.Regexp.FindStringSubmatch(s)
}

func (g *guard) FindAllStringIndex(s string, n int) [][]int {
	if !g.possible(s) {
		return nil
	}
	return g.Regexp.FindAllStringIndex(s, n)
}

func (g *guard) FindAllStringSubmatch(s string, n int) [][]string {
	if !g.possible(s) {
		return nil
	}
	return g.Regexp.FindAllStringSubmatch(s, n)
}

func (g *guard) FindAllStringSubmatchIndex(s string, n int) [][]int {
	if !g.possible(s) {
		return nil
	}
	return g.Regexp.FindAllStringSubmatchIndex(s, n)
}

// requiredLits lists literals one of which every match of re contains
// (anywhere in the match). ok is false when no such list is known.
func requiredLits(re *syntax.Regexp) (lits []lit, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if re.Flags&syntax.FoldCase != 0 {
			return []lit{{strings.ToLower(s), true}}, true
		}
		return []lit{{s, false}}, true
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
				lits = append(lits, lit{string(r), false})
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
		for _, s := range re.Sub {
			l, ok := requiredLits(s)
			if !ok {
				continue
			}
			if q := litsQuality(l); !found || q > best {
				found, best, lits = true, q, l
			}
		}
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
