package server

import (
	"errors"
	"strings"
	"sync/atomic"
	"syscall"
)

// storageFlag remembers that the store refused a write because its disk
// (or its quota) is full, until a later write succeeds. /readyz reports it,
// so a load balancer or an operator sees the cause instead of 500s.
type storageFlag struct{ full atomic.Bool }

func (f *storageFlag) set()        { f.full.Store(true) }
func (f *storageFlag) clear()      { f.full.Store(false) }
func (f *storageFlag) isSet() bool { return f.full.Load() }

// storageFullMarks are how the backends word "no space": SQLite's
// SQLITE_FULL ("database or disk is full"), the operating system's ENOSPC
// and MongoDB's OutOfDiskSpace (code 14031).
var storageFullMarks = []string{"database or disk is full", "sqlite_full", "no space left on device", "outofdiskspace", "out of disk space"}

// isStorageFull reports whether err says the store has no room to write.
func isStorageFull(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	msg := strings.ToLower(err.Error())
	for _, m := range storageFullMarks {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}
