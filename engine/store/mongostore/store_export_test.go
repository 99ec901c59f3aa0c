package mongostore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/internal/ferrettest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fillStore writes what an export must carry: documents with later
// versions, deleted ones, authors and nested data in two collections with
// declared indexes, an empty collection, events of which the oldest are
// trimmed (so the outbox position is above the first remaining event),
// counters, and queue items of which one is leased and one retried.
func fillStore(t *testing.T, st store.Store, clock *store.ManualClock) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.EnsureIndexes(ctx, "c_orders", []store.Index{
		{Name: "no", Fields: []store.SortKey{{Field: "no"}}, Unique: true},
		{Name: "stage_at", Fields: []store.SortKey{{Field: "stage"}, {Field: "_created_at", Desc: true}}},
	}))
	must(st.EnsureIndexes(ctx, "c_empty", []store.Index{{Name: "x", Fields: []store.SortKey{{Field: "x"}}}}))
	for i := 0; i < 30; i++ {
		clock.Advance(time.Second)
		id := fmt.Sprintf("o%03d", i)
		_, err := st.Commit(ctx, store.UnitOfWork{Actor: "u1",
			Writes: []store.Write{{Op: store.OpInsert, Collection: "c_orders", Doc: store.Document{ID: id,
				Data: map[string]any{"no": float64(i), "stage": "新建", "lines": []any{map[string]any{"sku": "a", "qty": 1.5}, []any{"x"}}}}}},
			Events: []store.Event{{Type: "record.created", Workspace: "w1", Collection: "c_orders", DocID: id,
				Payload: map[string]any{"no": float64(i), "tags": []any{"甲"}}}}})
		must(err)
	}
	for i := 0; i < 30; i += 3 {
		clock.Advance(time.Second)
		id := fmt.Sprintf("o%03d", i)
		_, err := st.Commit(ctx, store.UnitOfWork{Actor: "u2", Writes: []store.Write{{Op: store.OpUpdate, Collection: "c_orders",
			Doc: store.Document{ID: id, Data: map[string]any{"no": float64(i), "stage": "done"}}}}})
		must(err)
	}
	_, err := st.Commit(ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpSoftDelete, Collection: "c_orders", Doc: store.Document{ID: "o004"}}}})
	must(err)
	_, err = st.Commit(ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpInsert, Collection: "c_history", Doc: store.Document{ID: "h1", Data: map[string]any{"record": "o001", "version": 2.0}}}},
		Events: []store.Event{{Type: "record.updated", Workspace: "w1", Collection: "c_orders", DocID: "o001"}}})
	must(err)
	// Number the events, then trim the first ten.
	evs, err := st.ReadEvents(ctx, 0, 100)
	must(err)
	if len(evs) != 31 {
		t.Fatalf("%d events, want 31", len(evs))
	}
	clock.Advance(time.Hour)
	n, err := st.TrimEvents(ctx, evs[9].Seq, clock.Now())
	must(err)
	if n != 10 {
		t.Fatalf("trimmed %d, want 10", n)
	}
	_, err = st.Increment(ctx, "order_no", 41)
	must(err)
	_, err = st.Increment(ctx, "invoice_no", 7)
	must(err)
	must(st.Enqueue(ctx, store.QueueItem{ID: "d1", Queue: "webhooks", Key: "o001", Payload: map[string]any{"url": "https://x.test/h"}},
		store.QueueItem{ID: "d2", Queue: "webhooks", Key: "o001"},
		store.QueueItem{ID: "t1", Queue: "timers", DueAt: clock.Now().Add(time.Hour)}))
	it, err := st.Claim(ctx, "webhooks", "proc-a", time.Minute)
	must(err)
	must(st.Retry(ctx, "webhooks", it.ID, "proc-a", clock.Now().Add(10*time.Minute)))
	_, err = st.Claim(ctx, "webhooks", "proc-b", time.Minute)
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("claim of a key behind a retried item: %v", err)
	}
	clock.Advance(11 * time.Minute)
	_, err = st.Claim(ctx, "webhooks", "proc-b", time.Minute)
	must(err)
}

// dump exports st in the dump format.
func dump(t *testing.T, st store.Exporter) (string, store.ExportInfo) {
	t.Helper()
	var b bytes.Buffer
	w := store.NewDumpWriter(&b)
	info, err := st.Export(context.Background(), w)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.String(), info
}

