package source_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carveout/carveout/scanner/source"
	"github.com/carveout/carveout/scanner/source/sourcetest"
)

func TestConformanceDir(t *testing.T) {
	fx := sourcetest.Standard()
	sourcetest.RunConformance(t, func(t *testing.T) source.Source {
		dir := t.TempDir()
		sourcetest.WriteDir(t, dir, fx.Files)
		// Things List must skip.
		sourcetest.WriteDir(t, dir, map[string][]byte{
			".git/config": []byte("[core]\n"),
			".cache/huggingface/download/README.md.metadata": []byte("x\n"),
		})
		src, err := source.NewDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		return src
	}, fx)
}

func TestConformanceMemory(t *testing.T) {
	fx := sourcetest.Standard()
	sourcetest.RunConformance(t, func(t *testing.T) source.Source {
		return source.NewMemory("mem:fixture", fx.Files, &source.Metadata{ID: "org/fixture"})
	}, fx)
}

func TestDirSymlinks(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sourcetest.WriteDir(t, dir, map[string][]byte{
		"a.txt":       []byte("a"),
		"sub/b.txt":   []byte("bb"),
		".git/HEAD":   []byte("ref: refs/heads/main\n"),
		"sub/.git/x":  []byte("x"),
		"other/c.txt": []byte("ccc"),
	})
	links := map[string]string{
		"link-to-a":      "a.txt",                               // followed
		"sub/up":         "..",                                  // loop to an enclosing directory
		"escape":         filepath.Join(outside, "secret"),      // absolute, outside
		"escape-rel":     "../" + filepath.Base(outside),        // relative dir outside (maybe)
		"broken":         "does-not-exist",                      // broken
		"loop1":          "loop2",                               // link loop
		"loop2":          "loop1",                               // link loop
		"sub/otherlink":  "../other",                            // directory inside: followed
		"sub/to-git":     "../.git",                             // into .git: skipped as .git? no: listed under its name
		"self":           "self",                                // self loop
		"escape-via-sub": "sub/../../" + filepath.Base(outside), // escapes
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	src, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	files, problems, err := source.ListAll(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Path)
	}
	want := "a.txt link-to-a other/c.txt sub/b.txt sub/otherlink/c.txt sub/to-git/HEAD"
	if strings.Join(got, " ") != want {
		t.Errorf("files:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	byPath := map[string]source.Problem{}
	for _, p := range problems {
		byPath[p.Path] = p
		t.Logf("problem %s", p)
	}
	for p, wantErr := range map[string]error{
		"sub/up":         source.ErrSymlinkLoop,
		"escape":         source.ErrUnsafePath,
		"escape-rel":     source.ErrUnsafePath,
		"escape-via-sub": source.ErrUnsafePath,
		"broken":         source.ErrNotFound,
		"loop1":          source.ErrSymlinkLoop,
		"loop2":          source.ErrSymlinkLoop,
		"self":           source.ErrSymlinkLoop,
	} {
		pr, ok := byPath[p]
		if !ok {
			t.Errorf("no problem reported for %s", p)
			continue
		}
		if !errors.Is(pr.Err, wantErr) {
			t.Errorf("%s: problem %v, want %v", p, pr, wantErr)
		}
	}
	if len(problems) != 8 {
		t.Errorf("%d problems, want 8", len(problems))
	}
	// List alone returns the same files.
	files2, err := src.List(ctx)
	if err != nil || len(files2) != len(files) {
		t.Errorf("List = %d files, %v", len(files2), err)
	}
	for p, wantErr := range map[string]error{
		"escape":         source.ErrUnsafePath,
		"escape-via-sub": source.ErrUnsafePath,
		"loop1":          source.ErrSymlinkLoop,
		"broken":         source.ErrNotFound,
		".git/HEAD":      source.ErrNotFound,
		"sub/.git/x":     source.ErrNotFound,
	} {
		if _, err := src.Open(ctx, p, 0); !errors.Is(err, wantErr) {
			t.Errorf("Open(%s) = %v, want %v", p, err, wantErr)
		}
		if _, err := src.ReadRange(ctx, p, 0, 1); !errors.Is(err, wantErr) {
			t.Errorf("ReadRange(%s) = %v, want %v", p, err, wantErr)
		}
	}
	b, err := src.ReadRange(ctx, "sub/otherlink/c.txt", 1, 10)
	if err != nil || string(b) != "cc" {
		t.Errorf("ReadRange through a directory link = %q, %v", b, err)
	}
}

func TestDirSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	sourcetest.WriteDir(t, dir, map[string][]byte{"a": []byte("a")})
	if err := mkfifo(filepath.Join(dir, "fifo")); err != nil {
		t.Skip("no fifo:", err)
	}
	src, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, problems, err := source.ListAll(context.Background(), src)
	if err != nil || len(files) != 1 || len(problems) != 1 || problems[0].Path != "fifo" {
		t.Fatalf("ListAll = %v, %v, %v", files, problems, err)
	}
	// Opening a fifo must fail at once, not block.
	if _, err := src.Open(context.Background(), "fifo", 1); err == nil {
		t.Error("Open(fifo): no error")
	}
}

func TestDirErrors(t *testing.T) {
	if _, err := source.NewDir(filepath.Join(t.TempDir(), "nope")); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("NewDir(missing) = %v, want ErrNotFound", err)
	}
	f := filepath.Join(t.TempDir(), "f")
	os.WriteFile(f, nil, 0o644)
	if _, err := source.NewDir(f); err == nil {
		t.Error("NewDir(file): no error")
	}
	dir := t.TempDir()
	sourcetest.WriteDir(t, dir, map[string][]byte{"sub/x": []byte("x")})
	src, _ := source.NewDir(dir)
	if _, err := src.Open(context.Background(), "sub", 0); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("Open(dir) = %v, want ErrNotFound", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := src.List(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("List(cancelled) = %v", err)
	}
}

// TestDirGiantFile checks that a sparse 1 TiB file is listed and read
// in bounded pieces.
func TestDirGiantFile(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "huge.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("GGUF")
	if err := f.Truncate(1 << 40); err != nil {
		t.Skip("no sparse files:", err)
	}
	f.Close()
	src, _ := source.NewDir(dir)
	ctx := context.Background()
	files, err := src.List(ctx)
	if err != nil || len(files) != 1 || files[0].Size != 1<<40 {
		t.Fatalf("List = %v, %v", files, err)
	}
	rc, err := src.Open(ctx, "huge.gguf", 4)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "GGUF" {
		t.Errorf("Open(4) = %q", b)
	}
	b, err = src.ReadRange(ctx, "huge.gguf", 1<<40-2, 1<<62)
	if err != nil || len(b) != 2 {
		t.Errorf("ReadRange at the end = %d bytes, %v", len(b), err)
	}
}

func TestNewFile(t *testing.T) {
	dir := t.TempDir()
	sourcetest.WriteDir(t, dir, map[string][]byte{"README.md": []byte("# card\n"), "other": []byte("x")})
	src, err := source.NewFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	files, err := src.List(ctx)
	if err != nil || len(files) != 1 || files[0].Path != "README.md" || files[0].Size != 7 {
		t.Fatalf("List = %v, %v", files, err)
	}
	if b, err := src.ReadRange(ctx, "README.md", 2, 4); err != nil || string(b) != "card" {
		t.Errorf("ReadRange = %q, %v", b, err)
	}
	if _, err := src.Open(ctx, "other", 0); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("Open(other) = %v, want ErrNotFound", err)
	}
	if _, err := src.Open(ctx, "../README.md", 0); !errors.Is(err, source.ErrUnsafePath) {
		t.Errorf("Open(../) = %v, want ErrUnsafePath", err)
	}
	if _, err := source.NewFile(dir); err == nil {
		t.Error("NewFile(dir): no error")
	}
	// A symlinked file is read where it points, under its own name.
	link := filepath.Join(t.TempDir(), "model.gguf")
	os.Symlink(filepath.Join(dir, "other"), link)
	src, err = source.NewFile(link)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := src.ReadRange(ctx, "model.gguf", 0, 10); err != nil || string(b) != "x" {
		t.Errorf("ReadRange(symlinked file) = %q, %v", b, err)
	}
}

