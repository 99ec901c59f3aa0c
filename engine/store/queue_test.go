package store_test

import (
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func TestNormalizeQueueItem(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 1500, time.UTC)
	it, err := store.NormalizeQueueItem(store.QueueItem{Queue: "hooks", Key: "k", Attempts: 3, LeaseOwner: "w", LeaseUntil: now, Payload: map[string]any{"n": 1}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(it.ID) != 26 || !it.DueAt.Equal(now.Truncate(time.Microsecond)) || it.Attempts != 0 || it.LeaseOwner != "" || !it.LeaseUntil.IsZero() || it.Payload["n"] != 1.0 || it.Key != "k" {
		t.Errorf("NormalizeQueueItem = %+v", it)
	}
	due := time.Date(2030, 1, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
	it, err = store.NormalizeQueueItem(store.QueueItem{ID: "fixed", Queue: "hooks", DueAt: due}, now)
	if err != nil || it.ID != "fixed" || !it.DueAt.Equal(due) || it.DueAt.Location() != time.UTC {
		t.Errorf("NormalizeQueueItem with id and due = %+v, %v", it, err)
	}
}
