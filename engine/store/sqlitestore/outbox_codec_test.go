package sqlitestore

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// The fixture testdata/release-v5-events is a data directory written by
// the release before compact outbox payloads (schema version 5, commit
// 86a6e15), with events of three collections whose payloads hold nested
// objects and lists, escapes, numbers, booleans and nulls, made by
//
//	FORMLOOM_WRITE_FIXTURE=$PWD/testdata/release-v5-events go test -run TestWriteEventsFixture ./engine/store/sqlitestore/
//
// run on that release's code (with this file copied in); events.json is
// what its ReadEvents answered. TestMigrateEvents opens a copy with the
// current code.

// fixtureUnits are the units of the fixture, committed one second apart.
func fixtureUnits() []store.UnitOfWork {
	var us []store.UnitOfWork
	for i := 0; i < 12; i++ {
		u := store.UnitOfWork{Events: []store.Event{{ID: fmt.Sprintf("ev%02d", i), Type: "record.created", Workspace: "ws1", Collection: "r_opp", DocID: fmt.Sprintf("rec%02d", i),
			Payload: map[string]any{"payload_version": 1, "form": "f1", "app": "a1", "record": fmt.Sprintf("rec%02d", i), "version": 1, "source": "api", "actor": "u1",
				"changed": []any{"amount", "company", "items"}, "data": map[string]any{"amount": 1000.5 * float64(i), "company": fmt.Sprintf("公司%d \"quoted\" \\ tab\t", i),
					"items": []any{map[string]any{"sku": "x", "qty": i}, nil, true, false}}}}}}
		if i%4 == 3 {
			u.Events = append(u.Events, store.Event{ID: fmt.Sprintf("ev%02db", i), Type: "form.published", Workspace: "ws1", Collection: "forms", DocID: "f1",
				Payload: map[string]any{"payload_version": 1, "form": "f1", "version": i, "empty": map[string]any{}, "list": []any{}}})
		}
		if i == 5 {
			u.Events = append(u.Events, store.Event{ID: "ev05c", Type: "user.created", Collection: "users", DocID: "u9"})
		}
		us = append(us, u)
	}
	return us
}