func openSQLite(t *testing.T, clock store.Clock) *sqlitestore.Store {
	t.Helper()
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{Clock: clock, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openFerret(t *testing.T, clock store.Clock) *mongostore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := mongostore.Open(ctx, ferrettest.URI(t), ferrettest.Database(t), mongostore.Options{AllowNonAtomicUnits: true, Clock: clock, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestExportImportSQLiteToMongo: a SQLite store exported into the Mongo
// adapter (over the in-process FerretDB; the import needs no
// transactions) exports back the very same dump, the target refuses a
// second import, and the imported store goes on where the source stood:
// the next event is numbered after the position, counters continue, the
// leased queue item stays leased and unique indexes hold.
func TestExportImportSQLiteToMongo(t *testing.T) {
	ctx := context.Background()
	clock := store.NewManualClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	src := openSQLite(t, clock)
	fillStore(t, src, clock)
	want, info := dump(t, src)
	if !info.Consistent {
		t.Fatalf("sqlite export not consistent: %+v", info)
	}
	for _, s := range []string{`"k":"position","seq":31`, `"Name":"stage_at"`, `"name":"c_empty"`, `"LeaseOwner":"proc-b"`, `"FirstDue"`, `"name":"order_no","value":41`} {
		if !strings.Contains(want, s) {
			t.Fatalf("dump lacks %s:\n%s", s, want)
		}
	}

	dst := openFerret(t, clock)
	ld, err := dst.Import(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Export(ctx, ld); err != nil {
		t.Fatalf("import: %v", err)
	}
	if err := ld.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := dump(t, dst)
	if got != want {
		t.Fatalf("mongo export differs from the sqlite one:\n got %s\nwant %s", got, want)
	}
	_, err = dst.Import(ctx)
	var ne *store.NotEmptyError
	if !errors.As(err, &ne) || ne.Partial {
		t.Fatalf("second import: %v, want a NotEmptyError of a finished import", err)
	}

	// The imported store carries on.
	if n, err := dst.Increment(ctx, "order_no", 1); err != nil || n != 42 {
		t.Fatalf("counter after import: %d %v", n, err)
	}
	res, err := dst.Commit(ctx, store.UnitOfWork{Events: []store.Event{{Type: "x", Workspace: "w1", Collection: "c_orders", DocID: "o001"}}})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := dst.ReadEvents(ctx, 31, 10)
	if err != nil || len(evs) != 1 || evs[0].Seq != 32 || evs[0].ID != res.Events[0].ID {
		t.Fatalf("event after import: %+v %v, want seq 32", evs, err)
	}
	if _, err := dst.Claim(ctx, "webhooks", "proc-c", time.Minute); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the leased item's key was handed out again: %v", err)
	}
	_, err = dst.Commit(ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpInsert, Collection: "c_orders", Doc: store.Document{Data: map[string]any{"no": 5.0}}}}})
	if !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("unique index after import: %v, want ErrDuplicate", err)
	}
	d, err := dst.Get(ctx, "c_orders", "o004")
	if err != nil || d.DeletedAt == nil || d.Version != 2 {
		t.Fatalf("deleted document after import: %+v %v", d, err)
	}
}

