// Package golden holds the module's one -update flag for golden files, as
// gofmt has: `go test ./... -update` rewrites every golden file of the
// module. Test files import it (a package without golden files imports it
// too, so that the module-wide flag is accepted everywhere).
package golden

import "flag"

// Update is true when the tests run with -update: golden files are then
// rewritten from the current output instead of compared with it.
var Update = flag.Bool("update", false, "rewrite golden files from the current output (review the diff)")
