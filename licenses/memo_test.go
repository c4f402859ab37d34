package licenses

import (
	"bytes"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// The memo computes each distinct text once, even for concurrent callers,
// and keeps no more than its budget.
func TestTextMemo(t *testing.T) {
	var calls atomic.Int64
	m := newTextMemo(func(b []byte) []Identification {
		calls.Add(1)
		return []Identification{{ID: string(b[:min(len(b), 8)])}}
	}, textWeight)
	text := []byte("same text")
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := m.get(text); got[0].ID != "same tex" {
				t.Errorf("got %v", got)
			}
		}()
	}
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("one text computed %d times, want once", n)
	}

	// Texts a quarter of the budget each: at most four are kept, the
	// oldest go first.
	big := func(i int) []byte {
		return append([]byte(fmt.Sprintf("text %02d ", i)), bytes.Repeat([]byte("x"), memoBudget/4-memoOverhead-16)...)
	}
	calls.Store(0)
	for i := 0; i < 8; i++ {
		m.get(big(i))
	}
	if m.weight > memoBudget || len(m.m) > 4 {
		t.Fatalf("kept %d entries weighing %d, budget %d", len(m.m), m.weight, memoBudget)
	}
	m.get(big(7)) // kept
	m.get(big(0)) // evicted: computed again
	if n := calls.Load(); n != 9 {
		t.Fatalf("%d computations, want 9 (8 texts, then the evicted one again)", n)
	}

	// A text heavier than the budget is computed every time, never kept.
	huge := bytes.Repeat([]byte("y"), memoBudget)
	before := len(m.m)
	m.get(huge)
	m.get(huge)
	if n := calls.Load(); n != 11 || len(m.m) != before {
		t.Fatalf("huge text: %d computations, %d entries (was %d)", n, len(m.m), before)
	}
}
