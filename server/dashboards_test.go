package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/workflow"
	"github.com/formloom/formloom/server"
)

// startDashboards runs a server over st with stage pipelines and dashboards wired.
func startDashboards(t testing.TB, st store.Store) *env {
	t.Helper()
	ctx := context.Background()
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := engine.New(ctx, st, engine.Options{Blobs: blobs, Logger: quiet, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(ctx, e, st, auth.Options{LoginPerIP: 1000, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	stages, err := workflow.NewStages(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if err := stages.Bind(); err != nil {
		t.Fatal(err)
	}
	dashboards, err := report.NewDashboards(ctx, e, report.DashboardOptions{StageHistory: stages.Collection()})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Logger: quiet, Engine: e, Builder: builder.New(e), Auth: a, BodyLimit: 64 << 10, Stages: stages, Dashboards: dashboards})
	if err != nil {
		t.Fatal(err)
	}
	en := serveEnv(t, srv, st)
	res := en.do("POST", "/api/v1/setup", "", map[string]any{"token": a.NewSetupToken(), "email": "admin@example.com", "name": "管理员",
		"password": "correct horse battery", "workspace": map[string]any{"name": "示例公司"}}, nil).expect(201)
	en.admin, en.csrf, en.ws = res.str("token"), res.str("csrfToken"), res.str("workspace")
	return en
}

func TestDashboardsAPI(t *testing.T) {
	for _, c := range []struct {
		name string
		open func(t *testing.T) store.Store
	}{
		{"sqlite", func(t *testing.T) store.Store {
			st := openSQLite(t, t.TempDir())
			t.Cleanup(func() { st.Close() })
			return st
		}},
		{"mongo", openMongo},
	} {
		t.Run(c.name, func(t *testing.T) { dashboardsScenario(t, startDashboards(t, c.open(t))) })
	}
}

func dashboardsScenario(t *testing.T, en *env) {
	rep := en.addMember("rep@example.com")
	app := en.do("POST", "/api/v1/apps", en.admin, map[string]any{"name": "销售"}, nil).expect(201).str("id")
	form := en.do("POST", "/api/v1/apps/"+app+"/forms", en.admin, map[string]any{"name": "机会", "definition": map[string]any{"fields": []any{
		map[string]any{"key": "title", "type": "text", "label": "名称"},
		map[string]any{"key": "stage", "type": "select", "label": "阶段", "options": []any{
			map[string]any{"value": "new", "label": "新建"}, map[string]any{"value": "offer", "label": "报价"},
			map[string]any{"value": "won", "label": "成交"}, map[string]any{"value": "lost", "label": "失败"}}},
		map[string]any{"key": "amount", "type": "number", "label": "金额"},
	}}}, nil).expect(201)
	formID := form.str("id")
	pipeline := map[string]any{"field": "stage", "transitions": "any", "stages": []any{
		map[string]any{"value": "new", "probability": 10}, map[string]any{"value": "offer", "probability": 50},
		map[string]any{"value": "won", "probability": 100, "flag": "won"}, map[string]any{"value": "lost", "probability": 0, "flag": "lost"}}}
	d := en.do("PUT", "/api/v1/forms/"+formID+"/stages", en.admin, map[string]any{"pipeline": pipeline, "version": form.num("version")}, nil).expect(200)
	en.do("POST", "/api/v1/forms/"+formID+"/publish", en.admin, map[string]any{"version": d.num("draftVersion")}, nil).expect(201)
	for _, r := range []map[string]any{{"title": "a", "stage": "new", "amount": 100}, {"title": "b", "stage": "offer", "amount": 300}, {"title": "c", "stage": "new", "amount": 50}} {
		en.do("POST", "/api/v1/forms/"+formID+"/records", en.admin, map[string]any{"data": r}, nil).expect(201)
	}
	won := en.do("POST", "/api/v1/forms/"+formID+"/records", en.admin, map[string]any{"data": map[string]any{"title": "d", "stage": "offer", "amount": 1000}}, nil).expect(201)
	en.do("PATCH", "/api/v1/forms/"+formID+"/records/"+won.str("id"), en.admin, map[string]any{"data": map[string]any{"stage": "won"}, "version": won.num("version")}, nil).expect(200)

	bar := map[string]any{"id": "bar", "title": "按阶段", "kind": "bar", "form": formID, "groupBy": []any{map[string]any{"field": "stage"}},
		"measures": []any{map[string]any{"id": "n", "op": "count"}, map[string]any{"id": "total", "op": "sum", "field": "amount"}, map[string]any{"id": "avg", "op": "expr", "expr": "total / n"}},
		"layout":   map[string]any{"x": 0, "y": 0, "w": 6, "h": 4}}
	funnel := map[string]any{"id": "funnel", "title": "漏斗", "kind": "funnel", "form": formID, "funnel": map[string]any{"amount": "amount", "owner": "ownedBy"},
		"layout": map[string]any{"x": 6, "y": 0, "w": 6, "h": 4}}
	base := "/api/v1/apps/" + app + "/dashboards"
	input := map[string]any{"title": "销售看板", "filters": []any{map[string]any{"id": "period", "kind": "date_range"}}, "charts": []any{bar, funnel}}
	// Members do not design dashboards; bad input is refused per field.
	en.do("POST", base, rep, input, nil).expect(403)
	bad := en.do("POST", base, en.admin, map[string]any{"title": "", "charts": []any{map[string]any{"id": "x", "kind": "bar", "form": formID,
		"groupBy": []any{map[string]any{"field": "stage"}}, "measures": []any{map[string]any{"id": "s", "op": "sum", "field": "title"}},
		"layout": map[string]any{"x": 0, "y": 0, "w": 6, "h": 4}}}}, map[string]string{"Accept-Language": "zh-CN"}).expect(422)
	if s := string(bad.raw); !strings.Contains(s, `"path":"title"`) {
		t.Fatalf("errors: %s", s)
	}
	bad = en.do("POST", base, en.admin, map[string]any{"title": "x", "charts": []any{map[string]any{"id": "x", "kind": "bar", "form": formID,
		"groupBy": []any{map[string]any{"field": "stage"}}, "measures": []any{map[string]any{"id": "s", "op": "sum", "field": "title"}},
		"layout": map[string]any{"x": 0, "y": 0, "w": 6, "h": 4}}}}, nil).expect(422)
	if s := string(bad.raw); !strings.Contains(s, `"path":"charts[0].measures[0].field"`) {
		t.Fatalf("errors: %s", s)
	}
	db := en.do("POST", base, en.admin, input, nil).expect(201)
	id := db.str("id")
	if list := items(en.do("GET", base, rep, nil, nil).expect(200)); len(list) != 1 {
		t.Fatalf("rep's dashboards: %v", list)
	}
	data := items(en.do("POST", "/api/v1/dashboards/"+id+"/data", rep, map[string]any{}, nil).expect(200))
	if len(data) != 2 || data[0]["error"] != nil {
		t.Fatalf("data: %v", data)
	}
	rows, _ := json.Marshal(data[0]["rows"])
	if string(rows) != `[{"keys":["new"],"values":[2,150,75]},{"keys":["offer"],"values":[1,300,300]},{"keys":["won"],"values":[1,1000,1000]}]` {
		t.Fatalf("bar rows: %s", rows)
	}
	fd, _ := data[1]["funnel"].(map[string]any)
	if fd == nil || fd["winRate"] != float64(1) || fd["weighted"] != float64(15+150) || fd["history"] != true {
		t.Fatalf("funnel: %v", data[1])
	}
	// A date range before today leaves the charts empty; a bad date is refused.
	empty := items(en.do("POST", "/api/v1/dashboards/"+id+"/data", rep, map[string]any{"filters": map[string]any{"period": map[string]any{"from": "2000-01-01", "to": "2000-01-31"}}}, nil).expect(200))
	if r, _ := empty[0]["rows"].([]any); len(r) != 0 {
		t.Fatalf("filtered: %v", empty[0])
	}
	en.do("POST", "/api/v1/dashboards/"+id+"/data", rep, map[string]any{"filters": map[string]any{"period": map[string]any{"from": "soon"}}}, nil).expect(422)
	en.do("POST", "/api/v1/dashboards/"+id+"/data", rep, map[string]any{"filters": map[string]any{"nope": map[string]any{}}}, nil).expect(422)
	// Drill into the "new" bar: the filter lists exactly those records.
	dr := en.do("POST", "/api/v1/dashboards/"+id+"/charts/bar/drill", rep, map[string]any{"keys": []any{"new"}}, nil).expect(200)
	filter, _ := json.Marshal(dr.body["filter"])
	recs := en.do("GET", "/api/v1/forms/"+formID+"/records?filter="+url.QueryEscape(string(filter)), rep, nil, nil).expect(200)
	if n := len(items(recs)); n != 2 || dr.str("form") != formID {
		t.Fatalf("drilled: %s -> %d records (%s)", filter, n, recs.raw)
	}
	en.do("POST", "/api/v1/dashboards/"+id+"/charts/nope/drill", rep, map[string]any{"keys": []any{"new"}}, nil).expect(404)
	one := en.do("POST", "/api/v1/dashboards/"+id+"/charts/funnel/data", rep, map[string]any{}, nil).expect(200)
	if one.body["funnel"] == nil {
		t.Fatalf("one chart: %s", one.raw)
	}
	// The chart dialog's preview: managers only, validated like a save.
	prev := en.do("POST", base+"/preview", en.admin, map[string]any{"chart": map[string]any{"kind": "metric", "form": formID,
		"measures": []any{map[string]any{"id": "total", "op": "sum", "field": "amount"}}, "layout": map[string]any{"x": 0, "y": 0, "w": 3, "h": 2}}}, nil).expect(200)
	if r, _ := json.Marshal(prev.body["rows"]); string(r) != `[{"keys":[],"values":[1450]}]` {
		t.Fatalf("preview: %s", prev.raw)
	}
	en.do("POST", base+"/preview", rep, map[string]any{"chart": bar}, nil).expect(403)
	en.do("POST", base+"/preview", en.admin, map[string]any{"chart": map[string]any{"kind": "pie", "form": formID, "layout": map[string]any{"x": 0, "y": 0, "w": 3, "h": 2}}}, nil).expect(422)
	// Update with the version read; stale is 409; delete.
	input["title"] = "看板"
	input["version"] = db.num("version")
	en.do("PUT", "/api/v1/dashboards/"+id, en.admin, input, nil).expect(200)
	en.do("PUT", "/api/v1/dashboards/"+id, en.admin, input, nil).expect(409)
	en.do("DELETE", "/api/v1/dashboards/"+id, rep, nil, nil).expect(403)
	en.do("DELETE", "/api/v1/dashboards/"+id, en.admin, nil, nil).expect(204)
	en.do("GET", "/api/v1/dashboards/"+id, rep, nil, nil).expect(404)
	en.do("GET", base, "", nil, nil).expect(401)
}
