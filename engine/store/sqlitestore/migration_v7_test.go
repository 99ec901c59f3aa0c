package sqlitestore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// TestMigrateReleaseV6 opens a data directory written by the release
// before compact outbox rows (testdata/release-v6, see
// release_v6_fixture_test.go), which upgrades it in place, and checks that
// its records, history entries, pages, counts and events read back
// exactly as that release answered; then it writes new units next to
// them, reopens, and trims across old and new rows.
func TestMigrateReleaseV6(t *testing.T) {
	fixture := filepath.Join("testdata", "release-v6")
	src, err := os.ReadFile(filepath.Join(fixture, dbFileName))
	if err != nil {
		t.Fatal(err)
	}
	wantSnap, err := os.ReadFile(filepath.Join(fixture, "snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantEvents, err := os.ReadFile(filepath.Join(fixture, "events.json"))
	if err != nil {
		t.Fatal(err)
	}
	var old []store.Event
	if err := json.Unmarshal(wantEvents, &old); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, dbFileName), src, 0o600); err != nil {
		t.Fatal(err)
	}
	// The release handed out sequence numbers up to 64; the newest event
	// is deleted here (as a trim up to the head would), so only the
	// carried-over counter keeps 64 from being given again.
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, dbFileName))
	if err != nil {
		t.Fatal(err)
	}
	head := old[len(old)-1].Seq
	if _, err := raw.Exec(`DELETE FROM outbox WHERE seq = ?`, head); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	old = old[:len(old)-1]

	clk := store.NewManualClock(time.Date(2026, 12, 8, 8, 0, 0, 0, time.UTC))
	s, err := Open(dir, Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	var v int
	if err := s.rdb.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil || v != len(migrations) {
		t.Fatalf("schema version = %d, %v; want %d", v, err, len(migrations))
	}
	compareSnapshot(t, "after the upgrade", migrationSnapshot(t, s), wantSnap)
	if got, want := eventsJSON(t, readAllEvents(t, s)), eventsJSON(t, old); got != want {
		t.Fatalf("the upgraded store reads the release's events differently:\n%s", got)
	}
	checkRawEvents(t, "after the upgrade", s)

	// New units like the release's: records, history entries, events.
	ctx := context.Background()
	var committed []store.Event
	for n := 1; n <= 12; n++ {
		rec := fmt.Sprintf("new%03d", n)
		f := map[string]any{"company": fmt.Sprintf("新公司%d", n), "email": fmt.Sprintf("n%d@example.com", n), "amount": float64(n * 1000),
			"stage": "won", "region": "华南"}
		u := store.UnitOfWork{Actor: "u3", Writes: []store.Write{
			{Op: store.OpInsert, Collection: "r_opp", Doc: store.Document{ID: rec, Data: map[string]any{"fields": f, "form_version": 1}}},
			{Op: store.OpInsert, Collection: "h_opp", Doc: store.Document{ID: "h" + rec + "v1", Data: map[string]any{"record": rec, "version": 1, "action": "create"}}},
		}, Events: []store.Event{{ID: "n" + rec, Type: "record.created", Workspace: "ws1", Collection: "r_opp", DocID: rec,
			Payload: map[string]any{"payload_version": 1, "form": "f1", "record": rec, "changed": []any{"amount"}, "data": f}}}}
		if n%4 == 0 {
			u.Events = append(u.Events, store.Event{ID: "u" + rec, Type: "user.created", Collection: "users", DocID: "u" + rec})
		}
		res, err := s.Commit(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range res.Events {
			if e.Seq <= head {
				t.Fatalf("new event %s has sequence number %d; the release gave up to %d", e.ID, e.Seq, head)
			}
			e.Payload = u.Events[i].Payload
			if e.Payload == nil {
				e.Payload = map[string]any{}
			}
			committed = append(committed, e)
		}
		clk.Advance(time.Second)
	}
	syncWriter(t, s)
	// New rows keep their head in their block; the release's in columns.
	var inColumns, inBlock int
	if err := s.rdb.QueryRow(`SELECT count(type), count(*) - count(type) FROM outbox`).Scan(&inColumns, &inBlock); err != nil {
		t.Fatal(err)
	}
	if inColumns != len(old) || inBlock != len(committed) {
		t.Fatalf("rows with the head in columns / in the block: %d / %d; want %d / %d", inColumns, inBlock, len(old), len(committed))
	}
	check := func(stage string, s *Store, from int) {
		t.Helper()
		all := readAllEvents(t, s)
		if len(all) != len(old)-from+len(committed) {
			t.Fatalf("%s: %d events; want %d", stage, len(all), len(old)-from+len(committed))
		}
		if got, want := eventsJSON(t, all[:len(old)-from]), eventsJSON(t, old[from:]); got != want {
			t.Fatalf("%s: release events read differently:\n%s", stage, got)
		}
		if got, want := eventsJSON(t, all[len(old)-from:]), eventsJSON(t, committed); got != want {
			t.Fatalf("%s: new events read differently:\ngot  %s\nwant %s", stage, got, want)
		}
		checkRawEvents(t, stage, s)
		// Records and history: the release's answers hold for its
		// documents; the new ones are there too.
		for _, coll := range []string{"r_opp", "h_opp"} {
			for n := 1; n <= 12; n++ {
				id := fmt.Sprintf("new%03d", n)
				if coll == "h_opp" {
					id = "h" + id + "v1"
				}
				if _, err := s.Get(ctx, coll, id); err != nil {
					t.Fatalf("%s: get %s %s: %v", stage, coll, id, err)
				}
			}
		}
		p, err := s.Find(ctx, "h_opp", store.Query{Filter: ptrF(store.Where("record", store.OpEq, "rec005")), Sort: []store.SortKey{{Field: "version"}}, Limit: 10})
		if err != nil || len(p.Docs) != 2 || p.Docs[1].Data["action"] != "update" {
			t.Fatalf("%s: history of rec005: %+v, %v", stage, p.Docs, err)
		}
	}
	check("after new writes", s, 0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(dir, Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check("after a reopen", s, 0)
	// A trim across the release's rows and the new ones: the release's
	// are older than a day, the new ones are not.
	n, err := s.TrimEvents(ctx, committed[2].Seq, clk.Now().Add(-time.Hour))
	if err != nil || n != int64(len(old)) {
		t.Fatalf("trim = %d, %v; want %d", n, err, len(old))
	}
	n, err = s.TrimEvents(ctx, committed[2].Seq, clk.Now().Add(time.Hour))
	if err != nil || n != 3 {
		t.Fatalf("second trim = %d, %v; want 3", n, err)
	}
	committed = committed[3:]
	check("after trims", s, len(old))
}

// checkRawEvents compares ReadRawEvents, with and without payloads, with
// ReadEvents.
func checkRawEvents(t *testing.T, stage string, s *Store) {
	t.Helper()
	all := readAllEvents(t, s)
	for _, withPayload := range []bool{true, false} {
		raw, err := s.ReadRawEvents(context.Background(), 0, store.MaxReadEvents, withPayload)
		if err != nil || len(raw) != len(all) {
			t.Fatalf("%s: ReadRawEvents(%v) = %d events, %v; want %d", stage, withPayload, len(raw), err, len(all))
		}
		for i, r := range raw {
			w := all[i]
			if withPayload {
				if r.Event.Payload, err = r.DecodePayload(); err != nil {
					t.Fatalf("%s: event %s: %v", stage, r.ID, err)
				}
			} else {
				w.Payload = nil
			}
			if !reflect.DeepEqual(r.Event, w) || !withPayload && r.Raw != nil {
				t.Fatalf("%s: raw event %d = %+v (raw %q); want %+v", stage, i, r.Event, r.Raw, w)
			}
		}
	}
}

func compareSnapshot(t *testing.T, stage string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := range min(len(gl), len(wl)) {
		if !bytes.Equal(gl[i], wl[i]) {
			t.Fatalf("%s: the store answers differently from the release at line %d:\ngot  %s\nwant %s", stage, i+1, gl[i], wl[i])
		}
	}
	t.Fatalf("%s: the store answers differently from the release (%d lines vs %d)", stage, len(gl), len(wl))
}

// TestEventIDIndex: an event id a caller gives is unique (a second event
// with it is ErrDuplicate, and the unit writes nothing); ids the store
// generates stay out of the unique index.
func TestEventIDIndex(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	unit := func(id string) store.UnitOfWork {
		return store.UnitOfWork{Writes: []store.Write{{Op: store.OpInsert, Collection: "c", Doc: store.Document{Data: map[string]any{"a": 1}}}},
			Events: []store.Event{{ID: id, Type: "t", Collection: "c", DocID: "d"}, {Type: "t", Collection: "c", DocID: "d"}}}
	}
	first, err := s.Commit(ctx, unit("given-1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(ctx, unit("given-1")); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("second event with the id given-1: %v; want ErrDuplicate", err)
	}
	var events, docs, indexed int
	if err := s.rdb.QueryRow(`SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM c_c), (SELECT count(*) FROM outbox INDEXED BY outbox_given_id WHERE given IS NOT NULL AND id > '')`).Scan(&events, &docs, &indexed); err != nil {
		t.Fatal(err)
	}
	if events != 2 || docs != 1 || indexed != 1 {
		t.Fatalf("events %d, documents %d, ids in the unique index %d; want 2, 1, 1", events, docs, indexed)
	}
	evs := readAllEvents(t, s)
	if len(evs) != 2 || evs[0].ID != "given-1" || evs[1].ID != first.Events[1].ID {
		t.Fatalf("events: %+v; want given-1 and %s", evs, first.Events[1].ID)
	}
	var kinds string
	if err := s.rdb.QueryRow(`SELECT group_concat(typeof(id) || length(id), ' ') FROM (SELECT id FROM outbox ORDER BY seq)`).Scan(&kinds); err != nil || kinds != "text7 blob16" {
		t.Fatalf("stored ids: %q, %v; want the given one as text, the generated one in 16 bytes", kinds, err)
	}
}

// TestPackedEventIDs: ids in store.NewID's form round-trip through their
// 16 bytes; other ids are stored as text.
func TestPackedEventIDs(t *testing.T) {
	for range 1000 {
		id := store.NewID()
		b := packID(id)
		if len(b) != 16 || unpackID(b) != id {
			t.Fatalf("%s packs to %x, unpacks to %q", id, b, unpackID(b))
		}
	}
	for _, id := range []string{"", "given-1", "01M99DHHMR2199V1YQ3470EV5P", "81m99dhhmr2199v1yq3470ev5p", "01m99dhhmr2199v1yq3470ev5", "01m99dhhmr2199v1yq3470ev5pp", "01m99dhhmr2199v1yq3470ev5i",
		"8000000000000000000000000a"} {
		if b := packID(id); b != nil {
			t.Errorf("%q packs to %x", id, b)
		}
	}
	for _, id := range []string{"7zzzzzzzzzzzzzzzzzzzzzzzzz", "00000000000000000000000000"} { // 2^128 - 1, 0
		if b := packID(id); unpackID(b) != id {
			t.Errorf("%s packs to %x", id, b)
		}
	}
}
