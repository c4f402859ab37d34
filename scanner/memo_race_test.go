package scanner

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/carveout/carveout/internal/benchfix"
	"github.com/carveout/carveout/internal/corpus"
	"github.com/carveout/carveout/scanner/source"
)

// Identifications are shared by every scan in the process that meets the
// same text (licenses' memo). Models scanned concurrently that share their
// license texts must give the reports they give alone: no scan may modify
// what it was handed (run with -race, as CI does).
func TestSharedIdentificationsConcurrent(t *testing.T) {
	cache := t.TempDir()
	kinds := cacheKinds(t)
	if err := benchfix.HFCache(cache, 20, kinds); err != nil {
		t.Fatal(err)
	}
	srcs, err := source.NewHFCache(cache)
	if err != nil || len(srcs) != 20 {
		t.Fatalf("%d snapshots, %v", len(srcs), err)
	}
	scan := func(s source.Source) string {
		r, err := Scan(context.Background(), s, Options{Lineage: TableResolver{}, Kind: "hf-cache"})
		if err != nil {
			t.Error(err)
			return ""
		}
		b, _ := json.Marshal(r)
		return string(b)
	}
	got := make([]string, len(srcs))
	Each(context.Background(), len(srcs), 8, func(ctx context.Context, j int) { got[j] = scan(srcs[j]) })
	for j, s := range srcs {
		if want := scan(s); got[j] != want {
			t.Errorf("%s: concurrent scan differs from a scan alone", s.Target())
		}
	}
}

// cacheKinds are the models of the generated caches: five licenses, their
// texts from the reference corpus, as real caches share a handful.
func cacheKinds(tb testing.TB) []benchfix.Model {
	kinds, err := benchfix.CorpusModels(corpus.Dir(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return kinds
}
