//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/carveout/carveout/internal/benchfix"
	"github.com/carveout/carveout/internal/corpus"
)

// benchCache writes a hub cache of n models sharing five corpus license
// texts (see benchfix.HFCache).
func benchCache(b *testing.B, n int) string {
	kinds, err := benchfix.CorpusModels(corpus.Dir(b))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := benchfix.HFCache(dir, n, kinds); err != nil {
		b.Fatal(err)
	}
	return dir
}

// benchProcessCache runs one carveout process scanning a generated cache
// of n models (`scan --hf-cache DIR --format jsonl`), and reports its CPU,
// its peak resident memory, and, from the same run, the floor's CPU on the
// same files (benchfix.Floor, in this process) and the ratio. Goals (issue
// 14): 1,000 models at most 3× the floor; 5,000 models within 64 MiB.
func benchProcessCache(b *testing.B, n int) {
	bin := benchBinary(b)
	dir := benchCache(b, n)
	benchfix.Floor(dir) // the page cache warm for both
	var cpu, floor time.Duration
	var peak int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before, err := benchfix.CPU()
		if err != nil {
			b.Fatal(err)
		}
		if files, _, err := benchfix.Floor(dir); err != nil || files != 4*n {
			b.Fatalf("floor: %d files, %v", files, err)
		}
		after, _ := benchfix.CPU()
		floor += after - before

		args := []string{"scan", "--offline", "--format", "jsonl", "--hf-cache", dir}
		cmd := exec.Command(bin, args...)
		peakFile := filepath.Join(b.TempDir(), "peak")
		if gnuTime != "" {
			// The child of a Go process is vforked: its own maximum RSS
			// would start at this process's. GNU time forks carveout
			// afresh and reports carveout's alone (its CPU, reaped by
			// time, is in time's usage).
			cmd = exec.Command(gnuTime, append([]string{"-f", "%M", "-o", peakFile, bin}, args...)...)
		}
		out, err := cmd.Output()
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
			err = nil // findings
		}
		if err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if b, err := os.ReadFile(peakFile); err == nil {
			// The last line: time says first when the status is not 0.
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			if kib, err := strconv.ParseInt(lines[len(lines)-1], 10, 64); err == nil {
				peak = max(peak, kib)
			}
		}
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(floor.Microseconds())/1000/float64(b.N), "floor-cpu-ms/op")
	b.ReportMetric(float64(cpu)/float64(floor), "x-floor")
	if peak > 0 {
		b.ReportMetric(float64(peak)/1024, "peak-MiB")
	} else {
		b.Log("peak memory not measured: GNU time (/usr/bin/time) not found")
	}
}

// gnuTime is GNU time, when installed: it reports the peak memory of the
// process it runs.
var gnuTime = func() string {
	if out, err := exec.Command("/usr/bin/time", "-f", "%M", "true").CombinedOutput(); err == nil && strings.TrimSpace(string(out)) != "" {
		return "/usr/bin/time"
	}
	return ""
}()

func BenchmarkProcessHFCache1000(b *testing.B) { benchProcessCache(b, 1000) }
func BenchmarkProcessHFCache5000(b *testing.B) { benchProcessCache(b, 5000) }
