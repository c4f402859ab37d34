package main

import (
	"os"
	"path/filepath"
	"strings"
)

// modelRoots maps the file names pre-commit passes to `check` onto the
// model repositories they belong to: a folder stays itself; a file goes to
// the nearest folder above it, up to the working directory, that holds a
// model card (README.md), else to the working directory. Remote targets
// and paths that do not exist are kept as given (the scan reports them).
// The result keeps the order of first appearance, without duplicates.
func modelRoots(args []string) []string {
	cwd, _ := os.Getwd()
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, a := range args {
		if strings.HasPrefix(a, "hf:") || strings.HasPrefix(a, "gh:") {
			add(a)
			continue
		}
		fi, err := os.Stat(a)
		if err != nil || fi.IsDir() {
			add(a)
			continue
		}
		add(cardRoot(filepath.Dir(a), cwd))
	}
	return out
}

// cardRoot is the nearest folder from dir up to stop (the working
// directory) that has a README.md; stop when none has. A dir outside stop
// is its own root. Folders inside stop are given relative to it.
func cardRoot(dir, stop string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	inside := func(d string) (string, bool) {
		r, err := filepath.Rel(stop, d)
		return r, err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
	}
	show := func(d string) string {
		if r, ok := inside(d); ok {
			return r
		}
		return d
	}
	if _, ok := inside(abs); !ok {
		return abs
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "README.md")); err == nil {
			return show(d)
		}
		if d == stop || d == filepath.Dir(d) {
			return show(stop)
		}
	}
}
