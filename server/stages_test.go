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

// startStages runs a server over st with the stage service wired.
func startStages(t testing.TB, st store.Store) *env {
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
	svc, err := workflow.NewStages(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Bind(); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Logger: quiet, Engine: e, Builder: builder.New(e), Auth: a, BodyLimit: 64 << 10, Stages: svc})
	if err != nil {
		t.Fatal(err)
	}
	en := serveEnv(t, srv, st)
	res := en.do("POST", "/api/v1/setup", "", map[string]any{"token": a.NewSetupToken(), "email": "admin@example.com", "name": "管理员",
		"password": "correct horse battery", "workspace": map[string]any{"name": "示例公司"}}, nil).expect(201)
	en.admin, en.csrf, en.ws = res.str("token"), res.str("csrfToken"), res.str("workspace")
	return en
}

func TestStagesAPI(t *testing.T) {
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
		t.Run(c.name, func(t *testing.T) { stagesScenario(t, startStages(t, c.open(t))) })
	}
}

func stagesScenario(t *testing.T, en *env) {
	rep := en.addMember("rep@example.com")
	app := en.do("POST", "/api/v1/apps", en.admin, map[string]any{"name": "CRM"}, nil).expect(201).str("id")
	form := en.do("POST", "/api/v1/apps/"+app+"/forms", en.admin, map[string]any{"name": "商机", "definition": map[string]any{"fields": []any{
		map[string]any{"key": "title", "type": "text", "label": "名称"},
		map[string]any{"key": "stage", "type": "select", "label": "阶段", "options": []any{
			map[string]any{"value": "qualify", "label": "需求确认"}, map[string]any{"value": "proposal", "label": "方案提交"},
			map[string]any{"value": "won", "label": "赢单"}, map[string]any{"value": "lost", "label": "输单"}}},
		map[string]any{"key": "proposal_doc", "type": "text", "label": "方案链接"},
		map[string]any{"key": "lost_reason", "type": "textarea", "label": "输单原因"},
	}}}, nil).expect(201)
	formID := form.str("id")
	pipeline := map[string]any{"field": "stage", "transitions": "forward", "stages": []any{
		map[string]any{"value": "qualify", "probability": 10, "guidance": "确认需求", "checklist": []any{"确认预算"}},
		map[string]any{"value": "proposal", "probability": 40, "required": []any{"proposal_doc"}},
		map[string]any{"value": "won", "probability": 100, "flag": "won"},
		map[string]any{"value": "lost", "probability": 0, "flag": "lost", "required": []any{"lost_reason"}},
	}}
	// members do not design; a bad pipeline is refused with paths into it
	en.do("PUT", "/api/v1/forms/"+formID+"/stages", rep, map[string]any{"pipeline": pipeline, "version": form.num("version")}, nil).expect(403)
	bad := en.do("PUT", "/api/v1/forms/"+formID+"/stages", en.admin, map[string]any{"pipeline": map[string]any{"field": "title", "stages": []any{}}, "version": form.num("version")}, nil).expect(422)
	if !strings.Contains(string(bad.raw), "stage_field_type") {
		t.Fatalf("bad pipeline: %s", bad.raw)
	}
	d := en.do("PUT", "/api/v1/forms/"+formID+"/stages", en.admin, map[string]any{"pipeline": pipeline, "version": form.num("version")}, nil).expect(200)
	en.do("POST", "/api/v1/forms/"+formID+"/publish", en.admin, map[string]any{"version": d.num("draftVersion")}, nil).expect(201)
	got := en.do("GET", "/api/v1/forms/"+formID+"/stages", rep, nil, nil).expect(200)
	if got.body["published"] == nil || got.body["draft"] != nil || !strings.Contains(string(got.raw), "方案提交") {
		t.Fatalf("design for a member: %s", got.raw)
	}

	rec := en.do("POST", "/api/v1/forms/"+formID+"/records", rep, map[string]any{"data": map[string]any{"title": "华东项目", "stage": "qualify"}}, nil).expect(201)
	recID := rec.str("id")
	chk := en.do("GET", "/api/v1/forms/"+formID+"/records/"+recID+"/stages/check?to=proposal", rep, nil, map[string]string{"Accept-Language": "zh-CN"}).expect(200)
	if chk.body["ok"] != false || !strings.Contains(string(chk.raw), "进入阶段“方案提交”前必须填写“方案链接”") {
		t.Fatalf("check: %s", chk.raw)
	}
	// the kanban drag: a plain PATCH of the stage field
	refused := en.do("PATCH", "/api/v1/forms/"+formID+"/records/"+recID, rep, map[string]any{"data": map[string]any{"stage": "proposal"}, "version": rec.num("version")}, map[string]string{"Accept-Language": "en"}).expect(422)
	if !strings.Contains(string(refused.raw), "proposal_doc") || !strings.Contains(string(refused.raw), "stage_required") || !strings.Contains(string(refused.raw), "to enter the stage “方案提交”") {
		t.Fatalf("refusal: %s", refused.raw)
	}
	if r := en.do("GET", "/api/v1/forms/"+formID+"/records/"+recID, rep, nil, nil).expect(200); r.num("version") != rec.num("version") {
		t.Fatal("the refused move was written")
	}
	en.do("PATCH", "/api/v1/forms/"+formID+"/records/"+recID, rep, map[string]any{"data": map[string]any{"stage": "proposal", "proposal_doc": "p.pdf"}, "version": rec.num("version")}, nil).expect(200)
	hist := items(en.do("GET", "/api/v1/forms/"+formID+"/records/"+recID+"/stages", rep, nil, nil).expect(200))
	if len(hist) != 2 || hist[1]["from"] != "qualify" || hist[1]["to"] != "proposal" {
		t.Fatalf("history: %v", hist)
	}
	sum := items(en.do("GET", "/api/v1/forms/"+formID+"/stages/summary", rep, nil, nil).expect(200))
	if len(sum) != 5 || sum[1]["stage"] != "proposal" || sum[1]["count"] != float64(1) {
		t.Fatalf("summary: %v", sum)
	}
	tr := en.do("GET", "/api/v1/forms/"+formID+"/stages/transitions?to=proposal", en.admin, nil, nil).expect(200)
	if len(items(tr)) != 1 {
		t.Fatalf("transitions: %s", tr.raw)
	}
	en.do("GET", "/api/v1/forms/"+formID+"/stages/transitions?since=yesterday", en.admin, nil, nil).expect(422)
	en.do("GET", "/api/v1/forms/"+formID+"/records/"+recID+"/stages/check", rep, nil, nil).expect(422)
	en.do("GET", "/api/v1/forms/"+formID+"/records/nope/stages", rep, nil, nil).expect(404)
	en.do("GET", "/api/v1/forms/"+formID+"/stages", "", nil, nil).expect(401)
	_ = engine.ErrNotFound
}
