package server_test

import (
	"testing"
)

// TestPermissionRoutes walks the permission API of docs/permissions.md as a
// workspace admin: roles, a member's access, presets, a form's permission
// sets, the effective permission and the owner transfer.
func TestPermissionRoutes(t *testing.T) {
	en := newEnv(t)
	form := en.publishedForm()
	en.addMember("li@example.com")
	vars := map[string]string{"a": en.admin, "form": form}
	login := map[string]any{"email": "li@example.com", "password": memberPassword}
	run(t, en, vars, []step{
		{name: "member signs in", method: "POST", path: "/api/v1/auth/login", body: login, status: 200,
			capture: map[string]string{"li": "token", "liUser": "user.id"}},
		{name: "member of the workspace", method: "GET", path: "/api/v1/users/{liUser}", token: "a", status: 200,
			contains: []string{`"roles":[]`, `"adminApps":[]`}, capture: map[string]string{"liMember": "memberId", "liVersion": "memberVersion"}},
		{name: "no roles yet", method: "GET", path: "/api/v1/roles", token: "li", status: 200, contains: []string{`"items":[]`}},
		{name: "member cannot create a role", method: "POST", path: "/api/v1/roles", token: "li", body: map[string]any{"name": "销售"}, status: 403},
		{name: "create a role", method: "POST", path: "/api/v1/roles", token: "a", body: map[string]any{"name": "销售", "description": "一线"},
			status: 201, contains: []string{`"name":"销售"`}, capture: map[string]string{"role": "id", "roleVersion": "version"}},
		{name: "duplicate role name", method: "POST", path: "/api/v1/roles", token: "a", body: map[string]any{"name": "销售"},
			status: 422, contains: []string{`"path":"name"`, `"code":"role_name_taken"`, `A role named`}},
		{name: "rename the role", method: "PATCH", path: "/api/v1/roles/{role}", token: "a",
			body: `{"name":"销售代表","description":"一线","version":{roleVersion}}`, status: 200, contains: []string{`"name":"销售代表"`}},
		{name: "stale rename", method: "PATCH", path: "/api/v1/roles/{role}", token: "a",
			body: `{"name":"x","version":{roleVersion}}`, status: 409},
		{name: "member cannot give access", method: "PUT", path: "/api/v1/members/{liMember}/access", token: "li",
			body: `{"roles":["{role}"],"adminApps":[],"version":{liVersion}}`, status: 403},
		{name: "give the member the role", method: "PUT", path: "/api/v1/members/{liMember}/access", token: "a",
			body: `{"roles":["{role}"],"adminApps":[],"version":{liVersion}}`, status: 200, contains: []string{`"roles":["{role}"]`}},
		{name: "unknown role", method: "PUT", path: "/api/v1/members/{liMember}/access", token: "a",
			body: `{"roles":["01m8m0arcm6v4fbdh22fzq60b0"],"adminApps":[],"version":2}`, status: 422, contains: []string{`"path":"roles[0]"`}},
		{name: "the member shows the role", method: "GET", path: "/api/v1/users/{liUser}", token: "a", status: 200,
			contains: []string{`"roles":["{role}"]`}, capture: map[string]string{"liVersion": "memberVersion"}},
		{name: "a held role is in use", method: "DELETE", path: "/api/v1/roles/{role}", token: "a", status: 422, contains: []string{`"code":"in_use"`}},
		{name: "presets", method: "GET", path: "/api/v1/permission-presets", token: "li", status: 200,
			contains: []string{`"preset":"manage_own"`, `"value":"$me"`, `"preset":"view_all"`, `"fieldDefault":"view"`}},
		{name: "member cannot read the sets", method: "GET", path: "/api/v1/forms/{form}/permissions", token: "li", status: 403},
		{name: "default permissions", method: "GET", path: "/api/v1/forms/{form}/permissions", token: "a", status: 200,
			contains: []string{`"configured":false`, `"version":0`}},
		{name: "add a set", method: "POST", path: "/api/v1/forms/{form}/permissions/sets", token: "a",
			body: `{"set":{"name":"销售","preset":"manage_own","actions":["record.view","record.create","record.edit"],"fieldDefault":"edit","fields":{"notes":"hidden"},
				"rows":{"field":"ownedBy","op":"eq","value":"$me"},"grants":[{"kind":"role","id":"{role}"}]},"version":0}`,
			status: 201, contains: []string{`"configured":true`, `"set":{`, `"notes":"hidden"`}, capture: map[string]string{"set": "set.id", "default": "sets.0.id", "fpVersion": "version"}},
		{name: "the default set is kept", method: "GET", path: "/api/v1/forms/{form}/permissions", token: "a", status: 200,
			contains: []string{`"id":"{default}"`, `"kind":"everyone"`, `"id":"{set}"`}},
		{name: "a set needing view", method: "POST", path: "/api/v1/forms/{form}/permissions/sets", token: "a",
			body: `{"set":{"name":"x","actions":["record.edit"]},"version":{fpVersion}}`, status: 422, contains: []string{`"code":"permission_needs_view"`}},
		{name: "stale version", method: "POST", path: "/api/v1/forms/{form}/permissions/sets", token: "a",
			body: `{"set":{"name":"x","actions":["record.view"]},"version":0}`, status: 409},
		{name: "replace the set", method: "PUT", path: "/api/v1/forms/{form}/permissions/sets/{set}", token: "a",
			body: `{"set":{"name":"销售","actions":["record.view","record.create","record.edit","record.transfer"],"fields":{"notes":"hidden"},
				"rows":{"field":"ownedBy","op":"eq","value":"$me"},"grants":[{"kind":"role","id":"{role}"}]},"version":{fpVersion}}`,
			status: 200, contains: []string{`"record.transfer"`, `"preset":"custom"`}, capture: map[string]string{"fpVersion": "version"}},
		{name: "member's effective permission", method: "GET", path: "/api/v1/forms/{form}/permissions/me", token: "li", status: 200,
			contains: []string{`"form":"{form}"`, `"record.view"`, `"company":"`, `"manage":false`}},
		{name: "admin's effective permission", method: "GET", path: "/api/v1/forms/{form}/permissions/me", token: "a", status: 200,
			contains: []string{`"record.delete"`, `"notes":"edit"`, `"manage":true`}},
		{name: "unknown set", method: "PUT", path: "/api/v1/forms/{form}/permissions/sets/01m8m0arcm6v4fbdh22fzq60b0", token: "a",
			body: `{"set":{"name":"x","actions":["record.view"]},"version":{fpVersion}}`, status: 404},
		{name: "admin record", method: "POST", path: "/api/v1/forms/{form}/records", token: "a", body: map[string]any{"data": map[string]any{"company": "华为"}},
			status: 201, contains: []string{`"ownedBy":"`}, capture: map[string]string{"rec": "id"}},
		{name: "transfer to the member", method: "POST", path: "/api/v1/forms/{form}/records/transfer", token: "a",
			body: map[string]any{"ids": []any{"{rec}", "01m8m0arcm6v4fbdh22fzq60b0"}, "owner": "{liUser}"}, status: 200,
			contains: []string{`"succeeded":1`, `"failed":1`, `"code":"not_found"`}},
		{name: "transfer to nobody", method: "POST", path: "/api/v1/forms/{form}/records/transfer", token: "a",
			body: map[string]any{"ids": []any{"{rec}"}, "owner": "nobody"}, status: 422, contains: []string{`"path":"owner"`}},
		{name: "owner changed", method: "GET", path: "/api/v1/forms/{form}/records/{rec}", token: "a", status: 200,
			contains: []string{`"ownedBy":"{liUser}"`}},
		{name: "delete the set", method: "DELETE", path: "/api/v1/forms/{form}/permissions/sets/{set}?version={fpVersion}", token: "a", status: 200,
			absent: []string{`"{set}"`}},
		{name: "take the role away", method: "PUT", path: "/api/v1/members/{liMember}/access", token: "a",
			body: `{"roles":[],"adminApps":[],"version":{liVersion}}`, status: 200, contains: []string{`"roles":[]`}},
		{name: "delete the unused role", method: "DELETE", path: "/api/v1/roles/{role}", token: "a", status: 204},
		{name: "roles empty again", method: "GET", path: "/api/v1/roles", token: "a", status: 200, contains: []string{`"items":[]`}},
	})
}
