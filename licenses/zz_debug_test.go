package licenses

import (
	"github.com/carveout/carveout/licenses/internal/shingle"
	"fmt"
	"os"
	"testing"
)

func TestZZDebug(t *testing.T) {
	f := os.Getenv("ZZFILE")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	db := loadFingerprints()
	toks := shingle.Tokenize(b)
	for _, d := range resolveDocs(db, b, toks) {
		fmt.Printf("doc %s ref=%d tok %d-%d cov %.3f lc=%v\n", d.id, d.ref, d.first, d.last, d.coverage, d.lc)
	}
	for _, id := range Identify(b) {
		fmt.Printf("%s mod=%v conf=%.3f cat=%s osi=%v lines=%v changed=%v closest=%+v kind=%s\n", id.ID, id.Modified, id.Confidence, id.Category, id.OSI, id.Lines, id.Changed, id.Closest, id.Kind)
	}
}
