package lazy_test

import (
	"regexp"
	"sync"
	"testing"

	"github.com/carveout/carveout/internal/lazy"

	// Every package that declares lazy regexps, so that Check sees them.
	_ "github.com/carveout/carveout/licenses/profile"
	_ "github.com/carveout/carveout/licenses/terms"
	_ "github.com/carveout/carveout/scanner"
	_ "github.com/carveout/carveout/scanner/card"
	_ "github.com/carveout/carveout/scanner/source"
)

// TestEveryRegexpCompiles compiles every lazy regexp of the packages above:
// an invalid one would otherwise panic only when a run first reaches it.
func TestEveryRegexpCompiles(t *testing.T) {
	if n := lazy.Exprs(); n < 20 {
		t.Fatalf("only %d lazy regexps registered", n)
	}
	if err := lazy.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestRegexpCompilesOnceOnFirstCall(t *testing.T) {
	re := lazy.Regexp(`^a+$`)
	var wg sync.WaitGroup
	got := make([]*regexp.Regexp, 8)
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = re() }()
	}
	wg.Wait()
	for _, r := range got {
		if r != got[0] {
			t.Fatal("calls returned different regexps")
		}
	}
	if !got[0].MatchString("aaa") || got[0].MatchString("ab") {
		t.Fatal("wrong regexp")
	}
}
