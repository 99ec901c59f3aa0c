package workflow_test

import (
	"encoding/json"
	"sync/atomic"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/workflow"
)

// BenchmarkStageCreate is the pair behind the target "stage gates add at
// most 10 % to the create benchmark": engine's create benchmark
// (BenchmarkCreateRecordParallel: the same 12-field record, 50 concurrent
// callers) on a form without a pipeline ("none") and on the same form with
// a 6-stage pipeline over its stage field, every stage gated ("pipeline").
// Each create enters 需求确认, which requires two fields and has an entry
// condition, so the gate runs its whole path: the rule, the required
// fields, the condition, then the transition and its event.
func BenchmarkStageCreate(b *testing.B) {
	b.Run("none", func(b *testing.B) { benchStageCreate(b, false) })
	b.Run("pipeline", func(b *testing.B) { benchStageCreate(b, true) })
}

// createBenchForm is engine's benchDefinition (engine/bench_test.go) with
// the stage field's options of a 6-stage pipeline.
func createBenchForm() form.Definition {
	return form.Definition{Fields: []form.Field{
		{Key: "company", Type: "text", Label: "公司", Required: true},
		{Key: "contact", Type: "text", Label: "联系人"},
		{Key: "email", Type: "email", Label: "邮箱"},
		{Key: "phone", Type: "phone", Label: "电话"},
		{Key: "amount", Type: "number", Label: "金额"},
		{Key: "stage", Type: "select", Label: "阶段", Indexed: true, Options: []form.Option{
			{Value: "qualified", Label: "需求确认"}, {Value: "proposal", Label: "方案提交"}, {Value: "tech", Label: "技术交流"},
			{Value: "negotiate", Label: "价格谈判"}, {Value: "won", Label: "赢单"}, {Value: "lost", Label: "输单"}}},
		{Key: "owner", Type: "text", Label: "负责人"},
		{Key: "region", Type: "text", Label: "区域"},
		{Key: "source", Type: "text", Label: "来源"},
		{Key: "close_date", Type: "date", Label: "预计成交日期"},
		{Key: "probability", Type: "number", Label: "赢率"},
		{Key: "notes", Type: "textarea", Label: "备注"},
	}}
}

// createBenchPipeline gates every stage of createBenchForm.
func createBenchPipeline() workflow.Pipeline {
	msg := func(zh, en string) map[string]string { return map[string]string{"zh-CN": zh, "en": en} }
	return workflow.Pipeline{Field: "stage", Transitions: workflow.TransitionsForward, Stages: []workflow.Stage{
		{Value: "qualified", Probability: pct(10), Forecast: "pipeline", Required: []string{"contact", "email"},
			Condition: "(probability ?? 0) >= 0", Message: msg("赢率不能为负", "the probability cannot be negative"),
			Guidance: "确认客户需求与预算", Checklist: []string{"确认预算", "确认决策人"}},
		{Value: "proposal", Probability: pct(30), Forecast: "pipeline", Required: []string{"notes"}},
		{Value: "tech", Probability: pct(50), Forecast: "best_case", Required: []string{"phone"}},
		{Value: "negotiate", Probability: pct(70), Forecast: "commit", Condition: "(amount ?? 0) > 0", Message: msg("金额必须大于 0", "the amount must be above 0")},
		{Value: "won", Probability: pct(100), Flag: workflow.FlagWon, Forecast: "closed", Required: []string{"amount", "close_date"}},
		{Value: "lost", Probability: pct(0), Flag: workflow.FlagLost, Forecast: "omitted", Required: []string{"notes"}},
	}}
}

// publishCreateBench publishes createBenchForm, with the pipeline or without.
func (f *stageFixture) publishCreateBench(b *testing.B, withPipeline bool) string {
	b.Helper()
	def := createBenchForm()
	if withPipeline {
		raw, _ := json.Marshal(createBenchPipeline())
		def.Extensions = map[string]json.RawMessage{workflow.ExtensionName: raw}
	}
	app, err := f.e.CreateApp(f.ctx, f.admin, engine.AppInput{Name: "CRM"})
	if err != nil {
		b.Fatal(err)
	}
	fm, err := f.e.CreateForm(f.ctx, f.admin, app.ID, engine.FormInput{Name: "商机", Definition: def})
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := f.b.Publish(f.ctx, f.admin, fm.ID, fm.Version); err != nil {
		b.Fatalf("publish: %v", stageCodes(err))
	}
	return fm.ID
}

// createBenchRecord is the record of engine's create benchmark.
func createBenchRecord(i int64) map[string]any {
	return map[string]any{
		"company": "公司", "contact": "张三", "email": "u@example.com", "phone": "13800138000",
		"amount": float64(i % 100000), "stage": "qualified", "owner": "o1", "region": "华东", "source": "web",
		"close_date": "2026-12-31", "probability": 30, "notes": "follow up next week"}
}

func benchStageCreate(b *testing.B, withPipeline bool) {
	f := stageFixtureOn(b, benchSQLite(b), false)
	formID := f.publishCreateBench(b, withPipeline)
	var n atomic.Int64
	b.SetParallelism(25) // 25 x GOMAXPROCS(2) = 50 concurrent callers
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.e.CreateRecord(f.ctx, f.member, formID, createBenchRecord(n.Add(1)), engine.WriteOptions{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	// The process's CPU per create (callers, the store's writer, GC): on
	// the shared machine it moves far less than ns/op, which waits.
	b.ReportMetric(float64((processCPU()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	if withPipeline {
		// The pipeline ran: a create records its entry into 需求确认.
		b.StopTimer()
		r, err := f.e.CreateRecord(f.ctx, f.member, formID, createBenchRecord(1), engine.WriteOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if h, err := f.s.RecordHistory(f.ctx, f.admin, formID, r.ID); err != nil || len(h) != 1 || h[0].To != "qualified" {
			b.Fatalf("the create recorded no transition: %v %v", h, err)
		}
	}
}

// BenchmarkStageGateCheck is the gate's own work on BenchmarkStageCreate's
// create into 需求确认 (cache lookup, transition rule, required fields, the
// entry condition with its expression input), without the store: the part
// of BenchmarkStageCreate/pipeline that is checking rather than recording.
func BenchmarkStageGateCheck(b *testing.B) {
	f := stageFixtureOn(b, benchSQLite(b), false)
	formID := f.publishCreateBench(b, true)
	v, err := f.e.CurrentVersion(f.ctx, f.admin, formID)
	if err != nil {
		b.Fatal(err)
	}
	check := workflow.GateCheckForBench(f.s, v, f.member)
	// The data as the pipeline sees it: normalized, as stored.
	r, err := f.e.CreateRecord(f.ctx, f.member, formID, createBenchRecord(1), engine.WriteOptions{})
	if err != nil {
		b.Fatal(err)
	}
	data := r.Data
	if errs := check("", "qualified", data, true); len(errs) != 0 {
		b.Fatalf("gate refused the benchmark's create: %v", errs)
	}
	missing := map[string]any{}
	for k, v := range data {
		missing[k] = v
	}
	delete(missing, "email")
	if errs := check("", "qualified", missing, true); len(errs) != 1 || errs[0].Path != "email" {
		b.Fatalf("gate passed a create without a required field: %v", errs)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if errs := check("", "qualified", data, true); len(errs) != 0 {
			b.Fatal(errs)
		}
	}
}
