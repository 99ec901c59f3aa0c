package report_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
)

// partDash is the dashboards fixture with a views service and both
// template parts registered.
func partDash(t *testing.T) (*dash, *report.Views) {
	t.Helper()
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := newDash(t, st, false)
	v, err := report.NewViews(f.ctx, f.e)
	if err != nil {
		t.Fatal(err)
	}
	if err := report.RegisterTemplateParts(f.e, v, f.d); err != nil {
		t.Fatal(err)
	}
	return f, v
}

func reportPart(t *testing.T, e *engine.Engine, kind string) engine.TemplatePart {
	t.Helper()
	p, ok := e.TemplateParts().Get(kind)
	if !ok {
		t.Fatalf("part %s not registered", kind)
	}
	return p
}

// secondApp re-creates the pipeline form in a new app; the refs know it
// and the role by key.
func secondApp(t *testing.T, f *dash) *engine.TemplateRefs {
	t.Helper()
	app, err := f.e.CreateApp(f.ctx, f.admin, engine.AppInput{Name: "销售 2"})
	if err != nil {
		t.Fatal(err)
	}
	fm, err := f.e.CreateForm(f.ctx, f.admin, app.ID, engine.FormInput{Name: "商机", Definition: pipelineForm()})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := builder.New(f.e).Publish(f.ctx, f.admin, fm.ID, fm.Version); err != nil {
		t.Fatal(err)
	}
	refs := engine.NewTemplateRefs(f.admin.Workspace, app.ID)
	refs.Set("forms", "deal", fm.ID)
	refs.Set("roles", "sales", f.roleID)
	return refs
}

