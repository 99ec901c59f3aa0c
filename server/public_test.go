package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

// publicForm is an app with a lead-like form published over HTTP; it
// returns the form id.
func publicForm(t *testing.T, en *env) string {
	t.Helper()
	app := en.do("POST", "/api/v1/apps", en.admin, map[string]any{"name": "获客"}, nil).expect(201).str("id")
	def := map[string]any{"fields": []any{
		map[string]any{"key": "company", "type": "text", "label": "公司", "required": true, "maxLength": 40},
		map[string]any{"key": "phone", "type": "phone", "label": "电话", "unique": true},
		map[string]any{"key": "email", "type": "email", "label": "邮箱"},
		map[string]any{"key": "budget", "type": "number", "label": "预算", "min": 0},
		map[string]any{"key": "source", "type": "select", "label": "来源", "default": "web",
			"options": []any{map[string]any{"value": "web", "label": "官网"}, map[string]any{"value": "ad", "label": "广告"}}},
		map[string]any{"key": "internal_note", "type": "textarea", "label": "内部备注（机密）"},
		map[string]any{"key": "owner", "type": "user", "label": "负责人"},
	}}
	f := en.do("POST", "/api/v1/apps/"+app+"/forms", en.admin, map[string]any{"name": "线索", "definition": def}, nil).expect(201)
	en.do("POST", "/api/v1/forms/"+f.str("id")+"/publish", en.admin, map[string]any{"version": f.num("version")}, nil).expect(201)
	return f.str("id")
}

func fieldCodes(r *response) map[string]string {
	out := map[string]string{}
	e, _ := r.body["error"].(map[string]any)
	list, _ := e["fields"].([]any)
	for _, x := range list {
		m, _ := x.(map[string]any)
		out[m["path"].(string)] = m["code"].(string) + ": " + m["message"].(string)
	}
	return out
}

