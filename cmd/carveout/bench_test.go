package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkProcessScan measures a whole carveout process scanning a small
// repository (card + MIT text from the corpus when present + config):
// start-up, lazy initialisation of the identifiers and the scan. The
// target is under 0.2 s per process.
func BenchmarkProcessScan(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "carveout")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	repo := b.TempDir()
	os.WriteFile(filepath.Join(repo, "README.md"), []byte("---\nlicense: mit\n---\n# Small model\n"), 0o644)
	os.WriteFile(filepath.Join(repo, "config.json"), []byte(`{"model_type":"bert"}`), 0o644)
	if mit, err := os.ReadFile("../../../shared/corpus/licenses/mit.txt"); err == nil {
		os.WriteFile(filepath.Join(repo, "LICENSE"), mit, 0o644)
	} else {
		b.Log("reference corpus absent: the repository has no license text")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "scan", "--offline", "--format", "json", repo)
		if out, err := cmd.Output(); err != nil {
			b.Fatalf("scan: %v\n%s", err, out)
		}
	}
}
