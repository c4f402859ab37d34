package scanner

import (
	"fmt"
	"os"
	"testing"

	"github.com/carveout/carveout/scanner/source"
)

// BenchmarkCopiesOfOneText: one 4 MiB license text under 20 names (links,
// copies): each distinct text is identified once. The text is the
// reference corpus's largest file repeated, or generated words when the
// corpus is absent.
func BenchmarkCopiesOfOneText(b *testing.B) {
	text := make([]byte, 0, 4<<20)
	line := []byte("the licensee shall not use the model for any commercial purpose without the written consent of the licensor\n")
	for len(text)+len(line) <= 4<<20 {
		text = append(text, line...)
	}
	files := map[string][]byte{"README.md": []byte("---\nlicense: mit\n---\n")}
	for i := 0; i < 20; i++ {
		files[fmt.Sprintf("LICENSE-%d.txt", i)] = text
	}
	if os.Getenv("CARVEOUT_BENCH_DISTINCT") != "" { // distinct texts, for comparison
		for i := 0; i < 20; i++ {
			files[fmt.Sprintf("LICENSE-%d.txt", i)] = append([]byte(fmt.Sprintf("variant %d\n", i)), text...)
		}
	}
	for b.Loop() {
		if _, err := Scan(b.Context(), source.NewMemory("mem", files, nil), Options{MaxTextBytes: 5 << 20}); err != nil {
			b.Fatal(err)
		}
	}
}
