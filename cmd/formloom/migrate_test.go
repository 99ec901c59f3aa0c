package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/mongostore"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/internal/ferrettest"
)

// seeded is what seedDataDir wrote, read back through the engine.
type seeded struct {
	actor   engine.Actor
	formID  string
	records map[string]engine.Record
	history map[string][]engine.HistoryEntry
}

// seedDataDir makes a data directory as serve leaves it: a workspace, a
// published form, records created, updated and deleted through the
// engine, and an uploaded file. It returns what the engine reads back.
func seedDataDir(t *testing.T, dir string) seeded {
	t.Helper()
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := sqlitestore.Open(dir, sqlitestore.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	blobs, err := blob.NewLocal(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := blobs.Put(ctx, "file0001", strings.NewReader("合同内容")); err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(ctx, st, engine.Options{Logger: quiet, Blobs: blobs, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	u, ws, err := e.Setup(ctx, engine.UserInput{Email: "a@example.com", Name: "管理员"}, engine.WorkspaceInput{Name: "上海", TimeZone: "Asia/Shanghai", Language: "zh-CN"})
	if err != nil {
		t.Fatal(err)
	}
	a := engine.Actor{UserID: u.ID, Name: u.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceAPI}
	app, err := e.CreateApp(ctx, a, engine.AppInput{Name: "CRM"})
	if err != nil {
		t.Fatal(err)
	}
	fm, err := e.CreateForm(ctx, a, app.ID, engine.FormInput{Name: "客户", Definition: form.Definition{Fields: []form.Field{
		{Key: "company", Type: "text", Label: "公司", Required: true},
		{Key: "amount", Type: "number", Label: "金额"},
		{Key: "stage", Type: "select", Label: "阶段", Indexed: true, Options: []form.Option{{Value: "new", Label: "新建"}, {Value: "won", Label: "赢单"}}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := builder.New(e).Publish(ctx, a, fm.ID, fm.Version); err != nil {
		t.Fatalf("publish: %v", err)
	}
	s := seeded{actor: a, formID: fm.ID, records: map[string]engine.Record{}, history: map[string][]engine.HistoryEntry{}}
	for i := 0; i < 12; i++ {
		r, err := e.CreateRecord(ctx, a, fm.ID, map[string]any{"company": fmt.Sprintf("公司 %d", i), "amount": float64(i * 100), "stage": "new"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if r, err = e.UpdateRecord(ctx, a, fm.ID, r.ID, map[string]any{"stage": "won"}, r.Version, engine.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		s.records[r.ID] = r
	}
	for id := range s.records {
		if s.records[id], err = e.Record(ctx, a, fm.ID, id); err != nil {
			t.Fatal(err)
		}
		if s.history[id], err = e.History(ctx, a, fm.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// readBack reads s's records and history through an engine on st.
func readBack(t *testing.T, st store.Store, s seeded) {
	t.Helper()
	ctx := context.Background()
	e, err := engine.New(ctx, st, engine.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range s.records {
		got, err := e.Record(ctx, s.actor, s.formID, id)
		if err != nil {
			t.Fatalf("record %s: %v", id, err)
		}
		if g, w := jsonOf(got), jsonOf(want); g != w {
			t.Fatalf("record %s:\n got %s\nwant %s", id, g, w)
		}
		h, err := e.History(ctx, s.actor, s.formID, id)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := jsonOf(h), jsonOf(s.history[id]); g != w {
			t.Fatalf("history of %s:\n got %s\nwant %s", id, g, w)
		}
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func openFerretDB(t *testing.T, db string) *mongostore.Store {
	t.Helper()
	st, err := mongostore.Open(context.Background(), ferrettest.URI(t), db, mongostore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestMigrateSQLiteToMongo: migrate copies a data directory to the Mongo
// adapter (over the in-process FerretDB: the copy needs no transactions,
// serving from it would) and the engine reads back the same records and
// history, the file is in GridFS, and the outbox goes on from the same
// position. It refuses while serve holds the directory; a rerun finds the
// migration done and matching; a database with other data is refused.
func TestMigrateSQLiteToMongo(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := seedDataDir(t, dir)
	uri, db := ferrettest.URI(t), ferrettest.Database(t)
	args := []string{"migrate", "--data-dir", dir, "--to-mongo", uri, "--mongo-db", db}

	// While a process holds the directory, migrate refuses.
	held, err := sqlitestore.Open(dir, sqlitestore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run(args, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "stop 'formloom serve'") {
		t.Fatalf("migrate of a directory in use: %d %s", code, errOut.String())
	}
	want, err := store.CountStore(ctx, held)
	if err != nil {
		t.Fatal(err)
	}
	held.Close()

	out.Reset()
	errOut.Reset()
	start := time.Now()
	if code := run(args, &out, &errOut); code != 0 {
		t.Fatalf("migrate: %d %s", code, errOut.String())
	}
	t.Logf("migrated in %s: %s", time.Since(start), out.String())
	if !strings.Contains(out.String(), "counts verified") || !strings.Contains(out.String(), "1 files") ||
		!strings.Contains(errOut.String(), "no transactions") {
		t.Fatalf("migrate said:\n%s%s", out.String(), errOut.String())
	}
	st := openFerretDB(t, db)
	got, err := store.CountStore(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if d := want.Diff(got); d != "" || want.OutboxPosition == 0 {
		t.Fatalf("after migrate: source %s (position %d)", d, want.OutboxPosition)
	}
	readBack(t, st, s)
	r, err := st.Blobs().Open(ctx, "file0001")
	if err != nil {
		t.Fatalf("file in GridFS: %v", err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != "合同内容" {
		t.Fatalf("file content %q", b)
	}

	// Rerun: done and matching.
	out.Reset()
	if code := run(args, &out, &errOut); code != 0 || !strings.Contains(out.String(), "already migrated") {
		t.Fatalf("rerun: %d %s %s", code, out.String(), errOut.String())
	}
	// A database that holds something else is refused, and left alone.
	other := ferrettest.Database(t)
	used := openFerretDB(t, other)
	if _, err := used.Increment(ctx, "mine", 1); err != nil {
		t.Fatal(err)
	}
	errOut.Reset()
	if code := run([]string{"migrate", "--data-dir", dir, "--to-mongo", uri, "--mongo-db", other}, &out, &errOut); code == 0 ||
		!strings.Contains(errOut.String(), "is not empty (collection _counters holds 1 documents)") {
		t.Fatalf("migrate into a used database: %d %s", code, errOut.String())
	}
	if n, err := used.Increment(ctx, "mine", 1); err != nil || n != 2 {
		t.Fatalf("the refused database changed: %d %v", n, err)
	}
}

// TestBackupRestoreMongo: backup --to on the Mongo adapter writes the
// logical archive (dump, files, manifest with counts), verify accepts it
// and rejects a damaged copy, restore loads it into an empty database
// that then exports the same dump and serves the same records, and a
// second restore into it is refused. A SQLite backup restores into
// MongoDB too (a migration from a backup).
func TestBackupRestoreMongo(t *testing.T) {
	dir := t.TempDir()
	s := seedDataDir(t, dir)
	uri, db := ferrettest.URI(t), ferrettest.Database(t)
	var out, errOut bytes.Buffer
	if code := run([]string{"migrate", "--data-dir", dir, "--to-mongo", uri, "--mongo-db", db}, &out, &errOut); code != 0 {
		t.Fatalf("migrate: %s", errOut.String())
	}
	archive := filepath.Join(t.TempDir(), "mongo.tar.gz")
	errOut.Reset()
	if code := run([]string{"backup", "--mongo-uri", uri, "--mongo-db", db, "--to", archive}, &out, &errOut); code != 0 {
		t.Fatalf("backup: %d %s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "no snapshot reads") {
		t.Fatalf("backup on FerretDB must warn it is not a snapshot: %q", errOut.String())
	}
	out.Reset()
	if code := run([]string{"backup", "verify", archive}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "is good") || !strings.Contains(out.String(), "1 files") {
		t.Fatalf("verify: %d %s %s", code, out.String(), errOut.String())
	}

	// A MongoDB backup does not restore into a SQLite data directory.
	errOut.Reset()
	empty := filepath.Join(t.TempDir(), "data")
	if code := run([]string{"restore", "--from", archive, "--data-dir", empty}, &out, &errOut); code == 0 ||
		!strings.Contains(errOut.String(), "restore it into an empty MongoDB database with --mongo-uri") {
		t.Fatalf("restore of a MongoDB backup into a data directory: %d %s", code, errOut.String())
	}
	if _, err := os.Stat(empty); !os.IsNotExist(err) {
		t.Fatalf("the refused restore left %s: %v", empty, err)
	}

	target := ferrettest.Database(t)
	out.Reset()
	errOut.Reset()
	if code := run([]string{"restore", "--from", archive, "--mongo-uri", uri, "--mongo-db", target}, &out, &errOut); code != 0 {
		t.Fatalf("restore: %d %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "counts verified") {
		t.Fatalf("restore said %s", out.String())
	}
	src, dst := openFerretDB(t, db), openFerretDB(t, target)
	if a, b := dumpOf(t, src), dumpOf(t, dst); a != b {
		t.Fatalf("restored database differs from the backed-up one")
	}
	readBack(t, dst, s)
	errOut.Reset()
	if code := run([]string{"restore", "--from", archive, "--mongo-uri", uri, "--mongo-db", target}, &out, &errOut); code == 0 ||
		!strings.Contains(errOut.String(), "restore only into an empty database") {
		t.Fatalf("second restore: %d %s", code, errOut.String())
	}

	// A restore that was interrupted (the database is marked partly
	// imported) is cleared and redone by the next one.
	partial := ferrettest.Database(t)
	ps := openFerretDB(t, partial)
	if _, err := ps.Import(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := ps.Increment(context.Background(), "left_over", 1); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errOut.Reset()
	if code := run([]string{"restore", "--from", archive, "--mongo-uri", uri, "--mongo-db", partial}, &out, &errOut); code != 0 ||
		!strings.Contains(out.String(), "holds an unfinished restore or migration") || !strings.Contains(out.String(), "counts verified") {
		t.Fatalf("restore over an interrupted one: %d %s %s", code, out.String(), errOut.String())
	}
	if a, b := dumpOf(t, src), dumpOf(t, openFerretDB(t, partial)); a != b {
		t.Fatal("the redone restore differs from the backed-up database")
	}

	// A SQLite backup, restored into MongoDB.
	sqlArchive := filepath.Join(t.TempDir(), "sqlite.tar.gz")
	if code := run([]string{"backup", "--data-dir", dir, "--to", sqlArchive}, &out, &errOut); code != 0 {
		t.Fatalf("sqlite backup: %s", errOut.String())
	}
	third := ferrettest.Database(t)
	out.Reset()
	if code := run([]string{"restore", "--from", sqlArchive, "--mongo-uri", uri, "--mongo-db", third}, &out, &errOut); code != 0 {
		t.Fatalf("restore of a sqlite backup into mongo: %d %s", code, errOut.String())
	}
	readBack(t, openFerretDB(t, third), s)

	// A damaged archive fails verify and restore.
	raw, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 0xff
	bad := filepath.Join(t.TempDir(), "bad.tar.gz")
	if err := os.WriteFile(bad, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	errOut.Reset()
	if code := run([]string{"backup", "verify", bad}, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "is damaged or not a Formloom backup") {
		t.Fatalf("verify of a damaged archive: %d %s", code, errOut.String())
	}
}

func dumpOf(t *testing.T, st store.Exporter) string {
	t.Helper()
	var b bytes.Buffer
	w := store.NewDumpWriter(&b)
	if _, err := st.Export(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	return b.String()
}
