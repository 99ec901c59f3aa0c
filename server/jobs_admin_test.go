package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/jobs"
)

// TestJobsAdmin walks the background-work admin API: a consumer that fails
// every delivery makes dead letters; the workspace's admin sees consumers,
// queues and only the workspace's dead letters, retries and discards them;
// a member is refused and another workspace's admin finds nothing.
func TestJobsAdmin(t *testing.T) {
	st := openSQLite(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	rt := jobs.New(st, jobs.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Sleep: func(context.Context, time.Duration) error { return nil }})
	var fixed atomic.Bool
	if err := rt.Register(jobs.Consumer{Name: "hooks", Types: []string{"record.created"}, MaxAttempts: 2, Concurrency: 1,
		Handle: func(_ context.Context, d jobs.Delivery) error {
			if !fixed.Load() {
				return errors.New("endpoint answered 500")
			}
			return nil
		}}); err != nil {
		t.Fatal(err)
	}
	rt.WatchQueue("timers")
	en := startWithJobs(t, st, t.TempDir(), rt)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = rt.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	formA := en.publishedForm()
	member := en.addMember("member@example.com")
	// B: a workspace of someone else, with its own failing record.
	other := en.addMember("other@example.com")
	b := en.do("POST", "/api/v1/workspaces", other, map[string]any{"name": "B"}, nil).expect(201).str("id")
	en.do("POST", "/api/v1/me/workspace", other, map[string]any{"workspace": b}, nil).expect(200)
	appB := en.do("POST", "/api/v1/apps", other, map[string]any{"name": "CRM"}, nil).expect(201).str("id")
	formB := en.do("POST", "/api/v1/apps/"+appB+"/forms", other, benchForm(t), nil).expect(201)
	en.do("POST", "/api/v1/forms/"+formB.str("id")+"/publish", other, map[string]any{"version": formB.num("version")}, nil).expect(201)
	en.do("POST", "/api/v1/forms/"+formB.str("id")+"/records", other, map[string]any{"data": map[string]any{"company": "乙"}}, nil).expect(201)
	recA := en.do("POST", "/api/v1/forms/"+formA+"/records", en.admin, map[string]any{"data": map[string]any{"company": "甲"}}, nil).expect(201).str("id")
	en.do("POST", "/api/v1/forms/"+formA+"/records", en.admin, map[string]any{"data": map[string]any{"company": "丙"}}, nil).expect(201)

	deadline := time.Now().Add(30 * time.Second)
	// Wait for the dead letters and for the checkpoint past them (the
	// checkpoint is saved after the batch, so it can trail the counters).
	for rt.Stats()["hooks"].DeadLetters < 3 || !caughtUp(t, rt, "hooks") {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for 3 dead letters: %+v", rt.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
	list := en.do("GET", "/api/v1/jobs/dead-letters", en.admin, nil, nil).expect(200)
	items, _ := list.body["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("A's dead letters: %s, want 2", list.raw)
	}
	ids := map[string]string{}
	for _, it := range items {
		m := it.(map[string]any)
		ids[m["docId"].(string)] = m["id"].(string)
		if m["lastError"] != "endpoint answered 500" || m["attempts"] != 2.0 || m["consumer"] != "hooks" || m["eventType"] != "record.created" {
			t.Errorf("dead letter %v", m)
		}
	}
	first := ids[recA]
	if first == "" {
		t.Fatalf("no dead letter of record %s in %s", recA, list.raw)
	}
	var second string
	for doc, id := range ids {
		if doc != recA {
			second = id
		}
	}
	vars := map[string]string{"admin": en.admin, "member": member, "other": other, "first": first, "second": second}
	run(t, en, vars, []step{
		{name: "admin: consumers", method: "GET", path: "/api/v1/jobs/consumers", token: "admin", status: 200,
			contains: []string{`"name":"hooks"`, `"state":"running"`, `"lagEvents":0`, `"deadLetters":3`}},
		{name: "admin: queues", method: "GET", path: "/api/v1/jobs/queues", token: "admin", status: 200, contains: []string{`"name":"timers"`, `"depth":0`}},
		{name: "member: no consumers", method: "GET", path: "/api/v1/jobs/consumers", token: "member", status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "member: no queues", method: "GET", path: "/api/v1/jobs/queues", token: "member", status: 403},
		{name: "member: no dead letters", method: "GET", path: "/api/v1/jobs/dead-letters", token: "member", status: 403},
		{name: "member: no retry", method: "POST", path: "/api/v1/jobs/dead-letters/{first}/retry", token: "member", status: 403},
		{name: "member: no discard", method: "POST", path: "/api/v1/jobs/dead-letters/{first}/discard", token: "member", status: 403},
		{name: "no credential", method: "GET", path: "/api/v1/jobs/dead-letters", status: 401},
		{name: "B's admin sees only B's dead letter", method: "GET", path: "/api/v1/jobs/dead-letters", token: "other", status: 200,
			contains: []string{`"consumer":"hooks"`}, absent: []string{"{first}", "{second}"}},
		{name: "B's admin sees the instance's consumers", method: "GET", path: "/api/v1/jobs/consumers", token: "other", status: 200, contains: []string{`"name":"hooks"`}},
		{name: "B's admin cannot retry A's", method: "POST", path: "/api/v1/jobs/dead-letters/{first}/retry", token: "other", status: 404, contains: []string{`"code":"not_found"`}},
		{name: "B's admin cannot discard A's", method: "POST", path: "/api/v1/jobs/dead-letters/{first}/discard", token: "other", status: 404},
		{name: "unknown id", method: "POST", path: "/api/v1/jobs/dead-letters/hooks.nothing/retry", token: "admin", status: 404},
		{name: "retry while still failing keeps it", method: "POST", path: "/api/v1/jobs/dead-letters/{first}/retry", token: "admin", status: 200,
			contains: []string{`"ok":false`, `"attempts":3`, `"lastError":"endpoint answered 500"`}},
	})
	fixed.Store(true)
	run(t, en, vars, []step{
		{name: "retry succeeds", method: "POST", path: "/api/v1/jobs/dead-letters/{first}/retry", token: "admin", status: 200, contains: []string{`"ok":true`}, absent: []string{"deadLetter"}},
		{name: "retried is gone", method: "POST", path: "/api/v1/jobs/dead-letters/{first}/retry", token: "admin", status: 404},
		{name: "discard", method: "POST", path: "/api/v1/jobs/dead-letters/{second}/discard", token: "admin", status: 204},
		{name: "discarded is gone", method: "POST", path: "/api/v1/jobs/dead-letters/{second}/discard", token: "admin", status: 404},
		{name: "A has none left", method: "GET", path: "/api/v1/jobs/dead-letters", token: "admin", status: 200, contains: []string{`"items":[]`}},
		{name: "B's is untouched", method: "GET", path: "/api/v1/jobs/dead-letters", token: "other", status: 200, contains: []string{`"attempts":2`}},
		{name: "consumers count what is left", method: "GET", path: "/api/v1/jobs/consumers", token: "admin", status: 200, contains: []string{`"deadLetters":1`}},
	})
}

// caughtUp reports whether consumer name's stored checkpoint has passed
// every event in the outbox.
func caughtUp(t testing.TB, rt *jobs.Runtime, name string) bool {
	t.Helper()
	infos, err := rt.Consumers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, ci := range infos {
		if ci.Name == name {
			return ci.LagEvents == 0
		}
	}
	return false
}
