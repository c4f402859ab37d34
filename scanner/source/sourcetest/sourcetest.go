// Package sourcetest holds the conformance suite every source.Source must
// pass, the fixture repository it runs on, and helpers that lay a fixture
// out on disk (as a folder or as a Hugging Face cache snapshot). It imports
// "testing" and is meant for tests only.
package sourcetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"testing"

	"github.com/carveout/carveout/scanner/source"
)

// Fixture is a repository: its files and what the service says about it.
type Fixture struct {
	Files map[string][]byte
	// Big is the path of a large file in Files used to check that reads are
	// bounded; "" to skip.
	Big string
	// Served, when not nil, returns the number of file bytes a fake server
	// has sent so far; the suite checks that bounded reads of Big do not
	// download it.
	Served func() int64
}

// BigSize is the size of the fixture's weight file.
const BigSize = 4 << 20

// Card is the fixture's model card.
const Card = `---
license: llama3.1
license_name: llama3.1
license_link: LICENSE
base_model: meta-llama/Llama-3.1-8B
tags:
- text-generation
---
# Fixture model

A model used by the tests of carveout.
`

// Standard returns the fixture repository every source is tested with: a
// model card, license and notice files, configs in a subfolder and a 4 MiB
// "safetensors" file with a small header.
func Standard() Fixture {
	big := make([]byte, BigSize)
	hdr := []byte(`{"__metadata__":{"license":"llama3.1"},"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`)
	var n [8]byte
	for i := 0; i < 8; i++ {
		n[i] = byte(uint64(len(hdr)) >> (8 * i))
	}
	copy(big, n[:])
	copy(big[8:], hdr)
	for i := 8 + len(hdr); i < len(big); i++ {
		big[i] = byte(i * 7)
	}
	return Fixture{
		Files: map[string][]byte{
			"README.md":                         []byte(Card),
			"LICENSE":                           []byte("LLAMA 3.1 COMMUNITY LICENSE AGREEMENT (fixture stand-in)\n"),
			"NOTICE":                            []byte("Llama 3.1 is licensed under the Llama 3.1 Community License.\n"),
			"config.json":                       []byte(`{"architectures":["LlamaForCausalLM"],"model_type":"llama"}` + "\n"),
			"original/params.json":              []byte(`{"dim":4096}` + "\n"),
			"adapters/lora/adapter_config.json": []byte(`{"base_model_name_or_path":"meta-llama/Llama-3.1-8B"}` + "\n"),
			"model.safetensors":                 big,
			"empty.txt":                         {},
		},
		Big: "model.safetensors",
	}
}

