package server_test

import (
	"testing"
)

// TestWorkspaceIsolation is the regression table of the cross-workspace
// probe (issue 8, C1): a signed-in user creates workspace B, becomes its
// admin, and tries to read workspace A's data through a relation, a lookup
// and a submit rule, and through the record, export and import endpoints.
func TestWorkspaceIsolation(t *testing.T) {
	en := newEnv(t)
	zh := map[string]string{"Accept-Language": "zh-CN"}
	en.addMember("probe@example.com")
	probe := en.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "probe@example.com", "password": memberPassword}, nil).expect(200).str("token")
	vars := map[string]string{"a": en.admin, "probe": probe}
	secret := map[string]any{"name": "机密", "definition": map[string]any{"fields": []any{
		map[string]any{"key": "name", "type": "text", "label": "名称"},
		map[string]any{"key": "secret", "type": "text", "label": "机密"}}}}
	probeForm := func(target string) map[string]any {
		return map[string]any{"name": "探测", "definition": map[string]any{"fields": []any{
			map[string]any{"key": "link", "type": "relation", "label": "关联", "form": target, "displayField": "name"},
			map[string]any{"key": "leak", "type": "lookup", "label": "引用", "relation": "link", "lookupField": "secret"}},
			"submitRules": []any{map[string]any{"expression": `leak != nil && !(leak startsWith "a")`, "field": "link",
				"message": map[string]any{"zh-CN": "命中", "en": "hit"}}}}}
	}
	csv, csvHdr := multipartFile(t, "a.csv", []byte("名称\n甲\n"), nil)
	run(t, en, vars, []step{
		// Workspace A: a form and a record with a secret.
		{name: "A: app", method: "POST", path: "/api/v1/apps", token: "a", body: map[string]any{"name": "A"}, status: 201, capture: map[string]string{"appA": "id"}},
		{name: "A: form", method: "POST", path: "/api/v1/apps/{appA}/forms", token: "a", body: secret, status: 201,
			capture: map[string]string{"formA": "id", "formAVersion": "version"}},
		{name: "A: publish", method: "POST", path: "/api/v1/forms/{formA}/publish", token: "a", body: `{"version":{formAVersion}}`, status: 201},
		{name: "A: record", method: "POST", path: "/api/v1/forms/{formA}/records", token: "a",
			body: map[string]any{"data": map[string]any{"name": "甲", "secret": "abc"}}, status: 201, capture: map[string]string{"recA": "id"}},
		// The probe creates workspace B and becomes its admin.
		{name: "B: create workspace", method: "POST", path: "/api/v1/workspaces", token: "probe", body: map[string]any{"name": "B"},
			status: 201, capture: map[string]string{"wsB": "id"}},
		{name: "B: switch", method: "POST", path: "/api/v1/me/workspace", token: "probe", body: map[string]any{"workspace": "{wsB}"},
			status: 200, contains: []string{`"role":"admin"`}},
		{name: "B: app", method: "POST", path: "/api/v1/apps", token: "probe", body: map[string]any{"name": "B"}, status: 201, capture: map[string]string{"appB": "id"}},
		// Publishing a relation and a lookup to A's form is refused, per field, localized.
		{name: "B: probe form", method: "POST", path: "/api/v1/apps/{appB}/forms", token: "probe", body: probeForm("{formA}"), status: 201,
			capture: map[string]string{"probeForm": "id", "probeVersion": "version"}},
		{name: "B: publish a relation to A", method: "POST", path: "/api/v1/forms/{probeForm}/publish", token: "probe", headers: zh,
			body: `{"version":{probeVersion}}`, status: 422,
			contains: []string{`"path":"fields[0].form"`, `"path":"fields[1].relation"`, `"code":"relation_foreign_form"`, "不在本工作区"}},
		{name: "B: publish a relation to A, in English", method: "POST", path: "/api/v1/forms/{probeForm}/publish", token: "probe",
			headers: map[string]string{"Accept-Language": "en"}, body: `{"version":{probeVersion}}`, status: 422,
			contains: []string{"not in this workspace"}},
		// A relation to B's own form: a write naming A's record is refused as
		// not found before the lookup and the rule run (the rule would say "hit").
		{name: "B: own form", method: "POST", path: "/api/v1/apps/{appB}/forms", token: "probe", body: secret, status: 201,
			capture: map[string]string{"formB": "id", "formBVersion": "version"}},
		{name: "B: publish own form", method: "POST", path: "/api/v1/forms/{formB}/publish", token: "probe", body: `{"version":{formBVersion}}`, status: 201},
		{name: "B: form linking B", method: "POST", path: "/api/v1/apps/{appB}/forms", token: "probe", body: probeForm("{formB}"), status: 201,
			capture: map[string]string{"linkB": "id", "linkBVersion": "version"}},
		{name: "B: publish linking B", method: "POST", path: "/api/v1/forms/{linkB}/publish", token: "probe", body: `{"version":{linkBVersion}}`, status: 201},
		{name: "B: write naming A's record", method: "POST", path: "/api/v1/forms/{linkB}/records", token: "probe",
			body: map[string]any{"data": map[string]any{"link": "{recA}"}}, status: 422,
			contains: []string{`"path":"link"`, `"code":"not_found"`}, absent: []string{`"code":"rule"`, "abc"}},
		// Every endpoint that reads A's form from B answers not found.
		{name: "B: read A's record", method: "GET", path: "/api/v1/forms/{formA}/records/{recA}", token: "probe", status: 404, absent: []string{"abc"}},
		{name: "B: query A's form", method: "POST", path: "/api/v1/forms/{formA}/records/query", token: "probe", body: map[string]any{}, status: 404},
		{name: "B: export A's form", method: "POST", path: "/api/v1/forms/{formA}/records/export", token: "probe", body: map[string]any{}, status: 404, absent: []string{"abc"}},
		{name: "B: import into A's form", method: "POST", path: "/api/v1/forms/{formA}/records/import", token: "probe", body: csv, headers: csvHdr, status: 404},
		{name: "B: write into A's form", method: "POST", path: "/api/v1/forms/{formA}/records", token: "probe",
			body: map[string]any{"data": map[string]any{"name": "乙"}}, status: 404},
		{name: "B: history of A's record", method: "GET", path: "/api/v1/forms/{formA}/records/{recA}/history", token: "probe", status: 404},
		{name: "B: A's form design", method: "GET", path: "/api/v1/forms/{formA}", token: "probe", status: 404},
		{name: "A: record unchanged", method: "POST", path: "/api/v1/forms/{formA}/records/query", token: "a", body: map[string]any{"total": true},
			status: 200, contains: []string{`"total":1`, `"secret":"abc"`}},
	})
}

