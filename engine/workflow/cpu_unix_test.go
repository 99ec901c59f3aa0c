//go:build unix

package workflow_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user and system) the test process has used
// so far: its store writer, GC and every caller, which a wall-clock ns/op
// on a shared machine does not isolate.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
