//go:build unix

package scanner

import (
	"context"
	"testing"
	"time"

	"github.com/carveout/carveout/internal/benchfix"
	"github.com/carveout/carveout/scanner/source"
)

// cpuTime is the CPU (user + system) this process has used.
func cpuTime(tb testing.TB) time.Duration {
	d, err := benchfix.CPU()
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// BenchmarkHFCache1000 scans a generated Hugging Face cache of 1,000
// models as `carveout scan --hf-cache` does (4 workers) and reports its
// CPU beside the floor's on the same files in the same run: walking,
// reading and hashing every word and 5-word shingle (benchfix.Floor).
// Goal (issue 14): x-floor ≤ 3.
func BenchmarkHFCache1000(b *testing.B) {
	cache := b.TempDir()
	if err := benchfix.HFCache(cache, 1000, cacheKinds(b)); err != nil {
		b.Fatal(err)
	}
	// Warm the page cache and the one-time tables, as a second run would.
	benchfix.Floor(cache)
	var floor, scan time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := cpuTime(b)
		if files, _, err := benchfix.Floor(cache); err != nil || files != 4000 {
			b.Fatalf("floor: %d files, %v", files, err)
		}
		t1 := cpuTime(b)
		srcs, err := source.NewHFCache(cache)
		if err != nil || len(srcs) != 1000 {
			b.Fatalf("%d snapshots, %v", len(srcs), err)
		}
		Each(context.Background(), len(srcs), 4, func(ctx context.Context, j int) {
			r, err := Scan(ctx, srcs[j], Options{Lineage: TableResolver{}, Kind: "hf-cache"})
			if err != nil || len(r.Licenses) == 0 {
				b.Errorf("%s: %v (%d licenses)", srcs[j].Target(), err, len(r.Licenses))
			}
		})
		floor += t1 - t0
		scan += cpuTime(b) - t1
	}
	b.ReportMetric(float64(scan.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(floor.Microseconds())/1000/float64(b.N), "floor-cpu-ms/op")
	b.ReportMetric(float64(scan)/float64(floor), "x-floor")
}