func TestViewAndDashboardPartsRoundTrip(t *testing.T) {
	f, views := partDash(t)
	won := store.Where("stage", store.OpEq, "won")
	shared, err := views.Create(f.ctx, f.admin, report.View{Form: f.form, Name: "赢单", Shared: true, DefaultFor: []string{f.roleID},
		Config: report.ViewConfig{Layout: report.LayoutKanban, Filter: &won, Sort: []store.SortKey{{Field: "amount", Desc: true}},
			Columns: []report.Column{{Key: "title", Width: 200}, {Key: "amount"}},
			Kanban:  &report.KanbanConfig{Field: "stage", SumField: "amount", CardFields: []string{"title"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := views.Create(f.ctx, f.admin, report.View{Form: f.form, Name: "我的", Config: report.ViewConfig{Layout: report.LayoutTable}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.d.Create(f.ctx, f.admin, report.Dashboard{App: f.app, Title: "销售看板", Roles: []string{f.roleID},
		Filters: []report.DashboardFilter{{ID: "period", Kind: report.FilterDateRange}, {ID: "who", Kind: report.FilterUser, Fields: map[string]string{f.form: "rep"}}},
		Charts:  []report.Chart{barChart(f.form), {ID: "funnel", Kind: report.ChartFunnel, Form: f.form, Funnel: &report.FunnelConfig{Amount: "amount"}, Layout: report.Cell{X: 6, W: 6, H: 4}}}}); err != nil {
		t.Fatal(err)
	}
	src := engine.NewTemplateRefs(f.admin.Workspace, f.app)
	src.Set("forms", "deal", f.form)
	src.Set("roles", "sales", f.roleID)
	src.Set(report.PartViews, "won", shared.ID)

	vp, dp := reportPart(t, f.e, report.PartViews), reportPart(t, f.e, report.PartDashboards)
	viewItems, err := vp.Export(f.ctx, f.admin, src)
	if err != nil {
		t.Fatal(err)
	}
	dashItems, err := dp.Export(f.ctx, f.admin, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(viewItems) != 1 || viewItems[0].Key != "won" || len(dashItems) != 1 {
		t.Fatalf("export: %+v / %+v", viewItems, dashItems)
	}
	var ds report.DashboardSpec
	if err := json.Unmarshal(dashItems[0].Spec, &ds); err != nil {
		t.Fatal(err)
	}
	if ds.Roles[0] != "sales" || ds.Charts[0].Form != "deal" || ds.Filters[1].Fields["deal"] != "rep" {
		t.Fatalf("dashboard spec not portable: %s", dashItems[0].Spec)
	}

	dst := secondApp(t, f)
	for _, c := range []struct {
		p     engine.TemplatePart
		items []engine.TemplateItem
	}{{vp, viewItems}, {dp, dashItems}} {
		if err := c.p.Check(f.ctx, f.admin, dst, c.items); err != nil {
			t.Fatalf("check %s: %v", c.p.Kind, codes(err))
		}
		if err := c.p.Install(f.ctx, f.admin, dst, c.items); err != nil {
			t.Fatalf("install %s: %v", c.p.Kind, codes(err))
		}
	}
	for _, c := range []struct {
		p    engine.TemplatePart
		want []engine.TemplateItem
	}{{vp, viewItems}, {dp, dashItems}} {
		got, err := c.p.Export(f.ctx, f.admin, dst)
		if err != nil {
			t.Fatal(err)
		}
		sameReportItems(t, c.p.Kind, c.want, got)
		norm := make([]engine.TemplateItem, len(got))
		for i, it := range got {
			norm[i] = c.p.Normalize(it)
		}
		sameReportItems(t, "normalized "+c.p.Kind, got, norm)
	}

	// Update replaces the view; Remove deletes the dashboard.
	viewID, _ := dst.ID(report.PartViews, "won")
	var vs report.ViewSpec
	_ = json.Unmarshal(viewItems[0].Spec, &vs)
	vs.Name = "已赢单"
	raw, _ := json.Marshal(vs)
	if err := vp.Update(f.ctx, f.admin, dst, engine.TemplateItem{Key: "won", Spec: raw}, viewID); err != nil {
		t.Fatal(codes(err))
	}
	if v, err := views.Get(f.ctx, f.admin, viewID); err != nil || v.Name != "已赢单" || v.Version != 2 {
		t.Fatalf("updated view: %+v %v", v, err)
	}
	dashID, _ := dst.ID(report.PartDashboards, dashItems[0].Key)
	if err := dp.Remove(f.ctx, f.admin, dst, dashID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.d.Get(f.ctx, f.admin, dashID); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("removed dashboard: %v", err)
	}
}

func TestViewAndDashboardPartsCheck(t *testing.T) {
	f, _ := partDash(t)
	refs := engine.NewTemplateRefs(f.admin.Workspace, "")
	refs.SetDefinition("deal", pipelineForm())
	refs.Declare("roles", "sales")
	vp, dp := reportPart(t, f.e, report.PartViews), reportPart(t, f.e, report.PartDashboards)
	good := report.ViewSpec{Form: "deal", Name: "全部", DefaultFor: []string{"sales"}, Config: report.ViewConfig{Columns: []report.Column{{Key: "title"}}}}
	if err := vp.Check(f.ctx, f.admin, refs, []engine.TemplateItem{viewItem(t, "all", good)}); err != nil {
		t.Fatalf("good view: %v", codes(err))
	}
	noForm, badCol := good, good
	noForm.Form = "nothing"
	badCol.Config = report.ViewConfig{Layout: report.LayoutKanban, Columns: []report.Column{{Key: "nope"}}, Kanban: &report.KanbanConfig{Field: "amount"}}
	got := codes(vp.Check(f.ctx, f.admin, refs, []engine.TemplateItem{viewItem(t, "v1", noForm), viewItem(t, "v2", badCol)}))
	for _, p := range []string{"v1.form", "v2.config.columns[0].key", "v2.config.kanban.field"} {
		if got[p] == "" {
			t.Errorf("no problem at %s: %v", p, got)
		}
	}
	bad := report.DashboardSpec{Title: "看板", Roles: []string{"boss"}, Charts: []report.Chart{barChart("deal"), barChart("nothing")}}
	bad.Charts[0].Measures = append(bad.Charts[0].Measures, report.Measure{ID: "bad", Op: report.MeasureExpr, Expr: "total /"},
		report.Measure{ID: "x", Op: report.MeasureSum, Field: "nope"})
	bad.Charts[1].ID = "other"
	got = codes(dp.Check(f.ctx, f.admin, refs, []engine.TemplateItem{viewItem(t, "d", bad)}))
	for _, p := range []string{"d.roles[0]", "d.charts[1].form", "d.charts[0].measures[4].expr", "d.charts[0].measures[5].field"} {
		if got[p] == "" {
			t.Errorf("no problem at %s: %v", p, got)
		}
	}
}

func viewItem(t *testing.T, key string, v any) engine.TemplateItem {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return engine.TemplateItem{Key: key, Spec: raw}
}

func sameReportItems(t *testing.T, kind string, want, got []engine.TemplateItem) {
	t.Helper()
	norm := func(items []engine.TemplateItem) string {
		var out []any
		for _, it := range items {
			var v any
			if err := json.Unmarshal(it.Spec, &v); err != nil {
				t.Fatal(err)
			}
			out = append(out, map[string]any{"key": it.Key, "spec": v})
		}
		b, _ := json.Marshal(out)
		return string(b)
	}
	if a, b := norm(want), norm(got); a != b {
		t.Fatalf("%s differ after the round trip:\nwant %s\n got %s", kind, a, b)
	}
}
