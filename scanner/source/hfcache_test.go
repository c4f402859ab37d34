package source_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/carveout/carveout/scanner/source"
	"github.com/carveout/carveout/scanner/source/sourcetest"
)

const fixtureSHA = "0123456789abcdef0123456789abcdef01234567"

func TestConformanceHFCache(t *testing.T) {
	fx := sourcetest.Standard()
	sourcetest.RunConformance(t, func(t *testing.T) source.Source {
		cache := t.TempDir()
		sourcetest.WriteHFCache(t, cache, "org/fixture", fixtureSHA, fx.Files)
		srcs, err := source.NewHFCache(cache)
		if err != nil {
			t.Fatal(err)
		}
		if len(srcs) != 1 {
			t.Fatalf("%d sources, want 1", len(srcs))
		}
		return srcs[0]
	}, fx)
}

func TestHFCache(t *testing.T) {
	cache := t.TempDir()
	sourcetest.WriteHFCache(t, cache, "org/b-model", "bbbb", map[string][]byte{"config.json": []byte("{}")})
	sourcetest.WriteHFCache(t, cache, "org/a-model", "aaa2", map[string][]byte{"README.md": []byte("2")})
	sourcetest.WriteHFCache(t, cache, "org/a-model", "aaa1", map[string][]byte{"README.md": []byte("1")})
	sourcetest.WriteHFCache(t, cache, "gpt2", "cccc", map[string][]byte{"README.md": []byte("gpt2")})
	// Not models, or not complete.
	os.MkdirAll(filepath.Join(cache, "datasets--org--data", "snapshots", "x"), 0o755)
	os.MkdirAll(filepath.Join(cache, "models--org--partial", "blobs"), 0o755)
	os.WriteFile(filepath.Join(cache, "version.txt"), []byte("1"), 0o644)

	// A snapshot link escaping the model folder into another model's blobs,
	// and a link to a blob still being downloaded.
	snap := filepath.Join(cache, "models--org--b-model", "snapshots", "bbbb")
	os.Symlink("../../../models--org--a-model/refs/main", filepath.Join(snap, "escape.json"))
	os.Symlink("../../blobs/deadbeef.incomplete", filepath.Join(snap, "model.safetensors"))

	srcs, err := source.NewHFCache(cache)
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, s := range srcs {
		targets = append(targets, s.Target())
	}
	want := []string{"hf-cache:gpt2@cccc", "hf-cache:org/a-model@aaa1", "hf-cache:org/a-model@aaa2", "hf-cache:org/b-model@bbbb"}
	if len(targets) != len(want) {
		t.Fatalf("targets %q, want %q", targets, want)
	}
	for i := range want {
		if targets[i] != want[i] {
			t.Errorf("targets %q, want %q", targets, want)
		}
	}
	ctx := context.Background()
	md, _ := srcs[3].Metadata(ctx)
	if md.ID != "org/b-model" || md.Revision != "bbbb" {
		t.Errorf("Metadata = %+v", md)
	}
	files, problems, err := source.ListAll(ctx, srcs[3])
	if err != nil || len(files) != 1 || files[0].Path != "config.json" {
		t.Errorf("files = %v, %v", files, err)
	}
	if len(problems) != 2 || problems[0].Path != "escape.json" || !errors.Is(problems[0].Err, source.ErrUnsafePath) ||
		problems[1].Path != "model.safetensors" || !errors.Is(problems[1].Err, source.ErrNotFound) {
		t.Errorf("problems = %v", problems)
	}
	if _, err := srcs[3].Open(ctx, "escape.json", 0); !errors.Is(err, source.ErrUnsafePath) && !errors.Is(err, source.ErrNotFound) {
		t.Errorf("Open(escape.json) = %v", err)
	}
	b, err := srcs[0].ReadRange(ctx, "README.md", 0, 100)
	if err != nil || string(b) != "gpt2" {
		t.Errorf("ReadRange = %q, %v", b, err)
	}

	if _, err := source.NewHFCache(filepath.Join(cache, "nope")); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("NewHFCache(missing) = %v", err)
	}
}

func TestDefaultHFCacheDir(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HF_HUB_CACHE": "/c", "HF_HOME": "/h", "HOME": "/home/u"}, "/c"},
		{map[string]string{"HUGGINGFACE_HUB_CACHE": "/old", "HF_HOME": "/h"}, "/old"},
		{map[string]string{"HF_HOME": "/h", "HOME": "/home/u"}, filepath.Join("/h", "hub")},
		{map[string]string{"XDG_CACHE_HOME": "/x", "HOME": "/home/u"}, filepath.Join("/x", "huggingface", "hub")},
		{map[string]string{"HOME": "/home/u"}, filepath.Join("/home/u", ".cache", "huggingface", "hub")},
		{map[string]string{}, ""},
	} {
		got := source.DefaultHFCacheDir(func(k string) string { return tc.env[k] })
		if got != tc.want {
			t.Errorf("DefaultHFCacheDir(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}

// TestHFCacheBrokenSnapshots: a snapshot that links out of its model's
// folder, and a snapshots folder that cannot be read, are targets whose
// every read fails, never skipped.
func TestHFCacheBrokenSnapshots(t *testing.T) {
	cache := t.TempDir()
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "LICENSE"), []byte("non-commercial"), 0o644)
	sourcetest.WriteHFCache(t, cache, "org/ok", "aaaa", map[string][]byte{"README.md": []byte("ok")})
	snaps := filepath.Join(cache, "models--org--linked", "snapshots")
	os.MkdirAll(snaps, 0o755)
	os.Symlink(outside, filepath.Join(snaps, "bbbb"))
	locked := filepath.Join(cache, "models--org--locked", "snapshots")
	os.MkdirAll(filepath.Join(locked, "cccc"), 0o755)
	os.Chmod(locked, 0)
	defer os.Chmod(locked, 0o755)
	unreadable := true
	if _, err := os.ReadDir(locked); err == nil {
		unreadable = false // running as root
	}

	srcs, err := source.NewHFCache(cache)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]error{}
	for _, s := range srcs {
		_, _, err := source.ListAll(context.Background(), s)
		got[s.Target()] = err
	}
	if err, ok := got["hf-cache:org/linked@bbbb"]; !ok || !errors.Is(err, source.ErrUnsafePath) {
		t.Errorf("snapshot linked out of its folder: %v (listed: %v), want ErrUnsafePath", err, ok)
	}
	if err, ok := got["hf-cache:org/locked"]; unreadable && (!ok || err == nil) {
		t.Errorf("unreadable snapshots folder: %v (listed: %v), want an error", err, ok)
	}
	if err := got["hf-cache:org/ok@aaaa"]; err != nil {
		t.Errorf("good snapshot: %v", err)
	}
}
