package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/carveout/carveout/internal/corpus"
)

// benchBinary builds carveout as releases are built (CGO_ENABLED=0: a
// static binary, no C loader at start-up), or returns $CARVEOUT_BENCH_BIN
// when set (to measure an older build in the same run: before/after).
func benchBinary(b *testing.B) string {
	if bin := os.Getenv("CARVEOUT_BENCH_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(b.TempDir(), "carveout")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// benchProcess runs bin with args b.N times and reports the CPU (user +
// system) each process used, beside the wall time of the benchmark. Exit
// status 1 (findings) is not an error.
func benchProcess(b *testing.B, bin string, args ...string) {
	b.Helper()
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, args...)
		out, err := cmd.Output()
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
			err = nil
		}
		if err != nil {
			b.Fatalf("%v: %v\n%s", args, err, out)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// BenchmarkProcessScan measures a whole carveout process scanning a small
// repository (card + MIT text from the corpus when present + config):
// start-up, lazy initialisation of the identifiers and the scan. The
// target is under 10 ms of CPU per process (issue 14).
func BenchmarkProcessScan(b *testing.B) {
	bin := benchBinary(b)
	repo := b.TempDir()
	os.WriteFile(filepath.Join(repo, "README.md"), []byte("---\nlicense: mit\n---\n# Small model\n"), 0o644)
	os.WriteFile(filepath.Join(repo, "config.json"), []byte(`{"model_type":"bert"}`), 0o644)
	if mit, err := os.ReadFile("../../../shared/corpus/licenses/mit.txt"); err == nil {
		os.WriteFile(filepath.Join(repo, "LICENSE"), mit, 0o644)
	} else {
		b.Log("reference corpus absent: the repository has no license text")
	}
	benchProcess(b, bin, "scan", "--offline", "--format", "json", repo)
}

// BenchmarkProcessScanExample is one process scanning the example
// repository with a custom license, a mislabelled card and a base model.
func BenchmarkProcessScanExample(b *testing.B) {
	benchProcess(b, benchBinary(b), "scan", "--offline", "--format", "json", "../../testdata/models/llama-finetune-mislabelled")
}

// BenchmarkProcessScanCorpus is one process scanning the 66 reference
// license texts of the corpus, each a target of its own (a folder of them
// would be one repository whose only license file is its INDEX), so that
// every text is identified (target: 100 ms of CPU).
func BenchmarkProcessScanCorpus(b *testing.B) {
	texts, err := filepath.Glob(filepath.Join(corpus.Dir(b), "licenses", "*.txt"))
	if err != nil || len(texts) < 60 {
		b.Fatalf("corpus license texts: %d, %v", len(texts), err)
	}
	benchProcess(b, benchBinary(b), append([]string{"scan", "--offline", "--format", "jsonl"}, texts...)...)
}
