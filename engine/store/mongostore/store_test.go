package mongostore

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func TestOpenDetectsFerretDB(t *testing.T) {
	s := openTest(t)
	got := s.Capabilities()
	want := store.Capabilities{Backend: "ferretdb", DateBuckets: true}
	if got != want {
		t.Fatalf("Capabilities = %+v, want %+v", got, want)
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func TestOpenRejectsBadDatabaseName(t *testing.T) {
	for _, name := range []string{"", "a.b", "a/b", "a b", "x$"} {
		_, err := Open(context.Background(), "mongodb://127.0.0.1:1", name, Options{})
		if !errors.Is(err, store.ErrInvalidInput) {
			t.Errorf("Open(%q) error = %v, want ErrInvalidInput", name, err)
		}
	}
}

func TestRoundTripKeepsJSONModel(t *testing.T) {
	s := openTest(t)
	data := map[string]any{
		"name":  "Ada",
		"n":     3,
		"score": 1.5,
		"ok":    true,
		"none":  nil,
		"tags":  []any{"a", 2, false},
		"addr":  map[string]any{"city": "Paris", "zip": map[string]any{"code": "75001"}},
		"when":  time.Date(2026, 11, 29, 8, 0, 0, 123456000, time.UTC),
		"grid":  []any{[]any{1, 2}, []any{}, []any{"a", []any{true}}},
	}
	docs := insert(t, s, "people", data)
	got, err := s.Get(context.Background(), "people", docs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"name": "Ada", "n": 3.0, "score": 1.5, "ok": true, "none": nil,
		"tags": []any{"a", 2.0, false},
		"addr": map[string]any{"city": "Paris", "zip": map[string]any{"code": "75001"}},
		"when": "2026-11-29T08:00:00.123456Z",
		"grid": []any{[]any{1.0, 2.0}, []any{}, []any{"a", []any{true}}},
	}
	if !reflect.DeepEqual(got.Data, want) {
		t.Fatalf("Data = %#v\nwant %#v", got.Data, want)
	}
	if got.Version != 1 || got.CreatedBy != "tester" || got.UpdatedBy != "tester" || got.DeletedAt != nil {
		t.Fatalf("system fields = %+v", got)
	}
	if !got.CreatedAt.Equal(docs[0].CreatedAt) {
		t.Fatalf("CreatedAt = %v, want %v", got.CreatedAt, docs[0].CreatedAt)
	}
}

func TestCommitVersionsAndErrors(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	doc := insert(t, s, "deals", map[string]any{"stage": "new"})[0]
	write := func(op store.WriteOp, expect int64, data map[string]any) (store.Document, error) {
		res, err := s.Commit(ctx, store.UnitOfWork{Writes: []store.Write{{
			Op: op, Collection: "deals", ExpectVersion: expect, Doc: store.Document{ID: doc.ID, Data: data},
		}}})
		if err != nil {
			return store.Document{}, err
		}
		return res.Docs[0], nil
	}
	tests := []struct {
		name        string
		op          store.WriteOp
		expect      int64
		wantErr     error
		wantVersion int64
	}{
		{"update with right version", store.OpUpdate, 1, nil, 2},
		{"update with stale version", store.OpUpdate, 1, store.ErrConflict, 0},
		{"restore a live document", store.OpRestore, 0, store.ErrNotFound, 0},
		{"soft delete", store.OpSoftDelete, 2, nil, 3},
		{"update a deleted document", store.OpUpdate, 0, store.ErrNotFound, 0},
		{"soft delete twice", store.OpSoftDelete, 0, store.ErrNotFound, 0},
		{"restore", store.OpRestore, 3, nil, 4},
		{"hard delete with stale version", store.OpHardDelete, 3, store.ErrConflict, 0},
		{"hard delete", store.OpHardDelete, 4, nil, 4},
		{"hard delete again", store.OpHardDelete, 0, store.ErrNotFound, 0},
	}
	for _, tt := range tests {
		got, err := write(tt.op, tt.expect, map[string]any{"stage": "won"})
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("%s: error = %v, want %v", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got.Version != tt.wantVersion {
			t.Fatalf("%s: version = %d, want %d", tt.name, got.Version, tt.wantVersion)
		}
	}
	if _, err := s.Get(ctx, "deals", doc.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after hard delete: %v, want ErrNotFound", err)
	}
}

func TestMultiItemUnitNeedsOptIn(t *testing.T) {
	s := openTest(t)
	s.opts.AllowNonAtomicUnits = false
	_, err := s.Commit(context.Background(), store.UnitOfWork{
		Writes: []store.Write{{Op: store.OpInsert, Collection: "a", Doc: store.Document{Data: map[string]any{}}}},
		Events: []store.Event{{Type: "created"}},
	})
	if !errors.Is(err, store.ErrUnsupported) {
		t.Fatalf("error = %v, want ErrUnsupported", err)
	}
}

func TestDuplicateNamesTheIndex(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if err := s.EnsureIndexes(ctx, "contacts", []store.Index{{Name: "by_email", Fields: []store.SortKey{{Field: "email"}}, Unique: true}}); err != nil {
		t.Fatal(err)
	}
	first := insert(t, s, "contacts", map[string]any{"email": "a@x.io"})[0]
	_, err := s.Commit(ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpInsert, Collection: "contacts", Doc: store.Document{Data: map[string]any{"email": "a@x.io"}}}}})
	var dup *store.DuplicateError
	if !errors.As(err, &dup) || dup.Index != "by_email" || !reflect.DeepEqual(dup.Fields, []string{"email"}) {
		t.Fatalf("error = %#v, want DuplicateError on by_email", err)
	}
	_, err = s.Commit(ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpInsert, Collection: "contacts", Doc: store.Document{ID: first.ID, Data: map[string]any{"email": "b@x.io"}}}}})
	if !errors.As(err, &dup) || dup.Index != store.FieldID {
		t.Fatalf("error = %#v, want DuplicateError on _id", err)
	}
	// Dropping the declaration drops the index.
	if err := s.EnsureIndexes(ctx, "contacts", nil); err != nil {
		t.Fatal(err)
	}
	insert(t, s, "contacts", map[string]any{"email": "a@x.io"})
}

