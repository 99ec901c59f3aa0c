// Package ferrettest runs one in-process FerretDB (SQLite backend) per test
// process, so the Mongo adapter can be tested against a real MongoDB-protocol
// server without installing one.
//
// It is a test helper: import it only from _test.go files, never from cmd/
// or library code (it links the whole FerretDB server).
package ferrettest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// RealMongoEnv names the environment variable holding the URI of a real
// MongoDB (a replica set) that tests also run against when it is set.
const RealMongoEnv = "FORMLOOM_TEST_MONGO_URI"

const dirPrefix = "formloom-ferrettest-"

var (
	startOnce sync.Once
	serverURI string
	startErr  error
	dbCounter atomic.Int64
)

// URI starts the process-wide FerretDB on first use and returns its MongoDB
// URI. The server runs until the test process exits; its data lives in a
// temporary directory that the next test process removes.
func URI(t testing.TB) string {
	t.Helper()
	startOnce.Do(start)
	if startErr != nil {
		t.Fatalf("ferrettest: %v", startErr)
	}
	return serverURI
}

// Database returns a database name no other test of this process uses.
func Database(t testing.TB) string {
	t.Helper()
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("ferrettest: random database name: %v", err)
	}
	return fmt.Sprintf("t%d_%s", dbCounter.Add(1), hex.EncodeToString(b[:]))
}

// RealURI returns the URI of a real MongoDB from FORMLOOM_TEST_MONGO_URI and
// whether it is set.
func RealURI() (string, bool) {
	u := strings.TrimSpace(os.Getenv(RealMongoEnv))
	return u, u != ""
}

func start() {
	removeStaleDirs()
	dir, err := os.MkdirTemp("", dirPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		startErr = fmt.Errorf("temp dir: %w", err)
		return
	}
	// FerretDB logs every connection at info level; tests only care about
	// what the adapter reports, so its own log is discarded.
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
		Logger:    logger,
	})
	if err != nil {
		startErr = fmt.Errorf("new FerretDB: %w", err)
		return
	}
	// The server lives as long as the process; Run returns only when its
	// context ends, which never happens here.
	go func() { _ = f.Run(context.Background()) }()
	serverURI = f.MongoDBURI()
}

// removeStaleDirs deletes data directories left by earlier test processes
// that have exited, so repeated runs do not fill the temp directory.
func removeStaleDirs() {
	matches, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, m := range matches {
		rest := strings.TrimPrefix(filepath.Base(m), dirPrefix)
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		_ = os.RemoveAll(m)
	}
}

func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || err == syscall.EPERM
}
