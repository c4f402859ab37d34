// Package lazy builds package-level values on first use instead of at
// program start, so that a run pays only for what it uses: `carveout
// version` compiles no regular expression, a scan of a local folder none of
// the registry or Hub id patterns.
//
// A value that is costly to build (a compiled regexp, a parsed template, a
// map made from a table) is declared as a function that builds it once:
//
//	var shaPattern = lazy.Regexp(`^[0-9a-f]{40}$`)
//	...
//	if shaPattern().MatchString(s) { ... }
//
// Anything else is a sync.OnceValue, the mechanism under Regexp.
package lazy

import (
	"regexp"
	"sync"
)

var (
	mu    sync.Mutex
	exprs []string
)

// Regexp returns a function that compiles expr on its first call and
// returns that regexp on every call; it is safe for concurrent use. An
// invalid expr panics on the first call, as regexp.MustCompile does (Check
// finds it in tests first).
func Regexp(expr string) func() *regexp.Regexp {
	mu.Lock()
	exprs = append(exprs, expr)
	mu.Unlock()
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// Check compiles every expression given to Regexp so far (in the packages
// the calling test links) and returns the first that does not compile.
func Check() error {
	mu.Lock()
	defer mu.Unlock()
	for _, e := range exprs {
		if _, err := regexp.Compile(e); err != nil {
			return err
		}
	}
	return nil
}

// Exprs is how many expressions were given to Regexp so far.
func Exprs() int {
	mu.Lock()
	defer mu.Unlock()
	return len(exprs)
}
