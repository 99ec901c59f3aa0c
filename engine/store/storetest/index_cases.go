package storetest

import (
	"errors"
	"slices"

	"github.com/formloom/formloom/engine/store"
)

func indexCases() []testCase {
	return []testCase{
		{name: "UniqueNamesFields", run: testUniqueNamesFields},
		{name: "UniqueCompound", run: testUniqueCompound},
		{name: "UniqueNested", run: testUniqueNested},
		{name: "DeletedDoNotCollide", run: testUniqueDeleted},
		{name: "MissingDoNotCollide", run: testUniqueMissing},
		{name: "BuildOverDuplicates", run: testUniqueBuildOverDuplicates},
		{name: "BuildOverDeletedDuplicates", run: testUniqueBuildOverDeleted},
		{name: "EnsureIdempotent", run: testEnsureIdempotent},
		{name: "DropUndeclared", run: testDropUndeclared},
		{name: "RedeclareAsUnique", run: testRedeclareAsUnique},
		{name: "NonUniqueAllowsDuplicates", run: testNonUnique},
	}
}

var emailUnique = store.Index{Name: "contacts_email", Fields: []store.SortKey{{Field: "email"}}, Unique: true}

// ensure declares indexes and fails the case on error.
func (f *fixture) ensure(coll string, idx ...store.Index) {
	f.t.Helper()
	f.noErr("EnsureIndexes", f.s.EnsureIndexes(f.ctx, coll, idx))
}

// wantDuplicate checks err is a *DuplicateError on coll naming fields.
func (f *fixture) wantDuplicate(what string, err error, coll string, fields ...string) {
	f.t.Helper()
	f.wantErr(what, err, store.ErrDuplicate)
	var de *store.DuplicateError
	if !errors.As(err, &de) {
		f.t.Errorf("%s: %v is not a *store.DuplicateError", what, err)
		return
	}
	if de.Collection != coll || !slices.Equal(de.Fields, fields) {
		f.t.Errorf("%s: DuplicateError names (%s, %v), want (%s, %v)", what, de.Collection, de.Fields, coll, fields)
	}
}

func testUniqueNamesFields(f *fixture) {
	f.ensure("contacts", emailUnique)
	f.one(write(store.OpInsert, "contacts", "c1", map[string]any{"email": "ann@example.com"}, 0))
	f.one(write(store.OpInsert, "contacts", "c2", map[string]any{"email": "bob@example.com"}, 0))
	err := f.oneErr(write(store.OpInsert, "contacts", "c3", map[string]any{"email": "ann@example.com"}, 0))
	f.wantDuplicate("insert of a taken email", err, "contacts", "email")
	err = f.oneErr(write(store.OpUpdate, "contacts", "c2", map[string]any{"email": "ann@example.com"}, 1))
	f.wantDuplicate("update to a taken email", err, "contacts", "email")
	f.sameData("c2 after the refused update", f.get("contacts", "c2").Data, map[string]any{"email": "bob@example.com"})
	_, err = f.s.Get(f.ctx, "contacts", "c3")
	f.wantErr("Get of the refused insert", err, store.ErrNotFound)
	// A document may keep its own value.
	f.one(write(store.OpUpdate, "contacts", "c1", map[string]any{"email": "ann@example.com", "name": "Ann"}, 1))
	// Values are compared exactly: another case is another value.
	f.one(write(store.OpInsert, "contacts", "c4", map[string]any{"email": "ANN@example.com"}, 0))
}

