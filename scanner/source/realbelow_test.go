package source

import (
	"os"
	"path/filepath"
	"testing"
)

// realBelow takes a path below the allowed folder as real only when no
// component between them is a symlink.
func TestRealBelow(t *testing.T) {
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"repo/blobs/deep", "elsewhere"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	repo := filepath.Join(root, "repo")
	if err := os.Symlink(filepath.Join(root, "elsewhere"), filepath.Join(repo, "link")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	for _, c := range []struct {
		p  string
		ok bool
	}{
		{repo, true},
		{filepath.Join(repo, "blobs"), true},
		{filepath.Join(repo, "blobs", "deep"), true},
		{filepath.Join(repo, "link"), false},       // a symlink
		{filepath.Join(repo, "missing"), false},    // not there
		{filepath.Join(root, "elsewhere"), false},  // not below
		{filepath.Join(root, "repository"), false}, // a sibling sharing the prefix
		{filepath.Join(repo, "link", "x"), false},  // through a symlink
	} {
		got, ok := realBelow(repo, c.p)
		if ok != c.ok || ok && got != c.p {
			t.Errorf("realBelow(repo, %s) = %q, %v; want ok %v", c.p, got, ok, c.ok)
		}
		if ok {
			if ev, err := filepath.EvalSymlinks(c.p); err != nil || ev != got {
				t.Errorf("%s: EvalSymlinks gives %q (%v), realBelow %q", c.p, ev, err, got)
			}
		}
	}
}
