// Package corpus finds the reference corpus for tests: ../shared/corpus
// beside the module root. Locally a test without it is skipped with a
// message; in CI (CI set in the environment) its absence fails the test,
// so a CI run can never pass by skipping the corpus.
package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

// Path returns the corpus folder and whether it is there.
func Path() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
	c := filepath.Join(filepath.Dir(dir), "shared", "corpus")
	if _, err := os.Stat(filepath.Join(c, "licenses", "EXPECTED.tsv")); err != nil {
		return c, false
	}
	return c, true
}

// Dir returns the corpus folder, or skips tb (fails it under CI) when the
// corpus is absent.
func Dir(tb testing.TB) string {
	tb.Helper()
	c, ok := Path()
	if !ok {
		if Required() {
			tb.Fatalf("reference corpus not found at %s: it is required in CI (CI is set)", c)
		}
		tb.Skipf("reference corpus not found at %s (it lives beside the project, in ../shared/corpus): skipping", c)
	}
	return c
}

// Required reports whether a missing corpus is a failure (in CI).
func Required() bool { return os.Getenv("CI") != "" }

// Skipf skips tb for want of the corpus, or fails it under CI: the one way
// a test says the corpus is absent.
func Skipf(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if Required() {
		tb.Fatalf(format+" (the corpus is required in CI)", args...)
	}
	tb.Skipf(format, args...)
}
