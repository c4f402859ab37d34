package ghreport

// Every test package takes the module-wide -update flag.
import _ "github.com/carveout/carveout/internal/golden"