func TestCleanPath(t *testing.T) {
	for p, want := range map[string]string{
		"a":       "a",
		"a/b":     "a/b",
		"./a":     "a",
		"a/../b":  "b",
		"a//b":    "a/b",
		"../a":    "",
		"/a":      "",
		"":        "",
		".":       "",
		"a/../..": "",
		"a\\b":    "",
	} {
		got, err := source.CleanPath(p)
		if want == "" {
			if !errors.Is(err, source.ErrUnsafePath) {
				t.Errorf("CleanPath(%q) = %q, %v; want ErrUnsafePath", p, got, err)
			}
			continue
		}
		if got != want || err != nil {
			t.Errorf("CleanPath(%q) = %q, %v; want %q", p, got, err, want)
		}
	}
}

func FuzzCleanPath(f *testing.F) {
	for _, s := range []string{"a", "a/b", "../a", "/a", "a/../../b", "a\\b", "./a", "a//b", "C:/x", "a\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		q, err := source.CleanPath(p)
		if err != nil {
			if !errors.Is(err, source.ErrUnsafePath) {
				t.Fatalf("CleanPath(%q): %v is not ErrUnsafePath", p, err)
			}
			return
		}
		if q == "" || q == "." || strings.HasPrefix(q, "/") || q == ".." || strings.HasPrefix(q, "../") || strings.Contains(q, "\\") {
			t.Fatalf("CleanPath(%q) = %q", p, q)
		}
		for _, seg := range strings.Split(q, "/") {
			if seg == ".." || seg == "." || seg == "" {
				t.Fatalf("CleanPath(%q) = %q", p, q)
			}
		}
		if !filepath.IsLocal(filepath.FromSlash(q)) {
			t.Fatalf("CleanPath(%q) = %q is not local", p, q)
		}
	})
}
