package server_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/workflow"
	"github.com/formloom/formloom/server"
)

// startApprovals runs a server over st with the approval service wired.
func startApprovals(t testing.TB, st store.Store) *env {
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
	svc, err := workflow.NewApprovals(ctx, e, workflow.ApprovalOptions{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	svc.Bind()
	srv, err := server.New(server.Config{Logger: quiet, Engine: e, Builder: builder.New(e), Auth: a, BodyLimit: 64 << 10, Approvals: svc})
	if err != nil {
		t.Fatal(err)
	}
	en := serveEnv(t, srv, st)
	res := en.do("POST", "/api/v1/setup", "", map[string]any{"token": a.NewSetupToken(), "email": "admin@example.com", "name": "管理员",
		"password": "correct horse battery", "workspace": map[string]any{"name": "示例公司"}}, nil).expect(201)
	en.admin, en.csrf, en.ws = res.str("token"), res.str("csrfToken"), res.str("workspace")
	return en
}

func (en *env) userID(token string) string {
	en.t.Helper()
	u, _ := en.do("GET", "/api/v1/me", token, nil, nil).expect(200).body["user"].(map[string]any)
	return u["id"].(string)
}

func items(r *response) []map[string]any {
	var out []map[string]any
	list, _ := r.body["items"].([]any)
	for _, x := range list {
		out = append(out, x.(map[string]any))
	}
	return out
}

func TestApprovalsAPI(t *testing.T) {
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
		t.Run(c.name, func(t *testing.T) { approvalsScenario(t, startApprovals(t, c.open(t))) })
	}
}

func approvalsScenario(t *testing.T, en *env) {
	rep, mgr, other := en.addMember("rep@example.com"), en.addMember("mgr@example.com"), en.addMember("other@example.com")
	mgrID := en.userID(mgr)
	app := en.do("POST", "/api/v1/apps", en.admin, map[string]any{"name": "报价"}, nil).expect(201).str("id")
	form := en.do("POST", "/api/v1/apps/"+app+"/forms", en.admin, map[string]any{"name": "报价单", "definition": map[string]any{"fields": []any{
		map[string]any{"key": "title", "type": "text", "label": "标题"},
		map[string]any{"key": "discount", "type": "number", "label": "折扣"},
		map[string]any{"key": "cost", "type": "number", "label": "成本"},
		map[string]any{"key": "note", "type": "textarea", "label": "备注"},
	}}}, nil).expect(201)
	formID := form.str("id")
	en.do("POST", "/api/v1/forms/"+formID+"/publish", en.admin, map[string]any{"version": form.num("version")}, nil).expect(201)

	design := map[string]any{
		"nodes": []any{
			map[string]any{"id": "start", "kind": "start", "name": "发起"},
			map[string]any{"id": "check", "kind": "condition", "name": "折扣判断"},
			map[string]any{"id": "mgr", "kind": "approver", "name": "经理审批", "mode": "any",
				"assignees": []any{map[string]any{"kind": "users", "users": []any{mgrID}}},
				"fields":    map[string]any{"cost": "hidden", "note": "edit"}},
			map[string]any{"id": "end", "kind": "end", "name": "结束"},
		},
		"edges": []any{
			map[string]any{"id": "e1", "from": "start", "to": "check"},
			map[string]any{"id": "big", "from": "check", "to": "mgr", "condition": "discount > 0.1"},
			map[string]any{"id": "def", "from": "check", "to": "end", "default": true},
			map[string]any{"id": "e2", "from": "mgr", "to": "end"},
		},
	}
	// members do not design
	en.do("POST", "/api/v1/forms/"+formID+"/flows", rep, map[string]any{"name": "x"}, nil).expect(403)
	flow := en.do("POST", "/api/v1/forms/"+formID+"/flows", en.admin, map[string]any{"name": "折扣审批", "draft": map[string]any{"nodes": []any{}, "edges": []any{}}}, nil).expect(201)
	flowID := flow.str("id")
	// an empty draft is invalid: validate says why, publish refuses
	v := en.do("POST", "/api/v1/flows/"+flowID+"/validate", en.admin, nil, nil).expect(200)
	if v.body["valid"] != false || len(v.body["errors"].([]any)) == 0 {
		t.Fatalf("validate empty: %s", v.raw)
	}
	en.do("POST", "/api/v1/flows/"+flowID+"/publish", en.admin, nil, nil).expect(422)
	en.do("PUT", "/api/v1/flows/"+flowID, en.admin, map[string]any{"name": "折扣审批", "draft": design, "version": flow.num("version")}, nil).expect(200)
	en.do("POST", "/api/v1/flows/"+flowID+"/publish", en.admin, nil, nil).expect(201)
	if got := items(en.do("GET", "/api/v1/flows/"+flowID+"/versions", rep, nil, nil).expect(200)); len(got) != 1 {
		t.Fatalf("versions %v", got)
	}
	en.do("GET", "/api/v1/flows/"+flowID+"/versions/1", rep, nil, nil).expect(200)

	rec := en.do("POST", "/api/v1/forms/"+formID+"/records", rep, map[string]any{"data": map[string]any{"title": "大单", "discount": 0.15, "cost": 98765}}, nil).expect(201)
	recID := rec.str("id")
	inst := en.do("POST", "/api/v1/flows/"+flowID+"/start", rep, map[string]any{"record": recID}, nil).expect(201)
	instID := inst.str("id")
	en.do("POST", "/api/v1/flows/"+flowID+"/start", rep, map[string]any{"record": recID}, nil).expect(422) // already running

	todo := items(en.do("GET", "/api/v1/tasks?box=todo", mgr, nil, nil).expect(200))
	if len(todo) != 1 {
		t.Fatalf("mgr todo %v", todo)
	}
	task := todo[0]["id"].(string)
	if n := en.do("GET", "/api/v1/tasks/counts", mgr, nil, nil).expect(200).num("todo"); n != 1 {
		t.Fatalf("counts todo %d", n)
	}
	// hidden node fields never reach the assignee
	for _, path := range []string{"/api/v1/tasks/" + task, "/api/v1/approvals/" + instID, "/api/v1/tasks?box=todo"} {
		r := en.do("GET", path, mgr, nil, nil).expect(200)
		if strings.Contains(string(r.raw), "98765") || strings.Contains(string(r.raw), `"cost":`) {
			t.Fatalf("%s shows the hidden field: %s", path, r.raw)
		}
	}
	detail := en.do("GET", "/api/v1/tasks/"+task, mgr, nil, nil).expect(200)
	if acts := detail.body["actions"].([]any); len(acts) != 6 {
		t.Fatalf("actions %v", acts)
	}
	// nobody but the assignee decides
	en.do("POST", "/api/v1/tasks/"+task+"/approve", other, map[string]any{}, nil).expect(403)
	en.do("POST", "/api/v1/tasks/"+task+"/approve", rep, map[string]any{}, nil).expect(403)
	en.do("GET", "/api/v1/tasks/"+task, other, nil, nil).expect(404)
	en.do("POST", "/api/v1/tasks/"+task+"/nosuch", mgr, map[string]any{}, nil).expect(404)
	// reject needs a comment; a view field cannot be edited
	r := en.do("POST", "/api/v1/tasks/"+task+"/reject", mgr, map[string]any{}, nil).expect(422)
	if !strings.Contains(string(r.raw), `"path":"comment"`) {
		t.Fatalf("reject without comment: %s", r.raw)
	}
	r = en.do("POST", "/api/v1/tasks/"+task+"/approve", mgr, map[string]any{"fields": map[string]any{"discount": 0.5}}, map[string]string{"Accept-Language": "zh-CN"}).expect(422)
	if !strings.Contains(string(r.raw), "node_field_read_only") || !strings.Contains(string(r.raw), "当前节点不允许修改此字段") {
		t.Fatalf("edit of a view field: %s", r.raw)
	}
	en.do("POST", "/api/v1/tasks/"+task+"/approve", mgr, map[string]any{"comment": "同意", "fields": map[string]any{"note": "已核价"}}, nil).expect(200)
	en.do("POST", "/api/v1/tasks/"+task+"/approve", mgr, map[string]any{}, nil).expect(409)
	got := en.do("GET", "/api/v1/approvals/"+instID, rep, nil, nil).expect(200)
	if got.str("status") != "approved" {
		t.Fatalf("status %s", got.raw)
	}
	if !strings.Contains(string(got.raw), `"comment":"同意"`) {
		t.Fatalf("timeline without the comment: %s", got.raw)
	}
	if note := en.do("GET", "/api/v1/forms/"+formID+"/records/"+recID, rep, nil, nil).expect(200).body["data"].(map[string]any)["note"]; note != "已核价" {
		t.Fatalf("note %v", note)
	}
	if list := items(en.do("GET", "/api/v1/forms/"+formID+"/records/"+recID+"/approvals", rep, nil, nil).expect(200)); len(list) != 1 {
		t.Fatalf("record approvals %v", list)
	}
	if list := items(en.do("GET", "/api/v1/tasks?box=started", rep, nil, nil).expect(200)); len(list) != 1 {
		t.Fatalf("started %v", list)
	}
	if list := items(en.do("GET", "/api/v1/tasks?box=done", mgr, nil, nil).expect(200)); len(list) != 1 {
		t.Fatalf("done %v", list)
	}

	// batch approve: two of mine and one of someone else's
	var ids []any
	for i := 0; i < 2; i++ {
		id := en.do("POST", "/api/v1/forms/"+formID+"/records", rep, map[string]any{"data": map[string]any{"discount": 0.2}}, nil).expect(201).str("id")
		en.do("POST", "/api/v1/flows/"+flowID+"/start", rep, map[string]any{"record": id}, nil).expect(201)
	}
	for _, x := range items(en.do("GET", "/api/v1/tasks?box=todo", mgr, nil, nil).expect(200)) {
		ids = append(ids, x["id"])
	}
	ids = append(ids, "01JNOSUCHTASK0000000000000")
	b := en.do("POST", "/api/v1/tasks/batch-approve", mgr, map[string]any{"tasks": ids, "comment": "批量同意"}, nil).expect(200)
	res := b.body["results"].([]any)
	if len(res) != 3 || res[0].(map[string]any)["ok"] != true || res[2].(map[string]any)["ok"] != false {
		t.Fatalf("batch %s", b.raw)
	}
	if n := en.do("GET", "/api/v1/tasks/counts", mgr, nil, nil).expect(200).num("todo"); n != 0 {
		t.Fatalf("todo after batch %d", n)
	}
	// withdraw by the initiator, end and reactivate by an admin
	id := en.do("POST", "/api/v1/forms/"+formID+"/records", rep, map[string]any{"data": map[string]any{"discount": 0.3}}, nil).expect(201).str("id")
	inst2 := en.do("POST", "/api/v1/flows/"+flowID+"/start", rep, map[string]any{"record": id}, nil).expect(201).str("id")
	en.do("POST", "/api/v1/approvals/"+inst2+"/withdraw", mgr, nil, nil).expect(403)
	en.do("POST", "/api/v1/approvals/"+inst2+"/withdraw", rep, map[string]any{"comment": "撤回"}, nil).expect(200)
	en.do("POST", "/api/v1/approvals/"+inst2+"/reactivate", rep, nil, nil).expect(403)
	en.do("POST", "/api/v1/approvals/"+inst2+"/reactivate", en.admin, nil, nil).expect(200)
	en.do("POST", "/api/v1/approvals/"+inst2+"/end", en.admin, nil, nil).expect(200)
	if s := en.do("GET", "/api/v1/approvals/"+inst2, rep, nil, nil).expect(200).str("status"); s != "ended" {
		t.Fatalf("status %s", s)
	}
	// transfer, add, cc and return through the API
	otherID := en.userID(other)
	id3 := en.do("POST", "/api/v1/forms/"+formID+"/records", rep, map[string]any{"data": map[string]any{"discount": 0.3}}, nil).expect(201).str("id")
	inst3 := en.do("POST", "/api/v1/flows/"+flowID+"/start", rep, map[string]any{"record": id3}, nil).expect(201)
	t3 := inst3.body["tasks"].([]any)[0].(map[string]any)["id"].(string)
	en.do("POST", "/api/v1/tasks/"+t3+"/transfer", mgr, map[string]any{"to": otherID, "comment": "请代审"}, nil).expect(200)
	t4 := items(en.do("GET", "/api/v1/tasks?box=todo", other, nil, nil).expect(200))[0]["id"].(string)
	en.do("POST", "/api/v1/tasks/"+t4+"/add", other, map[string]any{"users": []any{mgrID}, "position": "before"}, nil).expect(200)
	en.do("POST", "/api/v1/tasks/"+t4+"/cc", other, map[string]any{"users": []any{en.userID(rep)}}, nil).expect(200)
	if n := en.do("GET", "/api/v1/tasks/counts", rep, nil, nil).expect(200).num("ccUnread"); n != 1 {
		t.Fatalf("rep ccUnread %d", n)
	}
	t5 := items(en.do("GET", "/api/v1/tasks?box=todo", mgr, nil, nil).expect(200))[0]["id"].(string)
	en.do("POST", "/api/v1/tasks/"+t5+"/return", mgr, map[string]any{"node": "start", "comment": "请补充"}, nil).expect(200)
	re := items(en.do("GET", "/api/v1/tasks?box=todo", rep, nil, nil).expect(200))
	if len(re) != 1 || re[0]["kind"] != "resubmit" {
		t.Fatalf("resubmit %v", re)
	}
	tl := en.do("GET", "/api/v1/approvals/"+inst3.str("id"), rep, nil, nil).expect(200)
	for _, want := range []string{`"kind":"transferred"`, `"kind":"added"`, `"kind":"cc"`, `"kind":"returned"`, `"comment":"请代审"`} {
		if !strings.Contains(string(tl.raw), want) {
			t.Fatalf("timeline lacks %s: %s", want, tl.raw)
		}
	}
	// OpenAPI lists the routes
	doc := en.do("GET", "/api/v1/openapi.json", en.admin, nil, nil).expect(200)
	if !strings.Contains(string(doc.raw), "/api/v1/tasks/{id}/{action}") || !strings.Contains(string(doc.raw), `"TaskDetail"`) {
		t.Fatal("openapi misses the approval routes")
	}
}
