package engine_test

import (
	"sync/atomic"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

// BenchmarkCreateRecordParallel measures the whole create pipeline without
// HTTP on SQLite (normalize, defaults, formulas, validation, record +
// history + event in one durable unit of work) from 50 concurrent callers.
func BenchmarkCreateRecordParallel(b *testing.B) {
	f := newFixture(b)
	def := form.Definition{Fields: []form.Field{
		{Key: "company", Type: "text", Label: "公司", Required: true},
		{Key: "contact", Type: "text", Label: "联系人"},
		{Key: "email", Type: "email", Label: "邮箱"},
		{Key: "phone", Type: "phone", Label: "电话"},
		{Key: "amount", Type: "number", Label: "金额"},
		{Key: "stage", Type: "select", Label: "阶段", Indexed: true, Options: []form.Option{{Value: "qualified", Label: "需求确认"}, {Value: "won", Label: "赢单"}}},
		{Key: "owner", Type: "text", Label: "负责人"},
		{Key: "region", Type: "text", Label: "区域"},
		{Key: "source", Type: "text", Label: "来源"},
		{Key: "close_date", Type: "date", Label: "预计成交日期"},
		{Key: "probability", Type: "number", Label: "赢率"},
		{Key: "notes", Type: "textarea", Label: "备注"},
	}}
	formID := f.publish(b, f.admin, def)
	var n atomic.Int64
	b.SetParallelism(25) // 25 x GOMAXPROCS(2) = 50 concurrent callers
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			_, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{
				"company": "公司", "contact": "张三", "email": "u@example.com", "phone": "13800138000",
				"amount": float64(i % 100000), "stage": "qualified", "owner": "o1", "region": "华东", "source": "web",
				"close_date": "2026-12-31", "probability": 30, "notes": "follow up next week"}, engine.WriteOptions{})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
