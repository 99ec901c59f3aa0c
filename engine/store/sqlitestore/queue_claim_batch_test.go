package sqlitestore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

var _ store.BatchClaimer = (*Store)(nil)

func TestClaimBatch(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Now().UTC()
	items := []store.QueueItem{
		{ID: "a1", Queue: "q", Key: "a", DueAt: now.Add(-3 * time.Second)},
		{ID: "a2", Queue: "q", Key: "a", DueAt: now.Add(-3 * time.Second)}, // same due time, enqueued second: behind a1
		{ID: "b1", Queue: "q", Key: "b", DueAt: now.Add(-2 * time.Second)},
		{ID: "n1", Queue: "q", DueAt: now.Add(-1 * time.Second)},
		{ID: "later", Queue: "q", DueAt: now.Add(time.Hour)},
		{ID: "other", Queue: "r", DueAt: now.Add(-time.Second)},
	}
	for _, it := range items {
		if err := s.Enqueue(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ClaimBatch(ctx, "q", "w1", time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range got {
		ids = append(ids, it.ID)
		if it.Attempts != 1 || it.LeaseOwner != "w1" {
			t.Errorf("%s: attempts %d, owner %q", it.ID, it.Attempts, it.LeaseOwner)
		}
	}
	// One item per key (a2 waits for a1), none not yet due, none of another queue.
	if want := []string{"a1", "b1", "n1"}; len(ids) != 3 || ids[0] != want[0] || ids[1] != want[1] || ids[2] != want[2] {
		t.Fatalf("claimed %v, want %v", ids, want)
	}
	if more, err := s.ClaimBatch(ctx, "q", "w2", time.Minute, 10); err != nil || len(more) != 0 {
		t.Fatalf("while a1 is leased: %v %v", more, err)
	}
	if err := s.Ack(ctx, "q", "a1", "w1"); err != nil {
		t.Fatal(err)
	}
	next, err := s.ClaimBatch(ctx, "q", "w2", time.Minute, 1)
	if err != nil || len(next) != 1 || next[0].ID != "a2" {
		t.Fatalf("after the ack: %v %v", next, err)
	}
	if _, err := s.ClaimBatch(ctx, "q", "w2", time.Minute, 0); !errors.Is(err, store.ErrInvalidInput) {
		t.Fatalf("max 0: %v", err)
	}
}
