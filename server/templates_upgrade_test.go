package server_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// Through a real HTTP server: an installed template's form order is the
// app's and the admin rearranges it (a bad order is refused per position,
// zh-CN and en); an upgrade that drops a role lists and deletes it, and an
// admin's unpublished draft survives it, with the draft conflict resolved.
func TestTemplateUpgradeAPIRolesDraftsOrder(t *testing.T) {
	en := startTemplates(t)
	app := en.do("POST", "/api/v1/templates/install", en.admin, map[string]any{"key": "tasks"}, nil).expect(201).str("appId")
	formIDs := func() []string {
		var out []string
		res := en.do("GET", "/api/v1/apps/"+app+"/forms", en.admin, nil, nil).expect(200)
		for _, it := range res.body["items"].([]any) {
			out = append(out, it.(map[string]any)["id"].(string))
		}
		return out
	}
	ids := formIDs()
	a := en.do("GET", "/api/v1/apps/"+app, en.admin, nil, nil).expect(200)
	if got, _ := json.Marshal(a.body["formOrder"]); string(got) != `["`+ids[0]+`","`+ids[1]+`"]` {
		t.Fatalf("formOrder = %s, forms %v", got, ids)
	}
	for _, lang := range []struct{ accept, want string }{{"en", "appears more than once"}, {"zh-CN", "重复出现"}} {
		bad := en.do("PATCH", "/api/v1/apps/"+app, en.admin, map[string]any{"name": a.str("name"), "formOrder": []string{ids[0], ids[0], "nosuch"}, "version": a.num("version")},
			map[string]string{"Accept-Language": lang.accept}).expect(422)
		if !strings.Contains(string(bad.raw), `"path":"formOrder.1"`) || !strings.Contains(string(bad.raw), `"path":"formOrder.2"`) || !strings.Contains(string(bad.raw), lang.want) {
			t.Errorf("bad order (%s): %s", lang.accept, bad.raw)
		}
	}
	en.do("PATCH", "/api/v1/apps/"+app, en.admin, map[string]any{"name": a.str("name"), "formOrder": []string{ids[1], ids[0]}, "version": a.num("version")}, nil).expect(200)
	if got := formIDs(); got[0] != ids[1] || got[1] != ids[0] {
		t.Fatalf("forms after the rearrangement: %v", got)
	}

	// v2 drops the worker role (and the set granting it) and renames the task title.
	exp := en.do("GET", "/api/v1/apps/"+app+"/template/export", en.admin, nil, nil).expect(200)
	var v2 map[string]any
	if err := json.Unmarshal(exp.raw, &v2); err != nil {
		t.Fatal(err)
	}
	v2["template"].(map[string]any)["version"] = "2.0.0"
	var roles []any
	for _, r := range v2["roles"].([]any) {
		if r.(map[string]any)["key"] != "worker" {
			roles = append(roles, r)
		}
	}
	v2["roles"] = roles
	var task map[string]any
	for _, f := range v2["forms"].([]any) {
		fm := f.(map[string]any)
		switch fm["key"] {
		case "project":
			perms := fm["permissions"].(map[string]any)
			perms["sets"] = perms["sets"].([]any)[:1]
		case "task":
			task = fm
			fm["definition"].(map[string]any)["fields"].([]any)[0].(map[string]any)["label"] = "任务名称"
		}
	}
	if task == nil {
		t.Fatal("no task form in the export")
	}
	// The admin's draft renames the title too, differently, and is not published.
	taskID := ids[1]
	cur := en.do("GET", "/api/v1/forms/"+taskID, en.admin, nil, nil).expect(200)
	draft := cur.body["draft"].(map[string]any)
	draft["fields"].([]any)[0].(map[string]any)["label"] = "草稿里的标题"
	en.do("PUT", "/api/v1/forms/"+taskID, en.admin, map[string]any{"name": "任务", "definition": draft, "version": cur.num("version")}, nil).expect(200)

	plan := en.do("POST", "/api/v1/apps/"+app+"/template/preview", en.admin, map[string]any{"bundle": v2}, nil).expect(200)
	if !strings.Contains(string(plan.raw), `"kind":"roles","key":"worker","op":"remove"`) {
		t.Errorf("the plan does not remove the role: %s", plan.raw)
	}
	var conflicts []struct{ ID, Kind, Key, Path string }
	raw, _ := json.Marshal(plan.body["conflicts"])
	_ = json.Unmarshal(raw, &conflicts)
	if len(conflicts) != 1 || conflicts[0].Path != "draft.fields.title" {
		t.Fatalf("conflicts = %s", raw)
	}
	en.do("POST", "/api/v1/apps/"+app+"/template/upgrade", en.admin, map[string]any{"bundle": v2, "resolutions": map[string]string{conflicts[0].ID: "ours"}}, nil).expect(200)
	rl := en.do("GET", "/api/v1/roles", en.admin, nil, nil).expect(200)
	if strings.Contains(string(rl.raw), "项目成员") {
		t.Errorf("the dropped role is still there: %s", rl.raw)
	}
	after := en.do("GET", "/api/v1/forms/"+taskID, en.admin, nil, nil).expect(200)
	if !strings.Contains(string(after.raw), "草稿里的标题") {
		t.Errorf("the draft lost the admin's title: %s", after.raw)
	}
	if got := formIDs(); got[0] != ids[1] {
		t.Errorf("the upgrade lost the admin's form order: %v", got)
	}
}
