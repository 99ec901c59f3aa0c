package workflow_test

import (
	"sync/atomic"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/workflow"
)

// BenchmarkStageCreate is the pair behind the target "stage gates add at
// most 10 % to the create benchmark": the same create (50 concurrent
// callers, as engine's BenchmarkCreateRecordParallel) on the deal form
// without a pipeline ("none") and with the 6-stage pipeline with gates
// ("pipeline"). Each create enters 价格谈判, which has an entry condition
// (amount > 0) and follows required fields elsewhere, so the gate runs
// its whole path: transition rule, required fields, the condition, the
// transition insert, its event and the entered-at stamp.
func BenchmarkStageCreate(b *testing.B) {
	b.Run("none", func(b *testing.B) { benchStageCreate(b, false) })
	b.Run("pipeline", func(b *testing.B) { benchStageCreate(b, true) })
}

func benchStageCreate(b *testing.B, withPipeline bool) {
	f := stageFixtureOn(b, benchSQLite(b), false)
	p := dealPipeline()
	if !withPipeline {
		p = workflow.Pipeline{}
	}
	formID := f.publishDealOrPlain(b, p, withPipeline)
	var n atomic.Int64
	b.SetParallelism(25) // 25 x GOMAXPROCS(2) = 50 concurrent callers
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			_, err := f.e.CreateRecord(f.ctx, f.admin, formID, map[string]any{
				"title": "A", "stage": "negotiate", "amount": float64(i%100000 + 1), "proposal_doc": "https://example.com/p.pdf",
			}, engine.WriteOptions{})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// publishDealOrPlain publishes the deal form with p, or without any
// pipeline when withPipeline is false (the same fields either way).
func (f *stageFixture) publishDealOrPlain(b *testing.B, p workflow.Pipeline, withPipeline bool) string {
	b.Helper()
	if withPipeline {
		return f.publishDeal(b, p)
	}
	app, err := f.e.CreateApp(f.ctx, f.admin, engine.AppInput{Name: "CRM plain"})
	if err != nil {
		b.Fatal(err)
	}
	fm, err := f.e.CreateForm(f.ctx, f.admin, app.ID, engine.FormInput{Name: "商机", Definition: dealForm()})
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := f.b.Publish(f.ctx, f.admin, fm.ID, fm.Version); err != nil {
		b.Fatalf("publish: %v", stageCodes(err))
	}
	return fm.ID
}

// BenchmarkStageGateCheck is the gate's own work on a create into
// 价格谈判 (cache lookup, transition rule, required fields, the entry
// condition with its expression input), without the store: the part of
// BenchmarkStageCreate/pipeline that is checking rather than recording.
func BenchmarkStageGateCheck(b *testing.B) {
	f := stageFixtureOn(b, benchSQLite(b), false)
	formID := f.publishDeal(b, dealPipeline())
	v, err := f.e.CurrentVersion(f.ctx, f.admin, formID)
	if err != nil {
		b.Fatal(err)
	}
	check := workflow.GateCheckForBench(f.s, v, f.admin)
	// The data as the pipeline sees it: normalized, as stored.
	r, err := f.e.CreateRecord(f.ctx, f.admin, formID, map[string]any{"title": "A", "stage": "negotiate", "amount": 5.0, "proposal_doc": "https://example.com/p.pdf"}, engine.WriteOptions{})
	if err != nil {
		b.Fatal(err)
	}
	data := r.Data
	zero := map[string]any{}
	for k, v := range data {
		zero[k] = v
	}
	delete(zero, "amount")
	if errs := check("", "negotiate", data, true); len(errs) != 0 {
		b.Fatalf("gate refused the benchmark's create: %v", errs)
	}
	if errs := check("", "negotiate", zero, true); len(errs) != 1 {
		b.Fatalf("gate passed a create that fails the condition: %v", errs)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if errs := check("", "negotiate", data, true); len(errs) != 0 {
			b.Fatal(errs)
		}
	}
}
