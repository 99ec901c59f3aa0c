package server_test

import (
	"fmt"
	"sync"
	"testing"
)

// eachServer runs fn on a server over SQLite and over the Mongo adapter
// against the in-process FerretDB.
func eachServer(t *testing.T, fn func(t *testing.T, en *env)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newEnv(t)) })
	t.Run("mongo", func(t *testing.T) {
		if testing.Short() {
			t.Skip("starts FerretDB")
		}
		fn(t, start(t, openMongo(t), t.TempDir()))
	})
}

// recordTotal counts a form's live records through the API.
func (en *env) recordTotal(form string) int64 {
	en.t.Helper()
	return en.do("POST", "/api/v1/forms/"+form+"/records/query", en.admin, map[string]any{"total": true}, nil).expect(200).num("total")
}

func TestIdempotencyKeyOnCreate(t *testing.T) {
	eachServer(t, func(t *testing.T, en *env) {
		form := en.publishedForm()
		path := "/api/v1/forms/" + form + "/records"
		key := map[string]string{"Idempotency-Key": "lead-42"}
		body := map[string]any{"data": map[string]any{"company": "甲公司", "amount": 1200}}
		first := en.do("POST", path, en.admin, body, key).expect(201)
		if first.header.Get("Idempotent-Replayed") != "" {
			t.Fatal("a first create is marked replayed")
		}
		again := en.do("POST", path, en.admin, body, key).expect(201)
		if string(again.raw) != string(first.raw) || again.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay:\n%s\n%s (%q)", first.raw, again.raw, again.header.Get("Idempotent-Replayed"))
		}
		other := en.do("POST", path, en.admin, map[string]any{"data": map[string]any{"company": "乙公司"}}, key).expect(422)
		if code := other.body["error"].(map[string]any)["code"]; code != "idempotency_key_reused" {
			t.Fatalf("another body: %s", other.raw)
		}
		bad := en.do("POST", path, en.admin, body, map[string]string{"Idempotency-Key": "", "Accept-Language": "zh-CN"}).expect(422)
		if fields := bad.body["error"].(map[string]any)["fields"].([]any); fields[0].(map[string]any)["code"] != "idempotency_key" {
			t.Fatalf("empty key: %s", bad.raw)
		}
		if n := en.recordTotal(form); n != 1 {
			t.Fatalf("%d records", n)
		}
		// Concurrent retries of one create make one record and all see it.
		var wg sync.WaitGroup
		ids := make([]string, 6)
		for i := range ids {
			wg.Go(func() {
				r := en.do("POST", path, en.admin, map[string]any{"data": map[string]any{"company": "并发"}}, map[string]string{"Idempotency-Key": "burst"})
				if r.status == 201 {
					ids[i] = r.str("id")
				}
			})
		}
		wg.Wait()
		for i := range ids {
			if ids[i] == "" || ids[i] != ids[0] {
				t.Fatalf("concurrent answers: %v", ids)
			}
		}
		if n := en.recordTotal(form); n != 2 {
			t.Fatalf("%d records after the burst", n)
		}
	})
}

func TestBulkCreateAndUpdate(t *testing.T) {
	eachServer(t, func(t *testing.T, en *env) {
		form := en.publishedForm()
		base := "/api/v1/forms/" + form + "/records/"
		res := en.do("POST", base+"bulk-create", en.admin, map[string]any{"items": []any{
			map[string]any{"data": map[string]any{"company": "甲"}},
			map[string]any{"data": map[string]any{"email": "not-an-email"}},
			map[string]any{"data": map[string]any{"company": "乙", "amount": 5}},
		}}, map[string]string{"Accept-Language": "en"}).expect(200)
		if res.num("succeeded") != 2 || res.num("failed") != 1 {
			t.Fatalf("counts: %s", res.raw)
		}
		items := res.body["items"].([]any)
		bad := items[1].(map[string]any)
		errFields := map[string]string{}
		for _, f := range bad["error"].(map[string]any)["fields"].([]any) {
			fm := f.(map[string]any)
			errFields[fm["path"].(string)] = fm["code"].(string)
			if fm["message"] == "" {
				t.Errorf("no message: %v", fm)
			}
		}
		if bad["ok"] != false || bad["index"] != 1.0 || errFields["company"] != "required" || errFields["email"] == "" {
			t.Fatalf("bad item: %v", bad)
		}
		first := items[0].(map[string]any)["record"].(map[string]any)
		third := items[2].(map[string]any)["record"].(map[string]any)
		if n := en.recordTotal(form); n != 2 {
			t.Fatalf("%d records, want 2", n)
		}
		up := en.do("POST", base+"bulk-update", en.admin, map[string]any{"items": []any{
			map[string]any{"id": first["id"], "version": 1, "data": map[string]any{"amount": 10}},
			map[string]any{"id": third["id"], "version": 7, "data": map[string]any{"amount": 20}},
		}}, nil).expect(200)
		ui := up.body["items"].([]any)
		if ui[0].(map[string]any)["record"].(map[string]any)["version"] != 2.0 {
			t.Fatalf("update item 0: %s", up.raw)
		}
		if e := ui[1].(map[string]any); e["id"] != third["id"] || e["error"].(map[string]any)["code"] != "conflict" {
			t.Fatalf("update item 1: %s", up.raw)
		}
		// More than 100 items is refused whole.
		var many []any
		for i := range 101 {
			many = append(many, map[string]any{"data": map[string]any{"company": fmt.Sprint(i)}})
		}
		over := en.do("POST", base+"bulk-create", en.admin, map[string]any{"items": many}, nil).expect(422)
		if f := over.body["error"].(map[string]any)["fields"].([]any)[0].(map[string]any); f["path"] != "items" || f["code"] != "max_items" {
			t.Fatalf("over the limit: %s", over.raw)
		}
		en.do("POST", base+"bulk-update", en.admin, map[string]any{"items": []any{}}, nil).expect(422)
		en.do("POST", base+"bulk-create", "", map[string]any{"items": many[:1]}, nil).expect(401)
		if n := en.recordTotal(form); n != 2 {
			t.Fatalf("%d records after refused requests", n)
		}
		// The OpenAPI document describes the header and the routes.
		doc := en.do("GET", "/api/v1/openapi.json", en.admin, nil, nil).expect(200)
		paths := doc.body["paths"].(map[string]any)
		create := paths["/api/v1/forms/{form}/records"].(map[string]any)["post"].(map[string]any)
		found := false
		for _, p := range create["parameters"].([]any) {
			found = found || p.(map[string]any)["name"] == "Idempotency-Key"
		}
		if !found || paths["/api/v1/forms/{form}/records/bulk-update"] == nil {
			t.Fatal("OpenAPI lacks Idempotency-Key or bulk-update")
		}
	})
}
