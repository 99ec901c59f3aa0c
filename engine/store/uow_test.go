package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func TestNewIDUniqueAndShaped(t *testing.T) {
	const n = 100000
	seen := make(map[string]bool, n)
	for range n {
		id := store.NewID()
		if len(id) != 26 || strings.Trim(id, "0123456789abcdefghjkmnpqrstvwxyz") != "" {
			t.Fatalf("NewID() = %q, want 26 lower-case Crockford base32 characters", id)
		}
		if store.ValidateID(id) != nil {
			t.Fatalf("NewID() = %q is not a valid id", id)
		}
		if seen[id] {
			t.Fatalf("NewID repeated %q", id)
		}
		seen[id] = true
	}
}

func TestNewIDSortsByTime(t *testing.T) {
	prev := store.NewID()
	for range 5 {
		time.Sleep(2 * time.Millisecond)
		next := store.NewID()
		if next <= prev {
			t.Fatalf("NewID %q made later does not sort after %q", next, prev)
		}
		prev = next
	}
}

func TestNormalizeUnitFills(t *testing.T) {
	now := time.Date(2026, 5, 6, 7, 8, 9, 999, time.UTC)
	at := time.Date(2026, 1, 1, 8, 0, 0, 123456789, time.FixedZone("CST", 8*3600))
	evAt := time.Date(2026, 2, 2, 2, 2, 2, 2999, time.FixedZone("X", 3600))
	ins := store.Write{Op: store.OpInsert, Collection: "deals", Doc: store.Document{Data: map[string]any{"n": 1}}}
	own := store.Write{Op: store.OpInsert, Collection: "deals", Doc: store.Document{ID: "mine", UpdatedBy: "bot"}}
	upd := store.Write{Op: store.OpUpdate, Collection: "deals", Doc: store.Document{ID: "x", Data: map[string]any{"t": at}}, ExpectVersion: 3}
	del := store.Write{Op: store.OpSoftDelete, Collection: "deals", Doc: store.Document{ID: "x"}}
	u, err := store.NormalizeUnit(store.UnitOfWork{
		Writes:  []store.Write{ins, own, upd, del},
		Events:  []store.Event{{Type: "a"}, {ID: "e2", Type: "b", At: evAt, Seq: 99, Payload: map[string]any{"k": 1}}},
		Enqueue: []store.QueueItem{{Queue: "hooks", Attempts: 5, LeaseOwner: "x"}},
		At:      at, Actor: "user_1",
	}, now)
	if err != nil {
		t.Fatalf("NormalizeUnit: %v", err)
	}
	wantAt := time.Date(2026, 1, 1, 0, 0, 0, 123456000, time.UTC)
	if !u.At.Equal(wantAt) || u.At.Location() != time.UTC {
		t.Errorf("At = %v, want %v in UTC", u.At, wantAt)
	}
	w0, w1, w2, w3 := u.Writes[0].Doc, u.Writes[1].Doc, u.Writes[2].Doc, u.Writes[3].Doc
	if len(w0.ID) != 26 || w0.CreatedBy != "user_1" || w0.UpdatedBy != "user_1" || w0.Data["n"] != 1.0 {
		t.Errorf("insert = %+v, want a new id, actor stamps and float data", w0)
	}
	if w1.ID != "mine" || w1.CreatedBy != "bot" || w1.UpdatedBy != "bot" || w1.Data == nil {
		t.Errorf("insert with own stamps = %+v", w1)
	}
	if w2.UpdatedBy != "user_1" || w2.CreatedBy != "" || w2.Data["t"] != "2026-01-01T00:00:00.123456Z" || u.Writes[2].ExpectVersion != 3 {
		t.Errorf("update = %+v", u.Writes[2])
	}
	if w3.UpdatedBy != "user_1" {
		t.Errorf("soft delete = %+v", w3)
	}
	e0, e1 := u.Events[0], u.Events[1]
	if len(e0.ID) != 26 || !e0.At.Equal(wantAt) || e0.Payload == nil {
		t.Errorf("event without id/time = %+v", e0)
	}
	if e1.ID != "e2" || e1.Seq != 0 || e1.Payload["k"] != 1.0 {
		t.Errorf("event = %+v, want its id kept, Seq cleared, payload normalized", e1)
	}
	if !e1.At.Equal(evAt.Truncate(time.Microsecond)) || e1.At.Location() != time.UTC || e1.At.Nanosecond()%1000 != 0 {
		t.Errorf("explicit event At = %v, want %v in UTC microseconds", e1.At, evAt)
	}
	q := u.Enqueue[0]
	if len(q.ID) != 26 || !q.DueAt.Equal(wantAt) || q.Attempts != 0 || q.LeaseOwner != "" || q.Payload == nil {
		t.Errorf("queue item = %+v, want id, due at the unit's time, no attempts or lease", q)
	}

	z, err := store.NormalizeUnit(store.UnitOfWork{Events: []store.Event{{Type: "a"}}}, now)
	if err != nil || !z.At.Equal(now.Truncate(time.Microsecond)) {
		t.Errorf("zero At = %v, %v, want now %v", z.At, err, now)
	}
}

func TestNormalizeUnitRefuses(t *testing.T) {
	ok := store.Write{Op: store.OpInsert, Collection: "deals"}
	big := make([]store.Write, store.MaxUnitWrites+1)
	for i := range big {
		big[i] = ok
	}
	withDoc := func(op store.WriteOp, coll, id string, data map[string]any) store.Write {
		return store.Write{Op: op, Collection: coll, Doc: store.Document{ID: id, Data: data}}
	}
	tests := []struct {
		name string
		u    store.UnitOfWork
	}{
		{"empty", store.UnitOfWork{}},
		{"too large", store.UnitOfWork{Writes: big}},
		{"bad collection", store.UnitOfWork{Writes: []store.Write{withDoc(store.OpInsert, "Deals", "", nil)}}},
		{"op zero", store.UnitOfWork{Writes: []store.Write{withDoc(0, "deals", "x", nil)}}},
		{"op too large", store.UnitOfWork{Writes: []store.Write{withDoc(store.OpHardDelete+1, "deals", "x", nil)}}},
		{"negative version", store.UnitOfWork{Writes: []store.Write{{Op: store.OpUpdate, Collection: "deals", Doc: store.Document{ID: "x"}, ExpectVersion: -1}}}},
		{"update without id", store.UnitOfWork{Writes: []store.Write{withDoc(store.OpUpdate, "deals", "", nil)}}},
		{"bad id", store.UnitOfWork{Writes: []store.Write{withDoc(store.OpInsert, "deals", "a b", nil)}}},
		{"bad data", store.UnitOfWork{Writes: []store.Write{withDoc(store.OpUpdate, "deals", "x", map[string]any{"$inc": 1})}}},
		{"event without type", store.UnitOfWork{Events: []store.Event{{Type: "  "}}}},
		{"event bad id", store.UnitOfWork{Events: []store.Event{{ID: "a\x00", Type: "t"}}}},
		{"event bad payload", store.UnitOfWork{Events: []store.Event{{Type: "t", Payload: map[string]any{"A": 1}}}}},
		{"queue bad name", store.UnitOfWork{Enqueue: []store.QueueItem{{Queue: "Hooks"}}}},
		{"queue bad id", store.UnitOfWork{Enqueue: []store.QueueItem{{Queue: "hooks", ID: "a b"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := store.NormalizeUnit(tc.u, time.Now()); !errors.Is(err, store.ErrInvalidInput) {
				t.Errorf("error = %v, want ErrInvalidInput", err)
			}
		})
	}
}
