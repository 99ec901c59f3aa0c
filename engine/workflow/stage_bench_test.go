package workflow_test

import (
	"testing"

	"github.com/formloom/formloom/engine"
)

// BenchmarkStageUpdate measures an update that keeps the stage on a form
// with the pipeline (gate hot path: cache lookup, no store read).
func BenchmarkStageUpdate(b *testing.B) {
	f := stageFixtureOn(b, benchSQLite(b), false)
	formID := f.publishDeal(b, dealPipeline())
	r, err := f.e.CreateRecord(f.ctx, f.admin, formID, map[string]any{"title": "A", "stage": "qualify"}, engine.WriteOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err = f.e.UpdateRecord(f.ctx, f.admin, formID, r.ID, map[string]any{"amount": float64(i + 1)}, r.Version, engine.WriteOptions{})
		if err != nil {
			b.Fatal(err)
		}
	}
}
