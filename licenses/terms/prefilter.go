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
}

func newFiltered(expr string) filtered {
	f := filtered{re: regexp.MustCompile(expr)}
	if p, err := syntax.Parse(expr, syntax.Perl); err == nil {
		if lits, fold, ok := leadingLiterals(p); ok {
			f.lits, f.fold = lits, fold
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
