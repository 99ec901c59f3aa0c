package storetest

import (
	"errors"
	"time"

	"github.com/formloom/formloom/engine/store"
)

func commitCases() []testCase {
	return []testCase{
		{name: "InsertGeneratesID", run: testInsertGeneratesID},
		{name: "InsertKeepsIDVersionOne", run: testInsertKeepsID},
		{name: "DataRoundTrip", run: testDataRoundTrip},
		{name: "NestedArrays", run: testNestedArrays},
		{name: "ActorStamps", run: testActorStamps},
		{name: "ZeroAtMeansNow", run: testZeroAtMeansNow},
		{name: "GetMissing", run: testGetMissing},
		{name: "DuplicateID", run: testDuplicateID},
		{name: "UpdateCompareAndSet", run: testUpdateCAS},
		{name: "UpdateMissingOrDeleted", run: testUpdateMissingOrDeleted},
		{name: "SoftDeleteRestore", run: testSoftDeleteRestore},
		{name: "HardDelete", run: testHardDelete},
		{name: "InvalidInput", run: testInvalidInput},
		{name: "InsertThenUpdateInOneUnit", run: testInsertThenUpdate},
	}
}

func testInsertGeneratesID(f *fixture) {
	d := f.one(write(store.OpInsert, "notes", "", map[string]any{"title": "hello"}, 0))
	if len(d.ID) != 26 {
		f.t.Fatalf("generated id %q has %d characters, want 26", d.ID, len(d.ID))
	}
	if d.Version != 1 {
		f.t.Errorf("Version = %d, want 1", d.Version)
	}
	f.sameTime("CreatedAt", d.CreatedAt, t0)
	f.sameTime("UpdatedAt", d.UpdatedAt, t0)
	if d.CreatedBy != actor || d.UpdatedBy != actor {
		f.t.Errorf("CreatedBy, UpdatedBy = %q, %q, want %q", d.CreatedBy, d.UpdatedBy, actor)
	}
	if d.DeletedAt != nil {
		f.t.Errorf("DeletedAt = %v, want nil", d.DeletedAt)
	}
	got := f.get("notes", d.ID)
	if got.ID != d.ID || got.Version != 1 || got.DeletedAt != nil || got.CreatedBy != actor || got.UpdatedBy != actor {
		f.t.Errorf("Get = %+v, want the inserted document", got)
	}
	f.sameTime("Get CreatedAt", got.CreatedAt, t0)
	f.sameTime("Get UpdatedAt", got.UpdatedAt, t0)
	f.sameData("Get Data", got.Data, map[string]any{"title": "hello"})
	other := f.one(write(store.OpInsert, "notes", "", map[string]any{"title": "again"}, 0))
	if other.ID == d.ID {
		f.t.Errorf("two inserts got the same id %q", d.ID)
	}
}

func testInsertKeepsID(f *fixture) {
	w := write(store.OpInsert, "notes", "note-1", map[string]any{"n": 1}, 0)
	w.Doc.Version = 9
	d := f.one(w)
	if d.ID != "note-1" || d.Version != 1 {
		f.t.Errorf("inserted (%q, v%d), want (note-1, v1)", d.ID, d.Version)
	}
	if got := f.get("notes", "note-1"); got.Version != 1 {
		f.t.Errorf("Get version = %d, want 1", got.Version)
	}
}

func testDataRoundTrip(f *fixture) {
	when := time.Date(2026, 11, 29, 8, 7, 6, 5004003, time.FixedZone("CST", 8*3600))
	data := map[string]any{
		"int":     42,
		"neg":     int64(-7),
		"float":   123456789.25,
		"tiny":    1e-9,
		"yes":     true,
		"no":      false,
		"nothing": nil,
		"text":    "Grüße, 北京 🚀",
		"empty":   "",
		"when":    when,
		"list":    []any{1, "two", true, nil},
		"strs":    []string{"a", "b"},
		"obj":     map[string]any{"inner": map[string]any{"deep": 1.5}, "arr": []any{}},
		"rows":    []any{map[string]any{"sku": "a1", "qty": 2}, map[string]any{"sku": "b2", "qty": 0}},
		"blank":   map[string]any{},
	}
	d := f.one(write(store.OpInsert, "notes", "rt", data, 0))
	f.sameData("CommitResult Data", d.Data, data)
	got := f.get("notes", "rt")
	f.sameData("Get Data", got.Data, data)
	if s, _ := got.Data["when"].(string); s != "2026-11-29T00:07:06.005004Z" {
		f.t.Errorf("time value stored as %q, want TimeLayout in UTC 2026-11-29T00:07:06.005004Z", s)
	}
}

