package server_test

import (
	"sort"
	"testing"
	"time"
)

// BenchmarkApprovalDecideHTTP approves a task through the API, from the
// request to the answer: the decision and the next node's task committed.
func BenchmarkApprovalDecideHTTP(b *testing.B) {
	st := openSQLite(b, b.TempDir())
	b.Cleanup(func() { st.Close() })
	en := startApprovals(b, st)
	rep, mgr, boss := en.addMember("rep@example.com"), en.addMember("mgr@example.com"), en.addMember("boss@example.com")
	app := en.do("POST", "/api/v1/apps", en.admin, map[string]any{"name": "报价"}, nil).expect(201).str("id")
	form := en.do("POST", "/api/v1/apps/"+app+"/forms", en.admin, map[string]any{"name": "报价单", "definition": map[string]any{"fields": []any{
		map[string]any{"key": "title", "type": "text", "label": "标题"}}}}, nil).expect(201)
	formID := form.str("id")
	en.do("POST", "/api/v1/forms/"+formID+"/publish", en.admin, map[string]any{"version": form.num("version")}, nil).expect(201)
	approver := func(id, user string) map[string]any {
		return map[string]any{"id": id, "kind": "approver", "name": id, "assignees": []any{map[string]any{"kind": "users", "users": []any{user}}}}
	}
	design := map[string]any{
		"nodes": []any{map[string]any{"id": "start", "kind": "start", "name": "s"}, approver("mgr", en.userID(mgr)), approver("boss", en.userID(boss)),
			map[string]any{"id": "end", "kind": "end", "name": "e"}},
		"edges": []any{map[string]any{"id": "e1", "from": "start", "to": "mgr"}, map[string]any{"id": "e2", "from": "mgr", "to": "boss"},
			map[string]any{"id": "e3", "from": "boss", "to": "end"}},
	}
	flowID := en.do("POST", "/api/v1/forms/"+formID+"/flows", en.admin, map[string]any{"name": "审批", "draft": design}, nil).expect(201).str("id")
	en.do("POST", "/api/v1/flows/"+flowID+"/publish", en.admin, nil, nil).expect(201)
	tasks := make([]string, b.N)
	for i := range tasks {
		rec := en.do("POST", "/api/v1/forms/"+formID+"/records", rep, map[string]any{"data": map[string]any{"title": "q"}}, nil).expect(201).str("id")
		in := en.do("POST", "/api/v1/flows/"+flowID+"/start", rep, map[string]any{"record": rec}, nil).expect(201)
		tasks[i] = in.body["tasks"].([]any)[0].(map[string]any)["id"].(string)
	}
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		en.do("POST", "/api/v1/tasks/"+tasks[i]+"/approve", mgr, map[string]any{"comment": "同意"}, nil).expect(200)
		ds = append(ds, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds())/1000, "p99-ms")
}
