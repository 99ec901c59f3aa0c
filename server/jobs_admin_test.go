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

// TestJobsAdminTaskDeadLetters walks the dead tasks of the admin API: a
// job that fails makes dead tasks in two workspaces and one instance-wide;
// each admin sees only the workspace's own, retries one (queued, then run)
// and discards another; a member is refused.
func TestJobsAdminTaskDeadLetters(t *testing.T) {
	st := openSQLite(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	rt := jobs.New(st, jobs.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Poll: time.Hour})
	var fixed atomic.Bool
	var ran atomic.Int64
	if err := rt.RegisterJob(jobs.Job{Name: "remind", MaxAttempts: 1, Handle: func(_ context.Context, tk jobs.Task) error {
		if !fixed.Load() {
			return errors.New("mail server refused")
		}
		ran.Add(1)
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	en := startWithJobs(t, st, t.TempDir(), rt)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = rt.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	member := en.addMember("member@example.com")
	other := en.addMember("other@example.com")
	b := en.do("POST", "/api/v1/workspaces", other, map[string]any{"name": "B"}, nil).expect(201).str("id")
	en.do("POST", "/api/v1/me/workspace", other, map[string]any{"workspace": b}, nil).expect(200)
	for _, tm := range []jobs.Timer{
		{ID: "approval.r1", Job: "remind", Workspace: en.ws, Payload: map[string]any{"record": "r1"}},
		{Job: "remind", Workspace: en.ws},
		{Job: "remind", Workspace: b},
		{Job: "remind"}, // instance-wide: no workspace admin sees it
	} {
		if _, err := rt.Plan(context.Background(), tm); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for rt.TimerStats().DeadLetters < 4 {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for 4 dead tasks: %+v", rt.TimerStats())
		}
		time.Sleep(5 * time.Millisecond)
	}
	list := en.do("GET", "/api/v1/jobs/task-dead-letters", en.admin, nil, nil).expect(200)
	items, _ := list.body["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("A's dead tasks: %s, want 2", list.raw)
	}
	var timerID, jobID string
	for _, it := range items {
		m := it.(map[string]any)
		if m["job"] != "remind" || m["lastError"] != "mail server refused" || m["attempts"] != 1.0 {
			t.Errorf("dead task %v", m)
		}
		switch m["kind"] {
		case "timer":
			timerID = m["id"].(string)
			if m["timer"] != "approval.r1" || m["payload"].(map[string]any)["record"] != "r1" {
				t.Errorf("timer's dead task %v", m)
			}
		case "job":
			jobID = m["id"].(string)
		}
	}
	if timerID == "" || jobID == "" {
		t.Fatalf("want a timer's and a job's dead task in %s", list.raw)
	}
	all, err := rt.TaskDeadLetters(context.Background(), "", 10)
	if err != nil {
		t.Fatal(err)
	}
	var instanceWide string
	for _, d := range all {
		if d.Task.Workspace == "" {
			instanceWide = d.ID
		}
	}
	vars := map[string]string{"admin": en.admin, "member": member, "other": other, "timer": timerID, "job": jobID, "instance": instanceWide}
	run(t, en, vars, []step{
		{name: "member: no list", method: "GET", path: "/api/v1/jobs/task-dead-letters", token: "member", status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "member: no retry", method: "POST", path: "/api/v1/jobs/task-dead-letters/{timer}/retry", token: "member", status: 403},
		{name: "member: no discard", method: "POST", path: "/api/v1/jobs/task-dead-letters/{timer}/discard", token: "member", status: 403},
		{name: "no credential", method: "GET", path: "/api/v1/jobs/task-dead-letters", status: 401},
		{name: "B's admin sees only B's", method: "GET", path: "/api/v1/jobs/task-dead-letters", token: "other", status: 200,
			contains: []string{`"kind":"job"`}, absent: []string{"{timer}", "{job}", "approval.r1"}},
		{name: "B's admin cannot retry A's", method: "POST", path: "/api/v1/jobs/task-dead-letters/{timer}/retry", token: "other", status: 404, contains: []string{`"code":"not_found"`}},
		{name: "B's admin cannot discard A's", method: "POST", path: "/api/v1/jobs/task-dead-letters/{job}/discard", token: "other", status: 404},
		{name: "nobody reaches an instance-wide one", method: "POST", path: "/api/v1/jobs/task-dead-letters/{instance}/discard", token: "admin", status: 404},
		{name: "unknown id", method: "POST", path: "/api/v1/jobs/task-dead-letters/nothing/retry", token: "admin", status: 404},
	})
	fixed.Store(true)
	run(t, en, vars, []step{
		{name: "retry queues it", method: "POST", path: "/api/v1/jobs/task-dead-letters/{timer}/retry", token: "admin", status: 202, contains: []string{`"queued":true`}},
		{name: "retried is gone", method: "POST", path: "/api/v1/jobs/task-dead-letters/{timer}/retry", token: "admin", status: 404},
		{name: "discard", method: "POST", path: "/api/v1/jobs/task-dead-letters/{job}/discard", token: "admin", status: 204},
		{name: "discarded is gone", method: "POST", path: "/api/v1/jobs/task-dead-letters/{job}/discard", token: "admin", status: 404},
		{name: "A has none left", method: "GET", path: "/api/v1/jobs/task-dead-letters", token: "admin", status: 200, contains: []string{`"items":[]`}},
		{name: "B's is untouched", method: "GET", path: "/api/v1/jobs/task-dead-letters", token: "other", status: 200, contains: []string{`"attempts":1`}},
	})
	for ran.Load() < 1 {
		if time.Now().After(deadline) {
			t.Fatal("gave up waiting for the retried task to run")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
