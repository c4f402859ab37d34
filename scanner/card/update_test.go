package card

// The module-wide -update flag must be accepted by every test binary.
import _ "github.com/carveout/carveout/internal/golden"
