package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

const crashChildEnv = "FORMLOOM_WEBHOOK_CRASH_CHILD"

// crashKey is the secret key parent and child share.
var crashKey = []byte("crash test key of sixteen bytes or more")

// TestCrashChild is the child of TestCrashKill9DuringDeliveries: the
// runtime (fan-out) and the delivery loop over the parent's data dir,
// until killed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("the child process of TestCrashKill9DuringDeliveries")
	}
	ctx := context.Background()
	st, err := sqlitestore.Open(dir, sqlitestore.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(ctx, st, engine.Options{Authorizer: access.New(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	work := jobs.New(st, jobs.Options{Logger: quiet, Lease: time.Second, CheckpointEvery: time.Millisecond})
	s, err := New(ctx, Options{Engine: e, Store: st, Jobs: work, Key: crashKey, Logger: quiet, Timeout: time.Second, Poll: 50 * time.Millisecond,
		Guard: GuardOptions{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}})
	if err != nil {
		t.Fatal(err)
	}
	// A killed child's leases must run out soon for the next one.
	s.leaseSlack = time.Second
	go func() { _ = work.Run(ctx) }()
	_ = s.Run(ctx)
}

// TestCrashKill9DuringDeliveries writes 300 record events (100 records,
// each created and updated twice), then runs the fan-out and delivery in a
// child process killed with SIGKILL at random moments of the deliveries,
// at least 10 times, restarting it each time. At the end every event was
// delivered at least once, every duplicate carried the same webhook-id as
// the first delivery of its event, and no record's version arrived before
// its earlier versions had.
func TestCrashKill9DuringDeliveries(t *testing.T) {
	if os.Getenv(crashChildEnv) != "" {
		t.Skip("in the child")
	}
	if testing.Short() {
		t.Skip("starts child processes")
	}
	const records, versions, kills = 100, 3, 10
	dir := t.TempDir()
	rc := newReceiver(t)
	rc.next = func(int, received) (int, http.Header) { return 204, nil }
	setupCrashData(t, dir, rc.srv.URL, records, versions)

	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 14))
	// The deadline only guards against a hang: kills are paced by the
	// receiver's progress, never by the time a step takes.
	deadline := time.Now().Add(4 * time.Minute)
	killed := 0
	for killed < kills && time.Now().Before(deadline) {
		cmd := child()
		// Kill after 1 to 25 more requests, so kills land in requests,
		// between a request and its log, and in the fan-out; 10 kills never
		// use up the 300 events before the last run.
		target := len(rc.got()) + 1 + rng.IntN(25)
		for len(rc.got()) < target && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		killed++
	}
	if killed < kills {
		t.Fatalf("only %d kills before the hang guard", killed)
	}
	distinct := func() map[string][]string {
		m := map[string][]string{}
		for _, r := range rc.got() {
			var p Payload
			if json.Unmarshal(r.body, &p) == nil {
				m[p.ID] = append(m[p.ID], r.header.Get("webhook-id"))
			}
		}
		return m
	}
	cmd := child()
	for len(distinct()) < records*versions && time.Now().Before(deadline.Add(time.Minute)) {
		time.Sleep(5 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()

	got := rc.got()
	events := distinct()
	if len(events) != records*versions {
		t.Fatalf("%d distinct events delivered, want %d", len(events), records*versions)
	}
	dups := 0
	for ev, ids := range events {
		for _, id := range ids {
			if id != "msg_"+ev || id != ids[0] {
				t.Fatalf("event %s delivered with webhook-ids %v", ev, ids)
			}
		}
		dups += len(ids) - 1
	}
	seen := map[string]float64{} // record -> highest version received
	for _, r := range got {
		var p Payload
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		rec := p.Data.(map[string]any)["record"].(map[string]any)
		id, v := rec["id"].(string), rec["version"].(float64)
		if v > seen[id]+1 {
			t.Fatalf("record %s: version %v arrived before version %v", id, v, seen[id]+1)
		}
		seen[id] = max(seen[id], v)
	}
	t.Logf("%d kills; %d events delivered in %d requests: %d duplicates, each with its event's webhook-id", killed, len(events), len(got), dups)
}

// setupCrashData creates, in dir, a workspace with a form, an endpoint
// to url and the records' events, with no runtime running.
func setupCrashData(t *testing.T, dir, url string, records, versions int) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlitestore.Open(dir, sqlitestore.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e, err := engine.New(ctx, st, engine.Options{Authorizer: access.New(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(ctx, Options{Engine: e, Store: st, Key: crashKey, Logger: quiet,
		Guard: GuardOptions{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}})
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{ctx: ctx, st: st, e: e, b: builder.New(e), s: s}
	fx.seedWorkspace(t)
	fx.endpoint(t, url, nil)
	for i := range records {
		r := fx.create(t, map[string]any{"company": fmt.Sprint("公司 ", i)})
		for v := 1; v < versions; v++ {
			if r, err = e.UpdateRecord(ctx, fx.admin, fx.form, r.ID, map[string]any{"company": fmt.Sprint("公司 ", i, ".", v)}, r.Version, engine.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
}
