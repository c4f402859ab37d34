package scanner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/carveout/carveout/internal/golden"
	"github.com/carveout/carveout/scanner/source"
)

var update = golden.Update // the module-wide -update flag

// TestGoldenReports scans every bundled example repository and compares
// the JSON report with testdata/golden/NAME.json (go test -update rewrites).
func TestGoldenReports(t *testing.T) {
	dirs, err := filepath.Glob("../testdata/models/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no example models: %v", err)
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			src, err := source.NewDir(filepath.ToSlash(dir))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Scan(context.Background(), src, Options{Lineage: TableResolver{}})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(r); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./scanner -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("report of %s differs from %s (run go test ./scanner -update and review the diff):\n%s", dir, golden, firstDiff(string(want), buf.String()))
			}
		})
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return ""
}

// TestDeterministic scans the same repository twice and expects the same
// bytes.
func TestDeterministic(t *testing.T) {
	var outs []string
	for i := 0; i < 3; i++ {
		src, _ := source.NewDir("../testdata/models/llama-finetune-mislabelled")
		r, err := Scan(context.Background(), src, Options{Lineage: TableResolver{}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		outs = append(outs, string(b))
	}
	if outs[0] != outs[1] || outs[1] != outs[2] {
		t.Fatal("reports differ between runs")
	}
}