func TestPublicLinkOverHTTP(t *testing.T) {
	en := startWebhooks(t)
	form := publicForm(t, en)
	link := "/api/v1/forms/" + form + "/public-link"
	zh := map[string]string{"Accept-Language": "zh-CN"}
	enl := map[string]string{"Accept-Language": "en"}

	// No link yet; a member who may not design the form cannot see or set one.
	en.do("GET", link, en.admin, nil, nil).expect(404)
	member := en.addMember("rep@example.com")
	en.do("PUT", link, member, map[string]any{"fields": []string{"company"}}, nil).expect(403)

	// Bad settings, each at its field, in both languages.
	r := en.do("PUT", link, en.admin, map[string]any{"fields": []string{"phone", "owner", "nope", "phone"}, "perIpHour": 5000, "enabled": true}, zh).expect(422)
	got := fieldCodes(r)
	for p, code := range map[string]string{"fields.1": "public_field_type", "fields.2": "webhook_mapping", "fields.3": "template_duplicate",
		"fields": "public_required_hidden", "perIpHour": "public_limit"} {
		if !strings.HasPrefix(got[p], code) {
			t.Errorf("%s: want %s, got %v", p, code, got)
		}
	}
	if !strings.Contains(got["fields"], "「公司」") {
		t.Errorf("zh-CN message: %v", got)
	}
	r = en.do("PUT", link, en.admin, map[string]any{"fields": []string{"owner", "company"}}, enl).expect(422)
	if got := fieldCodes(r); !strings.Contains(got["fields.0"], "cannot be on a public form") {
		t.Errorf("en message: %v", got)
	}

	// Saved switched off: no token yet, the page is not there.
	r = en.do("PUT", link, en.admin, map[string]any{"fields": []string{"company", "phone", "email", "budget"}, "title": "联系我们",
		"thanks": "感谢，我们会尽快联系您", "perIpHour": 6}, nil).expect(200)
	if r.body["enabled"] != false || r.body["hasToken"] != false || r.body["token"] != nil {
		t.Fatalf("saved off: %s", r.raw)
	}
	// Enabling makes the token, shown this once with the page's address.
	r = en.do("PUT", link, en.admin, map[string]any{"fields": []string{"company", "phone", "email", "budget"}, "title": "联系我们",
		"thanks": "感谢，我们会尽快联系您", "perIpHour": 6, "enabled": true, "version": r.num("version")}, nil).expect(200)
	token := r.str("token")
	if len(token) < 30 || !strings.HasSuffix(r.str("url"), "/p/"+token) {
		t.Fatalf("enabled: %s", r.raw)
	}
	if again := en.do("GET", link, en.admin, nil, nil).expect(200); strings.Contains(string(again.raw), token) || again.body["hasToken"] != true {
		t.Fatalf("the settings show the token: %s", again.raw)
	}
	// Stored only as its hash.
	doc, err := en.st.Get(context.Background(), "webhook_public_links", "pl_"+form)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(doc.Data)
	sum := sha256.Sum256([]byte(token))
	if strings.Contains(string(raw), token) || !strings.Contains(string(raw), hex.EncodeToString(sum[:])) {
		t.Fatalf("stored link: %s", raw)
	}

	// The page's design, without signing in: only the chosen fields, no ids
	// or internals.
	pub := "/api/v1/public/forms/" + token
	r = en.do("GET", pub, "", nil, nil).expect(200)
	if r.str("title") != "联系我们" || r.str("honeypot") != "website" {
		t.Fatalf("public form: %s", r.raw)
	}
	fields, _ := r.body["fields"].([]any)
	if len(fields) != 4 {
		t.Fatalf("public fields: %s", r.raw)
	}
	for _, leak := range []string{form, en.ws, "internal_note", "内部备注", "owner", "负责人", "来源"} {
		if strings.Contains(string(r.raw), leak) {
			t.Errorf("the public form shows %q: %s", leak, r.raw)
		}
	}
	// The token reaches nothing else.
	for _, p := range []string{"/api/v1/forms/" + form, "/api/v1/forms/" + form + "/records", link} {
		if res := en.do("GET", p, token, nil, nil); res.status != 401 {
			t.Errorf("GET %s with the public token: %d", p, res.status)
		}
	}
	en.do("GET", "/api/v1/public/forms/"+strings.Repeat("a", 32), "", nil, nil).expect(404)

	// Bad input per field (zh-CN, en), nothing written.
	r = en.do("POST", pub, "", map[string]any{"values": map[string]any{"company": strings.Repeat("长", 41), "email": "not-an-email",
		"budget": -3, "internal_note": "x"}}, zh).expect(422)
	got = fieldCodes(r)
	for _, p := range []string{"internal_note"} {
		if !strings.HasPrefix(got[p], "public_unknown_field") {
			t.Errorf("%s: %v", p, got)
		}
	}
	r = en.do("POST", pub, "", map[string]any{"values": map[string]any{"company": strings.Repeat("长", 41), "email": "not-an-email", "budget": -3}}, zh).expect(422)
	got = fieldCodes(r)
	for _, p := range []string{"company", "email", "budget"} {
		if got[p] == "" {
			t.Errorf("no error on %s: %v", p, got)
		}
	}
	r = en.do("POST", pub, "", map[string]any{"values": map[string]any{"email": "x@example.com"}}, enl).expect(422)
	if got := fieldCodes(r); got["company"] == "" {
		t.Errorf("en required: %v", got)
	}
	page := en.do("GET", "/api/v1/forms/"+form+"/records?total=true", en.admin, nil, nil).expect(200)
	if n, _ := page.body["total"].(float64); n != 0 {
		t.Fatalf("bad input wrote records: %s", page.raw)
	}

	// The honeypot: answers like a success, writes nothing.
	r = en.do("POST", pub, "", map[string]any{"values": map[string]any{"company": "机器人公司"}, "website": "http://spam.example"}, nil).expect(201)
	if r.body["ok"] != true {
		t.Fatalf("honeypot answer: %s", r.raw)
	}
	// A real submission: written through the pipeline (defaults, history
	// with source public), the thank-you message answered.
	r = en.do("POST", pub, "", map[string]any{"values": map[string]any{"company": "华星科技", "phone": "13800138000", "budget": 50000}, "website": ""}, nil).expect(201)
	if r.str("thanks") != "感谢，我们会尽快联系您" || r.body["record"] != nil {
		t.Fatalf("submit: %s", r.raw)
	}
	page = en.do("GET", "/api/v1/forms/"+form+"/records?total=true", en.admin, nil, nil).expect(200)
	items, _ := page.body["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("records after the honeypot and a submission: %s", page.raw)
	}
	rec := items[0].(map[string]any)
	vals := rec["data"].(map[string]any)
	if vals["company"] != "华星科技" || vals["source"] != "web" {
		t.Fatalf("record: %v", rec)
	}
	hist := en.do("GET", "/api/v1/forms/"+form+"/records/"+rec["id"].(string)+"/history", en.admin, nil, nil).expect(200)
	if !strings.Contains(string(hist.raw), `"source":"public"`) {
		t.Fatalf("history: %s", hist.raw)
	}
	// The unique field's duplicate rule applies.
	r = en.do("POST", pub, "", map[string]any{"values": map[string]any{"company": "华星科技二部", "phone": "13800138000"}}, zh).expect(422)
	if got := fieldCodes(r); !strings.HasPrefix(got["phone"], "unique") {
		t.Fatalf("duplicate: %v", got)
	}
	// Every call counts (bad ones too): six this hour from this address
	// (perIpHour 6), the seventh is 429.
	r = en.do("POST", pub, "", map[string]any{"values": map[string]any{"company": "第五次"}}, zh).expect(429)
	if r.header.Get("Retry-After") == "" {
		t.Fatalf("429 without Retry-After")
	}
	// Too large a body.
	en.do("POST", pub, "", `{"values":{"company":"`+strings.Repeat("x", 70<<10)+`"}}`, map[string]string{"Content-Type": "application/json"}).expect(413)

	// Rotating: the old token is 404 at once, the new one works.
	r = en.do("POST", link+"/rotate", en.admin, nil, nil).expect(200)
	fresh := r.str("token")
	if fresh == "" || fresh == token {
		t.Fatalf("rotate: %s", r.raw)
	}
	en.do("GET", pub, "", nil, nil).expect(404)
	en.do("POST", pub, "", map[string]any{"values": map[string]any{"company": "旧链接"}}, nil).expect(404)
	en.do("GET", "/api/v1/public/forms/"+fresh, "", nil, nil).expect(200)
	// Disabled: 404; deleted: 404.
	cur := en.do("GET", link, en.admin, nil, nil).expect(200)
	en.do("PUT", link, en.admin, map[string]any{"fields": []string{"company"}, "enabled": false, "version": cur.num("version")}, nil).expect(200)
	en.do("GET", "/api/v1/public/forms/"+fresh, "", nil, nil).expect(404)
	en.do("DELETE", link, en.admin, nil, nil).expect(204)
	en.do("GET", link, en.admin, nil, nil).expect(404)
	en.do("GET", "/api/v1/public/forms/"+fresh, "", nil, nil).expect(404)
}

