package server_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

var routeParam = regexp.MustCompile(`:([A-Za-z]+)`)

// publicRoutes answer without credentials: setup, login, health and the UI.
var publicRoutes = map[string]bool{
	"GET /healthz": true, "GET /readyz": true, "GET /api/v1/setup": true, "POST /api/v1/setup": true,
	"POST /api/v1/auth/login": true, "GET /": true, "GET /*": true,
	// The inbound webhook receiver: its URL token is the credential.
	"POST /api/v1/hooks/:id/:token": true,
	// A form's public link: its token is the credential (routes_public.go).
	"GET /api/v1/public/forms/:token": true, "POST /api/v1/public/forms/:token": true,
}

// TestProtectedRoutesNeedAuth walks the router: every route but the public
// ones answers 401 without credentials, in the one error shape.
func TestProtectedRoutesNeedAuth(t *testing.T) {
	en := newEnv(t)
	n := 0
	for _, r := range en.srv.App().GetRoutes(true) {
		key := r.Method + " " + r.Path
		if publicRoutes[key] {
			continue
		}
		n++
		path := routeParam.ReplaceAllString(r.Path, "01m8m0arcm6v4fbdh22fzq60b0")
		res := en.do(r.Method, path, "", `{}`, nil)
		if res.status != 401 || !strings.Contains(string(res.raw), `"code":"unauthenticated"`) {
			t.Errorf("%s without credentials: %d %s", key, res.status, res.raw)
		}
		res = en.do(r.Method, path, "fls_01m8m0arcm6v4fbdh22fzq60b0_forged", `{}`, nil)
		if res.status != 401 {
			t.Errorf("%s with a forged token: %d %s", key, res.status, res.raw)
		}
	}
	if n < 40 {
		t.Fatalf("only %d protected routes walked", n)
	}
}

// TestOpenAPIDocumentsEveryRoute checks that the OpenAPI document describes
// every registered route and nothing else.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	en := newEnv(t)
	res := en.do("GET", "/api/v1/openapi.json", en.admin, nil, nil).expect(200)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(res.raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	documented := 0
	for _, ops := range doc.Paths {
		documented += len(ops)
	}
	routes := en.srv.App().GetRoutes(true)
	for _, r := range routes {
		p := routeParam.ReplaceAllString(r.Path, "{$1}")
		p = strings.Replace(p, "*", "{path}", 1)
		op, ok := doc.Paths[p][strings.ToLower(r.Method)]
		if !ok {
			t.Errorf("%s %s is not documented", r.Method, r.Path)
			continue
		}
		if !strings.Contains(string(op), `"responses"`) || !strings.Contains(string(op), `"operationId"`) {
			t.Errorf("%s %s: incomplete operation %s", r.Method, r.Path, op)
		}
	}
	if documented != len(routes) {
		t.Errorf("%d operations documented, %d routes registered", documented, len(routes))
	}
}

// TestSystemEndpoints: health, readiness, metrics by route template, the UI page and request ids.
func TestSystemEndpoints(t *testing.T) {
	en := newEnv(t)
	en.do("GET", "/healthz", "", nil, nil).expect(200)
	if r := en.do("GET", "/readyz", "", nil, nil).expect(200); r.str("backend") != "sqlite" {
		t.Fatalf("readyz: %s", r.raw)
	}
	form := en.publishedForm()
	en.do("GET", "/api/v1/forms/"+form+"/records", en.admin, nil, nil).expect(200)
	m := en.do("GET", "/metrics", en.admin, nil, nil).expect(200)
	for _, want := range []string{`formloom_http_requests_total{method="GET",route="/api/v1/forms/:form/records",status="200"} 1`,
		`formloom_store_operation_duration_seconds_bucket{op="commit"`, `formloom_outbox_head_sequence`} {
		if !strings.Contains(string(m.raw), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	ui := en.do("GET", "/apps/x/forms", "", nil, nil).expect(200)
	if !strings.Contains(string(ui.raw), "UI is not built") || ui.header.Get("X-Request-ID") == "" || ui.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("ui page: %v %s", ui.header, ui.raw)
	}
	if r := en.do("GET", "/healthz", "", nil, map[string]string{"X-Request-ID": "abc-123"}); r.header.Get("X-Request-ID") != "abc-123" {
		t.Fatal("request id not echoed")
	}
}
