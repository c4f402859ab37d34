package profile

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/carveout/carveout/licenses/terms"
)

// TestMain runs the tests, then, when the whole package ran (no -run),
// checks that the evaluation table tests cover every term kind (a
// restricting kind both ways). A new kind without evaluation tests fails
// here.
func TestMain(m *testing.M) {
	code := m.Run()
	if f := flag.Lookup("test.run"); code == 0 && (f == nil || f.Value.String() == "") {
		for _, k := range terms.Kinds {
			cov := evalCoverage[k]
			switch {
			case len(cov) == 0:
				fmt.Fprintf(os.Stderr, "FAIL: term kind %s has no evaluation test (add evalCase rows)\n", k)
				code = 1
			case terms.Gates(k) && (!cov[Applies] || !cov[DoesNotApply]):
				fmt.Fprintf(os.Stderr, "FAIL: restricting term kind %s needs evaluation tests for both applies and does-not-apply\n", k)
				code = 1
			}
		}
	}
	os.Exit(code)
}
