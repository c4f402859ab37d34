package lazy_test

import (
	"regexp"
	"sync"
	"testing"

	"github.com/carveout/carveout/internal/lazy"
)

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
