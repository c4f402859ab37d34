package scanner

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/carveout/carveout/internal/fakes/fakehub"
	"github.com/carveout/carveout/scanner/source"
)

// shardedRepo is a Hub repository with n safetensors shards whose headers
// carry a license; every fifth header is malformed.
func shardedRepo(n int) fakehub.Repo {
	files := map[string][]byte{"README.md": []byte("---\nlicense: apache-2.0\n---\n# Sharded model\n")}
	for i := 1; i <= n; i++ {
		hdr := []byte(fmt.Sprintf(`{"__metadata__":{"format":"pt","license":"apache-2.0","shard":"%d"},"w":{"dtype":"BF16","shape":[1],"data_offsets":[0,4096]}}`, i))
		if i%5 == 0 {
			hdr = hdr[:len(hdr)/2] // cut short: malformed
		}
		var b []byte
		b = binary.LittleEndian.AppendUint64(b, uint64(len(hdr)))
		b = append(b, hdr...)
		b = append(b, make([]byte, 4096)...) // past maxLFSPointer, as real shards are
		files[fmt.Sprintf("model-%05d-of-%05d.safetensors", i, n)] = b
	}
	return fakehub.Repo{ID: "org/sharded", Files: files, CardData: map[string]any{"license": "apache-2.0"}}
}

func scanHub(tb testing.TB, srv *fakehub.Server, id string, opts Options) []byte {
	tb.Helper()
	ctx := context.Background()
	src, err := source.NewHub(ctx, id, "", source.HubConfig{Endpoint: srv.Endpoint(), Client: srv.Client()})
	if err != nil {
		tb.Fatal(err)
	}
	rep, err := Scan(ctx, src, opts)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestWeightsParallelAsSequential: reading headers in parallel gives the
// report of reading them one after another, with an ample byte budget and
// with one that runs out among the shards.
func TestWeightsParallelAsSequential(t *testing.T) {
	srv := fakehub.New(shardedRepo(24))
	defer srv.Close()
	defer func(n int) { weightReaders = n }(weightReaders)
	for _, budget := range []int64{0, 2000, 3000} {
		weightReaders = 1
		want := scanHub(t, srv, "org/sharded", Options{MaxTargetBytes: budget})
		if spent := strings.Contains(string(want), "stopped reading"); spent != (budget != 0) {
			t.Fatalf("budget %d: budget spent %v", budget, spent)
		}
		for _, n := range []int{2, 8} {
			weightReaders = n
			for run := 0; run < 3; run++ {
				if got := scanHub(t, srv, "org/sharded", Options{MaxTargetBytes: budget}); string(got) != string(want) {
					t.Fatalf("budget %d, %d readers: report differs from reading one at a time:\n got %s\nwant %s", budget, n, got, want)
				}
			}
		}
	}
}

// BenchmarkHub30Shards300ms scans a Hub repository with 30 weight shards
// from a fake Hub answering every request in 300 ms (issue 14: at most
// 1.5 s), reading one header at a time (as before) and weightReaders at a
// time.
func BenchmarkHub30Shards300ms(b *testing.B) {
	srv := fakehub.New(shardedRepo(30))
	defer srv.Close()
	srv.SetLatency(300 * time.Millisecond)
	for _, n := range []int{1, weightReaders} {
		b.Run(fmt.Sprintf("readers=%d", n), func(b *testing.B) {
			defer func(k int) { weightReaders = k }(weightReaders)
			weightReaders = n
			for i := 0; i < b.N; i++ {
				scanHub(b, srv, "org/sharded", Options{})
			}
		})
	}
}
