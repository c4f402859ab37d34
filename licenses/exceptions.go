package licenses

import (
	"slices"
	"sync"

	"github.com/carveout/carveout/licenses/internal/shingle"
	"github.com/carveout/carveout/licenses/terms"
)

// exceptionPhrases are short identifying phrases of the texts of common
// SPDX license exceptions (additional permissions appended to a license:
// "Apache-2.0 WITH LLVM-exception"): their headings or the one sentence
// that says what they are. Facts about the texts, not the texts; the ids
// are the SPDX exception list's.
var exceptionPhrases = map[string][]string{
	"LLVM-exception":                 {"LLVM Exceptions to the Apache 2.0 License"},
	"Swift-exception":                {"Runtime Library Exception to the Apache 2.0 License"},
	"GCC-exception-3.1":              {"GCC Runtime Library Exception"},
	"Classpath-exception-2.0":        {"give you permission to link this library with independent modules to produce an executable", "subject to the Classpath exception"},
	"Linux-syscall-note":             {"does not cover user programs that use kernel services by normal system calls"},
	"Autoconf-exception-3.0":         {"Autoconf Configure Script Exception"},
	"Bison-exception-2.2":            {"you may create a larger work that contains part or all of the Bison parser skeleton"},
	"Font-exception-2.0":             {"if you create a document which uses this font"},
	"OpenJDK-assembly-exception-1.0": {"OpenJDK Assembly Exception"},
	"Qt-LGPL-exception-1.1":          {"Qt LGPL Exception version 1.1"},
	"WxWindows-exception-3.1":        {"wxWindows Library Licence"},
}

type exceptionPhrase struct {
	id    string
	words []shingle.Token
	// first is the hash of the phrase's first shingle, when it has one:
	// a text without that shingle does not hold the phrase.
	first    uint32
	hasFirst bool
}

var loadExceptionPhrases = sync.OnceValue(func() []exceptionPhrase {
	var out []exceptionPhrase
	for id, ps := range exceptionPhrases {
		for _, p := range ps {
			e := exceptionPhrase{id: id, words: shingle.Tokenize([]byte(p))}
			if sh := shingle.Shingles(e.words); len(sh) > 0 {
				e.first, e.hasFirst = sh[0], true
			}
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b exceptionPhrase) int { return len(b.words) - len(a.words) })
	return out
})

// exceptionHit is an exception found in a text: its id and the run of
// tokens around the phrase that no license explains (its text).
type exceptionHit struct {
	id          string
	first, last int
}

// findExceptions finds the exceptions whose phrase sits in text no
// license explains (in: the text's shingle set).
func findExceptions(toks []shingle.Token, in []uint32, explained []bool) []exceptionHit {
	var hits []exceptionHit
	for _, p := range loadExceptionPhrases() {
		if p.hasFirst && !inSet(in, p.first) {
			continue
		}
		at, ok := firstUnexplained(toks, p.words, explained)
		if !ok {
			continue
		}
		if _, earlier := phraseAt(toks[:at+len(p.words)-1], p.words); earlier {
			continue // its first occurrence is explained text
		}
		first, last := at, at
		for first > 0 && !explained[first-1] {
			first--
		}
		for last < len(toks)-1 && !explained[last+1] {
			last++
		}
		if slices.ContainsFunc(hits, func(h exceptionHit) bool { return h.first <= at && at <= h.last }) {
			continue
		}
		hits = append(hits, exceptionHit{id: p.id, first: first, last: last})
	}
	slices.SortFunc(hits, func(a, b exceptionHit) int { return a.first - b.first })
	return hits
}

// phraseAt returns the first token of the phrase in toks.
func phraseAt(toks, phrase []shingle.Token) (int, bool) {
	if len(phrase) == 0 {
		return 0, false
	}
outer:
	for i := 0; i+len(phrase) <= len(toks); i++ {
		for k, p := range phrase {
			if toks[i+k].Word != p.Word {
				continue outer
			}
		}
		return i, true
	}
	return 0, false
}

// inSet reports whether the sorted set holds h.
func inSet(set []uint32, h uint32) bool {
	_, ok := slices.BinarySearch(set, h)
	return ok
}

// firstUnexplained returns the first occurrence of the phrase in toks that
// starts on a token no license explains: most of a text is explained, so
// this reads few tokens.
func firstUnexplained(toks, phrase []shingle.Token, explained []bool) (int, bool) {
	if len(phrase) == 0 {
		return 0, false
	}
	for i := 0; i+len(phrase) <= len(toks); i++ {
		if explained[i] {
			continue
		}
		if at, ok := phraseAt(toks[i:i+len(phrase)], phrase); ok {
			return i + at, true
		}
	}
	return 0, false
}

func (h exceptionHit) lines(toks []shingle.Token) terms.Lines {
	return terms.Lines{Start: toks[h.first].Line, End: toks[h.last].Line}
}
