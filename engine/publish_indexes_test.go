package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// indexSink keeps each collection's declared indexes from an export.
type indexSink struct {
	store.CountingSink
	ix map[string][]store.Index
}

func (s *indexSink) Collection(ctx context.Context, name string, ix []store.Index) error {
	s.ix[name] = ix
	return s.CountingSink.Collection(ctx, name, ix)
}

func declaredIndexes(t *testing.T, f *fixture, coll string) map[string]store.Index {
	t.Helper()
	ex, ok := f.e.Store().(store.Exporter)
	if !ok {
		t.Fatal("the store does not export")
	}
	sink := &indexSink{ix: map[string][]store.Index{}}
	if _, err := ex.Export(f.ctx, sink); err != nil {
		t.Fatal(err)
	}
	out := map[string]store.Index{}
	for _, ix := range sink.ix[coll] {
		out[ix.Name] = ix
	}
	return out
}

// TestPublishDeclaresIndexes: a form's history is indexed by record and
// version, unique (no tie-break column is stored); the activity index on
// _updated_at is declared only where the store does not index it on
// demand. A history holding a duplicate keeps a plain index, and the
// publish succeeds.
func TestPublishDeclaresIndexes(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, opportunityForm())
		hist, recs := "h_"+strings.ToLower(formID), "r_"+strings.ToLower(formID)
		if ix := declaredIndexes(t, f, hist)["record"]; !ix.Unique || len(ix.Fields) != 2 {
			t.Fatalf("history index: %+v; want unique on record, version", ix)
		}
		_, activity := declaredIndexes(t, f, recs)["a_updated"]
		if onDemand := f.e.Store().Capabilities().SystemIndexesOnDemand; activity == onDemand {
			t.Fatalf("a_updated declared: %v, with system indexes on demand: %v", activity, onDemand)
		}
		for _, name := range []string{"c_stage", "s_stage_amount", "s_stage_probability", "u_email"} {
			if _, ok := declaredIndexes(t, f, recs)[name]; !ok {
				t.Errorf("index %s not declared", name)
			}
		}

		// Two entries of one record version (not written by the engine).
		st := f.e.Store()
		if err := st.EnsureIndexes(f.ctx, hist, nil); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := st.Commit(f.ctx, store.UnitOfWork{Actor: "t", Writes: []store.Write{{Op: store.OpInsert, Collection: hist,
				Doc: store.Document{Data: map[string]any{"record": "r1", "version": 1, "action": "create"}}}}}); err != nil {
				t.Fatal(err)
			}
		}
		def := opportunityForm()
		def.Fields = append(def.Fields, form.Field{Key: "note", Type: "text", Label: "备注"})
		if err := f.republish(t, f.admin, formID, def); err != nil {
			t.Fatalf("republish over a duplicate history entry: %v", err)
		}
		if ix, ok := declaredIndexes(t, f, hist)["record"]; !ok || ix.Unique {
			t.Fatalf("history index over a duplicate: %+v, %v; want a plain index", ix, ok)
		}
	})
}
