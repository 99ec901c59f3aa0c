package server_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestUIClientMatchesOpenAPI checks that every request the browser app's
// typed client makes (ui/src/api/client.ts) is an operation of the OpenAPI
// document, so the client cannot drift from the server unnoticed.
func TestUIClientMatchesOpenAPI(t *testing.T) {
	src, err := os.ReadFile("../ui/src/api/client.ts")
	if err != nil {
		t.Fatal(err)
	}
	en := newEnv(t)
	res := en.do("GET", "/api/v1/openapi.json", en.admin, nil, nil).expect(200)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(res.raw, &doc); err != nil {
		t.Fatal(err)
	}
	// Documented operations with every path parameter written as {}.
	param := regexp.MustCompile(`\{[^}]+\}`)
	ops := map[string]bool{}
	for p, m := range doc.Paths {
		for method := range m {
			ops[strings.ToUpper(method)+" "+param.ReplaceAllString(p, "{}")] = true
		}
	}
	call := regexp.MustCompile("request<.*?>\\(\\s*'([A-Z]+)',\\s*[`']([^`']+)[`']")
	interp := regexp.MustCompile(`\$\{enc\([^)]*\)\}`)
	calls := call.FindAllStringSubmatch(string(src), -1)
	if len(calls) < 20 {
		t.Fatalf("found only %d client calls; has the client's shape changed?", len(calls))
	}
	for _, c := range calls {
		// Path parameters are ${enc(x)}; a query string, written literally or
		// built in another interpolation (${version ? `?version=…` : ''}), is
		// not part of the path.
		path := interp.ReplaceAllString(c[2], "{}")
		if i := strings.IndexAny(path, "?$"); i >= 0 {
			path = path[:i]
		}
		key := c[1] + " /api/v1" + path
		if !ops[key] {
			t.Errorf("the UI client calls %s %s, which the OpenAPI document does not describe", c[1], c[2])
		}
	}
}