func testActorStamps(f *fixture) {
	plain := f.commit(store.UnitOfWork{At: t0, Actor: "user_alice",
		Writes: []store.Write{write(store.OpInsert, "notes", "a", map[string]any{"n": 1}, 0)}}).Docs[0]
	if plain.CreatedBy != "user_alice" || plain.UpdatedBy != "user_alice" {
		f.t.Errorf("stamps = %q, %q, want user_alice twice", plain.CreatedBy, plain.UpdatedBy)
	}
	w := write(store.OpInsert, "notes", "b", map[string]any{"n": 2}, 0)
	w.Doc.UpdatedBy = "bot_import"
	own := f.commit(store.UnitOfWork{At: t0, Actor: "user_alice", Writes: []store.Write{w}}).Docs[0]
	if own.CreatedBy != "bot_import" || own.UpdatedBy != "bot_import" {
		f.t.Errorf("stamps = %q, %q, want the document's own bot_import twice", own.CreatedBy, own.UpdatedBy)
	}
	upd := f.commit(store.UnitOfWork{At: t0.Add(time.Hour), Actor: "user_bob",
		Writes: []store.Write{write(store.OpUpdate, "notes", "a", map[string]any{"n": 3}, 1)}}).Docs[0]
	if upd.CreatedBy != "user_alice" || upd.UpdatedBy != "user_bob" {
		f.t.Errorf("after update stamps = %q, %q, want user_alice, user_bob", upd.CreatedBy, upd.UpdatedBy)
	}
	got := f.get("notes", "a")
	if got.CreatedBy != "user_alice" || got.UpdatedBy != "user_bob" {
		f.t.Errorf("Get stamps = %q, %q, want user_alice, user_bob", got.CreatedBy, got.UpdatedBy)
	}
}

func testZeroAtMeansNow(f *fixture) {
	before := time.Now().Add(-time.Second)
	d := f.commit(store.UnitOfWork{Writes: []store.Write{write(store.OpInsert, "notes", "now", nil, 0)}}).Docs[0]
	after := time.Now().Add(time.Second)
	if d.CreatedAt.Before(before) || d.CreatedAt.After(after) {
		f.t.Errorf("CreatedAt %s is not the time of the commit", d.CreatedAt)
	}
	if d.CreatedAt.Location() != time.UTC {
		f.t.Errorf("CreatedAt is in %s, want UTC", d.CreatedAt.Location())
	}
	if !f.get("notes", "now").CreatedAt.Equal(d.CreatedAt) {
		f.t.Errorf("Get CreatedAt differs from the CommitResult")
	}
}

func testGetMissing(f *fixture) {
	_, err := f.s.Get(f.ctx, "never_used", "x")
	f.wantErr("Get in an unused collection", err, store.ErrNotFound)
	f.one(write(store.OpInsert, "notes", "present", nil, 0))
	_, err = f.s.Get(f.ctx, "notes", "absent")
	f.wantErr("Get of a missing id", err, store.ErrNotFound)
}

func testDuplicateID(f *fixture) {
	f.one(write(store.OpInsert, "notes", "dup", map[string]any{"n": 1}, 0))
	err := f.oneErr(write(store.OpInsert, "notes", "dup", map[string]any{"n": 2}, 0))
	f.wantErr("second insert of the same id", err, store.ErrDuplicate)
	f.softDelete("notes", "dup")
	err = f.oneErr(write(store.OpInsert, "notes", "dup", map[string]any{"n": 3}, 0))
	f.wantErr("insert over a deleted document's id", err, store.ErrDuplicate)
	got := f.get("notes", "dup")
	f.sameData("the first document", got.Data, map[string]any{"n": 1})
	if got.Version != 2 {
		f.t.Errorf("Version = %d, want 2 (insert, soft delete)", got.Version)
	}
	// The same id in another collection is a different document.
	f.one(write(store.OpInsert, "other_notes", "dup", nil, 0))
}

func testUpdateCAS(f *fixture) {
	t1 := t0.Add(90 * time.Minute)
	f.one(write(store.OpInsert, "notes", "u", map[string]any{"a": 1, "b": "keep?"}, 0))
	res := f.commit(store.UnitOfWork{At: t1, Actor: "user_other",
		Writes: []store.Write{write(store.OpUpdate, "notes", "u", map[string]any{"a": 2}, 1)}})
	d := res.Docs[0]
	if d.Version != 2 {
		f.t.Errorf("Version after update = %d, want 2", d.Version)
	}
	f.sameTime("CreatedAt after update", d.CreatedAt, t0)
	f.sameTime("UpdatedAt after update", d.UpdatedAt, t1)
	f.sameData("Data after update (replaced, not merged)", d.Data, map[string]any{"a": 2})

	err := f.oneErr(write(store.OpUpdate, "notes", "u", map[string]any{"a": 99}, 1))
	f.wantErr("update with a stale version", err, store.ErrConflict)
	err = f.oneErr(write(store.OpUpdate, "notes", "u", map[string]any{"a": 99}, 3))
	f.wantErr("update with a future version", err, store.ErrConflict)
	got := f.get("notes", "u")
	if got.Version != 2 {
		f.t.Errorf("Version after refused updates = %d, want 2", got.Version)
	}
	f.sameData("Data after refused updates", got.Data, map[string]any{"a": 2})
	f.sameTime("Get UpdatedAt", got.UpdatedAt, t1)

	d = f.one(write(store.OpUpdate, "notes", "u", map[string]any{"a": 3}, 0))
	if d.Version != 3 {
		f.t.Errorf("unconditional update: Version = %d, want 3", d.Version)
	}
}

