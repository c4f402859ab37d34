package scanner

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/carveout/carveout/scanner/source"
)

// writeSparseModel writes a repository with a model card and a 50 GiB
// sparse safetensors file and GGUF file (only their headers hold data).
func writeSparseModel(tb testing.TB) string {
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("---\nlicense: llama3.1\nbase_model: meta-llama/Llama-3.1-8B\n---\n# Big model\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	const size = 50 << 30
	hdr := []byte(`{"__metadata__":{"format":"pt","license":"llama3.1"},"w":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}`)
	f, err := os.Create(filepath.Join(dir, "model-00001-of-00001.safetensors"))
	if err != nil {
		tb.Fatal(err)
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
	f.Write(n[:])
	f.Write(hdr)
	if err := f.Truncate(size); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	g, err := os.Create(filepath.Join(dir, "model.Q8_0.gguf"))
	if err != nil {
		tb.Fatal(err)
	}
	put := func(v any) { binary.Write(g, binary.LittleEndian, v) }
	str := func(s string) { put(uint64(len(s))); g.Write([]byte(s)) }
	g.Write([]byte("GGUF"))
	put(uint32(3))
	put(uint64(0))
	put(uint64(1))
	str("general.license")
	put(uint32(8))
	str("llama3.1")
	if err := g.Truncate(size); err != nil {
		tb.Fatal(err)
	}
	g.Close()
	return dir
}

// countingSource counts the bytes read through a source.
type countingSource struct {
	source.Source
	read int64
}

func (c *countingSource) ReadRange(ctx context.Context, p string, off, n int64) ([]byte, error) {
	b, err := c.Source.ReadRange(ctx, p, off, n)
	atomic.AddInt64(&c.read, int64(len(b))) // weight headers are read in parallel
	return b, err
}

// BenchmarkScanSparse50GiB scans a folder with two 50 GiB sparse weight
// files and a model card; the weights' bytes read stay bounded.
func BenchmarkScanSparse50GiB(b *testing.B) {
	dir := writeSparseModel(b)
	b.ResetTimer()
	var read int64
	for i := 0; i < b.N; i++ {
		src, err := source.NewDir(dir)
		if err != nil {
			b.Fatal(err)
		}
		cs := &countingSource{Source: src}
		r, err := Scan(context.Background(), cs, Options{Lineage: TableResolver{}})
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Licenses) == 0 {
			b.Fatal("no license found")
		}
		read = cs.read
	}
	b.ReportMetric(float64(read), "weight-bytes-read/op")
}

// TestSparseHeaderBound: the 50 GiB files are read only up to a bounded
// header (one 64 KiB chunk each).
func TestSparseHeaderBound(t *testing.T) {
	dir := writeSparseModel(t)
	src, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	cs := &countingSource{Source: src}
	r, err := Scan(context.Background(), cs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cs.read > 2*64<<10 {
		t.Fatalf("read %d bytes of weights, want at most 128 KiB", cs.read)
	}
	found := false
	for _, f := range r.Files {
		if f.Kind == KindWeights && f.Metadata["general.license"] == "llama3.1" {
			found = true
		}
	}
	if !found {
		t.Fatalf("GGUF license metadata not reported: %+v", r.Files)
	}
}

// BenchmarkScanHFCache500 scans a generated Hugging Face cache of 500
// models (card, license reference, config and a 10 GiB sparse safetensors
// shard each) with 4 workers, as `carveout scan --hf-cache` does.
func BenchmarkScanHFCache500(b *testing.B) {
	cache := b.TempDir()
	hdr := []byte(`{"__metadata__":{"format":"pt"},"w":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}`)
	for i := 0; i < 500; i++ {
		sha := fmt.Sprintf("%040x", i+1)
		snap := filepath.Join(cache, fmt.Sprintf("models--org%d--model%d", i%17, i), "snapshots", sha)
		if err := os.MkdirAll(snap, 0o755); err != nil {
			b.Fatal(err)
		}
		lic := []string{"mit", "apache-2.0", "llama3.1", "gemma", "cc-by-nc-4.0"}[i%5]
		os.WriteFile(filepath.Join(snap, "README.md"), []byte("---\nlicense: "+lic+"\nbase_model: meta-llama/Llama-3.1-8B\n---\n# Model\n"), 0o644)
		os.WriteFile(filepath.Join(snap, "LICENSE"), []byte("This model is released under the MIT License.\n"), 0o644)
		os.WriteFile(filepath.Join(snap, "config.json"), []byte(`{"model_type":"llama"}`), 0o644)
		f, err := os.Create(filepath.Join(snap, "model.safetensors"))
		if err != nil {
			b.Fatal(err)
		}
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
		f.Write(n[:])
		f.Write(hdr)
		f.Truncate(10 << 30)
		f.Close()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		srcs, err := source.NewHFCache(cache)
		if err != nil {
			b.Fatal(err)
		}
		if len(srcs) != 500 {
			b.Fatalf("%d snapshots, want 500", len(srcs))
		}
		Each(context.Background(), len(srcs), 4, func(ctx context.Context, j int) {
			if _, err := Scan(ctx, srcs[j], Options{Lineage: TableResolver{}, Kind: "hf-cache"}); err != nil {
				b.Error(err)
			}
		})
	}
}
