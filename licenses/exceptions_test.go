package licenses

import (
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses/internal/shingle"
)

// TestIdentifyWithException: a license text followed by an exception
// (heading and a sentence of it; the exception texts are not in the tree)
// is reported as "license WITH exception", its lines included, and not
// as a license plus an unknown text.
func TestIdentifyWithException(t *testing.T) {
	dir := idCorpusDir(t)
	for _, c := range []struct{ file, exception, want string }{
		{"apache-2.0.txt", "---- LLVM Exceptions to the Apache 2.0 License ----\n\nAs an exception, portions of this software embedded into an object form may be redistributed without the attribution conditions of the License.", "Apache-2.0 WITH LLVM-exception"},
		{"gpl-3.0.txt", "GCC RUNTIME LIBRARY EXCEPTION\n\nVersion 3.1\n\nThis exception grants permission to propagate a work of Target Code formed by combining the Runtime Library with Independent Modules.", "GPL-3.0-only WITH GCC-exception-3.1"},
	} {
		lic := string(idReadCorpus(t, dir, c.file))
		text := lic + "\n\n" + c.exception + "\n"
		got := Identify([]byte(text))
		if len(got) != 1 || got[0].ID != c.want {
			t.Errorf("%s + exception: got %s, want [%s]", c.file, idList(got), c.want)
			continue
		}
		if end := strings.Count(text, "\n"); got[0].Lines.End < end-1 {
			t.Errorf("%s + exception: lines %v, want through line %d", c.file, got[0].Lines, end)
		}
	}
	// Without the exception the license is itself.
	if got := Identify(idReadCorpus(t, dir, "apache-2.0.txt")); len(got) == 0 || got[0].ID != "Apache-2.0" {
		t.Errorf("apache-2.0.txt: got %s", idList(got))
	}
}

// findExceptions takes a phrase's first occurrence: on text no license
// explains it is an exception; on explained text it is part of that
// license, and a later copy does not make it one.
func TestFindExceptionsFirstOccurrence(t *testing.T) {
	phrase := "GCC Runtime Library Exception"
	toks := shingle.Tokenize([]byte("alpha beta " + phrase + " gamma delta " + phrase + " epsilon"))
	sh := shingle.Shingles(toks)
	in := shingle.Set(sh)
	n := len(toks)
	first, second := 2, 8 // where each copy starts
	for _, c := range []struct {
		name      string
		explained func(i int) bool
		want      int // first token of the hit, -1 for none
	}{
		{"nothing explained", func(int) bool { return false }, 0},
		{"first copy explained", func(i int) bool { return i >= first && i < first+4 }, -1},
		{"second copy explained", func(i int) bool { return i >= second && i < second+4 }, 0},
		{"all explained", func(int) bool { return true }, -1},
	} {
		ex := make([]bool, n)
		for i := range ex {
			ex[i] = c.explained(i)
		}
		hits := findExceptions(toks, in, ex)
		switch {
		case c.want < 0 && len(hits) != 0:
			t.Errorf("%s: hits %+v, want none", c.name, hits)
		case c.want >= 0 && (len(hits) != 1 || hits[0].id != "GCC-exception-3.1" || hits[0].first != c.want):
			t.Errorf("%s: hits %+v, want GCC-exception-3.1 from token %d", c.name, hits, c.want)
		}
	}
}