func TestPublicLinkSubmissionLimit(t *testing.T) {
	en := startWebhooks(t)
	form := publicForm(t, en)
	r := en.do("PUT", "/api/v1/forms/"+form+"/public-link", en.admin, map[string]any{"fields": []string{"company"}, "presets": map[string]any{"company": "x", "owner": "u", "nope": 1, "source": "电视"}}, nil).expect(422)
	got := fieldCodes(r)
	for p, code := range map[string]string{"presets.company": "public_preset_shown", "presets.owner": "public_field_type", "presets.nope": "webhook_mapping",
		"presets.source": "option"} {
		if !strings.HasPrefix(got[p], code) {
			t.Errorf("%s: want %s, got %v", p, code, got)
		}
	}
	r = en.do("PUT", "/api/v1/forms/"+form+"/public-link", en.admin, map[string]any{"fields": []string{"company"}, "maxSubmissions": 1, "enabled": true,
		"presets": map[string]any{"source": "ad"}}, nil).expect(200)
	pub := "/api/v1/public/forms/" + r.str("token")
	if f := en.do("GET", pub, "", nil, nil).expect(200); strings.Contains(string(f.raw), "source") {
		t.Fatalf("the public form shows a preset: %s", f.raw)
	}
	en.do("POST", pub, "", map[string]any{"values": map[string]any{"company": "一号"}}, nil).expect(201)
	page := en.do("GET", "/api/v1/forms/"+form+"/records", en.admin, nil, nil).expect(200)
	if items, _ := page.body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["data"].(map[string]any)["source"] != "ad" {
		t.Fatalf("preset not written: %s", page.raw)
	}
	r = en.do("POST", pub, "", map[string]any{"values": map[string]any{"company": "二号"}}, map[string]string{"Accept-Language": "zh-CN"}).expect(410)
	if e, _ := r.body["error"].(map[string]any); e["message"] != "此表单已停止收集" {
		t.Fatalf("closed: %s", r.raw)
	}
	if l := en.do("GET", "/api/v1/forms/"+form+"/public-link", en.admin, nil, nil).expect(200); l.num("submissions") != 1 {
		t.Fatalf("count: %s", l.raw)
	}
}

func TestInboundRotateOverHTTP(t *testing.T) {
	en := startWebhooks(t)
	form := publicForm(t, en)
	r := en.do("POST", "/api/v1/webhooks/inbound", en.admin, map[string]any{"form": form, "name": "落地页", "enabled": false,
		"mapping": map[string]any{"company": "payload.company"}}, nil).expect(201)
	id, old := r.body["hook"].(map[string]any)["id"].(string), r.str("token")
	r = en.do("POST", "/api/v1/webhooks/inbound/"+id+"/rotate", en.admin, nil, nil).expect(200)
	url := r.str("url")
	if r.str("token") == "" || r.str("token") == old || r.body["hook"].(map[string]any)["enabled"] != true {
		t.Fatalf("rotate: %s", r.raw)
	}
	en.do("POST", "/api/v1/hooks/"+id+"/"+old, "", map[string]any{"company": "旧"}, nil).expect(404)
	en.do("POST", url[strings.Index(url, "/api/v1/hooks/"):], "", map[string]any{"company": "新"}, nil).expect(200)
}
