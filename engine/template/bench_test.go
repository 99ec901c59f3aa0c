package template_test

import (
	"fmt"
	"testing"

	"github.com/formloom/formloom/engine/template"
)

// BenchmarkInstallTemplate installs the testdata template with its sample
// data (2 forms, 2 roles, 2 members, 5 records with 3 changes), and a
// variant with 300 more records (100 projects, 200 tasks related to them,
// each task with one later change), into one SQLite workspace.
func BenchmarkInstallTemplate(b *testing.B) {
	for _, extra := range []int{0, 100} {
		b.Run(fmt.Sprintf("records=%d", 5+3*extra), func(b *testing.B) {
			f := newFixture(b)
			p := f.load(b, "tasks")
			for i := 0; i < extra; i++ {
				pk := fmt.Sprintf("bp%03d", i)
				p.Sample.Records["project"] = append(p.Sample.Records["project"], template.SampleRecord{Key: pk, DaysAgo: 60 - i%60,
					Values: map[string]any{"title": "项目 " + pk, "status": "进行中", "budget": float64(1000 * i)}})
				for j := 0; j < 2; j++ {
					p.Sample.Records["task"] = append(p.Sample.Records["task"], template.SampleRecord{Key: fmt.Sprintf("bt%03d-%d", i, j), DaysAgo: 50 - i%50,
						Values:  map[string]any{"title": "任务", "project": map[string]any{"$ref": "project/" + pk}, "assignee": map[string]any{"$member": "wang"}, "state": "待办"},
						Changes: []template.SampleChange{{DaysAgo: 1, Values: map[string]any{"state": "进行中"}}}})
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := f.svc.Install(f.ctx, f.admin, p, template.InstallOptions{SampleData: true, AppName: fmt.Sprintf("应用 %d", i)}); err != nil {
					b.Fatal(describe(err))
				}
			}
		})
	}
}