func TestFindPagesWithCursor(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var rows []map[string]any
	values := []any{3.0, nil, "b", 1.0, "a", true, nil, 2.0, "c", false, 1.0}
	for _, v := range values {
		row := map[string]any{}
		if v != nil || len(rows)%2 == 0 {
			row["v"] = v
		}
		rows = append(rows, row)
	}
	insert(t, s, "items", rows...)
	for _, desc := range []bool{false, true} {
		q := store.Query{Sort: []store.SortKey{{Field: "v", Desc: desc}}, Limit: 3}
		all, err := s.Find(ctx, "items", store.Query{Sort: q.Sort, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var paged []store.Document
		for {
			page, err := s.Find(ctx, "items", q)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, page.Docs...)
			if page.NextCursor == "" {
				break
			}
			q.After = page.NextCursor
		}
		if len(paged) != len(values) || len(all.Docs) != len(values) {
			t.Fatalf("desc=%v: paged %d, all %d, want %d", desc, len(paged), len(all.Docs), len(values))
		}
		for i := range paged {
			if paged[i].ID != all.Docs[i].ID {
				t.Fatalf("desc=%v: position %d: paged %s, one page %s", desc, i, paged[i].ID, all.Docs[i].ID)
			}
			if i > 0 {
				c := store.CompareValues(cursorValue(all.Docs[i-1], "v"), cursorValue(all.Docs[i], "v"))
				if (!desc && c > 0) || (desc && c < 0) {
					t.Fatalf("desc=%v: position %d out of order", desc, i)
				}
			}
		}
	}
}

func TestCountDistinctAggregate(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	insert(t, s, "deals",
		map[string]any{"stage": "won", "amount": 10, "tags": []any{"x", "y"}, "closed": "2026-01-15T23:30:00.000000Z"},
		map[string]any{"stage": "won", "amount": 30, "tags": []any{"y"}, "closed": "2026-04-01"},
		map[string]any{"stage": "lost", "amount": "n/a", "tags": []any{"z"}},
		map[string]any{"amount": 5},
	)
	won := store.Where("stage", store.OpEq, "won")
	n, err := s.Count(ctx, "deals", store.Query{Filter: &won})
	if err != nil || n != 2 {
		t.Fatalf("Count = %d, %v; want 2", n, err)
	}
	vals, err := s.Distinct(ctx, "deals", "tags", store.Query{}, 10)
	if err != nil || !reflect.DeepEqual(vals, []any{"x", "y", "z"}) {
		t.Fatalf("Distinct = %v, %v", vals, err)
	}
	groups, err := s.Aggregate(ctx, "deals", store.AggregateQuery{
		GroupBy: []store.GroupKey{{Field: "stage"}},
		Metrics: []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "amount"}, {Op: store.AggAvg, Field: "amount"}, {Op: store.AggMin, Field: "amount"}, {Op: store.AggMax, Field: "amount"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Group{
		{Keys: []any{nil}, Values: []any{1.0, 5.0, 5.0, 5.0, 5.0}},
		{Keys: []any{"lost"}, Values: []any{1.0, 0.0, nil, "n/a", "n/a"}},
		{Keys: []any{"won"}, Values: []any{2.0, 40.0, 20.0, 10.0, 30.0}},
	}
	if !reflect.DeepEqual(groups, want) {
		t.Fatalf("Aggregate = %v\nwant %v", groups, want)
	}
	groups, err = s.Aggregate(ctx, "deals", store.AggregateQuery{
		Filter:  &won,
		GroupBy: []store.GroupKey{{Field: "closed", Bucket: store.BucketQuarter, TimeZone: "Asia/Shanghai"}},
		Metrics: []store.Metric{{Op: store.AggCount}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want = []store.Group{{Keys: []any{"2026-Q1"}, Values: []any{1.0}}, {Keys: []any{"2026-Q2"}, Values: []any{1.0}}}
	if !reflect.DeepEqual(groups, want) {
		t.Fatalf("bucketed Aggregate = %v\nwant %v", groups, want)
	}
}

func TestOutboxCountersQueues(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	res, err := s.Commit(ctx, store.UnitOfWork{
		Writes:  []store.Write{{Op: store.OpInsert, Collection: "deals", Doc: store.Document{Data: map[string]any{}}}},
		Events:  []store.Event{{Type: "created", Payload: map[string]any{"n": 1}}, {Type: "touched"}},
		Enqueue: []store.QueueItem{{ID: "job1", Queue: "hooks", Payload: map[string]any{"url": "x"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Events are numbered when first read (see outbox_events.go), so the commit reports 0.
	if res.Events[0].Seq != 0 || res.Events[1].Seq != 0 {
		t.Fatalf("seqs at commit = %d, %d, want 0, 0", res.Events[0].Seq, res.Events[1].Seq)
	}
	evs, err := s.ReadEvents(ctx, 1, 10)
	if err != nil || len(evs) != 1 || evs[0].Type != "touched" || evs[0].ID != res.Events[1].ID {
		t.Fatalf("ReadEvents = %+v, %v", evs, err)
	}
	for want := int64(1); want <= 3; want++ {
		if n, err := s.Increment(ctx, "invoice", 1); err != nil || n != want {
			t.Fatalf("Increment = %d, %v; want %d", n, err, want)
		}
	}
	if err := s.Enqueue(ctx, store.QueueItem{ID: "job2", Queue: "hooks"}, store.QueueItem{ID: "job1", Queue: "hooks"}); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("Enqueue duplicate: %v", err)
	}
	if d, _ := s.Depth(ctx, "hooks"); d != 1 {
		t.Fatalf("Depth = %d, want 1 (a duplicate adds nothing)", d)
	}
	it, err := s.Claim(ctx, "hooks", "w1", time.Minute)
	if err != nil || it.ID != "job1" || it.Attempts != 1 || it.LeaseOwner != "w1" || it.Payload["url"] != "x" {
		t.Fatalf("Claim = %+v, %v", it, err)
	}
	if _, err := s.Claim(ctx, "hooks", "w2", time.Minute); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second Claim: %v, want ErrNotFound", err)
	}
	if err := s.Ack(ctx, "hooks", "job1", "w2"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Ack by another owner: %v", err)
	}
	if err := s.Extend(ctx, "hooks", "job1", "w1", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.Retry(ctx, "hooks", "job1", "w1", time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	it, err = s.Claim(ctx, "hooks", "w2", time.Millisecond)
	if err != nil || it.Attempts != 2 {
		t.Fatalf("Claim after retry = %+v, %v", it, err)
	}
	time.Sleep(5 * time.Millisecond)
	if it, err = s.Claim(ctx, "hooks", "w3", time.Minute); err != nil || it.LeaseOwner != "w3" {
		t.Fatalf("Claim of an expired lease = %+v, %v", it, err)
	}
	if err := s.Ack(ctx, "hooks", "job1", "w3"); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.Depth(ctx, "hooks"); d != 0 {
		t.Fatalf("Depth after Ack = %d", d)
	}
}

func TestClosedStore(t *testing.T) {
	s := openTest(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(context.Background(), "a", "b"); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("Get after Close: %v", err)
	}
	if err := s.Close(); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
}
