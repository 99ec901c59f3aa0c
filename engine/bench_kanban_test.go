package engine_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/tabular"
)

// kanbanStages are the columns of the benchmark board, in option order.
var kanbanStages = []string{"new", "qualified", "proposal", "negotiation", "won", "lost"}

// kanbanDefinition is a deal form whose board groups by a select field
// (declared indexed, as a board field usually is, or not) and sums a
// number field.
func kanbanDefinition(indexed bool) form.Definition {
	opts := make([]form.Option, len(kanbanStages))
	for i, v := range kanbanStages {
		opts[i] = form.Option{Value: v, Label: v}
	}
	return form.Definition{Fields: []form.Field{
		{Key: "company", Type: "text", Label: "公司", Required: true},
		{Key: "amount", Type: "number", Label: "金额"},
		{Key: "stage", Type: "select", Label: "阶段", Indexed: indexed, Options: opts},
		{Key: "region", Type: "text", Label: "区域"},
		{Key: "owner", Type: "text", Label: "负责人"},
		{Key: "notes", Type: "textarea", Label: "备注"},
	}}
}

// BenchmarkKanbanColumns measures the one call a kanban board makes for
// its column headers at 100,000 records on SQLite: AggregateRecords
// grouped by the board's select field with count and sum(amount), as
// the workspace admin; with no filter and with the view's filter
// (region = 华东, about a quarter of the records). The target is ≤ 50 ms.
func BenchmarkKanbanColumns(b *testing.B) {
	for _, indexed := range []bool{true, false} {
		name := "stage_indexed"
		if !indexed {
			name = "stage_unindexed"
		}
		b.Run(name, func(b *testing.B) {
			f := newFixture(b)
			formID := f.publish(b, f.admin, kanbanDefinition(indexed))
			seedKanban(b, f, formID, 100_000)
			q := engine.RecordAggregate{
				GroupBy: []store.GroupKey{{Field: "stage"}},
				Metrics: []store.Metric{{Op: store.AggCount}, {Op: store.AggSum, Field: "amount"}},
			}
			check := func(r engine.AggregateResult, total int) {
				n := 0
				for _, g := range r.Groups {
					n += asInt(g.Values[0])
				}
				if len(r.Groups) != len(kanbanStages)+1 || n != total && total > 0 || n == 0 {
					b.Fatalf("groups %d, records %d, want %d and %d", len(r.Groups), n, len(kanbanStages)+1, total)
				}
			}
			fq := q
			fq.Filter = &store.Filter{Field: "region", Op: store.OpEq, Value: "华东"}
			warmUp(b, f, formID, q, fq)
			b.Run("all", func(b *testing.B) {
				defer reportCPUTime(b)()
				b.ReportAllocs()
				for b.Loop() {
					r, err := f.e.AggregateRecords(f.ctx, f.admin, formID, q)
					if err != nil {
						b.Fatal(err)
					}
					check(r, 100_000)
				}
			})
			b.Run("filtered", func(b *testing.B) {
				defer reportCPUTime(b)()
				b.ReportAllocs()
				for b.Loop() {
					r, err := f.e.AggregateRecords(f.ctx, f.admin, formID, fq)
					if err != nil {
						b.Fatal(err)
					}
					check(r, 0) // about a quarter
				}
			})
		})
	}
}

// seedKanban imports n deals spread over the stages (every seventh record
// has none: the "not set" column) and four regions, independent of the stage.
func seedKanban(b *testing.B, f *fixture, formID string, n int) {
	b.Helper()
	regions := []string{"华东", "华南", "华北", "西部"}
	for start := 0; start < n; start += engine.MaxImportRows {
		var csv strings.Builder
		csv.WriteString("company,amount,stage,region,owner,notes\n")
		for i := start; i < min(n, start+engine.MaxImportRows); i++ {
			stage := ""
			if i%7 != 0 {
				stage = kanbanStages[i%len(kanbanStages)]
			}
			fmt.Fprintf(&csv, "公司%d,%d,%s,%s,o%d,follow up next week\n", i, i%100_000, stage, regions[i/len(kanbanStages)%len(regions)], i%10)
		}
		text := csv.String()
		res, err := f.e.ImportTable(f.ctx, f.admin, formID, func() (engine.Table, error) { return tabular.Read(strings.NewReader(text)) }, engine.ImportOptions{})
		if err != nil || len(res.Errors) > 0 {
			b.Fatalf("import: %v %+v", err, res.Errors)
		}
	}
}

// asInt reads a count the store answers as an integer or a float.
func asInt(v any) int {
	switch n := v.(type) {
	case int64:
		return int(n)
	case float64:
		return int(n)
	case int:
		return n
	}
	return -1
}

// warmUp runs each query once, as a board does on its first load: on
// SQLite that asks for value columns of the paths it reads through JSON,
// which the store's writer adds in the background. Two writes after it
// queue behind that work, so the timed runs read the columns, as every
// load after the first does.
func warmUp(b *testing.B, f *fixture, formID string, qs ...engine.RecordAggregate) {
	b.Helper()
	for _, q := range qs {
		if _, err := f.e.AggregateRecords(f.ctx, f.admin, formID, q); err != nil {
			b.Fatal(err)
		}
	}
	for range 2 {
		if _, err := f.e.Store().Increment(f.ctx, "bench.kanban.sync", 1); err != nil {
			b.Fatal(err)
		}
	}
}

// reportCPUTime reports the process CPU time (user and system) per
// operation: on a machine shared with other work it varies far less than
// the wall time.
func reportCPUTime(b *testing.B) func() {
	start := processCPU()
	return func() { b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op") }
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