func testUpdateMissingOrDeleted(f *fixture) {
	err := f.oneErr(write(store.OpUpdate, "notes", "ghost", map[string]any{"a": 1}, 0))
	f.wantErr("update of a missing document", err, store.ErrNotFound)
	err = f.oneErr(write(store.OpUpdate, "notes", "ghost", map[string]any{"a": 1}, 1))
	f.wantErr("CAS update of a missing document", err, store.ErrNotFound)
	f.one(write(store.OpInsert, "notes", "d", map[string]any{"a": 1}, 0))
	f.softDelete("notes", "d")
	err = f.oneErr(write(store.OpUpdate, "notes", "d", map[string]any{"a": 2}, 0))
	f.wantErr("update of a deleted document", err, store.ErrNotFound)
	err = f.oneErr(write(store.OpUpdate, "notes", "d", map[string]any{"a": 2}, 2))
	f.wantErr("CAS update of a deleted document at its version", err, store.ErrNotFound)
	got := f.get("notes", "d")
	f.sameData("deleted document's data", got.Data, map[string]any{"a": 1})
	if got.Version != 2 || got.DeletedAt == nil {
		f.t.Errorf("deleted document = v%d DeletedAt %v, want v2 and deleted", got.Version, got.DeletedAt)
	}
}

func testSoftDeleteRestore(f *fixture) {
	t1, t2 := t0.Add(time.Hour), t0.Add(2*time.Hour)
	f.one(write(store.OpInsert, "notes", "s", map[string]any{"title": "x"}, 0))
	err := f.oneErr(write(store.OpSoftDelete, "notes", "s", nil, 5))
	f.wantErr("soft delete with a stale version", err, store.ErrConflict)
	del := f.oneAt(t1, write(store.OpSoftDelete, "notes", "s", nil, 1))
	if del.Version != 2 || del.DeletedAt == nil {
		f.t.Fatalf("soft delete result = v%d DeletedAt %v, want v2 with DeletedAt", del.Version, del.DeletedAt)
	}
	f.sameTime("DeletedAt", *del.DeletedAt, t1)
	got := f.get("notes", "s")
	if got.DeletedAt == nil {
		f.t.Fatalf("Get of a deleted document has no DeletedAt")
	}
	f.sameTime("Get DeletedAt", *got.DeletedAt, t1)
	f.sameData("deleted document's data", got.Data, map[string]any{"title": "x"})
	f.sameTime("CreatedAt kept", got.CreatedAt, t0)

	err = f.oneErr(write(store.OpSoftDelete, "notes", "s", nil, 0))
	f.wantErr("soft delete of a deleted document", err, store.ErrNotFound)
	err = f.oneErr(write(store.OpSoftDelete, "notes", "ghost", nil, 0))
	f.wantErr("soft delete of a missing document", err, store.ErrNotFound)

	err = f.oneErr(write(store.OpRestore, "notes", "s", nil, 1))
	f.wantErr("restore with a stale version", err, store.ErrConflict)
	res := f.oneAt(t2, write(store.OpRestore, "notes", "s", nil, 2))
	if res.Version != 3 || res.DeletedAt != nil {
		f.t.Errorf("restore result = v%d DeletedAt %v, want v3 and live", res.Version, res.DeletedAt)
	}
	got = f.get("notes", "s")
	if got.Version != 3 || got.DeletedAt != nil {
		f.t.Errorf("Get after restore = v%d DeletedAt %v, want v3 and live", got.Version, got.DeletedAt)
	}
	f.sameData("restored data", got.Data, map[string]any{"title": "x"})
	err = f.oneErr(write(store.OpRestore, "notes", "s", nil, 0))
	f.wantErr("restore of a live document", err, store.ErrNotFound)
	err = f.oneErr(write(store.OpRestore, "notes", "ghost", nil, 0))
	f.wantErr("restore of a missing document", err, store.ErrNotFound)
}

