package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/store"
)

// Reasons for skips, named so that every backend reports the same words.
const (
	reasonNoTransactions = "FerretDB v1 has no transactions: Capabilities().Transactions is false"
	reasonNoAtomicCAS    = "FerretDB issue 3040: conditional updates are not re-checked under concurrency (Capabilities().AtomicCAS is false)"
	reasonNoPartial      = "Capabilities().PartialUniqueIndexes is false: unique indexes also constrain deleted documents and missing values"
	reasonNoBuckets      = "Capabilities().DateBuckets is false"
)

// t0 is the time most units of work are stamped with. Its nanoseconds check
// that stores keep exactly microseconds.
var t0 = time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.UTC)

// actor stamps the units of work the suite commits.
const actor = "user_tester"

// fixture is one case's store and helpers.
type fixture struct {
	t    *testing.T
	s    store.Store
	ctx  context.Context
	caps store.Capabilities
	// clock is the store's clock; cases move it instead of sleeping.
	clock *store.ManualClock
}

func newFixture(t *testing.T, newStore NewStore) *fixture {
	t.Helper()
	clock := store.NewManualClock(time.Now().UTC().Truncate(time.Millisecond))
	s := newStore(t, clock)
	if s == nil {
		t.Fatal("newStore returned nil")
	}
	return &fixture{t: t, s: s, ctx: t.Context(), caps: s.Capabilities(), clock: clock}
}

// doc is a document to seed: an id and its data.
type doc struct {
	id   string
	data map[string]any
}

// commit commits u and fails the case on error.
func (f *fixture) commit(u store.UnitOfWork) store.CommitResult {
	f.t.Helper()
	res, err := f.s.Commit(f.ctx, u)
	if err != nil {
		f.t.Fatalf("Commit: %v", err)
	}
	return res
}

// commitMulti commits a unit of several items. A backend without
// transactions may refuse it with ErrUnsupported; the case is then skipped.
func (f *fixture) commitMulti(u store.UnitOfWork) store.CommitResult {
	f.t.Helper()
	res, err := f.s.Commit(f.ctx, u)
	if err != nil && !f.caps.Transactions && errors.Is(err, store.ErrUnsupported) {
		f.t.Skipf("backend refuses units of several items: %s", reasonNoTransactions)
	}
	if err != nil {
		f.t.Fatalf("Commit: %v", err)
	}
	return res
}

// needTransactions skips the case when units are not atomic.
func (f *fixture) needTransactions() {
	f.t.Helper()
	if !f.caps.Transactions {
		f.t.Skip(reasonNoTransactions)
	}
}

// write is a shorthand for one write of a unit.
func write(op store.WriteOp, coll, id string, data map[string]any, expect int64) store.Write {
	return store.Write{Op: op, Collection: coll, Doc: store.Document{ID: id, Data: data}, ExpectVersion: expect}
}

// one commits a single write stamped at t0 by actor and returns the document written.
func (f *fixture) one(w store.Write) store.Document {
	f.t.Helper()
	return f.oneAt(t0, w)
}

// oneAt commits a single write stamped at at.
func (f *fixture) oneAt(at time.Time, w store.Write) store.Document {
	f.t.Helper()
	res := f.commit(store.UnitOfWork{Writes: []store.Write{w}, At: at, Actor: actor})
	if len(res.Docs) != 1 {
		f.t.Fatalf("Commit of one write returned %d docs", len(res.Docs))
	}
	return res.Docs[0]
}

// oneErr commits a single write and returns the error.
func (f *fixture) oneErr(w store.Write) error {
	_, err := f.s.Commit(f.ctx, store.UnitOfWork{Writes: []store.Write{w}, At: t0, Actor: actor})
	return err
}

// seed inserts docs into coll, in one unit when the backend accepts it and
// one unit per document otherwise.
func (f *fixture) seed(coll string, docs []doc) {
	f.t.Helper()
	ws := make([]store.Write, len(docs))
	for i, d := range docs {
		ws[i] = write(store.OpInsert, coll, d.id, d.data, 0)
	}
	_, err := f.s.Commit(f.ctx, store.UnitOfWork{Writes: ws, At: t0, Actor: actor})
	if err == nil {
		return
	}
	if f.caps.Transactions || !errors.Is(err, store.ErrUnsupported) {
		f.t.Fatalf("seed %s: %v", coll, err)
	}
	for _, w := range ws {
		f.one(w)
	}
}

// softDelete moves id to the recycle bin.
func (f *fixture) softDelete(coll, id string) store.Document {
	f.t.Helper()
	return f.one(write(store.OpSoftDelete, coll, id, nil, 0))
}

// get reads one document and fails the case on error.
func (f *fixture) get(coll, id string) store.Document {
	f.t.Helper()
	d, err := f.s.Get(f.ctx, coll, id)
	if err != nil {
		f.t.Fatalf("Get(%s, %s): %v", coll, id, err)
	}
	return d
}

// ids returns the ids of all documents q selects, in order, from one page
// of MaxPageSize.
func (f *fixture) ids(coll string, q store.Query) []string {
	f.t.Helper()
	q.Limit = store.MaxPageSize
	p, err := f.s.Find(f.ctx, coll, q)
	if err != nil {
		f.t.Fatalf("Find(%s): %v", coll, err)
	}
	return docIDs(p.Docs)
}

func docIDs(docs []store.Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

// wantErr fails the case unless errors.Is(err, target).
func (f *fixture) wantErr(what string, err, target error) {
	f.t.Helper()
	if !errors.Is(err, target) {
		f.t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

// noErr fails the case on err.
func (f *fixture) noErr(what string, err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatalf("%s: %v", what, err)
	}
}

// sameTime fails unless got equals want truncated to microseconds, in UTC.
func (f *fixture) sameTime(what string, got, want time.Time) {
	f.t.Helper()
	want = want.UTC().Truncate(time.Microsecond)
	if !got.Equal(want) {
		f.t.Errorf("%s = %s, want %s", what, got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
	}
}

// sameData fails unless got deep-equals the canonical form of want.
func (f *fixture) sameData(what string, got, want map[string]any) {
	f.t.Helper()
	w, err := store.NormalizeData(want)
	if err != nil {
		f.t.Fatalf("suite bug: NormalizeData(%v): %v", want, err)
	}
	if got == nil {
		got = map[string]any{}
	}
	if !reflect.DeepEqual(got, w) {
		f.t.Errorf("%s:\n got  %s\n want %s", what, show(got), show(w))
	}
}

// sameIDs fails unless got equals want in order.
func (f *fixture) sameIDs(what string, got, want []string) {
	f.t.Helper()
	if want == nil {
		want = []string{}
	}
	if got == nil {
		got = []string{}
	}
	if !slices.Equal(got, want) {
		f.t.Errorf("%s:\n got  %v\n want %v", what, got, want)
	}
}

// show renders a value with its Go types, so float64 and int differ.
func show(v any) string {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + show(x[k])
		}
		return "{" + strings.Join(parts, " ") + "}"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = show(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case string:
		return fmt.Sprintf("%q", x)
	case nil:
		return "nil"
	}
	return fmt.Sprintf("%v(%T)", v, v)
}

// safely calls fn and turns a panic into an error, so that a case can check
// that malformed input never panics.
func safely(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return fn()
}

// parallel runs fn(worker) in n goroutines and returns the errors they reported.
func parallel(n int, fn func(worker int) error) []error {
	errs := make(chan error, n)
	for w := range n {
		go func() { errs <- safely(func() error { return fn(w) }) }()
	}
	var out []error
	for range n {
		if err := <-errs; err != nil {
			out = append(out, err)
		}
	}
	return out
}