// TestDumpRoundTripMongo: a Mongo store exported to the dump format and
// read back into another database exports the same dump; events not yet
// numbered at export time get the numbers after the position.
func TestDumpRoundTripMongo(t *testing.T) {
	ctx := context.Background()
	clock := store.NewManualClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	src := openFerret(t, clock)
	fillStore(t, src, clock)
	// Two events committed after the last ReadEvents are still pending.
	for i := 0; i < 2; i++ {
		if _, err := src.Commit(ctx, store.UnitOfWork{Events: []store.Event{{Type: "late", Workspace: "w1", Collection: "c_orders", DocID: "o002"}}}); err != nil {
			t.Fatal(err)
		}
	}
	text, info := dump(t, src)
	if info.Consistent {
		t.Fatalf("FerretDB has no snapshot reads, yet the export says consistent: %+v", info)
	}
	if !strings.Contains(text, `"k":"position","seq":33`) || !strings.Contains(text, `"Seq":33,"Type":"late"`) {
		t.Fatalf("pending events not numbered after the position:\n%s", text)
	}
	dst := openFerret(t, clock)
	ld, err := dst.Import(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.ReadDump(ctx, strings.NewReader(text), ld); err != nil {
		t.Fatal(err)
	}
	if err := ld.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := dump(t, dst); got != text {
		t.Fatalf("round trip differs:\n got %s\nwant %s", got, text)
	}
	// The source numbers its pending events as the export did.
	evs, err := src.ReadEvents(ctx, 31, 10)
	if err != nil || len(evs) != 2 || evs[1].Seq != 33 {
		t.Fatalf("source events: %+v %v", evs, err)
	}
}

// TestImportInterruptedIsClearedAndRedone: an import that stops half-way
// leaves the database marked partial; Import refuses it as partial, a
// database with other data is refused as not empty and never cleared, and
// ClearPartialImport empties the partial one for a fresh import.
func TestImportInterruptedIsClearedAndRedone(t *testing.T) {
	ctx := context.Background()
	clock := store.NewManualClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	src := openSQLite(t, clock)
	fillStore(t, src, clock)
	want, _ := dump(t, src)

	dst := openFerret(t, clock)
	ld, err := dst.Import(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("interrupted")
	err = store.ReadDump(ctx, strings.NewReader(want), &failAfter{Loader: ld, n: 12, err: stop})
	if !errors.Is(err, stop) {
		t.Fatalf("interrupted import: %v", err)
	}
	_, err = dst.Import(ctx)
	var ne *store.NotEmptyError
	if !errors.As(err, &ne) || !ne.Partial {
		t.Fatalf("import over a partial one: %v, want partial", err)
	}
	if err := dst.ClearPartialImport(ctx); err != nil {
		t.Fatal(err)
	}
	ld, err = dst.Import(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.ReadDump(ctx, strings.NewReader(want), ld); err != nil {
		t.Fatal(err)
	}
	if err := ld.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := dump(t, dst); got != want {
		t.Fatalf("redone import differs:\n got %s\nwant %s", got, want)
	}

	other := openFerret(t, clock)
	if _, err := other.Commit(ctx, store.UnitOfWork{Writes: []store.Write{{Op: store.OpInsert, Collection: "c_mine", Doc: store.Document{ID: "a"}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Import(ctx); !errors.As(err, &ne) || ne.Partial || !strings.Contains(err.Error(), "c_mine") {
		t.Fatalf("import into a used database: %v", err)
	}
	if err := other.ClearPartialImport(ctx); err == nil {
		t.Fatal("ClearPartialImport emptied a database that holds other data")
	}
	if _, err := other.Get(ctx, "c_mine", "a"); err != nil {
		t.Fatalf("data of a refused database: %v", err)
	}
}

// failAfter passes n documents to the Loader, then fails.
type failAfter struct {
	store.Loader
	n   int
	err error
}

func (f *failAfter) Document(ctx context.Context, d store.Document) error {
	if f.n == 0 {
		return f.err
	}
	f.n--
	return f.Loader.Document(ctx, d)
}

// TestExportSnapshotWhileWriting exports while a writer commits units of
// one document and one event: the export sees every unit whole or not at
// all, so it holds as many documents as events. SQLite exports from one
// read transaction; MongoDB from a snapshot session, which needs a replica
// set (FORMLOOM_TEST_MONGO_URI): FerretDB has neither transactions nor
// snapshot reads.
func TestExportSnapshotWhileWriting(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { exportWhileWriting(t, openSQLite(t, nil)) })
	t.Run("mongodb", func(t *testing.T) {
		uri, ok := ferrettest.RealURI()
		if !ok {
			t.Skip("snapshot reads need a MongoDB replica set: set " + ferrettest.RealMongoEnv)
		}
		st, err := mongostore.Open(context.Background(), uri, ferrettest.Database(t), mongostore.Options{Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		exportWhileWriting(t, st)
	})
}

func exportWhileWriting(t *testing.T, st interface {
	store.Store
	store.Exporter
}) {
	ctx := context.Background()
	write := func(i int) error {
		_, err := st.Commit(ctx, store.UnitOfWork{
			Writes: []store.Write{{Op: store.OpInsert, Collection: "c_x", Doc: store.Document{Data: map[string]any{"n": float64(i)}}}},
			Events: []store.Event{{Type: "record.created", Workspace: "w1", Collection: "c_x", DocID: fmt.Sprint(i)}}})
		return err
	}
	for i := 0; i < 200; i++ {
		if err := write(i); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 200; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := write(i); err != nil {
				done <- err
				return
			}
		}
	}()
	for round := 0; round < 3; round++ {
		c := &store.CountingSink{Counts: store.Counts{Documents: map[string]int64{}}}
		info, err := st.Export(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if !info.Consistent {
			t.Fatalf("a replica set export is not a snapshot: %+v", info)
		}
		if c.Counts.Documents["c_x"] != c.Counts.Events || c.Counts.Events < 200 {
			t.Fatalf("export holds %d documents and %d events: not one moment", c.Counts.Documents["c_x"], c.Counts.Events)
		}
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