func testHardDelete(f *fixture) {
	f.one(write(store.OpInsert, "notes", "h", map[string]any{"v": "before"}, 0))
	f.one(write(store.OpUpdate, "notes", "h", map[string]any{"v": "after"}, 1))
	err := f.oneErr(write(store.OpHardDelete, "notes", "h", nil, 1))
	f.wantErr("hard delete with a stale version", err, store.ErrConflict)
	gone := f.one(write(store.OpHardDelete, "notes", "h", nil, 2))
	if gone.ID != "h" || gone.Version != 2 {
		f.t.Errorf("hard delete result = (%q, v%d), want the document as it was (h, v2)", gone.ID, gone.Version)
	}
	f.sameData("hard delete result data", gone.Data, map[string]any{"v": "after"})
	_, err = f.s.Get(f.ctx, "notes", "h")
	f.wantErr("Get after hard delete", err, store.ErrNotFound)
	err = f.oneErr(write(store.OpHardDelete, "notes", "h", nil, 0))
	f.wantErr("hard delete of a missing document", err, store.ErrNotFound)

	f.one(write(store.OpInsert, "notes", "bin", nil, 0))
	f.softDelete("notes", "bin")
	f.one(write(store.OpHardDelete, "notes", "bin", nil, 0))
	_, err = f.s.Get(f.ctx, "notes", "bin")
	f.wantErr("Get after emptying the recycle bin", err, store.ErrNotFound)

	again := f.one(write(store.OpInsert, "notes", "h", map[string]any{"v": "new"}, 0))
	if again.Version != 1 {
		f.t.Errorf("re-inserted id has version %d, want 1", again.Version)
	}
}

func testInvalidInput(f *fixture) {
	scenarios := []struct {
		name string
		u    store.UnitOfWork
	}{
		{"empty unit", store.UnitOfWork{}},
		{"bad collection", store.UnitOfWork{Writes: []store.Write{write(store.OpInsert, "Bad-Name", "x", nil, 0)}}},
		{"bad data key", store.UnitOfWork{Writes: []store.Write{write(store.OpInsert, "notes", "x", map[string]any{"Bad Key": 1}, 0)}}},
		{"bad nested key", store.UnitOfWork{Writes: []store.Write{write(store.OpInsert, "notes", "x", map[string]any{"a": map[string]any{"$set": 1}}, 0)}}},
		{"id with a space", store.UnitOfWork{Writes: []store.Write{write(store.OpInsert, "notes", "a b", nil, 0)}}},
		{"unknown op", store.UnitOfWork{Writes: []store.Write{write(store.WriteOp(42), "notes", "x", nil, 0)}}},
		{"negative version", store.UnitOfWork{Writes: []store.Write{write(store.OpUpdate, "notes", "x", nil, -1)}}},
		{"unsupported value", store.UnitOfWork{Writes: []store.Write{write(store.OpInsert, "notes", "x", map[string]any{"c": make(chan int)}, 0)}}},
		{"event without type", store.UnitOfWork{Events: []store.Event{{Collection: "notes"}}}},
	}
	for _, sc := range scenarios {
		err := safely(func() error { _, err := f.s.Commit(f.ctx, sc.u); return err })
		if !errors.Is(err, store.ErrInvalidInput) {
			f.t.Errorf("%s: got %v, want ErrInvalidInput", sc.name, err)
		}
	}
	_, err := f.s.Get(f.ctx, "notes", "x")
	f.wantErr("Get after refused units", err, store.ErrNotFound)
}

func testInsertThenUpdate(f *fixture) {
	res := f.commitMulti(store.UnitOfWork{At: t0, Actor: actor, Writes: []store.Write{
		write(store.OpInsert, "notes", "iu", map[string]any{"step": 1}, 0),
		write(store.OpUpdate, "notes", "iu", map[string]any{"step": 2}, 1),
	}})
	if res.Docs[0].Version != 1 || res.Docs[1].Version != 2 {
		f.t.Errorf("versions = %d, %d, want 1, 2", res.Docs[0].Version, res.Docs[1].Version)
	}
	got := f.get("notes", "iu")
	if got.Version != 2 {
		f.t.Errorf("Get version = %d, want 2", got.Version)
	}
	f.sameData("Get data", got.Data, map[string]any{"step": 2})
}

// testNestedArrays is apart from testDataRoundTrip because FerretDB v1
// refuses arrays inside arrays; the contract's value model allows them.
func testNestedArrays(f *fixture) {
	data := map[string]any{"matrix": []any{[]any{1, 2}, []any{}, []any{"a", []any{true}}}}
	f.one(write(store.OpInsert, "notes", "nested", data, 0))
	f.sameData("nested arrays", f.get("notes", "nested").Data, data)
}
