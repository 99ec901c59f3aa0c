package sqlitestore

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockFileName is the file in the data directory that holds the process lock.
const lockFileName = "formloom.lock"

// dirLock is an exclusive flock on the data directory's lock file. The
// kernel releases it when the process dies, so a crash never leaves a stale lock.
type dirLock struct {
	f *os.File
}

func acquireDirLock(dir string) (*dirLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFileName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if err == syscall.EWOULDBLOCK {
			return nil, fmt.Errorf("sqlitestore: data directory %s is in use by another Formloom process", dir)
		}
		return nil, fmt.Errorf("sqlitestore: lock data directory %s: %w", dir, err)
	}
	// Record the holder for humans inspecting the directory.
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(fmt.Sprintf("%d\n", os.Getpid())), 0)
	return &dirLock{f: f}, nil
}

func (l *dirLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	err := l.f.Close()
	l.f = nil
	return err
}
