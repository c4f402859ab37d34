package licenses

import (
	"strings"
	"testing"
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
