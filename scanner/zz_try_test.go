package scanner

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/carveout/carveout/scanner/source"
)

func TestTry(t *testing.T) {
	dir := os.Getenv("TRY")
	if dir == "" {
		t.Skip()
	}
	src, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Scan(context.Background(), src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(r, "", "  ")
	os.WriteFile("/tmp/try/out.json", b, 0o644)
}
