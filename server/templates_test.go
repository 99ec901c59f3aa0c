package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/template"
	"github.com/formloom/formloom/server"
)

// startTemplates runs a server with the template service over the
// installer's test templates.
func startTemplates(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	st := openSQLite(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
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
	svc := template.New(e, os.DirFS("../engine/template/testdata"), template.Options{Logger: quiet})
	srv, err := server.New(server.Config{Logger: quiet, Engine: e, Builder: builder.New(e), Auth: a, BodyLimit: 64 << 10, UploadLimit: 256 << 10, Templates: svc})
	if err != nil {
		t.Fatal(err)
	}
	en := serveEnv(t, srv, st)
	res := en.do("POST", "/api/v1/setup", "", map[string]any{"token": a.NewSetupToken(), "email": "admin@example.com", "name": "管理员",
		"password": "correct horse battery", "workspace": map[string]any{"name": "示例公司"}}, nil).expect(201)
	en.admin, en.csrf, en.ws = res.str("token"), res.str("csrfToken"), res.str("workspace")
	return en
}

func TestTemplatesAPI(t *testing.T) {
	en := startTemplates(t)
	member := en.addMember("member@example.com")

	list := en.do("GET", "/api/v1/templates", en.admin, nil, nil).expect(200)
	tpls, _ := list.body["templates"].([]any)
	if len(tpls) != 1 || tpls[0].(map[string]any)["key"] != "tasks" {
		t.Fatalf("templates = %s", list.raw)
	}
	detail := en.do("GET", "/api/v1/templates/tasks", en.admin, nil, nil).expect(200)
	if forms, _ := detail.body["forms"].([]any); len(forms) != 2 {
		t.Fatalf("detail = %s", detail.raw)
	}
	en.do("GET", "/api/v1/templates/nosuch", en.admin, nil, nil).expect(404)
	// Installing a template the server does not ship names the key.
	unknown := en.do("POST", "/api/v1/templates/install", en.admin, map[string]any{"key": "nosuch"}, map[string]string{"Accept-Language": "en"}).expect(422)
	if !strings.Contains(string(unknown.raw), `"path":"key","code":"template_unknown"`) || !strings.Contains(string(unknown.raw), "There is no template named “nosuch”") {
		t.Fatalf("unknown template: %s", unknown.raw)
	}

	// Workspace admins only.
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/v1/templates"}, {"GET", "/api/v1/templates/tasks"}, {"POST", "/api/v1/templates/install"}, {"POST", "/api/v1/templates/check"},
	} {
		var body any
		if r.method == "POST" {
			body = map[string]any{"key": "tasks"}
		}
		en.do(r.method, r.path, member, body, nil).expect(403)
	}

	// Check: the shipped template's bundle is fine; a bad one is 422 with paths.
	exportable := en.do("POST", "/api/v1/templates/install", en.admin, map[string]any{"key": "tasks", "sampleData": true}, nil).expect(201)
	app := exportable.str("appId")
	if c, _ := exportable.body["counts"].(map[string]any); c["forms"] != float64(2) || c["sampleRecords"] != float64(5) {
		t.Fatalf("install = %s", exportable.raw)
	}
	en.do("GET", "/api/v1/apps/"+app+"/template", member, nil, nil).expect(403)
	inst := en.do("GET", "/api/v1/apps/"+app+"/template", en.admin, nil, nil).expect(200)
	if inst.str("key") != "tasks" || inst.str("version") != "1.0.0" {
		t.Fatalf("installation = %s", inst.raw)
	}
	exp := en.do("GET", "/api/v1/apps/"+app+"/template/export?sample=5", en.admin, nil, nil).expect(200)
	if cd := exp.header.Get("Content-Disposition"); !strings.Contains(cd, ".formloom.json") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	en.do("GET", "/api/v1/apps/"+app+"/template/export", member, nil, nil).expect(403)
	en.do("GET", "/api/v1/apps/"+app+"/template/export?sample=-1", en.admin, nil, nil).expect(422)
	en.do("POST", "/api/v1/templates/check", en.admin, exp.raw, nil).expect(200)

	var bad map[string]any
	if err := json.Unmarshal(exp.raw, &bad); err != nil {
		t.Fatal(err)
	}
	forms := bad["forms"].([]any)
	fields := forms[1].(map[string]any)["definition"].(map[string]any)["fields"].([]any)
	fields[1].(map[string]any)["form"] = "nosuchform"
	res := en.do("POST", "/api/v1/templates/check", en.admin, bad, nil).expect(422)
	if !strings.Contains(string(res.raw), `"path":"forms.task.definition.fields[1].form"`) || !strings.Contains(string(res.raw), `"code":"template_unknown_ref"`) {
		t.Errorf("check of a bad bundle: %s", res.raw)
	}
	res = en.do("POST", "/api/v1/templates/install", en.admin, map[string]any{"bundle": bad, "appName": "坏的"}, nil).expect(422)
	if !strings.Contains(string(res.raw), "fields[1].form") {
		t.Errorf("install of a bad bundle: %s", res.raw)
	}
	en.do("POST", "/api/v1/templates/check", en.admin, `{"format":7}`, nil).expect(422)

	// The export installs again (another name: app names are unique), and
	// a bundle above the API's 64 KiB limit is accepted by these routes.
	var bundle map[string]any
	_ = json.Unmarshal(exp.raw, &bundle)
	bundle["template"].(map[string]any)["description"] = map[string]any{"en": strings.Repeat("x", 200<<10)}
	again := en.do("POST", "/api/v1/templates/install", en.admin, map[string]any{"bundle": bundle, "appName": "项目任务 2"}, nil).expect(201)
	if again.str("appId") == app {
		t.Fatal("same app")
	}
	huge := `{"key":"` + strings.Repeat("x", template.MaxBundleBytes+1) + `"}`
	en.do("POST", "/api/v1/templates/install", en.admin, huge, nil).expect(413)

	// Preview: the same version changes nothing; a v2 bundle lists its change.
	plan := en.do("POST", "/api/v1/apps/"+app+"/template/preview", en.admin, map[string]any{"key": "tasks"}, nil).expect(200)
	if ch, _ := plan.body["changes"].([]any); len(ch) != 0 {
		t.Errorf("preview of the installed version: %s", plan.raw)
	}
	v2 := bundle
	v2["template"].(map[string]any)["version"] = "2.0.0"
	tf := v2["forms"].([]any)[1].(map[string]any)["definition"].(map[string]any)
	tf["fields"] = append(tf["fields"].([]any), map[string]any{"key": "notes", "type": "textarea", "label": "备注"})
	plan = en.do("POST", "/api/v1/apps/"+app+"/template/preview", en.admin, map[string]any{"bundle": v2}, nil).expect(200)
	if !strings.Contains(string(plan.raw), `"path":"fields.notes"`) || plan.str("to") != "2.0.0" {
		t.Fatalf("preview = %s", plan.raw)
	}
	en.do("POST", "/api/v1/apps/"+app+"/template/preview", member, map[string]any{"bundle": v2}, nil).expect(403)
	up := en.do("POST", "/api/v1/apps/"+app+"/template/upgrade", en.admin, map[string]any{"bundle": v2}, nil).expect(200)
	if up.str("version") != "2.0.0" || up.num("applied") != 1 {
		t.Fatalf("upgrade = %s", up.raw)
	}
	// The user relabels a field the next version relabels too: a conflict.
	formsRes := en.do("GET", "/api/v1/apps/"+app+"/forms", en.admin, nil, nil).expect(200)
	var task map[string]any
	for _, it := range formsRes.body["items"].([]any) {
		if m := it.(map[string]any); m["name"] == "任务" {
			task = m
		}
	}
	draft := task["draft"].(map[string]any)
	draft["fields"].([]any)[0].(map[string]any)["label"] = "我的任务名"
	saved := en.do("PUT", "/api/v1/forms/"+task["id"].(string), en.admin, map[string]any{"name": "任务", "definition": draft, "version": task["version"]}, nil).expect(200)
	en.do("POST", "/api/v1/forms/"+task["id"].(string)+"/publish", en.admin, map[string]any{"version": saved.num("version")}, nil).expect(201)
	tf["fields"].([]any)[0].(map[string]any)["label"] = "模板的任务名"
	v2["template"].(map[string]any)["version"] = "3.0.0"
	plan = en.do("POST", "/api/v1/apps/"+app+"/template/preview", en.admin, map[string]any{"bundle": v2}, nil).expect(200)
	conflicts, _ := plan.body["conflicts"].([]any)
	if len(conflicts) != 1 {
		t.Fatalf("preview with a conflict: %s", plan.raw)
	}
	id := conflicts[0].(map[string]any)["id"].(string)
	res = en.do("POST", "/api/v1/apps/"+app+"/template/upgrade", en.admin, map[string]any{"bundle": v2}, nil).expect(422)
	if !strings.Contains(string(res.raw), `"path":"resolutions.`+id+`"`) {
		t.Errorf("unresolved: %s", res.raw)
	}
	en.do("POST", "/api/v1/apps/"+app+"/template/upgrade", en.admin, map[string]any{"bundle": v2, "resolutions": map[string]string{id: "ours"}}, nil).expect(200)
	after := en.do("GET", "/api/v1/forms/"+task["id"].(string), en.admin, nil, nil).expect(200)
	if !strings.Contains(string(after.raw), "我的任务名") {
		t.Errorf("the user's label was not kept: %s", after.raw)
	}

	// An app not installed from a template has no installation.
	plain := en.do("POST", "/api/v1/apps", en.admin, map[string]any{"name": "空"}, nil).expect(201).str("id")
	en.do("GET", "/api/v1/apps/"+plain+"/template", en.admin, nil, nil).expect(404)
	res = en.do("POST", "/api/v1/apps/"+plain+"/template/preview", en.admin, map[string]any{"key": "tasks"}, nil).expect(422)
	if !strings.Contains(string(res.raw), "template_not_installed") {
		t.Errorf("preview of a plain app: %s", res.raw)
	}
	// The plain app exports too (keys from its names), and a conflict
	// left unresolved is refused.
	en.do("GET", "/api/v1/apps/"+plain+"/template/export", en.admin, nil, nil).expect(200)
	en.do("POST", "/api/v1/templates/install", en.admin, map[string]any{"key": "tasks", "bundle": bundle}, nil).expect(422)
}
