package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/internal/ferrettest"
)

// TestTwoRuntimesHandleEachEventOnce runs the background runtimes of two
// processes over one store (one test process, two runtimes with their own
// owners, as two serve processes have): the consumer's lease gives its
// events to one of them, every event is handled exactly once, and when the
// holder stops the other takes the consumer over from its checkpoint
// without handling an event again.
func TestTwoRuntimesHandleEachEventOnce(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, b := range []struct {
		name string
		open func(t *testing.T, clock store.Clock) store.Store
	}{
		{"sqlite", func(t *testing.T, clock store.Clock) store.Store {
			st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{Clock: clock, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}},
		{"ferretdb", func(t *testing.T, clock store.Clock) store.Store {
			st, err := mongostore.Open(context.Background(), ferrettest.URI(t), ferrettest.Database(t),
				mongostore.Options{AllowNonAtomicUnits: true, Clock: clock, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}},
	} {
		t.Run(b.name, func(t *testing.T) {
			clock := store.NewManualClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
			st := b.open(t, clock)
			ctx := context.Background()
			var mu sync.Mutex
			handled := map[string][]string{} // event id -> owners that handled it
			runtime := func(owner string) (*jobs.Runtime, func()) {
				r := jobs.New(st, jobs.Options{Owner: owner, Clock: clock, Logger: quiet, Poll: 20 * time.Millisecond, BatchSize: 16})
				if err := r.Register(jobs.Consumer{Name: "audit", Handle: func(_ context.Context, d jobs.Delivery) error {
					mu.Lock()
					handled[d.Event.ID] = append(handled[d.Event.ID], owner)
					mu.Unlock()
					return nil
				}}); err != nil {
					t.Fatal(err)
				}
				rctx, cancel := context.WithCancel(ctx)
				done := make(chan struct{})
				go func() { _ = r.Run(rctx); close(done) }()
				var once sync.Once
				stop := func() { once.Do(func() { cancel(); <-done }) }
				t.Cleanup(stop)
				return r, stop
			}
			commit := func(n int) {
				for i := 0; i < n; i++ {
					if _, err := st.Commit(ctx, store.UnitOfWork{Events: []store.Event{{Type: "record.created", Workspace: "w1",
						Collection: "c_x", DocID: fmt.Sprintf("r%d", i%7)}}}); err != nil {
						t.Fatal(err)
					}
				}
			}
			wait := func(n int) {
				t.Helper()
				deadline := time.Now().Add(30 * time.Second)
				for {
					mu.Lock()
					got := len(handled)
					mu.Unlock()
					if got >= n {
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("%d of %d events handled", got, n)
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
			ra, stopA := runtime("proc-a")
			_, stopB := runtime("proc-b")
			commit(100)
			wait(100)
			holder, other, stopHolder := "proc-a", "proc-b", stopA
			if ra.Stats()["audit"].Handled == 0 {
				holder, other, stopHolder = "proc-b", "proc-a", stopB
			}
			// The holder stops (a rolling restart); the other carries on.
			stopHolder()
			commit(50)
			wait(150)
			mu.Lock()
			defer mu.Unlock()
			byOwner := map[string]int{}
			for id, owners := range handled {
				if len(owners) != 1 {
					t.Fatalf("event %s handled %d times (by %v)", id, len(owners), owners)
				}
				byOwner[owners[0]]++
			}
			if byOwner[other] < 50 || len(handled) != 150 {
				t.Fatalf("handled by owner %v of %d, want the 50 after %s stopped by %s", byOwner, len(handled), holder, other)
			}
		})
	}
}

// serveChildEnv makes the test binary a serve process (see TestServeChild).
const serveChildEnv = "FORMLOOM_OPS_SERVE_ARGS"

// TestServeChild is the child process of TestTwoServeProcesses: it runs
// formloom serve with the arguments in FORMLOOM_OPS_SERVE_ARGS (JSON).
func TestServeChild(t *testing.T) {
	raw := os.Getenv(serveChildEnv)
	if raw == "" {
		t.Skip("the child process of TestTwoServeProcesses")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	os.Exit(run(append([]string{"serve"}, args...), os.Stdout, os.Stderr))
}

type serveChild struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	done   chan error
}

// startServe runs formloom serve in a child process (the test binary
// re-executed) on a free port with args.
func startServe(t *testing.T, args ...string) *serveChild {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	all := append([]string{"--listen", addr, "--open=false", "--log-level", "warn"}, args...)
	raw, _ := json.Marshal(all)
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), serveChildEnv+"="+string(raw))
	c := &serveChild{cmd: cmd, url: "http://" + addr, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = c.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.stderr.Write([]byte(sc.Text() + "\n"))
		}
		c.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	return c
}

// ready waits until the child's /readyz answers 200, or it exits.
func (c *serveChild) ready(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-c.done:
			c.done <- err
			t.Fatalf("serve exited (%v):\n%s", err, c.stderr.String())
		default:
		}
		if res, err := http.Get(c.url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready:\n%s", c.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// exited waits for the child to exit and returns its exit code.
func (c *serveChild) exited(t *testing.T) int {
	t.Helper()
	select {
	case err := <-c.done:
		c.done <- err
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not exit:\n%s", c.stderr.String())
		return -1
	}
}

// TestTwoServeProcesses starts two formloom serve processes on one store
// where the store allows it. SQLite does not: the data directory belongs
// to one process, and the second refuses to start with a message that
// says so (and stays refused while the first runs). A MongoDB replica set
// does: with FORMLOOM_TEST_MONGO_URI set, two processes serve one database,
// both ready, and the first-run setup done through one is seen by the
// other. The in-process FerretDB has no transactions, so serve refuses it
// (TestServeRefusesMongoWithoutTransactions).
func TestTwoServeProcesses(t *testing.T) {
	if os.Getenv(serveChildEnv) != "" {
		t.Skip("in the child")
	}
	if testing.Short() {
		t.Skip("starts child processes")
	}
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		a := startServe(t, "--data-dir", dir)
		a.ready(t)
		b := startServe(t, "--data-dir", dir)
		if code := b.exited(t); code != 1 || !strings.Contains(b.stderr.String(), "is in use by another Formloom process") {
			t.Fatalf("second process on one data directory: exit %d\n%s", code, b.stderr.String())
		}
		a.ready(t) // the first is unaffected
	})
	t.Run("mongodb", func(t *testing.T) {
		uri, ok := ferrettest.RealURI()
		if !ok {
			t.Skip("two processes on one MongoDB need a replica set with transactions: set " + ferrettest.RealMongoEnv)
		}
		db := ferrettest.Database(t)
		a := startServe(t, "--mongo-uri", uri, "--mongo-db", db)
		b := startServe(t, "--mongo-uri", uri, "--mongo-db", db)
		a.ready(t)
		b.ready(t)
		needs := func(c *serveChild) bool {
			res, err := http.Get(c.url + "/api/v1/setup")
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var s map[string]any
			if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
				t.Fatal(err)
			}
			for _, v := range s {
				if b, ok := v.(bool); ok {
					return b
				}
			}
			t.Fatalf("setup status %v", s)
			return false
		}
		if !needs(a) || !needs(b) {
			t.Fatal("a new database needs setup on both processes")
		}
		// The first admin, made from the command line against the same database.
		var out syncBuffer
		sf := storeFlags{mongoURI: uri, mongoDB: db}
		if err := adminCreate(context.Background(), sf, "ops@example.com", "Ops", "correct horse battery staple", "运维", "", &out); err != nil {
			t.Fatalf("admin create: %v", err)
		}
		deadline := time.Now().Add(2 * time.Second)
		for needs(a) || needs(b) {
			if time.Now().After(deadline) {
				t.Fatal("a process still asks for setup 2 s after the first admin was made")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// invalidations counts what an engine's authorizer is told to forget.
type invalidations struct {
	*access.Policy
	mu sync.Mutex
	n  int
}

func (p *invalidations) Invalidate(ws string) {
	p.mu.Lock()
	p.n++
	p.mu.Unlock()
	p.Policy.Invalidate(ws)
}

func (p *invalidations) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// TestTwoEnginesOnTwoConnectionsFollowChanges runs two engines as two
// processes do on MongoDB: each with its own connection to one database
// (the in-process FerretDB, units applied item by item) and its own
// caches. A time-zone change made through A is what B answers within the
// documented 2 s, because B follows the outbox; B had cached the old zone.
// B's follower starts at the outbox's end, so the test first waits until
// it sees a change (an app A creates) before B caches anything.
func TestTwoEnginesOnTwoConnectionsFollowChanges(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	uri, db := ferrettest.URI(t), ferrettest.Database(t)
	open := func(authz engine.Authorizer) *engine.Engine {
		st, err := mongostore.Open(ctx, uri, db, mongostore.Options{AllowNonAtomicUnits: true, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		e, err := engine.New(ctx, st, engine.Options{Logger: quiet, Authorizer: authz})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	a := open(access.New())
	u, ws, err := a.Setup(ctx, engine.UserInput{Email: "a@example.com", Name: "管理员"}, engine.WorkspaceInput{Name: "上海", TimeZone: "Asia/Shanghai", Language: "zh-CN"})
	if err != nil {
		t.Fatal(err)
	}
	admin := engine.Actor{UserID: u.ID, Name: u.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceAPI}
	inv := &invalidations{Policy: access.New()}
	b := open(inv)
	done := make(chan struct{})
	go func() { _ = b.FollowChanges(ctx, 0); close(done) }()
	defer func() { cancel(); <-done }()
	for i := 0; inv.count() == 0; i++ {
		if i == 10 {
			t.Fatal("B's follower saw none of 10 changes")
		}
		if _, err := a.CreateApp(ctx, admin, engine.AppInput{Name: fmt.Sprintf("App %d", i)}); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(2 * time.Second); inv.count() == 0 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if loc, err := b.Location(ctx, ws.ID); err != nil || loc.String() != "Asia/Shanghai" {
		t.Fatalf("zone on B: %v %v", loc, err)
	}
	if _, err := a.UpdateWorkspace(ctx, admin, engine.WorkspaceInput{Name: ws.Name, TimeZone: "Europe/Berlin", Language: "zh-CN"}, ws.Version); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		loc, err := b.Location(ctx, ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		if loc.String() == "Europe/Berlin" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("B still answers %s 2 s after A changed the zone", loc)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
