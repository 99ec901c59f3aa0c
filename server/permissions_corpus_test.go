package server_test

import (
	"cmp"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// The permission security corpus (issue 10): every route family crossed
// with every kind of actor, against a real server on SQLite and on the
// in-process FerretDB, checked against docs/permissions.md.
//
// The workspace it builds:
//
//   - departments 销售部 and, below it, 华东;
//   - own1 (in 华东) and own2 (no department) hold the role 销售, whose set
//     is "manage my own data" with budget read-only and secret hidden;
//   - viewer holds the role 查看: "view all data" with secret hidden;
//   - manager (in 销售部) is granted by name a set over the rows owned by
//     members of their departments and below (so own1's, not own2's), with
//     view, history, export, import, delete and bulk edit, secret hidden;
//   - appadmin administers the app; admin is the workspace admin;
//   - own1tok is an API token of own1 with the admin scope: a scope never
//     widens what the membership allows;
//   - none is a member no set is granted to; other is a member of another
//     workspace only; anon sends no credential.
//
// The form's secret_calc is a formula over secret that no set names: it
// must be hidden wherever secret is. Every secret value holds the marker
// X7Q, so an answer to a restricted actor must never contain it.

// corpusActors are the actors in the order their cases run.
var corpusActors = []string{"anon", "other", "none", "viewer", "own1", "own1tok", "own2", "manager", "appadmin", "admin"}

// privileged actors may see the hidden field.
var privileged = map[string]bool{"admin": true, "appadmin": true}

// secretMarker is in every hidden value (secret, its formula, the secret file).
const secretMarker = "X7Q"

// hiddenNames are the hidden fields' keys (as JSON strings) and labels: an
// answer to a restricted actor names none of them.
var hiddenNames = []string{`"secret"`, `"secret_calc"`, `"secret_file"`, "机密备注", "机密计算", "机密附件"}

// want is what one actor must get from a probe.
type want struct {
	status   int
	contains []string
	absent   []string
	capture  map[string]string
	// ids, when set, are the variables naming exactly the records paging
	// through the query (limit 2, cursor) must yield; the answer's total
	// must equal their number.
	ids []string
	// reveal: the actor may see the hidden values now (after a permission
	// change), so the default leak checks are off.
	reveal bool
	// like overrides the probe's like for this actor.
	like string
}

// unseen is the answer about a record to an actor who may not see it (no
// view on the form, or outside their view rows): 404, the very answer for
// a record that does not exist (docs/permissions.md: 404 for a record the
// actor may not see, 403 for an action refused on a record they can see).
func unseen(like string) want { return want{status: 404, like: like} }

// probe is one request made by several actors.
type probe struct {
	name    string
	method  string
	path    string
	body    any
	headers map[string]string
	// like: a request whose answer (by the same actor) must be identical,
	// so a record hidden by permission is indistinguishable from one that
	// does not exist.
	like string
	// echo: the answer may name a hidden field because the caller did (a
	// refused filter) or because it lists field access (permissions/me);
	// hidden values must still be absent.
	echo bool
	want map[string]want
}

// corpusCase is one actor's request of a probe.
type corpusCase struct {
	probe *probe
	actor string
	want  want
}

func flatten(probes []probe) []corpusCase {
	var out []corpusCase
	for i := range probes {
		p := &probes[i]
		for _, a := range corpusActors {
			if w, ok := p.want[a]; ok {
				out = append(out, corpusCase{probe: p, actor: a, want: w})
			}
		}
		for a := range p.want {
			if !contains(corpusActors, a) {
				panic("unknown actor " + a + " in " + p.name)
			}
		}
	}
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// st is a want of a bare status.
func st(status int, contains ...string) want { return want{status: status, contains: contains} }

// runCorpus runs the cases in order, each as a subtest, so one failure
// does not hide the others.
func runCorpus(t *testing.T, en *env, vars map[string]string, cases []corpusCase) {
	t.Helper()
	var failed []string
	for _, c := range cases {
		name := c.probe.name + "/" + c.actor
		if !t.Run(name, func(t *testing.T) { checkCase(t, en, vars, c) }) {
			failed = append(failed, name)
		}
	}
	if len(failed) > 0 {
		t.Logf("%d of %d cases failed:\n  %s", len(failed), len(cases), strings.Join(failed, "\n  "))
	}
}

// short cuts a body for a message.
func short(raw string) string {
	if r := []rune(raw); len(r) > 300 {
		return string(r[:300]) + "…"
	}
	return raw
}

func checkCase(t *testing.T, en *env, vars map[string]string, c corpusCase) {
	p, w := c.probe, c.want
	tok := vars["tok_"+c.actor]
	body := p.body
	if s, ok := body.(string); ok {
		body = fill(s, vars)
	} else if body != nil {
		if _, raw := body.([]byte); !raw {
			body = fillAny(body, vars)
		}
	}
	path := fill(p.path, vars)
	res := en.do(p.method, path, tok, body, p.headers)
	raw := string(res.raw)
	if res.status != w.status {
		t.Errorf("%s %s as %s: status %d, want %d: %s", p.method, path, c.actor, res.status, w.status, short(raw))
		return
	}
	var lacks, has []string
	for _, s := range w.contains {
		if s = fill(s, vars); !strings.Contains(raw, s) {
			lacks = append(lacks, s)
		}
	}
	absent := append([]string{}, w.absent...)
	if !privileged[c.actor] && !w.reveal {
		absent = append(absent, secretMarker)
		if !p.echo {
			absent = append(absent, hiddenNames...)
		}
	}
	for _, s := range absent {
		if s = fill(s, vars); strings.Contains(raw, s) {
			has = append(has, s)
		}
	}
	if len(lacks) > 0 || len(has) > 0 {
		t.Errorf("%s %s as %s: body lacks %q, has %q: %s", p.method, path, c.actor, lacks, has, short(raw))
	}
	if like := cmp.Or(w.like, p.like); like != "" {
		other := en.do(p.method, fill(like, vars), tok, body, p.headers)
		if other.status != res.status || string(other.raw) != raw {
			t.Errorf("as %s: the answer differs from the one for %s: %d %s vs %d %s", c.actor, fill(like, vars), res.status, short(raw), other.status, short(string(other.raw)))
		}
	}
	for name, key := range w.capture {
		switch v := dig(res.body, key).(type) {
		case string:
			vars[name] = v
		case float64:
			vars[name] = fmt.Sprint(int64(v))
		default:
			t.Errorf("as %s: no %q to capture in %s", c.actor, key, short(raw))
		}
	}
	if w.ids != nil {
		checkPaging(t, en, tok, path, body, vars, w.ids, res.num("total"))
	}
}

// checkPaging pages through a query (limit 2, following the cursor) and
// checks that it yields exactly the records named by ids and that the
// total the first answer gave equals their number.
func checkPaging(t *testing.T, en *env, tok, path string, body any, vars map[string]string, ids []string, total int64) {
	t.Helper()
	q, _ := body.(map[string]any)
	seen := map[string]bool{}
	cursor := ""
	for range 100 {
		page := map[string]any{}
		for k, v := range q {
			page[k] = v
		}
		page["limit"], page["total"] = 2, false
		if cursor != "" {
			page["cursor"] = cursor
		}
		res := en.do("POST", path, tok, page, nil)
		if res.status != 200 {
			t.Errorf("paging %s: %d %s", path, res.status, res.raw)
			return
		}
		items, _ := res.body["items"].([]any)
		for _, it := range items {
			id, _ := it.(map[string]any)["id"].(string)
			if seen[id] {
				t.Errorf("paging %s: %s twice", path, id)
			}
			seen[id] = true
		}
		if cursor = res.str("nextCursor"); cursor == "" {
			break
		}
	}
	// The same through offsets.
	byOffset := 0
	for off := 0; off < 200; off += 2 {
		page := map[string]any{}
		for k, v := range q {
			page[k] = v
		}
		page["limit"], page["offset"], page["total"] = 2, off, false
		res := en.do("POST", path, tok, page, nil)
		if res.status != 200 {
			t.Errorf("paging %s by offset: %d %s", path, res.status, res.raw)
			return
		}
		items, _ := res.body["items"].([]any)
		for _, it := range items {
			if id, _ := it.(map[string]any)["id"].(string); !seen[id] {
				t.Errorf("paging %s by offset: %s (%s) not seen through the cursor", path, id, nameOf(vars, id))
			}
		}
		byOffset += len(items)
		if len(items) < 2 {
			break
		}
	}
	if byOffset != len(seen) {
		t.Errorf("paging %s: %d records by offset, %d through the cursor", path, byOffset, len(seen))
	}
	wantIDs := map[string]bool{}
	for _, v := range ids {
		wantIDs[vars[v]] = true
	}
	for id := range seen {
		if !wantIDs[id] {
			t.Errorf("paging %s: record %s (%s) should not be visible", path, id, nameOf(vars, id))
		}
	}
	for id := range wantIDs {
		if !seen[id] {
			t.Errorf("paging %s: record %s (%s) missing", path, id, nameOf(vars, id))
		}
	}
	if total != int64(len(wantIDs)) || int64(len(seen)) != total {
		t.Errorf("paging %s: total %d, paged %d, want %d", path, total, len(seen), len(wantIDs))
	}
}

// nameOf finds the variable holding id, for messages.
func nameOf(vars map[string]string, id string) string {
	for k, v := range vars {
		if v == id && !strings.HasPrefix(k, "tok_") {
			return k
		}
	}
	return "?"
}

// corpusForm is the form the corpus runs on.
func corpusForm() map[string]any {
	return map[string]any{"name": "商机", "definition": map[string]any{"fields": []any{
		map[string]any{"key": "name", "type": "text", "label": "名称"},
		map[string]any{"key": "amount", "type": "number", "label": "金额"},
		map[string]any{"key": "budget", "type": "number", "label": "预算"},
		map[string]any{"key": "secret", "type": "text", "label": "机密备注"},
		map[string]any{"key": "secret_calc", "type": "formula", "label": "机密计算", "expression": `secret + "!"`},
		map[string]any{"key": "doc", "type": "attachment", "label": "附件"},
		map[string]any{"key": "secret_file", "type": "attachment", "label": "机密附件"},
	}}}
}

// corpusSetup builds the workspace described above and returns the
// variables the probes use: tok_<actor>, user ids, record ids, versions.
func corpusSetup(t *testing.T, en *env) map[string]string {
	t.Helper()
	vars := map[string]string{"tok_admin": en.admin, "ghost": "01m8m0arcm6v4fbdh22fzq60b0"}
	admin := func(method, path string, body any) *response {
		t.Helper()
		if s, ok := body.(string); ok {
			body = fill(s, vars)
		} else if body != nil {
			body = fillAny(body, vars)
		}
		return en.do(method, fill(path, vars), en.admin, body, nil)
	}
	as := func(who, method, path string, body any) *response {
		t.Helper()
		if body != nil {
			body = fillAny(body, vars)
		}
		return en.do(method, fill(path, vars), vars["tok_"+who], body, nil)
	}
	vars["deptSales"] = admin("POST", "/api/v1/departments", map[string]any{"name": "销售部"}).expect(201).str("id")
	vars["deptEast"] = admin("POST", "/api/v1/departments", map[string]any{"name": "华东", "parent": "{deptSales}"}).expect(201).str("id")
	for _, who := range []string{"other", "none", "viewer", "own1", "own2", "manager", "appadmin"} {
		vars["tok_"+who] = en.addMember(who + "@example.com")
		me := en.do("GET", "/api/v1/me", vars["tok_"+who], nil, nil).expect(200)
		vars[who+"User"] = dig(me.body, "user.id").(string)
		u := admin("GET", "/api/v1/users/"+vars[who+"User"], nil).expect(200)
		vars[who+"Member"], vars[who+"MV"] = u.str("memberId"), fmt.Sprint(u.num("memberVersion"))
	}
	for who, dept := range map[string]string{"own1": "{deptEast}", "manager": "{deptSales}"} {
		u := admin("PATCH", "/api/v1/users/{"+who+"User}", `{"departments":["`+dept+`"],"version":{`+who+`MV}}`).expect(200)
		vars[who+"MV"] = fmt.Sprint(u.num("memberVersion"))
	}
	// Department heads: only admins set them, to live members, at the version read.
	as("own1", "PUT", "/api/v1/departments/{deptSales}/heads", map[string]any{"heads": []any{"{own1User}"}, "version": 1}).expect(403)
	admin("PUT", "/api/v1/departments/{deptSales}/heads", map[string]any{"heads": []string{"nobody"}, "version": 1}).expect(422)
	if got := admin("PUT", "/api/v1/departments/{deptSales}/heads", map[string]any{"heads": []any{"{managerUser}"}, "version": 1}).expect(200).body; fmt.Sprint(dig(got, "heads")) != "["+vars["managerUser"]+"]" {
		t.Fatalf("department heads = %v", got)
	}
	admin("PUT", "/api/v1/departments/{deptSales}/heads", map[string]any{"heads": []string{}, "version": 1}).expect(409)
	// other: admin of a workspace of their own, no longer a member here.
	as("other", "POST", "/api/v1/workspaces", map[string]any{"name": "别家"}).expect(201)
	wsB := as("other", "GET", "/api/v1/workspaces", nil).expect(200)
	for _, w := range wsB.body["items"].([]any) {
		if id := w.(map[string]any)["id"].(string); id != en.ws {
			as("other", "POST", "/api/v1/me/workspace", map[string]any{"workspace": id}).expect(200)
		}
	}
	admin("DELETE", "/api/v1/users/{otherUser}", nil).expect(204)
	vars["tok_own1tok"] = as("own1", "POST", "/api/v1/tokens", map[string]any{"name": "ERP", "scopes": []any{"admin"}}).expect(201).str("token")

	vars["app"] = admin("POST", "/api/v1/apps", map[string]any{"name": "CRM"}).expect(201).str("id")
	vars["app2"] = admin("POST", "/api/v1/apps", map[string]any{"name": "其他"}).expect(201).str("id")
	publish := func(app string, def map[string]any) string {
		f := admin("POST", "/api/v1/apps/"+app+"/forms", def).expect(201)
		admin("POST", "/api/v1/forms/"+f.str("id")+"/publish", map[string]any{"version": f.num("version")}).expect(201)
		return f.str("id")
	}
	vars["form"] = publish(vars["app"], corpusForm())
	vars["form2"] = publish(vars["app2"], map[string]any{"name": "其他表", "definition": map[string]any{"fields": []any{
		map[string]any{"key": "name", "type": "text", "label": "名称"}}}})

	// A form of the same app whose lookup reads the hidden field through a
	// relation; nobody configures its permissions.
	vars["form3"] = publish(vars["app"], map[string]any{"name": "跟进", "definition": map[string]any{"fields": []any{
		map[string]any{"key": "title", "type": "text", "label": "标题"},
		map[string]any{"key": "link", "type": "relation", "label": "关联", "form": vars["form"], "displayField": "name"},
		map[string]any{"key": "leak", "type": "lookup", "label": "引用", "relation": "link", "lookupField": "secret"}}}})

	// Records, written by their owners while nobody configured the form.
	upload := func(who, name, content string) map[string]any {
		b, h := multipartFile(t, name, []byte(content), nil)
		r := en.do("POST", "/api/v1/files", vars["tok_"+who], b, h).expect(201)
		return map[string]any{"id": r.str("id"), "name": name, "size": r.num("size"), "contentType": r.str("contentType")}
	}
	doc := upload("own1", "contract.txt", "合同正文 plain text")
	vars["fDoc"] = doc["id"].(string)
	secretFile := upload("admin", "secret.txt", "X7Q-file plain text")
	vars["fSecret"] = secretFile["id"].(string)
	rec := func(who, v string, data map[string]any) {
		r := as(who, "POST", "/api/v1/forms/{form}/records", map[string]any{"data": data}).expect(201)
		vars[v], vars[v+"V"] = r.str("id"), fmt.Sprint(r.num("version"))
	}
	rec("own1", "r1", map[string]any{"name": "甲一", "amount": 10, "budget": 100, "secret": "X7Q-own1", "doc": []any{doc}})
	rec("own1", "r1b", map[string]any{"name": "甲二", "secret": "X7Q-own1b"})
	rec("own1", "rdel", map[string]any{"name": "甲三"})
	rec("own2", "r2", map[string]any{"name": "乙一", "secret": "X7Q-own2"})
	rec("admin", "r3", map[string]any{"name": "丙一", "secret": "X7Q-admin"})
	rec("manager", "rm", map[string]any{"name": "丁一", "secret": "X7Q-mgr"})
	// A change of the hidden field, so history has one to leave out.
	r := admin("PATCH", "/api/v1/forms/{form}/records/{r1}", map[string]any{"data": map[string]any{"secret": "X7Q-own1-v2", "amount": 11,
		"secret_file": []any{secretFile}}, "version": 1}).expect(200)
	vars["r1V"] = fmt.Sprint(r.num("version"))
	l := as("own1", "POST", "/api/v1/forms/{form3}/records", map[string]any{"data": map[string]any{"title": "跟进一", "link": "{r1}"}}).expect(201)
	if !strings.Contains(string(l.raw), "X7Q-own1-v2") {
		t.Fatalf("the lookup does not read the secret: %s", l.raw)
	}
	vars["l1"] = l.str("id")

	// Roles, access and permission sets.
	vars["roleView"] = admin("POST", "/api/v1/roles", map[string]any{"name": "查看"}).expect(201).str("id")
	vars["roleSales"] = admin("POST", "/api/v1/roles", map[string]any{"name": "销售"}).expect(201).str("id")
	access := func(who, roles, apps string) {
		m := admin("PUT", "/api/v1/members/{"+who+"Member}/access", `{"roles":`+roles+`,"adminApps":`+apps+`,"version":{`+who+`MV}}`).expect(200)
		vars[who+"MV"] = fmt.Sprint(m.num("version"))
	}
	access("viewer", `["{roleView}"]`, `[]`)
	access("own1", `["{roleSales}"]`, `[]`)
	access("own2", `["{roleSales}"]`, `[]`)
	access("appadmin", `[]`, `["{app}"]`)
	hidden := map[string]any{"secret": "hidden", "secret_file": "hidden"}
	set := func(v string, s map[string]any) {
		res := admin("POST", "/api/v1/forms/{form}/permissions/sets", `{"set":`+string(mustJSON(t, fillAny(s, vars)))+`,"version":{fpV}}`)
		if res.status != 201 {
			t.Fatalf("set %s: %d %s", v, res.status, res.raw)
		}
		vars[v], vars["fpV"] = dig(res.body, "set.id").(string), fmt.Sprint(res.num("version"))
		if vars["defaultSet"] == "" {
			vars["defaultSet"] = dig(res.body, "sets.0.id").(string)
		}
	}
	vars["fpV"] = "0"
	set("setView", map[string]any{"name": "查看", "preset": "view_all", "actions": []any{"record.view", "record.history", "record.export"},
		"fieldDefault": "view", "fields": hidden, "grants": []any{map[string]any{"kind": "role", "id": "{roleView}"}}})
	vars["fpV"] = fmt.Sprint(admin("DELETE", "/api/v1/forms/{form}/permissions/sets/{defaultSet}?version={fpV}", nil).expect(200).num("version"))
	set("setSales", map[string]any{"name": "销售", "preset": "manage_own",
		"actions":      []any{"record.view", "record.create", "record.edit", "record.delete", "record.restore", "record.history"},
		"fieldDefault": "edit", "fields": map[string]any{"secret": "hidden", "secret_file": "hidden", "budget": "view"},
		"rows":   map[string]any{"field": "ownedBy", "op": "eq", "value": "$me"},
		"grants": []any{map[string]any{"kind": "role", "id": "{roleSales}"}}})
	set("setDept", map[string]any{"name": "部门", "preset": "custom",
		"actions":      []any{"record.view", "record.history", "record.export", "record.import", "record.delete", "record.bulk_edit"},
		"fieldDefault": "edit", "fields": hidden,
		"rows":   map[string]any{"field": "ownedBy", "op": "in", "value": "$myDepartmentsAndBelow"},
		"grants": []any{map[string]any{"kind": "member", "id": "{managerUser}"}}})
	return vars
}

// all sets every actor of l to w.
func all(w want, l ...string) map[string]want {
	m := map[string]want{}
	for _, a := range l {
		m[a] = w
	}
	return m
}

// with adds entries to m.
func with(m map[string]want, more map[string]want) map[string]want {
	for k, v := range more {
		m[k] = v
	}
	return m
}

func csvImport(t *testing.T, content string) ([]byte, map[string]string) {
	return multipartFile(t, "import.csv", []byte(content), nil)
}

// corpusProbes are the probes, in order (later ones see earlier writes).
func corpusProbes(t *testing.T) []probe {
	rec := "/api/v1/forms/{form}/records"
	q := rec + "/query"
	secretFilter := map[string]any{"filter": map[string]any{"field": "secret", "op": "eq", "value": "X7Q-own2"}, "total": true}
	unknownField := st(422, `"code":"unknown_field"`)
	csvPlain, csvHdr := csvImport(t, "名称\n导入一\n")
	csvSecret, csvSecretHdr := csvImport(t, "名称,机密备注\n导入二,X7Q-imp\n")
	fileDoc := "/api/v1/files/{fDoc}?form={form}&record={r1}&field=doc"
	fileSecret := "/api/v1/files/{fSecret}?form={form}&record={r1}&field=secret_file"
	return []probe{
		// Pages, counts and totals.
		{name: "list with total", method: "GET", path: rec + "?total=true&limit=100", want: map[string]want{
			"anon": st(401), "other": st(404), "none": st(403),
			"viewer":   st(200, `"total":6`, "{r2}", "甲一"),
			"own1":     {status: 200, contains: []string{`"total":3`, "{r1}"}, absent: []string{"{r2}", "{r3}", "{rm}", "乙一"}},
			"own1tok":  {status: 200, contains: []string{`"total":3`, "{r1}"}, absent: []string{"{r2}", "{r3}", "{rm}", "乙一"}},
			"own2":     {status: 200, contains: []string{`"total":1`, "{r2}"}, absent: []string{"{r1}"}},
			"manager":  {status: 200, contains: []string{`"total":4`, "{r1}", "{rm}"}, absent: []string{"{r2}", "{r3}"}},
			"appadmin": st(200, `"total":6`, "X7Q-own1-v2", "X7Q-own1-v2!"),
			"admin":    st(200, `"total":6`, "X7Q-own1-v2"),
		}},
		{name: "query pages equal total", method: "POST", path: q, body: map[string]any{"total": true, "sort": []any{map[string]any{"field": "name"}}}, want: map[string]want{
			"anon": st(401), "other": st(404), "none": st(403),
			"viewer":   {status: 200, ids: []string{"r1", "r1b", "rdel", "r2", "r3", "rm"}},
			"own1":     {status: 200, ids: []string{"r1", "r1b", "rdel"}},
			"own1tok":  {status: 200, ids: []string{"r1", "r1b", "rdel"}},
			"own2":     {status: 200, ids: []string{"r2"}},
			"manager":  {status: 200, ids: []string{"r1", "r1b", "rdel", "rm"}},
			"appadmin": {status: 200, ids: []string{"r1", "r1b", "rdel", "r2", "r3", "rm"}},
		}},
		{name: "query by another's owner finds nothing", method: "POST", path: q,
			body: map[string]any{"filter": map[string]any{"field": "ownedBy", "op": "eq", "value": "{own2User}"}, "total": true}, want: map[string]want{
				"own1":    {status: 200, contains: []string{`"total":0`}, ids: []string{}},
				"manager": {status: 200, contains: []string{`"total":0`}, ids: []string{}},
				"admin":   {status: 200, contains: []string{`"total":1`}, ids: []string{"r2"}},
			}},
		{name: "query by id of a hidden record", method: "POST", path: q,
			body: map[string]any{"filter": map[string]any{"field": "id", "op": "in", "value": []any{"{r2}", "{r3}"}}, "total": true}, want: map[string]want{
				"own1":    {status: 200, contains: []string{`"total":0`}, ids: []string{}},
				"manager": {status: 200, contains: []string{`"total":0`}, ids: []string{}},
				"viewer":  {status: 200, contains: []string{`"total":2`}, ids: []string{"r2", "r3"}},
			}},
		// Filters and sorts on hidden fields are refused (an oracle otherwise).
		{name: "filter on a hidden field", method: "POST", path: q, body: secretFilter, echo: true, want: map[string]want{
			"anon": st(401), "other": st(404), "none": st(403),
			"viewer": unknownField, "own1": unknownField, "own1tok": unknownField, "own2": unknownField, "manager": unknownField,
			"appadmin": st(200, `"total":1`, "{r2}"), "admin": st(200, `"total":1`, "{r2}"),
		}},
		{name: "filter on a formula over a hidden field", method: "POST", path: q, echo: true,
			body: map[string]any{"filter": map[string]any{"field": "secret_calc", "op": "eq", "value": "X7Q-own2!"}}, want: map[string]want{
				"viewer": unknownField, "own1": unknownField, "manager": unknownField, "admin": st(200, "{r2}"),
			}},
		{name: "hidden field deep in a filter", method: "POST", path: q, echo: true,
			body: map[string]any{"filter": map[string]any{"or": []any{map[string]any{"field": "name", "op": "eq", "value": "x"},
				map[string]any{"not": map[string]any{"field": "secret", "op": "exists", "value": true}}}}}, want: map[string]want{
				"viewer": unknownField, "own1": unknownField, "manager": unknownField, "appadmin": st(200),
			}},
		{name: "sort on a hidden field", method: "POST", path: q, echo: true, body: map[string]any{"sort": []any{map[string]any{"field": "secret"}}}, want: map[string]want{
			"viewer": unknownField, "own1": unknownField, "manager": unknownField, "admin": st(200),
		}},
		{name: "GET sort on a hidden field", method: "GET", path: rec + "?sort=-secret", echo: true, want: map[string]want{
			"viewer": unknownField, "own1": unknownField, "appadmin": st(200),
		}},
		{name: "GET filter on a hidden field", method: "GET", path: rec + "?filter=" + url.QueryEscape(`{"field":"secret","op":"exists","value":true}`), echo: true, want: map[string]want{
			"viewer": unknownField, "own2": unknownField, "admin": st(200),
		}},
		// One record: BOLA by id, hidden fields absent.
		{name: "get own1's record", method: "GET", path: rec + "/{r1}", want: map[string]want{
			"anon": st(401), "other": st(404), "none": st(404),
			"viewer": st(200, "甲一", `"ownedBy":"{own1User}"`), "own1": st(200, "甲一", `"budget":100`), "own2": st(404),
			"manager": st(200, "甲一"), "appadmin": st(200, "X7Q-own1-v2", "X7Q-own1-v2!", "{fSecret}"), "admin": st(200, "X7Q-own1-v2"),
		}},
		{name: "hidden record is like a missing one", method: "GET", path: rec + "/{r2}", like: rec + "/{ghost}", want: map[string]want{
			"none": st(404), "own1": st(404), "own1tok": st(404), "manager": st(404),
		}},
		{name: "get own2's record", method: "GET", path: rec + "/{r2}", want: map[string]want{
			"other": st(404), "viewer": st(200, "乙一"), "own2": st(200, "乙一"), "admin": st(200, "X7Q-own2"),
		}},
		{name: "get the admin's record", method: "GET", path: rec + "/{r3}", want: map[string]want{
			"own1": st(404), "own2": st(404), "manager": st(404), "viewer": st(200, "丙一"),
		}},
		{name: "get the manager's record", method: "GET", path: rec + "/{rm}", want: map[string]want{
			"own1": st(404), "manager": st(200, "丁一"),
		}},
		// History: BOLA, and changes of hidden fields left out.
		{name: "history of own1's record", method: "GET", path: rec + "/{r1}/history", want: map[string]want{
			"anon": st(401), "other": st(404), "none": unseen(rec + "/{ghost}/history"),
			"viewer": st(200, `"amount"`), "own1": st(200, `"amount"`), "own2": st(404), "manager": st(200, `"amount"`),
			"appadmin": st(200, "X7Q-own1-v2"), "admin": st(200, "X7Q-own1-v2", `"secret"`),
		}},
		{name: "history of a hidden record is like a missing one", method: "GET", path: rec + "/{r2}/history", like: rec + "/{ghost}/history", want: map[string]want{
			"own1": st(404), "manager": st(404), "none": st(404),
		}},
		// Form versions, lookups and relations.
		{name: "form versions", method: "GET", path: "/api/v1/forms/{form}/versions", want: map[string]want{
			"anon": st(401), "other": st(404), "viewer": st(200, "名称"), "own1": st(200, "名称", "预算"), "manager": st(200, "名称"),
			"appadmin": st(200, "机密备注"), "admin": st(200, "机密备注", "机密计算"),
		}},
		{name: "form draft", method: "GET", path: "/api/v1/forms/{form}", want: map[string]want{
			"anon": st(401), "other": st(404), "viewer": st(200, "名称"), "own1": st(200, "名称", "预算"), "own1tok": st(200, "名称"), "manager": st(200, "名称"),
			"appadmin": st(200, "机密备注"), "admin": st(200, "机密备注", "机密计算"),
		}},
		{name: "lookup of a hidden field", method: "GET", path: "/api/v1/forms/{form3}/records/{l1}", want: map[string]want{
			"viewer": st(200, "跟进一"), "own1": st(200, "跟进一"), "own2": st(200, "跟进一"), "appadmin": st(200, "X7Q-own1-v2"),
		}},
		{name: "lookups in a page", method: "POST", path: "/api/v1/forms/{form3}/records/query", body: map[string]any{}, want: map[string]want{
			"viewer": st(200, "跟进一"), "own1": st(200, "跟进一"), "admin": st(200, "X7Q-own1-v2"),
		}},
		{name: "relation to a record one may not see", method: "POST", path: "/api/v1/forms/{form3}/records",
			body: map[string]any{"data": map[string]any{"title": "探测", "link": "{r2}"}}, want: map[string]want{
				"own1": st(422, `"path":"link"`, `"code":"not_found"`), "manager": st(422, `"path":"link"`),
			}},
		{name: "relation to an own record", method: "POST", path: "/api/v1/forms/{form3}/records",
			body: map[string]any{"data": map[string]any{"title": "跟进二", "link": "{r1}"}}, want: map[string]want{
				"own1": st(201, "跟进二"),
			}},
		// Edits: rows before, read-only and hidden fields refused per field.
		{name: "edit own record", method: "PATCH", path: rec + "/{r1}", body: `{"data":{"name":"甲一改"},"version":{r1V}}`, want: map[string]want{
			"anon": st(401), "other": st(404), "none": unseen(rec + "/{ghost}"), "viewer": st(403), "own2": st(404), "manager": st(403),
			"own1": {status: 200, contains: []string{"甲一改"}, capture: map[string]string{"r1V": "version"}},
		}},
		{name: "edit a read-only field", method: "PATCH", path: rec + "/{r1}", body: `{"data":{"budget":1},"version":{r1V}}`, want: map[string]want{
			"own1": st(422, `"path":"budget"`, `"code":"read_only_permission"`),
		}},
		{name: "edit a hidden field", method: "PATCH", path: rec + "/{r1}", echo: true, body: `{"data":{"secret":"mine"},"version":{r1V}}`, want: map[string]want{
			"own1": st(422, `"path":"secret"`, `"code":"read_only_permission"`), "own1tok": st(422, `"path":"secret"`, `"code":"read_only_permission"`),
		}},
		{name: "edit a hidden file field", method: "PATCH", path: rec + "/{r1}", echo: true, body: `{"data":{"secret_file":[]},"version":{r1V}}`, want: map[string]want{
			"own1": st(422, `"path":"secret_file"`, `"code":"read_only_permission"`),
		}},
		{name: "edit a formula over a hidden field", method: "PATCH", path: rec + "/{r1}", echo: true, body: `{"data":{"secret_calc":"x"},"version":{r1V}}`, want: map[string]want{
			"own1": st(422, `"path":"secret_calc"`),
		}},
		{name: "mass assignment is all or nothing", method: "PATCH", path: rec + "/{r1}", echo: true,
			body: `{"data":{"name":"偷改","budget":1,"secret":"mine"},"version":{r1V}}`, want: map[string]want{
				"own1": st(422, `"path":"budget"`, `"path":"secret"`),
			}},
		{name: "owner is not a writable field", method: "PATCH", path: rec + "/{r1}", body: `{"data":{"ownedBy":"{own2User}"},"version":{r1V}}`, want: map[string]want{
			"own1": st(422, `"path":"ownedBy"`),
		}},
		{name: "record unchanged after refusals", method: "GET", path: rec + "/{r1}", want: map[string]want{
			"admin": {status: 200, contains: []string{"甲一改", `"budget":100`, "X7Q-own1-v2", `"ownedBy":"{own1User}"`}, absent: []string{"偷改", "mine"}},
		}},
		{name: "edit another's record", method: "PATCH", path: rec + "/{r2}", body: `{"data":{"name":"x"},"version":{r2V}}`, like: rec + "/{ghost}", want: map[string]want{
			"own1": st(404), "manager": st(404),
		}},
		{name: "app admin edits the hidden field", method: "PATCH", path: rec + "/{r1}", body: `{"data":{"secret":"X7Q-own1-v3"},"version":{r1V}}`, want: map[string]want{
			"appadmin": {status: 200, contains: []string{"X7Q-own1-v3!"}, capture: map[string]string{"r1V": "version"}},
		}},
		// Creates: action, fields, rows.
		{name: "create", method: "POST", path: rec, body: map[string]any{"data": map[string]any{"name": "新建"}}, want: map[string]want{
			"anon": st(401), "other": st(404), "none": st(403), "viewer": st(403), "manager": st(403),
			"own1": {status: 201, contains: []string{`"ownedBy":"{own1User}"`}, capture: map[string]string{"rNew": "id"}},
		}},
		{name: "create with a hidden field", method: "POST", path: rec, echo: true, body: map[string]any{"data": map[string]any{"name": "新建", "secret": "mine"}}, want: map[string]want{
			"own1": st(422, `"path":"secret"`, `"code":"read_only_permission"`),
		}},
		{name: "create with a read-only field", method: "POST", path: rec, body: map[string]any{"data": map[string]any{"name": "新建", "budget": 5}}, want: map[string]want{
			"own1": st(422, `"path":"budget"`, `"code":"read_only_permission"`),
		}},
		{name: "create for someone else", method: "POST", path: rec, body: map[string]any{"data": map[string]any{"name": "新建", "ownedBy": "{own2User}"}}, want: map[string]want{
			"own1": st(422, `"path":"ownedBy"`),
		}},
		{name: "own1 sees the created record", method: "GET", path: rec + "?total=true", want: map[string]want{
			"own1": st(200, `"total":4`, "{rNew}"), "own2": st(200, `"total":1`),
		}},
		// Delete and restore.
		{name: "delete", method: "DELETE", path: rec + "/{rdel}", want: map[string]want{
			"anon": st(401), "other": st(404), "none": unseen(rec + "/{ghost}"), "viewer": st(403), "own2": st(404), "own1": st(204),
		}},
		{name: "recycle bin", method: "POST", path: q, body: map[string]any{"deleted": "only", "total": true}, want: map[string]want{
			"own1": {status: 200, ids: []string{"rdel"}}, "own2": {status: 200, ids: []string{}}, "viewer": {status: 200, ids: []string{"rdel"}},
		}},
		{name: "deleted record of another", method: "GET", path: rec + "/{rdel}", want: map[string]want{
			"own2": st(404), "viewer": st(200, `"deletedAt"`),
		}},
		{name: "restore", method: "POST", path: rec + "/{rdel}/restore", want: map[string]want{
			"anon": st(401), "other": st(404), "none": unseen(rec + "/{ghost}/restore"), "viewer": st(403), "own2": st(404), "own1": st(200, "甲三"),
		}},
		{name: "delete another's record", method: "DELETE", path: rec + "/{r2}", like: rec + "/{ghost}", want: map[string]want{
			"own1": st(404), "manager": st(404),
		}},
		// Bulk delete: bulk edit action, then the delete rows per record.
		{name: "bulk delete", method: "POST", path: rec + "/delete", body: map[string]any{"ids": []any{"{r1b}", "{r2}", "{r3}"}}, want: map[string]want{
			"anon": st(401), "other": st(404), "none": st(403), "viewer": st(403), "own1": st(403), "own2": st(403),
			"manager": {status: 200, contains: []string{`"succeeded":1`, `"failed":2`, `"code":"not_found"`}, absent: []string{`"code":"forbidden"`}},
		}},
		{name: "bulk delete left the others alone", method: "POST", path: q, body: map[string]any{"deleted": "only", "total": true}, want: map[string]want{
			"admin": {status: 200, ids: []string{"r1b"}},
		}},
		// Export: view rows, export action, hidden columns absent.
		{name: "export", method: "POST", path: rec + "/export", body: map[string]any{"format": "csv"}, want: map[string]want{
			"anon": st(401), "other": st(404), "none": st(403), "own1": st(403), "own1tok": st(403), "own2": st(403),
			"viewer":   st(200, "名称", "甲一改", "乙一", "丙一", "丁一"),
			"manager":  {status: 200, contains: []string{"名称", "甲一改", "丁一"}, absent: []string{"乙一", "丙一", "{r2}"}},
			"appadmin": st(200, "机密备注", "机密计算", "X7Q-own1-v3", "乙一"),
			"admin":    st(200, "机密备注", "X7Q-own2"),
		}},
		{name: "export of a hidden record by id", method: "POST", path: rec + "/export",
			body: map[string]any{"format": "csv", "filter": map[string]any{"field": "id", "op": "in", "value": []any{"{r2}", "{r3}"}}}, want: map[string]want{
				"manager": {status: 200, contains: []string{"名称"}, absent: []string{"乙一", "丙一", "{r2}", "{r3}"}},
			}},
		{name: "export filtered on a hidden field", method: "POST", path: rec + "/export", echo: true,
			body: map[string]any{"format": "csv", "filter": map[string]any{"field": "secret", "op": "exists", "value": true}}, want: map[string]want{
				"viewer": unknownField, "manager": unknownField,
			}},
		{name: "export sorted on a hidden field", method: "POST", path: rec + "/export", echo: true,
			body: map[string]any{"format": "csv", "sort": []any{map[string]any{"field": "secret_calc"}}}, want: map[string]want{
				"viewer": unknownField,
			}},
		// Import: action, every row's fields.
		{name: "import", method: "POST", path: rec + "/import", body: csvPlain, headers: csvHdr, want: map[string]want{
			"anon": st(401), "other": st(404), "none": st(403), "viewer": st(403), "own1": st(403),
			"manager": st(201, `"created":1`),
		}},
		{name: "import into a hidden column", method: "POST", path: rec + "/import", body: csvSecret, headers: csvSecretHdr, echo: true, want: map[string]want{
			"manager":  st(422, `"code":"read_only_permission"`),
			"appadmin": {status: 201, contains: []string{`"created":1`}},
		}},
		{name: "imported record is the manager's", method: "POST", path: q,
			body: map[string]any{"filter": map[string]any{"field": "name", "op": "eq", "value": "导入一"}, "total": true}, want: map[string]want{
				"manager": st(200, `"total":1`, `"ownedBy":"{managerUser}"`), "own1": st(200, `"total":0`),
			}},
		// Files follow the record they are attached to.
		{name: "file through its record", method: "GET", path: fileDoc, want: map[string]want{
			"anon": st(401), "other": st(404), "none": st(404), "viewer": st(200, "合同正文"), "own1": st(200, "合同正文"),
			"own2": st(404), "manager": st(200, "合同正文"), "appadmin": st(200, "合同正文"), "admin": st(200, "合同正文"),
		}},
		{name: "attached file without its record", method: "GET", path: "/api/v1/files/{fDoc}", want: map[string]want{
			"other": st(404), "viewer": st(404), "own2": st(404), "manager": st(404), "admin": st(200, "合同正文"),
		}},
		{name: "file through a record that does not list it", method: "GET", path: "/api/v1/files/{fDoc}?form={form}&record={r2}&field=doc", want: map[string]want{
			"own2": st(404), "viewer": st(404),
		}},
		{name: "file in a hidden field", method: "GET", path: fileSecret, want: map[string]want{
			"none": st(404), "viewer": st(404), "own1": st(404), "manager": st(404), "appadmin": st(200, "X7Q-file"), "admin": st(200, "X7Q-file"),
		}},
		{name: "hidden file through a visible field", method: "GET", path: "/api/v1/files/{fSecret}?form={form}&record={r1}&field=doc", want: map[string]want{
			"viewer": st(404), "own1": st(404),
		}},
		{name: "hidden file alone", method: "GET", path: "/api/v1/files/{fSecret}", want: map[string]want{
			"viewer": st(404), "own1": st(404), "admin": st(200, "X7Q-file"),
		}},
		// The effective permission.
		{name: "permissions/me", method: "GET", path: "/api/v1/forms/{form}/permissions/me", echo: true, want: map[string]want{
			"anon": st(401), "other": st(404),
			"none":     {status: 200, contains: []string{`"actions":[]`, `"name":"hidden"`, `"secret":"hidden"`, `"manage":false`}},
			"viewer":   {status: 200, contains: []string{`"record.view"`, `"record.export"`, `"name":"view"`, `"secret":"hidden"`, `"secret_calc":"hidden"`, `"secret_file":"hidden"`}, absent: []string{`"record.edit"`, `"record.create"`}},
			"own1":     {status: 200, contains: []string{`"record.edit"`, `"name":"edit"`, `"budget":"view"`, `"secret":"hidden"`, `"secret_calc":"hidden"`}, absent: []string{`"record.export"`, `"record.transfer"`, `"record.import"`}},
			"manager":  {status: 200, contains: []string{`"record.import"`, `"record.bulk_edit"`, `"secret":"hidden"`, `"secret_calc":"hidden"`}, absent: []string{`"record.edit"`}},
			"appadmin": st(200, `"record.transfer"`, `"secret":"edit"`, `"manage":true`),
			"admin":    st(200, `"secret":"edit"`, `"manage":true`),
		}},
		// Permission sets: workspace admins and the app's admins.
		{name: "read the permission sets", method: "GET", path: "/api/v1/forms/{form}/permissions", want: map[string]want{
			"anon": st(401), "other": st(404), "none": st(403), "viewer": st(403), "own1": st(403), "own1tok": st(403), "manager": st(403),
			"appadmin": {status: 200, contains: []string{"{setSales}"}, capture: map[string]string{"fpV": "version"}}, "admin": st(200, "{setView}"),
		}},
		{name: "add a permission set", method: "POST", path: "/api/v1/forms/{form}/permissions/sets",
			body: `{"set":{"name":"提权","actions":["record.view","record.edit"],"grants":[{"kind":"everyone"}]},"version":{fpV}}`, want: map[string]want{
				"anon": st(401), "other": st(404), "none": st(403), "viewer": st(403), "own1": st(403), "manager": st(403),
			}},
		{name: "app admin adds a set", method: "POST", path: "/api/v1/forms/{form}/permissions/sets",
			body: `{"set":{"name":"临时","actions":["record.view"],"grants":[]},"version":{fpV}}`, want: map[string]want{
				"appadmin": {status: 201, capture: map[string]string{"setTemp": "set.id", "fpV": "version"}},
			}},
		{name: "delete a permission set", method: "DELETE", path: "/api/v1/forms/{form}/permissions/sets/{setTemp}?version={fpV}", want: map[string]want{
			"other": st(404), "own1": st(403), "appadmin": {status: 200, capture: map[string]string{"fpV": "version"}},
		}},
		{name: "sets of another app", method: "GET", path: "/api/v1/forms/{form2}/permissions", want: map[string]want{
			"appadmin": st(403), "admin": st(200),
		}},
		{name: "replace a set of another workspace", method: "PUT", path: "/api/v1/forms/{form}/permissions/sets/{setSales}",
			body: `{"set":{"name":"x","actions":["record.view"],"grants":[{"kind":"everyone"}]},"version":{fpV}}`, want: map[string]want{
				"other": st(404), "own1": st(403),
			}},
		// Roles: listed by members, managed by workspace admins only.
		{name: "list roles", method: "GET", path: "/api/v1/roles", want: map[string]want{
			"anon": st(401), "other": {status: 200, absent: []string{"{roleSales}", "{roleView}"}},
			"none": st(200, "{roleSales}"), "viewer": st(200, "销售"), "appadmin": st(200, "查看"),
		}},
		{name: "create a role", method: "POST", path: "/api/v1/roles", body: map[string]any{"name": "财务"}, want: map[string]want{
			"anon": st(401), "own1": st(403), "own1tok": st(403), "manager": st(403), "appadmin": st(403), "admin": st(201, "财务"),
		}},
		{name: "rename a role", method: "PATCH", path: "/api/v1/roles/{roleSales}", body: map[string]any{"name": "x", "version": 1}, want: map[string]want{
			"other": st(404), "own1": st(403), "appadmin": st(403),
		}},
		{name: "delete a role", method: "DELETE", path: "/api/v1/roles/{roleSales}", want: map[string]want{
			"other": st(404), "appadmin": st(403), "admin": st(422, `"code":"in_use"`),
		}},
		{name: "grant oneself access", method: "PUT", path: "/api/v1/members/{own1Member}/access",
			body: `{"roles":["{roleSales}","{roleView}"],"adminApps":["{app}"],"version":{own1MV}}`, want: map[string]want{
				"anon": st(401), "other": st(404), "own1": st(403), "own1tok": st(403), "appadmin": st(403),
			}},
		// Transfer: the transfer action and the rows before.
		{name: "transfer", method: "POST", path: rec + "/transfer", body: map[string]any{"ids": []any{"{r1}"}, "owner": "{own2User}"}, want: map[string]want{
			"anon": st(401), "other": st(404), "none": st(403), "viewer": st(403), "own1": st(403), "own1tok": st(403), "manager": st(403),
		}},
		{name: "app admin transfers", method: "POST", path: rec + "/transfer", body: map[string]any{"ids": []any{"{rm}", "{ghost}"}, "owner": "{own2User}"}, want: map[string]want{
			"appadmin": st(200, `"succeeded":1`, `"failed":1`),
		}},
		{name: "the new owner sees it at once", method: "GET", path: rec + "/{rm}", want: map[string]want{
			"own2": st(200, "丁一", `"ownedBy":"{own2User}"`), "manager": st(404),
		}},
		{name: "history of the transfer", method: "GET", path: rec + "/{rm}/history", want: map[string]want{
			"own2": st(200, `"ownedBy"`, "{managerUser}", "{own2User}"),
		}},
	}
}

// changeProbes check that permission changes hold from the next request.
// Each is a change made by the admin followed by what actors see.
func changeProbes() []probe {
	rec := "/api/v1/forms/{form}/records"
	setView := func(fields string) string {
		return `{"set":{"name":"查看","preset":"view_all","actions":["record.view","record.history","record.export"],"fieldDefault":"view","fields":` + fields +
			`,"grants":[{"kind":"role","id":"{roleView}"}]},"version":{fpV}}`
	}
	capFP := map[string]string{"fpV": "version"}
	capMV := func(who string) map[string]string { return map[string]string{who + "MV": "version"} }
	return []probe{
		{name: "show the hidden field to viewers", method: "PUT", path: "/api/v1/forms/{form}/permissions/sets/{setView}", body: setView(`{"secret_file":"hidden"}`),
			want: map[string]want{"admin": {status: 200, capture: capFP}}},
		{name: "viewer sees it on the next request", method: "GET", path: rec + "/{r1}", want: map[string]want{
			"viewer": {status: 200, contains: []string{"X7Q-own1-v3", "X7Q-own1-v3!"}, reveal: true},
			"own1":   st(200, "甲一改"),
		}},
		{name: "hide it again", method: "PUT", path: "/api/v1/forms/{form}/permissions/sets/{setView}", body: setView(`{"secret":"hidden","secret_file":"hidden"}`),
			want: map[string]want{"admin": {status: 200, capture: capFP}}},
		{name: "viewer no longer sees it", method: "GET", path: rec + "/{r1}", want: map[string]want{"viewer": st(200, "甲一改")}},
		{name: "viewer export lacks it again", method: "POST", path: rec + "/export", body: map[string]any{"format": "csv"}, want: map[string]want{"viewer": st(200, "甲一改")}},
		{name: "take own1's role away", method: "PUT", path: "/api/v1/members/{own1Member}/access", body: `{"roles":[],"adminApps":[],"version":{own1MV}}`,
			want: map[string]want{"admin": {status: 200, capture: capMV("own1")}}},
		{name: "own1 without a role", method: "GET", path: rec + "/{r1}", want: map[string]want{"own1": st(404)}},
		{name: "own1 without a role lists nothing", method: "GET", path: rec, want: map[string]want{"own1": st(403)}},
		{name: "own1 without a role edits nothing", method: "PATCH", path: rec + "/{r1}", body: `{"data":{"name":"x"},"version":{r1V}}`, want: map[string]want{"own1": unseen(rec + "/{ghost}")}},
		{name: "give it back", method: "PUT", path: "/api/v1/members/{own1Member}/access", body: `{"roles":["{roleSales}"],"adminApps":[],"version":{own1MV}}`,
			want: map[string]want{"admin": {status: 200, capture: capMV("own1")}}},
		{name: "own1 with the role again", method: "GET", path: rec + "/{r1}", want: map[string]want{"own1": st(200, "甲一改")}},
		{name: "own1 leaves 华东", method: "PATCH", path: "/api/v1/users/{own1User}", body: `{"departments":[],"version":{own1MV}}`,
			want: map[string]want{"admin": {status: 200, capture: map[string]string{"own1MV": "memberVersion"}}}},
		{name: "the manager no longer sees own1's records", method: "GET", path: rec + "/{r1}", want: map[string]want{"manager": st(404), "own1": st(200)}},
		{name: "the manager's total follows", method: "POST", path: rec + "/query",
			body: map[string]any{"filter": map[string]any{"field": "ownedBy", "op": "eq", "value": "{own1User}"}, "total": true}, want: map[string]want{
				"manager": {status: 200, contains: []string{`"total":0`}, ids: []string{}}, "admin": {status: 200, ids: []string{"r1", "rdel", "rNew"}}}},
		{name: "own1 back in 华东", method: "PATCH", path: "/api/v1/users/{own1User}", body: `{"departments":["{deptEast}"],"version":{own1MV}}`,
			want: map[string]want{"admin": {status: 200, capture: map[string]string{"own1MV": "memberVersion"}}}},
		{name: "the manager sees them again", method: "GET", path: rec + "/{r1}", want: map[string]want{"manager": st(200, "甲一改")}},
		{name: "make none an app admin", method: "PUT", path: "/api/v1/members/{noneMember}/access", body: `{"roles":[],"adminApps":["{app}"],"version":{noneMV}}`,
			want: map[string]want{"admin": {status: 200, capture: capMV("none")}}},
		{name: "none as app admin", method: "GET", path: rec + "/{r1}", want: map[string]want{"none": {status: 200, contains: []string{"X7Q-own1-v3"}, reveal: true}}},
		{name: "none manages the sets", method: "GET", path: "/api/v1/forms/{form}/permissions", want: map[string]want{"none": {status: 200, reveal: true}}},
		{name: "take the app away", method: "PUT", path: "/api/v1/members/{noneMember}/access", body: `{"roles":[],"adminApps":[],"version":{noneMV}}`,
			want: map[string]want{"admin": {status: 200, capture: capMV("none")}}},
		{name: "none is back to nothing", method: "GET", path: rec + "/{r1}", want: map[string]want{"none": st(404)}},
		{name: "none manages no set", method: "GET", path: "/api/v1/forms/{form}/permissions", want: map[string]want{"none": st(403)}},
		{name: "delete the viewers' set", method: "DELETE", path: "/api/v1/forms/{form}/permissions/sets/{setView}?version={fpV}",
			want: map[string]want{"admin": {status: 200, capture: capFP}}},
		{name: "viewer sees nothing", method: "GET", path: rec + "/{r1}", want: map[string]want{"viewer": st(404), "own1": st(200)}},
		{name: "viewer lists nothing", method: "GET", path: rec, want: map[string]want{"viewer": st(403)}},
		{name: "viewer exports nothing", method: "POST", path: rec + "/export", body: map[string]any{"format": "csv"}, want: map[string]want{"viewer": st(403)}},
	}
}

func permissionCorpus(t *testing.T, en *env) {
	vars := corpusSetup(t, en)
	cases := append(flatten(corpusProbes(t)), flatten(changeProbes())...)
	if len(cases) < 100 {
		t.Fatalf("only %d cases", len(cases))
	}
	t.Logf("%d cases", len(cases))
	runCorpus(t, en, vars, cases)
}

// TestPermissionCorpus runs the corpus on SQLite.
func TestPermissionCorpus(t *testing.T) {
	permissionCorpus(t, newEnv(t))
}

// TestPermissionCorpusMongo runs the corpus on the MongoDB adapter over the
// in-process FerretDB (or FORMLOOM_TEST_MONGO_URI).
func TestPermissionCorpusMongo(t *testing.T) {
	if testing.Short() {
		t.Skip("starts FerretDB")
	}
	permissionCorpus(t, start(t, openMongo(t), t.TempDir()))
}
