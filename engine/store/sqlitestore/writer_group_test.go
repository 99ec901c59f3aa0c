package sqlitestore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/formloom/formloom/engine/store"
)

// TestGroupCommitIsolatesFailingUnit commits 50 units at once; one of them
// holds a stale compare-and-set. Only that caller fails, none of its writes
// land, every other unit commits, and the units share transactions.
func TestGroupCommitIsolatesFailingUnit(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	seed(t, s, "deals", map[string]map[string]any{"target": {"n": 0}})
	batchesBefore := s.w.batches.Load()

	const callers = 50
	const bad = 17
	start := make(chan struct{})
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := store.UnitOfWork{
				Writes: []store.Write{{Op: store.OpInsert, Collection: "deals", Doc: store.Document{ID: fmt.Sprintf("d%02d", i), Data: map[string]any{"i": i}}}},
				Events: []store.Event{{Type: "deal.created", DocID: fmt.Sprintf("d%02d", i)}},
			}
			if i == bad {
				u.Writes = append(u.Writes, store.Write{Op: store.OpUpdate, Collection: "deals", ExpectVersion: 99,
					Doc: store.Document{ID: "target", Data: map[string]any{"n": 1}}})
			}
			<-start
			_, errs[i] = s.Commit(ctx, u)
		}()
	}
	close(start)
	wg.Wait()

	for i, err := range errs {
		switch {
		case i == bad && !errors.Is(err, store.ErrConflict):
			t.Errorf("caller %d: err = %v, want ErrConflict", i, err)
		case i != bad && err != nil:
			t.Errorf("caller %d: err = %v, want nil", i, err)
		}
	}
	for i := 0; i < callers; i++ {
		_, err := s.Get(ctx, "deals", fmt.Sprintf("d%02d", i))
		if i == bad && !errors.Is(err, store.ErrNotFound) {
			t.Errorf("failed unit's insert d%02d: Get err = %v, want ErrNotFound", i, err)
		}
		if i != bad && err != nil {
			t.Errorf("d%02d: %v", i, err)
		}
	}
	if d, err := s.Get(ctx, "deals", "target"); err != nil || d.Version != 1 || d.Data["n"] != 0.0 {
		t.Errorf("target = %+v, %v; want untouched version 1", d, err)
	}
	evs, err := s.ReadEvents(ctx, 0, 100)
	if err != nil || len(evs) != callers-1 {
		t.Errorf("events = %d, %v; want %d", len(evs), err, callers-1)
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].Seq <= evs[i-1].Seq {
			t.Errorf("event seqs not increasing: %d then %d", evs[i-1].Seq, evs[i].Seq)
		}
	}
	if batches := s.w.batches.Load() - batchesBefore; batches >= callers {
		t.Errorf("%d transactions for %d concurrent units: no group commit", batches, callers)
	}
}

func TestDuplicateNamesIndexFields(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	err := s.EnsureIndexes(ctx, "contacts", []store.Index{{Name: "email_u", Unique: true, Fields: []store.SortKey{{Field: "email"}}}})
	if err != nil {
		t.Fatal(err)
	}
	seed(t, s, "contacts", map[string]map[string]any{"c1": {"email": "a@x"}})
	_, err = s.Commit(ctx, store.UnitOfWork{Writes: []store.Write{
		{Op: store.OpInsert, Collection: "contacts", Doc: store.Document{ID: "c2", Data: map[string]any{"email": "b@x"}}},
		{Op: store.OpInsert, Collection: "contacts", Doc: store.Document{ID: "c3", Data: map[string]any{"email": "a@x"}}},
	}})
	var de *store.DuplicateError
	if !errors.As(err, &de) || de.Index != "email_u" || len(de.Fields) != 1 || de.Fields[0] != "email" {
		t.Fatalf("err = %v, want DuplicateError on email_u(email)", err)
	}
	if _, err := s.Get(ctx, "contacts", "c2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("c2 of the failed unit: %v, want ErrNotFound", err)
	}
	_, err = s.Commit(ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpInsert, Collection: "contacts", Doc: store.Document{ID: "c1"}}}})
	if !errors.As(err, &de) || de.Index != store.FieldID {
		t.Errorf("duplicate id: err = %v, want DuplicateError on _id", err)
	}
}

func TestCommitHonoursCancelledContext(t *testing.T) {
	s := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Commit(ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpInsert, Collection: "x", Doc: store.Document{ID: "a"}}}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
