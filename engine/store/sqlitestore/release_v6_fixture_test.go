package sqlitestore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// The fixture testdata/release-v6 is a data directory written by the
// release before compact outbox rows (schema version 6, main at 45b6bde):
// records with the indexes the engine declares for an indexed field,
// history entries, their events (the static dictionary, then the
// collection's own) next to the events of fixtureUnits, updates, a soft
// delete and a trim of the oldest events. It was made by
//
//	FORMLOOM_WRITE_FIXTURE=$PWD/testdata/release-v6 go test -run TestWriteReleaseV6Fixture ./engine/store/sqlitestore/
//
// run on that release's code with this file copied in. snapshot.json is
// what that release answered to migrationQueries, events.json what its
// ReadEvents answered. TestMigrateReleaseV6 opens a copy.

// TestWriteReleaseV6Fixture builds the fixture; it only runs on request.
func TestWriteReleaseV6Fixture(t *testing.T) {
	out := os.Getenv("FORMLOOM_WRITE_FIXTURE")
	if out == "" {
		t.Skip("set FORMLOOM_WRITE_FIXTURE to a directory to write the fixture")
	}
	dir := t.TempDir()
	clk := store.NewManualClock(time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC))
	s, err := Open(dir, Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	writeReleaseV6(t, s, clk)
	snap := migrationSnapshot(t, s)
	evs := eventsJSON(t, readAllEvents(t, s))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(filepath.Join(dir, dbFileName))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{dbFileName: db, "snapshot.json": snap, "events.json": []byte(evs)} {
		if err := os.WriteFile(filepath.Join(out, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// writeReleaseV6 writes the fixture's content: units of records of
// r_opp, each with its history entry in h_opp and its event, as the
// engine commits them.
func writeReleaseV6(t *testing.T, s *Store, clk *store.ManualClock) {
	t.Helper()
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx, "r_opp", []store.Index{
		{Name: "a_updated", Fields: []store.SortKey{{Field: store.FieldUpdatedAt}}},
		{Name: "c_stage", Fields: []store.SortKey{{Field: "fields.stage"}, {Field: store.FieldCreatedAt}}},
		{Name: "s_stage_amount", Fields: []store.SortKey{{Field: "fields.stage"}, {Field: "fields.amount"}}},
		{Name: "u_email", Unique: true, Fields: []store.SortKey{{Field: "fields.email"}}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureIndexes(ctx, "h_opp", []store.Index{{Name: "record", Fields: []store.SortKey{{Field: "record"}, {Field: "version"}}}}); err != nil {
		t.Fatal(err)
	}
	regions := []string{"华南", "华北", "华东"}
	event := func(typ, rec string, n int, data map[string]any) store.Event {
		changed := []any{}
		for k := range data {
			changed = append(changed, k)
		}
		return store.Event{ID: fmt.Sprintf("e%s%03d", typ[7:8], n), Type: typ, Workspace: "ws1", Collection: "r_opp", DocID: rec,
			Payload: map[string]any{"payload_version": 1, "form": "f1", "form_version": 1, "app": "a1", "record": rec, "version": 1,
				"source": "api", "actor": "u1", "changed": changed, "data": data}}
	}
	for n := 1; n <= 40; n++ {
		rec := fmt.Sprintf("rec%03d", n)
		f := map[string]any{
			"company": fmt.Sprintf("公司%d", n), "email": fmt.Sprintf("u%d@example.com", n),
			"amount": float64((n * 7919) % 100000), "stage": []string{"new", "won", "qualified"}[n%3],
			"region": regions[(n/2)%3], "vip": n%4 == 0, "notes": "line \"one\"\nline two\t\\",
			"items": []any{map[string]any{"sku": fmt.Sprintf("S%d", n%7), "qty": float64(n % 9)}},
		}
		if n%6 == 0 {
			delete(f, "region")
		}
		u := store.UnitOfWork{Actor: "u1", Writes: []store.Write{
			{Op: store.OpInsert, Collection: "r_opp", Doc: store.Document{ID: rec, Data: map[string]any{"fields": f, "form_version": 1}}},
			{Op: store.OpInsert, Collection: "h_opp", Doc: store.Document{ID: "h" + rec + "v1", Data: map[string]any{"record": rec, "version": 1, "action": "create"}}},
		}, Events: []store.Event{event("record.created", rec, n, f)}}
		if _, err := s.Commit(ctx, u); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
	}
	syncWriter(t, s)
	// Updates of every fifth record, a soft delete, events of other kinds.
	for n := 5; n <= 40; n += 5 {
		rec := fmt.Sprintf("rec%03d", n)
		d, err := s.Get(ctx, "r_opp", rec)
		if err != nil {
			t.Fatal(err)
		}
		d.Data["fields"].(map[string]any)["stage"] = "won"
		u := store.UnitOfWork{Actor: "u2", Writes: []store.Write{
			{Op: store.OpUpdate, Collection: "r_opp", Doc: d, ExpectVersion: 1},
			{Op: store.OpInsert, Collection: "h_opp", Doc: store.Document{ID: "h" + rec + "v2", Data: map[string]any{"record": rec, "version": 2, "action": "update",
				"changes": []any{map[string]any{"field": "stage", "old": "new", "new": "won"}}}}},
		}, Events: []store.Event{event("record.updated", rec, n, map[string]any{"stage": "won"})}}
		if n == 40 {
			u.Writes = append(u.Writes, store.Write{Op: store.OpSoftDelete, Collection: "r_opp", Doc: store.Document{ID: "rec039"}})
		}
		if _, err := s.Commit(ctx, u); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
	}
	for _, u := range fixtureUnits() {
		if _, err := s.Commit(ctx, u); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
	}
	// The three oldest events are trimmed, so the highest sequence number
	// ever given is above the lowest kept.
	if n, err := s.TrimEvents(ctx, 3, clk.Now()); err != nil || n != 3 {
		t.Fatalf("trim = %d, %v", n, err)
	}
}
