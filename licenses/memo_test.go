package licenses

import (
	"bytes"
	"fmt"
	"hash/maphash"
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
		b := append([]byte(fmt.Sprintf("text %02d ", i)), bytes.Repeat([]byte("x"), (memoBudget/4-memoOverhead)/2-16)...)
		if w := textWeight(b); w > memoBudget/4 || w < memoBudget/5 {
			t.Fatalf("test text weighs %d, want about a quarter of %d", w, memoBudget)
		}
		return b
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

// A text whose hash is another's is computed, never answered with the
// other's results, and does not displace it.
func TestTextMemoCollision(t *testing.T) {
	m := newTextMemo(func(b []byte) []Identification { return []Identification{{ID: string(b)}} }, textWeight)
	a, b := []byte("text A"), []byte("text B")
	m.get(b)
	// Put b's entry where a hashes: what a crafted collision would do.
	m.m[maphash.Bytes(memoSeed, a)] = m.m[maphash.Bytes(memoSeed, b)]
	if got := m.get(a); got[0].ID != "text A" {
		t.Fatalf("a text colliding with another got its results: %v", got)
	}
	if got := m.get(b); got[0].ID != "text B" {
		t.Fatalf("the kept text lost its results: %v", got)
	}
	// A caller changing its buffer after the call changes nothing kept.
	c := []byte("text C")
	m.get(c)
	c[5] = 'X'
	if got := m.get([]byte("text C")); got[0].ID != "text C" {
		t.Fatalf("kept results changed with the caller's buffer: %v", got)
	}
}
