package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/formloom/formloom/internal/ferrettest"
)

// measureDirEnv names a data directory (for example one httpbench -keep
// left) that TestMeasureOps times backup, verify, restore and migrate on.
const measureDirEnv = "FORMLOOM_OPS_MEASURE_DIR"

// TestMeasureOps times the operations commands on a copy-free run over the
// data directory in FORMLOOM_OPS_MEASURE_DIR: SQLite backup, verify and
// restore; migrate to the in-process FerretDB; MongoDB backup, verify and
// restore (FerretDB to FerretDB). It prints the figures for
// docs/performance.md; without the variable it skips.
//
//	FORMLOOM_OPS_MEASURE_DIR=/tmp/ops-bench-data go test ./cmd/formloom -run TestMeasureOps -v -count=1
func TestMeasureOps(t *testing.T) {
	dir := os.Getenv(measureDirEnv)
	if dir == "" {
		t.Skip("set " + measureDirEnv + " to a data directory to time the operations commands on it")
	}
	tmp := t.TempDir()
	uri, db, db2 := ferrettest.URI(t), ferrettest.Database(t), ferrettest.Database(t)
	size := func(p string) float64 {
		var n int64
		filepath.Walk(p, func(_ string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() {
				n += fi.Size()
			}
			return nil
		})
		return float64(n) / 1e6
	}
	step := func(name string, args ...string) {
		t.Helper()
		var out, errOut bytes.Buffer
		start := time.Now()
		if code := run(args, &out, &errOut); code != 0 {
			t.Fatalf("%s: %s", name, errOut.String())
		}
		t.Logf("%-28s %8.1f s   %s", name, time.Since(start).Seconds(), bytes.TrimSpace(out.Bytes()))
	}
	t.Logf("data directory %s: %.0f MB", dir, size(dir))
	sqlArchive, mongoArchive := filepath.Join(tmp, "sqlite.tar.gz"), filepath.Join(tmp, "mongo.tar.gz")
	step("sqlite backup", "backup", "--data-dir", dir, "--to", sqlArchive)
	t.Logf("sqlite archive: %.0f MB", size(sqlArchive))
	step("sqlite backup verify", "backup", "verify", sqlArchive)
	step("sqlite restore", "restore", "--from", sqlArchive, "--data-dir", filepath.Join(tmp, "restored"))
	step("migrate to ferretdb", "migrate", "--data-dir", dir, "--to-mongo", uri, "--mongo-db", db)
	step("mongo backup (ferretdb)", "backup", "--mongo-uri", uri, "--mongo-db", db, "--to", mongoArchive)
	t.Logf("mongo archive: %.0f MB", size(mongoArchive))
	step("mongo backup verify", "backup", "verify", mongoArchive)
	step("mongo restore (ferretdb)", "restore", "--from", mongoArchive, "--mongo-uri", uri, "--mongo-db", db2)
}