// TestRecordInputEdges: broken text is refused per field (C5), numeric
// strings are accepted in number fields, and forms of an app in the recycle
// bin refuse writes.
func TestRecordInputEdges(t *testing.T) {
	en := newEnv(t)
	form := en.publishedForm()
	app := en.do("GET", "/api/v1/forms/"+form, en.admin, nil, nil).expect(200).str("app")
	vars := map[string]string{"a": en.admin, "form": form, "app": app}
	run(t, en, vars, []step{
		{name: "lone surrogate", method: "POST", path: "/api/v1/forms/{form}/records", token: "a", headers: map[string]string{"Accept-Language": "zh-CN"},
			body: `{"data":{"company":"华\ud800为","notes":"ok"}}`, status: 422,
			contains: []string{`"path":"company"`, `"code":"invalid_encoding"`, "编码"}},
		{name: "invalid UTF-8", method: "POST", path: "/api/v1/forms/{form}/records", token: "a",
			body: []byte("{\"data\":{\"company\":\"ok\",\"notes\":\"\xff\xfe\"}}"), status: 422,
			contains: []string{`"path":"notes"`, `"code":"invalid_encoding"`}},
		{name: "nothing stored", method: "POST", path: "/api/v1/forms/{form}/records/query", token: "a", body: map[string]any{"total": true},
			status: 200, contains: []string{`"total":0`}},
		{name: "numeric string", method: "POST", path: "/api/v1/forms/{form}/records", token: "a",
			body: map[string]any{"data": map[string]any{"company": "华为", "amount": "1200.50"}}, status: 201,
			contains: []string{`"amount":1200.5`}, capture: map[string]string{"rec": "id"}},
		{name: "not a number", method: "POST", path: "/api/v1/forms/{form}/records", token: "a",
			body: map[string]any{"data": map[string]any{"company": "华为", "amount": "1,200.50"}}, status: 422,
			contains: []string{`"path":"amount"`, `"code":"type"`}},
		{name: "app to the recycle bin", method: "DELETE", path: "/api/v1/apps/{app}", token: "a", status: 204},
		{name: "write to a form of a recycled app", method: "POST", path: "/api/v1/forms/{form}/records", token: "a",
			body: map[string]any{"data": map[string]any{"company": "腾讯"}}, status: 404},
		{name: "update in a recycled app", method: "PATCH", path: "/api/v1/forms/{form}/records/{rec}", token: "a",
			body: map[string]any{"data": map[string]any{"company": "腾讯"}, "version": 1}, status: 404},
		{name: "restore the app", method: "POST", path: "/api/v1/apps/{app}/restore", token: "a", status: 200},
		{name: "write again", method: "POST", path: "/api/v1/forms/{form}/records", token: "a",
			body: map[string]any{"data": map[string]any{"company": "腾讯"}}, status: 201},
	})
}
