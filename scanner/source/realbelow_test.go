package source

import (
	"os"
	"path"
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

// childPaths joins as path.Join and filepath.Join do for a clean folder
// and an entry name.
func TestChildPaths(t *testing.T) {
	for _, c := range []struct{ rel, dir, name string }{
		{"", "/repo", "README.md"},
		{"sub", "/repo/sub", "x.txt"},
		{"a/b", "/r/a/b", ".hidden"},
		{"", "/", "etc"},
		{"", filepath.Join(os.TempDir(), "snap"), "LICENSE"},
	} {
		relp, full := childPaths(c.rel, c.dir, c.name)
		if want := path.Join(c.rel, c.name); relp != want {
			t.Errorf("%+v: rel %q, want %q", c, relp, want)
		}
		if want := filepath.Join(c.dir, c.name); full != want {
			t.Errorf("%+v: full %q, want %q", c, full, want)
		}
	}
}
