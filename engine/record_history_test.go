package engine_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// createChangesOf is what a create entry used to store: every field with a
// value, from nil, in key order.
func createChangesOf(t *testing.T, data map[string]any) string {
	t.Helper()
	keys := make([]string, 0, len(data))
	for k, v := range data {
		if v != nil {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([]map[string]any, 0, len(keys))
	for _, k := range keys {
		out = append(out, map[string]any{"field": k, "old": nil, "new": data[k]})
	}
	return jsonOf(t, out)
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestHistoryDerivesCreateValues: the create entry no longer stores the
// record's values, and History answers them exactly as before, after
// updates that change, add and clear fields, a delete and a restore.
func TestHistoryDerivesCreateValues(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, opportunityForm())
		r, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "甲", "amount": 100, "close_date": "2026-12-31",
			"items": []any{map[string]any{"product": "CRM", "price": 10}}}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		created, err := f.e.Record(f.ctx, f.admin, formID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := createChangesOf(t, created.Data)
		v := r.Version
		for _, in := range []map[string]any{
			{"amount": 500, "email": "a@example.com"},
			{"close_date": nil, "items": []any{}},
			{"company": "乙", "amount": 0},
		} {
			up, err := f.e.UpdateRecord(f.ctx, f.admin, formID, r.ID, in, v, engine.WriteOptions{})
			if err != nil {
				t.Fatal(describe(err))
			}
			v = up.Version
		}
		// An owner transfer records a change of ownedBy, a record property.
		if res, err := f.e.TransferRecords(f.ctx, f.admin, formID, []string{r.ID}, f.admin.UserID); err != nil || len(res) != 1 || res[0].Err != nil {
			t.Fatal(res, describe(err))
		}
		v++
		if err := f.e.DeleteRecord(f.ctx, f.member, formID, r.ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.RestoreRecord(f.ctx, f.admin, formID, r.ID, 0); err != nil {
			t.Fatal(err)
		}
		hist, err := f.e.History(f.ctx, f.admin, formID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 7 || hist[0].Action != "created" || hist[0].Version != 1 {
			t.Fatalf("history: %+v", hist)
		}
		if got := jsonOf(t, hist[0].Changes); got != want {
			t.Fatalf("create entry:\n got %s\nwant %s", got, want)
		}
		// The create entry alone, before any update, too.
		r2, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "丙"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		h2, err := f.e.History(f.ctx, f.admin, formID, r2.ID)
		if err != nil || len(h2) != 1 {
			t.Fatal(h2, err)
		}
		if got, want := jsonOf(t, h2[0].Changes), createChangesOf(t, r2.Data); got != jsonOf(t, json.RawMessage(want)) {
			t.Fatalf("lone create entry:\n got %s\nwant %s", got, want)
		}
	})
}

// TestHistoryKeepsStoredCreateValues: a create entry written by an older
// release, with its values and its actor, is answered as stored.
func TestHistoryKeepsStoredCreateValues(t *testing.T) {
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f := fixtureOn(t, st, blobs)
	formID := f.publish(t, f.admin, opportunityForm())
	r, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "甲"}, engine.WriteOptions{})
	if err != nil {
		t.Fatal(describe(err))
	}
	hcoll := "h_" + strings.ToLower(formID)
	p, err := st.Find(f.ctx, hcoll, store.Query{Filter: ptr(store.Where("record", store.OpEq, r.ID))})
	if err != nil || len(p.Docs) != 1 {
		t.Fatal(p, err)
	}
	d := p.Docs[0]
	if _, ok := d.Data["changes"]; ok {
		t.Fatalf("a new create entry stores its values: %v", d.Data)
	}
	old := []any{map[string]any{"field": "company", "old": nil, "new": "as stored"}}
	if _, ok := d.Data["actor"]; ok || d.CreatedBy != f.member.UserID {
		t.Fatalf("a new entry's actor is its author: %v, created by %s", d.Data, d.CreatedBy)
	}
	d.Data["changes"] = old
	d.Data["actor"] = "legacy"
	if _, err := st.Commit(f.ctx, store.UnitOfWork{Actor: "test", Writes: []store.Write{{Op: store.OpUpdate, Collection: hcoll, Doc: store.Document{ID: d.ID, Data: d.Data}}}}); err != nil {
		t.Fatal(err)
	}
	hist, err := f.e.History(f.ctx, f.admin, formID, r.ID)
	if err != nil || len(hist) != 1 {
		t.Fatal(hist, err)
	}
	if hist[0].Actor != "legacy" {
		t.Fatalf("stored actor: %q", hist[0].Actor)
	}
	if got := jsonOf(t, hist[0].Changes); got != jsonOf(t, old) {
		t.Fatalf("stored create entry: %s", got)
	}
}
