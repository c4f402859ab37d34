//go:build unix

package benchfix

import (
	"syscall"
	"time"
)

// CPU is the CPU time (user + system) this process has used so far, to
// measure the floor beside a scan in the same run.
func CPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}
