package jobs

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

const crashChildEnv = "FORMLOOM_JOBS_CRASH_CHILD"

// TestCrashChild is the child of TestCrashKill9: it runs a consumer that
// appends every handled event to a file outside the store, until killed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("the child process of TestCrashKill9")
	}
	s, err := sqlitestore.Open(filepath.Join(dir, "data"), sqlitestore.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "handled.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	r := New(s, Options{Logger: quiet, BatchSize: 100, Lease: time.Second})
	_ = r.Register(Consumer{Name: "crash", Concurrency: 4, Handle: func(_ context.Context, d Delivery) error {
		n, _ := d.Event.Payload["n"].(float64)
		// One write(2) per event: it survives kill -9 (the page cache is the kernel's).
		_, err := fmt.Fprintf(f, "%s %s %d\n", d.Event.ID, d.Event.DocID, int(n))
		return err
	}})
	_ = r.Run(context.Background())
}

// TestCrashKill9 creates 10,000 events, then starts the consumer in a child
// process and kills it with SIGKILL at random moments, at least 20 times,
// restarting it each time; at the end every event was handled at least
// once and, per document, an event was never handled before all earlier
// events of its document had been. Duplicates are counted and reported.
func TestCrashKill9(t *testing.T) {
	if os.Getenv(crashChildEnv) != "" {
		t.Skip("in the child")
	}
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	const events, docs, kills = 10000, 100, 20
	s, err := sqlitestore.Open(filepath.Join(dir, "data"), sqlitestore.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < events; i += 100 {
		u := store.UnitOfWork{}
		for j := i; j < i+100; j++ {
			u.Events = append(u.Events, store.Event{Type: "record.updated", Collection: "deals",
				DocID: fmt.Sprintf("d%03d", j%docs), Payload: map[string]any{"n": j / docs}})
		}
		if _, err := s.Commit(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	logPath := filepath.Join(dir, "handled.log")
	size := func() int64 {
		fi, err := os.Stat(logPath)
		if err != nil {
			return 0
		}
		return fi.Size()
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	// The bound only guards against a hang: kills are paced by the child's
	// progress, never by the time a step takes, so a busy machine is slower
	// but not a failure.
	deadline := time.Now().Add(4 * time.Minute)
	killed := 0
	for killed < kills && time.Now().Before(deadline) {
		cmd := child()
		// Kill after the child has written a random number of log lines
		// (1 to 300, about 40 bytes each), so kills land in handlers, in
		// batches and in checkpoint writes, and 20 kills never use up the
		// 10,000 events before the last run.
		target := size() + int64(1+rng.IntN(300))*40
		for size() < target && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		killed++
	}
	if killed < kills {
		t.Fatalf("only %d kills before the hang guard (4 minutes)", killed)
	}
	// A last run until every event is in the log.
	cmd := child()
	seen := func() map[string]bool {
		m := map[string]bool{}
		f, err := os.Open(logPath)
		if err != nil {
			return m
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			m[strings.Fields(sc.Text())[0]] = true
		}
		return m
	}
	for len(seen()) < events && time.Now().Before(deadline.Add(30*time.Second)) {
		time.Sleep(5 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()

	f, err := os.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ids := map[string]int{}
	done := map[string]map[int]bool{}
	total, outOfOrder := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 3 {
			continue // a line cut by the kill
		}
		n, _ := strconv.Atoi(fs[2])
		total++
		ids[fs[0]]++
		if done[fs[1]] == nil {
			done[fs[1]] = map[int]bool{}
		}
		for k := 0; k < n; k++ {
			if !done[fs[1]][k] {
				outOfOrder++
				t.Errorf("document %s: event %d handled before event %d", fs[1], n, k)
				break
			}
		}
		done[fs[1]][n] = true
	}
	if len(ids) != events {
		t.Fatalf("%d distinct events handled, want %d", len(ids), events)
	}
	t.Logf("%d kills; %d events handled %d times in all: %d duplicates; %d out of order", killed, events, total, total-events, outOfOrder)
}
