package sqlitestore

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

const durabilityDirEnv = "FORMLOOM_SQLITE_DURABILITY_DIR"

// TestHelperDurabilityChild is the child process of TestAckedCommitsSurviveKill:
// it commits units from several goroutines and prints each acknowledged id.
func TestHelperDurabilityChild(t *testing.T) {
	dir := os.Getenv(durabilityDirEnv)
	if dir == "" {
		t.Skip("helper process only")
	}
	s, err := Open(dir, Options{})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(2)
	}
	out := make(chan string, 1024)
	for w := 0; w < 8; w++ {
		go func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("w%d_%06d", w, i)
				_, err := s.Commit(context.Background(), store.UnitOfWork{
					Writes: []store.Write{{Op: store.OpInsert, Collection: "acked", Doc: store.Document{ID: id, Data: map[string]any{"i": i}}}},
					Events: []store.Event{{Type: "created", DocID: id}},
				})
				if err != nil {
					out <- "ERR " + err.Error()
					return
				}
				out <- "ACK " + id
			}
		}()
	}
	w := bufio.NewWriter(os.Stdout)
	for line := range out {
		w.WriteString(line + "\n")
		w.Flush()
	}
}

// TestAckedCommitsSurviveKill kills a committing process with SIGKILL and
// checks that every unit it acknowledged is in the reopened store.
func TestAckedCommitsSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperDurabilityChild$")
	cmd.Env = append(os.Environ(), durabilityDirEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]bool{}
	sc := bufio.NewScanner(stdout)
	deadline := time.Now().Add(20 * time.Second)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "ERR") {
			cmd.Process.Kill()
			t.Fatalf("child: %s", line)
		}
		if id, ok := strings.CutPrefix(line, "ACK "); ok {
			acked[id] = true
		}
		if len(acked) >= 3000 || time.Now().After(deadline) {
			break
		}
	}
	// Kill mid-stream: the child is still committing.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Acks already written to the pipe before the kill count too.
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "ACK "); ok {
			acked[id] = true
		}
	}
	_ = cmd.Wait()
	if len(acked) < 100 {
		t.Fatalf("only %d acknowledged commits before the kill", len(acked))
	}
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	for id := range acked {
		if _, err := s.Get(ctx, "acked", id); err != nil {
			t.Errorf("acknowledged %s lost: %v", id, err)
		}
	}
	n, err := s.Count(ctx, "acked", store.Query{})
	if err != nil || n < int64(len(acked)) {
		t.Errorf("Count = %d, %v; want at least %d", n, err, len(acked))
	}
	evs, err := s.ReadEvents(ctx, 0, 1000)
	if err != nil || len(evs) == 0 {
		t.Errorf("ReadEvents after reopen = %d, %v", len(evs), err)
	}
	t.Logf("%d acknowledged commits survived SIGKILL (%d documents stored)", len(acked), n)
}