// TestWriteEventsFixture builds the fixture; it only runs on request.
func TestWriteEventsFixture(t *testing.T) {
	out := os.Getenv("FORMLOOM_WRITE_FIXTURE")
	if out == "" {
		t.Skip("set FORMLOOM_WRITE_FIXTURE to a directory to write the fixture")
	}
	dir := t.TempDir()
	clk := store.NewManualClock(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	s, err := Open(dir, Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, u := range fixtureUnits() {
		if _, err := s.Commit(ctx, u); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
	}
	evs, err := s.ReadEvents(ctx, 0, store.MaxReadEvents)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(evs, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "events.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(filepath.Join(dir, dbFileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, dbFileName), db, 0o644); err != nil {
		t.Fatal(err)
	}
}

// readAllEvents reads every event, as JSON lines for comparison.
func readAllEvents(t *testing.T, s *Store) []store.Event {
	t.Helper()
	evs, err := s.ReadEvents(context.Background(), 0, store.MaxReadEvents)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func eventsJSON(t *testing.T, evs []store.Event) string {
	t.Helper()
	b, err := json.MarshalIndent(evs, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

// encodings returns outbox.enc by event id.
func encodings(t *testing.T, s *Store) map[string]int64 {
	t.Helper()
	rows, err := s.rdb.Query(`SELECT id, enc FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var enc int64
		if err := rows.Scan(&id, &enc); err != nil {
			t.Fatal(err)
		}
		out[id] = enc
	}
	return out
}

// TestMigrateEvents opens the release's events (JSONB payloads), upgrades
// them in place, and checks that they read back exactly as that release
// answered, next to new events in the compact encoding (the static
// dictionary first, then each collection's own), through ReadEvents and
// ReadRawEvents, across a reopen and a trim of old and new rows.
func TestMigrateEvents(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "release-v5-events", dbFileName))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "release-v5-events", "events.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, dbFileName), src, 0o600); err != nil {
		t.Fatal(err)
	}
	clk := store.NewManualClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	s, err := Open(dir, Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	if got := eventsJSON(t, readAllEvents(t, s)); got != string(want) {
		t.Fatalf("the upgraded store reads the release's events differently:\n%s", got)
	}
	for id, enc := range encodings(t, s) {
		if enc != encJSONB {
			t.Fatalf("release event %s has encoding %d; want %d", id, enc, encJSONB)
		}
	}
	var old []store.Event
	if err := json.Unmarshal(want, &old); err != nil {
		t.Fatal(err)
	}

	// The same units again, with new ids, on the upgraded store.
	ctx := context.Background()
	var committed []store.Event
	for round := range 2 {
		for _, u := range fixtureUnits() {
			for i := range u.Events {
				u.Events[i].ID = fmt.Sprintf("n%d%s", round, u.Events[i].ID)
			}
			res, err := s.Commit(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range res.Events {
				e.Payload = u.Events[i].Payload
				if e.Payload == nil {
					e.Payload = map[string]any{}
				}
				committed = append(committed, e)
			}
			clk.Advance(time.Second)
		}
	}
	syncWriter(t, s)
	check := func(stage string, s *Store, from int) {
		t.Helper()
		all := readAllEvents(t, s)
		// The raw reader (store.RawEventReader) answers the same events
		// in both encodings, with and without payloads.
		for _, withPayload := range []bool{true, false} {
			raw, err := s.ReadRawEvents(ctx, 0, store.MaxReadEvents, withPayload)
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
		if len(all) != len(old)-from+len(committed) {
			t.Fatalf("%s: %d events; want %d", stage, len(all), len(old)-from+len(committed))
		}
		if got, w := eventsJSON(t, all[:len(old)-from]), eventsJSON(t, old[from:]); got != w {
			t.Fatalf("%s: release events read differently:\n%s", stage, got)
		}
		// Compare as JSON values: the committed payloads hold Go ints
		// where a read gives float64.
		if got, w := eventsJSON(t, all[len(old)-from:]), eventsJSON(t, committed); got != w {
			t.Fatalf("%s: new events read differently:\ngot  %s\nwant %s", stage, got, w)
		}
	}
	check("after new writes", s, 0)

	encs := encodings(t, s)
	byColl := map[string]map[int64]bool{}
	for _, e := range committed {
		if byColl[e.Collection] == nil {
			byColl[e.Collection] = map[int64]bool{}
		}
		byColl[e.Collection][encs[e.ID]] = true
	}
	// r_opp had 24 events: its first dictSamples with the static
	// dictionary, then its own; forms had 6 and users 2, fewer than
	// dictSamples, so they keep the static one.
	if !byColl["r_opp"][staticDictID] || len(byColl["r_opp"]) != 2 {
		t.Errorf("encodings of r_opp: %v; want the static dictionary and one of its own", byColl["r_opp"])
	}
	for _, c := range []string{"forms", "users"} {
		if len(byColl[c]) != 1 || !byColl[c][staticDictID] {
			t.Errorf("encodings of %s: %v; want only the static dictionary", c, byColl[c])
		}
	}
	var ownLen, dicts int
	if err := s.rdb.QueryRow(`SELECT length(dict), count(*) FROM outbox_dicts WHERE collection = 'r_opp'`).Scan(&ownLen, &dicts); err != nil || ownLen == 0 || dicts != 1 {
		t.Fatalf("dictionaries of r_opp: %d, %d bytes, %v; want one", dicts, ownLen, err)
	}

	// A reopen loads the dictionaries from the database.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(dir, Options{Clock: clk}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check("after a reopen", s, 0)

	// Trim through the first new event: every release row and that one go.
	n, err := s.TrimEvents(ctx, committed[0].Seq, clk.Now())
	if err != nil || n != int64(len(old)+1) {
		t.Fatalf("trim: %d, %v; want %d", n, err, len(old)+1)
	}
	committed = committed[1:]
	check("after a trim", s, len(old))
}

// TestEventPayloadEncodings writes payloads of every JSON kind, large and
// empty, and reads them back through both the static dictionary and a
// collection's own.
func TestEventPayloadEncodings(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	big := make([]any, 2000)
	for i := range big {
		big[i] = map[string]any{"i": float64(i), "s": fmt.Sprintf("值 %d", i)}
	}
	payloads := []map[string]any{
		nil,
		{},
		{"a": "x"},
		{"n": 1.5, "neg": -3.0, "big": 1e300, "t": true, "f": false, "z": nil, "u": "\u2028\u00e9\\\"<>&", "nested": map[string]any{"l": []any{[]any{}, map[string]any{}}}},
		{"list": big},
	}
	var want []store.Event
	for round := range 3 {
		for i, p := range payloads {
			e := store.Event{ID: fmt.Sprintf("e%d_%d", round, i), Type: "record.updated", Collection: "r_x", DocID: "d", Payload: p}
			res, err := s.Commit(ctx, store.UnitOfWork{Events: []store.Event{e}})
			if err != nil {
				t.Fatal(err)
			}
			got := res.Events[0]
			if p == nil {
				got.Payload = map[string]any{}
			}
			want = append(want, got)
		}
		syncWriter(t, s)
	}
	all := readAllEvents(t, s)
	for i := range want {
		w, _ := json.Marshal(want[i].Payload)
		var wv any
		_ = json.Unmarshal(w, &wv)
		if !reflect.DeepEqual(map[string]any(all[i].Payload), wv) || all[i].ID != want[i].ID {
			t.Fatalf("event %s: got %v", want[i].ID, all[i].Payload)
		}
	}
	encs := encodings(t, s)
	if encs["e0_0"] != staticDictID || encs["e2_4"] == staticDictID || encs["e2_4"] == encJSONB {
		t.Fatalf("encodings: %v; want the static dictionary first, r_x's own later", encs)
	}
}

// TestEventDictionaryOnce commits events of one collection from many
// goroutines, so units encoded with the static dictionary still commit
// after the collection's own is stored: it gets exactly one.
func TestEventDictionaryOnce(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	errs := make(chan error, 20)
	for g := range 20 {
		go func() {
			var err error
			for i := 0; i < 20 && err == nil; i++ {
				_, err = s.Commit(ctx, store.UnitOfWork{Events: []store.Event{{Type: "record.created", Collection: "r_y", DocID: fmt.Sprint(g, i),
					Payload: map[string]any{"record": fmt.Sprint(g, i), "changed": []any{"a", "b"}, "data": map[string]any{"a": float64(i), "b": "x"}}}}})
			}
			errs <- err
		}()
	}
	for range 20 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	syncWriter(t, s)
	var n int
	if err := s.rdb.QueryRow(`SELECT count(*) FROM outbox_dicts WHERE collection = 'r_y'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("dictionaries of r_y: %d, %v; want 1", n, err)
	}
	if got := len(readAllEvents(t, s)); got != 400 {
		t.Fatalf("%d events; want 400", got)
	}
}
