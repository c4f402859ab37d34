package source_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/carveout/carveout/scanner/source"
)

func TestBudget(t *testing.T) {
	files := map[string][]byte{"a": []byte(strings.Repeat("a", 100)), "b": []byte(strings.Repeat("b", 100)), "c": []byte("c")}
	ctx := context.Background()
	src := source.WithBudget(source.NewMemory("mem", files, nil), 150)
	read := func(p string) (string, error) {
		rc, err := src.Open(ctx, p, 0)
		if err != nil {
			return "", err
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		return string(b), err
	}
	if got, err := read("a"); err != nil || len(got) != 100 {
		t.Fatalf("a: %d bytes, %v", len(got), err)
	}
	// b is read in part: an error naming it.
	if got, err := read("b"); !errors.Is(err, source.ErrBudget) || len(got) != 50 {
		t.Errorf("b: %d bytes, %v; want 50 bytes and ErrBudget", len(got), err)
	}
	if _, err := read("c"); !errors.Is(err, source.ErrBudget) {
		t.Errorf("c after the budget: %v", err)
	}
	if _, err := src.ReadRange(ctx, "a", 0, 10); !errors.Is(err, source.ErrBudget) {
		t.Errorf("ReadRange after the budget: %v", err)
	}
	// Exactly the budget is not an error.
	src = source.WithBudget(source.NewMemory("mem", files, nil), 101)
	if got, err := read("a"); err != nil || len(got) != 100 {
		t.Errorf("a within the budget: %d bytes, %v", len(got), err)
	}
	if b, err := src.ReadRange(ctx, "c", 0, 1); err != nil || string(b) != "c" {
		t.Errorf("ReadRange within the budget: %q, %v", b, err)
	}
}
