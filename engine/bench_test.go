package engine_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/tabular"
)

// BenchmarkCreateRecordParallel measures the whole create pipeline without
// HTTP on SQLite (normalize, defaults, formulas, validation, record +
// history + event in one durable unit of work) from 50 concurrent callers.
func BenchmarkCreateRecordParallel(b *testing.B) {
	f := newFixture(b)
	benchCreates(b, f, f.publish(b, f.admin, benchDefinition()))
}

// BenchmarkCreateRecordParallelWithRuntime is BenchmarkCreateRecordParallel
// with the background runtime consuming every event in the same process (a
// no-op consumer woken by each commit, which reads no payload), as
// `formloom serve` runs it: the runtime's own cost.
func BenchmarkCreateRecordParallelWithRuntime(b *testing.B) { benchWithRuntime(b, true) }

// BenchmarkCreateRecordParallelWithRuntimeDecoding is the same with a
// consumer that has every payload decoded (the consumer's work, not the runtime's).
func BenchmarkCreateRecordParallelWithRuntimeDecoding(b *testing.B) { benchWithRuntime(b, false) }

func benchWithRuntime(b *testing.B, lazy bool) {
	f := newFixture(b)
	formID := f.publish(b, f.admin, benchDefinition())
	var handled atomic.Int64
	rt := jobs.New(f.e.Store(), jobs.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := rt.Register(jobs.Consumer{Name: "bench", LazyPayload: lazy, Handle: func(context.Context, jobs.Delivery) error {
		handled.Add(1)
		return nil
	}}); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	b.Cleanup(func() {
		cancel()
		<-done
	})
	benchCreates(b, f, formID)
	b.ReportMetric(float64(handled.Load())/float64(b.N), "handled/create")
}

func benchDefinition() form.Definition {
	return form.Definition{Fields: []form.Field{
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
}

func benchCreates(b *testing.B, f *fixture, formID string) {
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

// BenchmarkQueryPageOwnRows reads the first page of 20 (newest first) of a
// form with 100,000 records owned by 10 members on SQLite, as a member whose
// permission set sees every row (all_rows) and as one whose set sees only
// their own rows (own_rows: ownedBy = $me, 10,000 matches). The target is
// own_rows at most 1.2× all_rows.
func BenchmarkQueryPageOwnRows(b *testing.B) {
	f := newFixture(b)
	def := benchDefinition()
	formID := f.publish(b, f.admin, def)
	role, err := f.e.CreateRole(f.ctx, f.admin, "销售", "")
	if err != nil {
		b.Fatal(err)
	}
	viewAll, _ := engine.PresetSet(engine.PresetViewAll)
	viewAll.Grants = []engine.Grant{{Kind: engine.GrantMember, ID: f.member.UserID}}
	fp, _, err := f.e.SavePermissionSet(f.ctx, f.admin, formID, viewAll, 0)
	if err != nil {
		b.Fatal(err)
	}
	own, _ := engine.PresetSet(engine.PresetManageOwn)
	own.Actions = append(own.Actions, engine.ActRecordImport)
	own.Grants = []engine.Grant{{Kind: engine.GrantRole, ID: role.ID}}
	if _, _, err := f.e.SavePermissionSet(f.ctx, f.admin, formID, own, fp.Version); err != nil {
		b.Fatal(err)
	}
	var header strings.Builder
	header.WriteString("company,amount,stage,region\n")
	for i := range 2_000 {
		fmt.Fprintf(&header, "公司%d,%d,qualified,华东\n", i, i)
	}
	csv := header.String()
	var reps []engine.Actor
	for i := range 10 {
		m, rep := f.addMemberB(b, fmt.Sprintf("销售%d", i))
		if _, err := f.e.SetMemberAccess(f.ctx, f.admin, m.ID, []string{role.ID}, nil, m.Version); err != nil {
			b.Fatal(err)
		}
		rep.Roles = []string{role.ID}
		rep.Source = engine.SourceAPI
		for range 5 { // imports are at most engine.MaxImportRows rows
			res, err := f.e.ImportTable(f.ctx, rep, formID, func() (engine.Table, error) { return tabular.Read(strings.NewReader(csv)) }, engine.ImportOptions{})
			if err != nil || res.Created != 2_000 {
				b.Fatalf("import: %v %+v", err, res.Errors)
			}
		}
		reps = append(reps, rep)
	}
	for _, c := range []struct {
		name string
		a    engine.Actor
	}{{"all_rows", f.member}, {"own_rows", reps[3]}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p, err := f.e.QueryRecords(f.ctx, c.a, formID, engine.RecordQuery{Limit: 20})
				if err != nil || len(p.Items) != 20 {
					b.Fatalf("page: %v (%d items)", err, len(p.Items))
				}
			}
		})
	}
}

// addMemberB adds a member with a fresh account (for benchmarks).
func (f *fixture) addMemberB(b *testing.B, name string) (engine.Member, engine.Actor) {
	u, err := f.e.CreateUser(f.ctx, engine.UserInput{Email: strings.ToLower(name+fmt.Sprint(appCount.Add(1))) + "@example.com", Name: name})
	if err != nil {
		b.Fatal(err)
	}
	m, err := f.e.AddMember(f.ctx, f.admin, u.ID, engine.RoleMember, nil)
	if err != nil {
		b.Fatal(err)
	}
	return m, engine.Actor{UserID: u.ID, Name: name, Workspace: f.admin.Workspace, Role: engine.RoleMember, Source: engine.SourceUI}
}
