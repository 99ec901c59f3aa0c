package jobs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func TestTaskDeadLettersByWorkspace(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { testTaskDeadLettersByWorkspace(t, b) })
	}
}

// testTaskDeadLettersByWorkspace: dead tasks carry their workspace; the
// admin reads list one workspace's, newest failure first, never an
// instance-wide task's; a retry keeps the workspace and the key.
func testTaskDeadLettersByWorkspace(t *testing.T, b backend) {
	ctx := context.Background()
	clock := store.NewManualClock(t0)
	s := b.open(t, clock)
	log := &taskLog{fail: errors.New("smtp down")}
	r := New(s, Options{Owner: "p1", Clock: clock, Logger: quiet, Poll: time.Hour})
	if err := r.RegisterJob(Job{Name: "mail", Handle: log.handle, MaxAttempts: 1}); err != nil {
		t.Fatal(err)
	}
	start(t, r)
	plans := []Timer{
		{ID: "mail.a1", Job: "mail", Workspace: "w1", Key: "rec1", Payload: map[string]any{"to": "a@example.com"}},
		{Job: "mail", Workspace: "w2"},
		{Job: "mail"}, // instance-wide
		{ID: "mail.a2", Job: "mail", Workspace: "w1"},
	}
	for i, p := range plans {
		if _, err := r.Plan(ctx, p); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the dead letter", func() bool { return r.TimerStats().DeadLetters == int64(i+1) })
		clock.Advance(time.Minute) // distinct failure times
	}
	mine, err := r.WorkspaceTaskDeadLetters(ctx, "w1", 10)
	if err != nil || len(mine) != 2 {
		t.Fatalf("WorkspaceTaskDeadLetters(w1) = %+v, %v, want two", mine, err)
	}
	if mine[0].Task.Timer != "mail.a2" || mine[1].Task.Timer != "mail.a1" {
		t.Errorf("order %s, %s; want the newest failure (mail.a2) first", mine[0].Task.Timer, mine[1].Task.Timer)
	}
	dl := mine[1]
	if dl.Task.Workspace != "w1" || dl.Task.Key != "rec1" || dl.Task.Job != "mail" || dl.LastError != "smtp down" || dl.Task.Attempt != 1 {
		t.Errorf("dead letter %+v", dl)
	}
	if got, err := r.WorkspaceTaskDeadLetters(ctx, "w2", 10); err != nil || len(got) != 1 || got[0].Task.Workspace != "w2" {
		t.Errorf("WorkspaceTaskDeadLetters(w2) = %+v, %v, want w2's one", got, err)
	}
	if got, err := r.WorkspaceTaskDeadLetters(ctx, "w3", 10); err != nil || len(got) != 0 {
		t.Errorf("WorkspaceTaskDeadLetters(w3) = %+v, %v, want none", got, err)
	}
	if all, err := r.TaskDeadLetters(ctx, "", 10); err != nil || len(all) != 4 {
		t.Errorf("TaskDeadLetters = %d, %v, want all 4 (instance-wide included)", len(all), err)
	}
	one, err := r.TaskDeadLetter(ctx, dl.ID)
	if err != nil || one.Task.Workspace != "w1" || one.Task.Payload["to"] != "a@example.com" {
		t.Errorf("TaskDeadLetter = %+v, %v", one, err)
	}
	if _, err := r.TaskDeadLetter(ctx, "nothing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TaskDeadLetter of a missing id = %v, want ErrNotFound", err)
	}

	log.setFail(nil)
	if err := r.RetryTaskDeadLetter(ctx, dl.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the retried task", func() bool { return r.TimerStats().Ran == 1 })
	runs := log.list()
	if got := runs[len(runs)-1]; got.Workspace != "w1" || got.Key != "rec1" || got.Payload["to"] != "a@example.com" || got.Attempt != 1 {
		t.Errorf("retried task = %+v, want w1's with its key and payload", got)
	}
	if got, _ := r.WorkspaceTaskDeadLetters(ctx, "w1", 10); len(got) != 1 || got[0].ID != mine[0].ID {
		t.Errorf("w1's dead letters after the retry = %+v, want only %s", got, mine[0].ID)
	}
	if err := r.DiscardTaskDeadLetter(ctx, mine[0].ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.WorkspaceTaskDeadLetters(ctx, "w1", 10); len(got) != 0 {
		t.Errorf("w1's dead letters after the discard = %+v, want none", got)
	}
}