func testUniqueCompound(f *fixture) {
	f.ensure("codes", store.Index{Name: "codes_org_code", Unique: true,
		Fields: []store.SortKey{{Field: "org"}, {Field: "code"}}})
	f.one(write(store.OpInsert, "codes", "a", map[string]any{"org": "o1", "code": "X"}, 0))
	f.one(write(store.OpInsert, "codes", "b", map[string]any{"org": "o2", "code": "X"}, 0))
	f.one(write(store.OpInsert, "codes", "c", map[string]any{"org": "o1", "code": "Y"}, 0))
	err := f.oneErr(write(store.OpInsert, "codes", "d", map[string]any{"org": "o1", "code": "X"}, 0))
	f.wantDuplicate("insert of a taken (org, code)", err, "codes", "org", "code")
	// Numbers and strings are different values.
	f.one(write(store.OpInsert, "codes", "e", map[string]any{"org": "o1", "code": 1}, 0))
	f.one(write(store.OpInsert, "codes", "f", map[string]any{"org": "o1", "code": "1"}, 0))
}

func testUniqueNested(f *fixture) {
	f.ensure("people", store.Index{Name: "people_contact_email", Unique: true,
		Fields: []store.SortKey{{Field: "contact.email"}}})
	f.one(write(store.OpInsert, "people", "p1", map[string]any{"contact": map[string]any{"email": "x@y.z"}}, 0))
	err := f.oneErr(write(store.OpInsert, "people", "p2", map[string]any{"contact": map[string]any{"email": "x@y.z", "phone": "1"}}, 0))
	f.wantDuplicate("insert of a taken nested value", err, "people", "contact.email")
}

func testUniqueDeleted(f *fixture) {
	if !f.caps.PartialUniqueIndexes {
		f.t.Skip(reasonNoPartial)
	}
	f.ensure("contacts", emailUnique)
	f.one(write(store.OpInsert, "contacts", "c1", map[string]any{"email": "ann@example.com"}, 0))
	f.softDelete("contacts", "c1")
	f.one(write(store.OpInsert, "contacts", "c2", map[string]any{"email": "ann@example.com"}, 0))
	err := f.oneErr(write(store.OpRestore, "contacts", "c1", nil, 0))
	f.wantDuplicate("restore that would collide", err, "contacts", "email")
	if d := f.get("contacts", "c1"); d.DeletedAt == nil || d.Version != 2 {
		f.t.Errorf("c1 after the refused restore = v%d DeletedAt %v, want v2 and still deleted", d.Version, d.DeletedAt)
	}
	// Once the live one is gone, the restore succeeds.
	f.softDelete("contacts", "c2")
	f.one(write(store.OpRestore, "contacts", "c1", nil, 2))
}

func testUniqueMissing(f *fixture) {
	if !f.caps.PartialUniqueIndexes {
		f.t.Skip(reasonNoPartial)
	}
	f.ensure("contacts", emailUnique, store.Index{Name: "contacts_org_code", Unique: true,
		Fields: []store.SortKey{{Field: "org"}, {Field: "code"}}})
	f.seed("contacts", []doc{
		{"m1", map[string]any{"name": "no email"}},
		{"m2", map[string]any{"name": "no email either"}},
		{"n1", map[string]any{"email": nil}},
		{"n2", map[string]any{"email": nil}},
		{"k1", map[string]any{"org": "o1"}},
		{"k2", map[string]any{"org": "o1"}},
		{"k3", map[string]any{"org": "o1", "code": nil}},
		{"k4", map[string]any{"org": "o1", "code": nil}},
	})
	if n, err := f.s.Count(f.ctx, "contacts", store.Query{}); err != nil || n != 8 {
		f.t.Errorf("Count = %d, %v, want 8", n, err)
	}
	f.one(write(store.OpInsert, "contacts", "k5", map[string]any{"org": "o1", "code": "A"}, 0))
	err := f.oneErr(write(store.OpInsert, "contacts", "k6", map[string]any{"org": "o1", "code": "A"}, 0))
	f.wantDuplicate("present values still collide", err, "contacts", "org", "code")
}

