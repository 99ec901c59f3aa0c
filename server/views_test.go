package server_test

import (
	"strings"
	"testing"
)

// Saved views through HTTP: a member saves a personal view, only admins
// share, another member never sees a personal view, errors name the field.
func TestSavedViews(t *testing.T) {
	en := newEnv(t)
	form := en.publishedForm()
	rep := en.addMember("rep@example.com")
	other := en.addMember("other@example.com")
	base := "/api/v1/forms/" + form + "/views"

	mine := en.do("POST", base, rep, map[string]any{"name": "华南大单", "config": map[string]any{
		"filter":  map[string]any{"and": []any{map[string]any{"field": "region", "op": "eq", "value": "华南"}, map[string]any{"field": "amount", "op": "gt", "value": 50000}}},
		"sort":    []any{map[string]any{"field": "amount", "desc": true}},
		"columns": []any{map[string]any{"key": "company", "width": 200}, map[string]any{"key": "amount"}}}}, nil).expect(201)
	id := mine.str("id")
	en.do("POST", base, rep, map[string]any{"name": "共享", "shared": true, "config": map[string]any{}}, nil).expect(403)
	en.do("POST", base, en.admin, map[string]any{"name": "看板", "shared": true, "config": map[string]any{"layout": "kanban", "kanban": map[string]any{"field": "stage", "sumField": "amount"}}}, nil).expect(201)

	bad := en.do("POST", base, rep, map[string]any{"name": "", "config": map[string]any{"layout": "kanban", "kanban": map[string]any{"field": "company"}}}, nil).expect(422)
	if s := string(bad.raw); !strings.Contains(s, `"path":"name"`) || !strings.Contains(s, `"path":"config.kanban.field"`) {
		t.Fatalf("errors: %s", s)
	}
	en.do("POST", base, rep, map[string]any{"name": "x", "config": map[string]any{"filter": map[string]any{"field": "amount", "op": "$gt", "value": 1}}}, nil).expect(422)

	if list := en.do("GET", base, rep, nil, nil).expect(200); len(list.body["items"].([]any)) != 2 {
		t.Fatalf("rep's views: %s", list.raw)
	}
	if list := en.do("GET", base, other, nil, nil).expect(200); len(list.body["items"].([]any)) != 1 {
		t.Fatalf("other's views: %s", list.raw)
	}
	en.do("GET", "/api/v1/views/"+id, other, nil, nil).expect(404)
	got := en.do("GET", "/api/v1/views/"+id, rep, nil, nil).expect(200)
	if dig(got.body, "config.columns") == nil {
		t.Fatalf("view: %s", got.raw)
	}
	en.do("PUT", "/api/v1/views/"+id, rep, map[string]any{"name": "大单", "config": map[string]any{}, "version": mine.num("version")}, nil).expect(200)
	en.do("PUT", "/api/v1/views/"+id, rep, map[string]any{"name": "大单", "config": map[string]any{}, "version": mine.num("version")}, nil).expect(409)
	en.do("DELETE", "/api/v1/views/"+id, other, nil, nil).expect(404)
	en.do("DELETE", "/api/v1/views/"+id, rep, nil, nil).expect(204)
	en.do("GET", "/api/v1/views/"+id, rep, nil, nil).expect(404)
}
