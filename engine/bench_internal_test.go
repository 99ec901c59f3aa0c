package engine

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
)

// crmForm is a realistic 20-field opportunity form.
func crmForm() form.Definition {
	opts := func(vals ...string) []form.Option {
		out := make([]form.Option, len(vals))
		for i, v := range vals {
			out[i] = form.Option{Value: v, Label: v}
		}
		return out
	}
	return form.Definition{Fields: []form.Field{
		{Key: "company", Type: "text", Label: "公司", Required: true},
		{Key: "contact", Type: "text", Label: "联系人"},
		{Key: "email", Type: "email", Label: "邮箱"},
		{Key: "phone", Type: "phone", Label: "电话"},
		{Key: "amount", Type: "number", Label: "金额"},
		{Key: "stage", Type: "select", Label: "阶段", Options: opts("new", "qualified", "proposal", "negotiation", "won", "lost")},
		{Key: "owner", Type: "text", Label: "负责人"},
		{Key: "region", Type: "text", Label: "区域"},
		{Key: "source", Type: "select", Label: "来源", Options: opts("web", "event", "referral", "ads")},
		{Key: "close_date", Type: "date", Label: "预计成交日期"},
		{Key: "probability", Type: "percent", Label: "赢率"},
		{Key: "notes", Type: "textarea", Label: "备注"},
		{Key: "industry", Type: "select", Label: "行业", Options: opts("制造", "金融", "零售", "互联网")},
		{Key: "tags", Type: "multiselect", Label: "标签", Options: opts("高意向", "需跟进", "易流失")},
		{Key: "score", Type: "rating", Label: "评分"},
		{Key: "city", Type: "text", Label: "城市"},
		{Key: "website", Type: "url", Label: "网站"},
		{Key: "budget", Type: "money", Label: "预算"},
		{Key: "priority", Type: "boolean", Label: "重点"},
		{Key: "weighted", Type: "formula", Label: "加权金额", Expression: "amount * probability"},
	}}
}

func crmInput(i int) map[string]any {
	return map[string]any{
		"company": "公司" + string(rune('A'+i%26)), "contact": "张三", "email": "u@example.com", "phone": "13800138000",
		"amount": float64(i % 100000), "stage": "qualified", "owner": "o1", "region": "华东", "source": "web",
		"close_date": "2026-12-31", "probability": 0.3, "notes": "follow up next week", "industry": "制造",
		"tags": []any{"高意向"}, "score": 4.0, "city": "上海", "website": "https://example.com", "budget": "120000.50",
		"priority": true,
	}
}

// BenchmarkValidateRecord measures normalize + defaults + formulas +
// validation (schema, field rules) of a 20-field record, without storage.
func BenchmarkValidateRecord(b *testing.B) {
	v, err := Compile(crmForm(), nil)
	if err != nil {
		b.Fatal(err)
	}
	e := &Engine{now: time.Now, log: slog.Default()}
	w := &write{e: e, a: Actor{UserID: "u", Workspace: "w", Source: SourceAPI}, v: v,
		ctx: field.Context{Location: time.UTC, Now: time.Now()}}
	in := crmInput(1)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := w.run(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateStep measures step 3 of the pipeline alone on a
// normalized 20-field record: JSON Schema, field rules and submit rules.
func BenchmarkValidateStep(b *testing.B) {
	v, err := Compile(crmForm(), nil)
	if err != nil {
		b.Fatal(err)
	}
	e := &Engine{now: time.Now, log: slog.Default()}
	w := &write{e: e, a: Actor{UserID: "u", Workspace: "w", Source: SourceAPI}, v: v,
		ctx: field.Context{Location: time.UTC, Now: time.Now()}}
	ctx := context.Background()
	data, err := w.run(ctx, crmInput(1))
	if err != nil {
		b.Fatal(err)
	}
	in := w.exprInput(data)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if errs := w.validate(ctx, data, in); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