func testUniqueBuildOverDuplicates(f *fixture) {
	f.one(write(store.OpInsert, "contacts", "c1", map[string]any{"email": "same@example.com"}, 0))
	f.one(write(store.OpInsert, "contacts", "c2", map[string]any{"email": "same@example.com"}, 0))
	err := f.s.EnsureIndexes(f.ctx, "contacts", []store.Index{emailUnique})
	f.wantErr("building a unique index over duplicates", err, store.ErrDuplicate)
	// The data is untouched.
	f.get("contacts", "c1")
	f.get("contacts", "c2")
}

func testUniqueBuildOverDeleted(f *fixture) {
	if !f.caps.PartialUniqueIndexes {
		f.t.Skip(reasonNoPartial)
	}
	f.one(write(store.OpInsert, "contacts", "c1", map[string]any{"email": "same@example.com"}, 0))
	f.one(write(store.OpInsert, "contacts", "c2", map[string]any{"email": "same@example.com"}, 0))
	f.one(write(store.OpInsert, "contacts", "c3", map[string]any{"name": "none"}, 0))
	f.one(write(store.OpInsert, "contacts", "c4", map[string]any{"name": "none"}, 0))
	f.softDelete("contacts", "c2")
	f.ensure("contacts", emailUnique)
	err := f.oneErr(write(store.OpInsert, "contacts", "c5", map[string]any{"email": "same@example.com"}, 0))
	f.wantDuplicate("insert after building", err, "contacts", "email")
}

func testEnsureIdempotent(f *fixture) {
	idx := []store.Index{emailUnique, {Name: "contacts_name", Fields: []store.SortKey{{Field: "name"}, {Field: "age", Desc: true}}}}
	for range 3 {
		f.ensure("contacts", idx...)
	}
	f.one(write(store.OpInsert, "contacts", "c1", map[string]any{"email": "a@b.c", "name": "A"}, 0))
	f.ensure("contacts", idx...)
	err := f.oneErr(write(store.OpInsert, "contacts", "c2", map[string]any{"email": "a@b.c"}, 0))
	f.wantDuplicate("unique index after repeated EnsureIndexes", err, "contacts", "email")
}

func testDropUndeclared(f *fixture) {
	f.ensure("contacts", emailUnique)
	f.one(write(store.OpInsert, "contacts", "c1", map[string]any{"email": "a@b.c"}, 0))
	f.ensure("contacts")
	f.one(write(store.OpInsert, "contacts", "c2", map[string]any{"email": "a@b.c"}, 0))
	f.wantErr("declaring the index again over the duplicates", f.s.EnsureIndexes(f.ctx, "contacts", []store.Index{emailUnique}), store.ErrDuplicate)
}

func testRedeclareAsUnique(f *fixture) {
	plain := emailUnique
	plain.Unique = false
	f.ensure("contacts", plain)
	f.one(write(store.OpInsert, "contacts", "c1", map[string]any{"email": "a@b.c"}, 0))
	f.ensure("contacts", emailUnique)
	err := f.oneErr(write(store.OpInsert, "contacts", "c2", map[string]any{"email": "a@b.c"}, 0))
	f.wantDuplicate("insert after the index became unique", err, "contacts", "email")
	f.ensure("contacts", plain)
	f.one(write(store.OpInsert, "contacts", "c3", map[string]any{"email": "a@b.c"}, 0))
}

func testNonUnique(f *fixture) {
	f.ensure("contacts", store.Index{Name: "contacts_city", Fields: []store.SortKey{{Field: "address.city"}}})
	f.seed("contacts", []doc{
		{"c1", map[string]any{"address": map[string]any{"city": "Lyon"}}},
		{"c2", map[string]any{"address": map[string]any{"city": "Lyon"}}},
		{"c3", map[string]any{"address": map[string]any{"city": "Paris"}}},
	})
	got := f.ids("contacts", store.Query{Filter: ptr(store.Where("address.city", store.OpEq, "Lyon"))})
	f.sameIDs("Find by the indexed field", got, []string{"c1", "c2"})
}

func ptr[T any](v T) *T { return &v }
