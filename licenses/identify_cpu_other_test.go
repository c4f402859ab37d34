//go:build !unix

package licenses

import "time"

// processCPU is not measured on this platform: bounds always hold.
func processCPU() time.Duration { return 0 }
