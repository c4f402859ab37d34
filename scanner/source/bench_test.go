package source_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carveout/carveout/internal/fakes/fakehub"
	"github.com/carveout/carveout/scanner/source"
)

// writeSparseCache lays out n models in an HF cache under dir, each with a
// card, a config, a license, a tokenizer and two 5 GB sparse shards.
func writeSparseCache(b *testing.B, dir string, n int) {
	b.Helper()
	for i := 0; i < n; i++ {
		repo := filepath.Join(dir, fmt.Sprintf("models--org%d--model-%d", i%37, i))
		sha := fmt.Sprintf("%040x", i+1)
		snap := filepath.Join(repo, "snapshots", sha)
		blobs := filepath.Join(repo, "blobs")
		for _, d := range []string{snap, blobs, filepath.Join(repo, "refs")} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				b.Fatal(err)
			}
		}
		os.WriteFile(filepath.Join(repo, "refs", "main"), []byte(sha), 0o644)
		files := map[string]int64{"README.md": -1, "config.json": -1, "LICENSE": -1, "tokenizer.json": -1,
			"model-00001-of-00002.safetensors": 5 << 30, "model-00002-of-00002.safetensors": 5 << 30}
		j := 0
		for name, size := range files {
			blob := filepath.Join(blobs, fmt.Sprintf("%064x", i*10+j))
			j++
			f, err := os.Create(blob)
			if err != nil {
				b.Fatal(err)
			}
			if size < 0 {
				f.WriteString("---\nlicense: apache-2.0\n---\n")
			} else if err := f.Truncate(size); err != nil {
				b.Skip("no sparse files:", err)
			}
			f.Close()
			if err := os.Symlink(filepath.Join("..", "..", "blobs", filepath.Base(blob)), filepath.Join(snap, name)); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkHFCache500 finds and lists every snapshot of a 500-model cache.
func BenchmarkHFCache500(b *testing.B) {
	dir := b.TempDir()
	writeSparseCache(b, dir, 500)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		srcs, err := source.NewHFCache(dir)
		if err != nil {
			b.Fatal(err)
		}
		if len(srcs) != 500 {
			b.Fatalf("%d sources", len(srcs))
		}
		files := 0
		for _, s := range srcs {
			fs, problems, err := source.ListAll(ctx, s)
			if err != nil || len(problems) != 0 {
				b.Fatal(err, problems)
			}
			files += len(fs)
		}
		if files != 3000 {
			b.Fatalf("%d files", files)
		}
	}
}

// each calls fn for i in [0,n) on at most workers goroutines and returns
// the first error.
func each(ctx context.Context, n, workers int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return first
}

func benchHub(b *testing.B, workers int) {
	var repos []fakehub.Repo
	for i := 0; i < 100; i++ {
		repos = append(repos, fakehub.Repo{
			ID:       fmt.Sprintf("org/model-%d", i),
			Files:    map[string][]byte{"README.md": []byte("---\nlicense: mit\n---\n"), "config.json": []byte("{}")},
			CardData: map[string]any{"license": "mit"},
		})
	}
	srv := fakehub.New(repos...)
	defer srv.Close()
	srv.SetLatency(50 * time.Millisecond)
	cfg := source.HubConfig{Endpoint: srv.Endpoint(), Client: srv.Client()}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := each(ctx, len(repos), workers, func(ctx context.Context, j int) error {
			src, err := source.NewHub(ctx, repos[j].ID, "", cfg)
			if err != nil {
				return err
			}
			_, err = src.List(ctx)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(srv.Requests())/float64(b.N), "requests/op")
}

// BenchmarkHub100Sequential fetches the info and file list of 100 models,
// one after the other, from a fake Hub answering in 50 ms.
func BenchmarkHub100Sequential(b *testing.B) { benchHub(b, 1) }

// BenchmarkHub100Pool8 does the same with 8 workers.
func BenchmarkHub100Pool8(b *testing.B) { benchHub(b, 8) }

// BenchmarkHubListingCap: a Hub listing far more entries than the cap in
// one 24 MB page: the client streams the page and stops at the cap (the
// page is made once, so -benchmem counts the client's work only).
func BenchmarkHubListingCap(b *testing.B) {
	srv := fakehub.New(fakehub.Repo{ID: "org/m", Files: map[string][]byte{"README.md": []byte("x")}})
	defer srv.Close()
	var page strings.Builder
	page.WriteString("[")
	for i := 0; i < 400000; i++ {
		if i > 0 {
			page.WriteString(",")
		}
		fmt.Fprintf(&page, `{"type":"file","oid":"0","size":1,"path":"d/%07d.txt"}`, i)
	}
	page.WriteString("]")
	srv.Inject("org/m", fakehub.KindTree, "", fakehub.Fault{Body: []byte(page.String())})
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		src, err := source.NewHub(ctx, "org/m", "", source.HubConfig{Endpoint: srv.Endpoint(), Client: srv.Client(), MaxListEntries: 200000})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := src.List(ctx); err == nil {
			b.Fatal("no error past the cap")
		}
	}
}