// Paths returns the fixture's paths, sorted.
func (f Fixture) Paths() []string {
	var ps []string
	for p := range f.Files {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// WriteDir writes the fixture's files under dir.
func WriteDir(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for p, b := range files {
		name := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// WriteHFCache lays files out in the Hugging Face cache at cache as the
// snapshot sha of model id (org/name): blobs named by a fake content hash in
// models--org--name/blobs, relative symlinks in snapshots/<sha>/, and
// refs/main holding sha. It returns the snapshot directory.
func WriteHFCache(t testing.TB, cache, id, sha string, files map[string][]byte) string {
	t.Helper()
	repo := filepath.Join(cache, "models--"+replaceSlash(id))
	snap := filepath.Join(repo, "snapshots", sha)
	blobs := filepath.Join(repo, "blobs")
	for _, d := range []string{snap, blobs, filepath.Join(repo, "refs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(repo, "refs", "main"), []byte(sha), 0o644); err != nil {
		t.Fatal(err)
	}
	for p, b := range files {
		blob := fmt.Sprintf("%x", fnv(p, b))
		if err := os.WriteFile(filepath.Join(blobs, blob), b, 0o644); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(snap, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			t.Fatal(err)
		}
		rel, err := filepath.Rel(filepath.Dir(link), filepath.Join(blobs, blob))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(rel, link); err != nil {
			t.Fatal(err)
		}
	}
	return snap
}

func replaceSlash(id string) string {
	out := []byte{}
	for i := 0; i < len(id); i++ {
		if id[i] == '/' {
			out = append(out, '-', '-')
		} else {
			out = append(out, id[i])
		}
	}
	return string(out)
}

func fnv(p string, b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range append([]byte(p+"\x00"), b...) {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// RunConformance checks that the source made by newSource serves exactly the fixture:
// List, Open (whole and bounded), ReadRange (inside, at and past the end),
// unsafe paths rejected with source.ErrUnsafePath, missing files with
// source.ErrNotFound, and bounded reads of the big file.
func RunConformance(t *testing.T, newSource func(t *testing.T) source.Source, want Fixture) {
	ctx := context.Background()
	t.Run("List", func(t *testing.T) {
		src := newSource(t)
		if src.Target() == "" {
			t.Error("Target is empty")
		}
		files, err := src.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range files {
			got = append(got, f.Path)
			if b, ok := want.Files[f.Path]; ok && f.Size != -1 && f.Size != int64(len(b)) {
				t.Errorf("%s: size %d, want %d", f.Path, f.Size, len(b))
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want.Paths()) {
			t.Errorf("List:\n got %q\nwant %q", got, want.Paths())
		}
		if !sort.SliceIsSorted(files, func(i, j int) bool { return files[i].Path < files[j].Path }) {
			t.Error("List is not sorted by path")
		}
	})
	t.Run("Open", func(t *testing.T) {
		src := newSource(t)
		for _, p := range want.Paths() {
			if p == want.Big {
				continue
			}
			got := readAll(t, src, p, 0)
			if !bytes.Equal(got, want.Files[p]) {
				t.Errorf("Open(%s): got %q, want %q", p, got, want.Files[p])
			}
			got = readAll(t, src, p, 5)
			w := want.Files[p]
			if len(w) > 5 {
				w = w[:5]
			}
			if !bytes.Equal(got, w) {
				t.Errorf("Open(%s, 5): got %q, want %q", p, got, w)
			}
		}
	})
	t.Run("ReadRange", func(t *testing.T) {
		src := newSource(t)
		for _, p := range want.Paths() {
			b := want.Files[p]
			size := int64(len(b))
			for _, r := range [][2]int64{{0, 10}, {size / 2, 7}, {max(size-3, 0), 10}, {size, 5}, {size + 100, 5}, {0, 0}} {
				got, err := src.ReadRange(ctx, p, r[0], r[1])
				if err != nil {
					t.Errorf("ReadRange(%s, %d, %d): %v", p, r[0], r[1], err)
					continue
				}
				lo := min(r[0], size)
				hi := min(r[0]+r[1], size)
				if !bytes.Equal(got, b[lo:hi]) {
					t.Errorf("ReadRange(%s, %d, %d): got %d bytes %q, want %q", p, r[0], r[1], len(got), clip(got), clip(b[lo:hi]))
				}
			}
		}
		if _, err := src.ReadRange(ctx, want.Paths()[0], -1, 3); err == nil {
			t.Error("ReadRange with a negative offset: no error")
		}
	})
	t.Run("Bounded", func(t *testing.T) {
		if want.Big == "" {
			t.Skip("no big file")
		}
		src := newSource(t)
		var before int64
		if want.Served != nil {
			before = want.Served()
		}
		big := want.Files[want.Big]
		got := readAll(t, src, want.Big, 8)
		if !bytes.Equal(got, big[:8]) {
			t.Errorf("Open(%s, 8) = %x, want %x", want.Big, got, big[:8])
		}
		got, err := src.ReadRange(ctx, want.Big, 8, 64)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, big[8:72]) {
			t.Errorf("ReadRange(%s, 8, 64) = %q, want %q", want.Big, got, big[8:72])
		}
		got, err = src.ReadRange(ctx, want.Big, int64(len(big))-16, 1<<40)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, big[len(big)-16:]) {
			t.Errorf("ReadRange(%s, end-16, 1<<40) = %x", want.Big, got)
		}
		if want.Served != nil {
			if n := want.Served() - before; n > 1<<16 {
				t.Errorf("bounded reads of %s transferred %d bytes", want.Big, n)
			}
		}
	})
	t.Run("UnsafePaths", func(t *testing.T) {
		src := newSource(t)
		for _, p := range []string{"../outside", "/etc/passwd", "a/../../outside", "..", "", "sub\\..\\..\\x", "a\x00b"} {
			if _, err := src.Open(ctx, p, 0); !errors.Is(err, source.ErrUnsafePath) {
				t.Errorf("Open(%q): err = %v, want ErrUnsafePath", p, err)
			}
			if _, err := src.ReadRange(ctx, p, 0, 1); !errors.Is(err, source.ErrUnsafePath) {
				t.Errorf("ReadRange(%q): err = %v, want ErrUnsafePath", p, err)
			}
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		src := newSource(t)
		for _, p := range []string{"missing.txt", "original/missing.json", "nodir/x"} {
			if _, err := src.Open(ctx, p, 0); !errors.Is(err, source.ErrNotFound) {
				t.Errorf("Open(%q): err = %v, want ErrNotFound", p, err)
			} else if !bytes.Contains([]byte(err.Error()), []byte(path.Base(p))) {
				t.Errorf("Open(%q): error %q does not name the file", p, err)
			}
			if _, err := src.ReadRange(ctx, p, 0, 1); !errors.Is(err, source.ErrNotFound) {
				t.Errorf("ReadRange(%q): err = %v, want ErrNotFound", p, err)
			}
		}
	})
	t.Run("Metadata", func(t *testing.T) {
		src := newSource(t)
		md, err := src.Metadata(ctx)
		if err != nil || md == nil {
			t.Fatalf("Metadata = %v, %v", md, err)
		}
	})
}

func readAll(t *testing.T, src source.Source, p string, limit int64) []byte {
	t.Helper()
	rc, err := src.Open(context.Background(), p, limit)
	if err != nil {
		t.Fatalf("Open(%s, %d): %v", p, limit, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", p, err)
	}
	return b
}

func clip(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}
