package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/auth"
	"github.com/formloom/formloom/builder"
	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/automation"
	"github.com/formloom/formloom/engine/blob"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/notify"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/workflow"
	"github.com/formloom/formloom/server"
)

// autoEnv is a server with automations, notifications and a running
// background-work runtime.
type autoEnv struct {
	*env
	rt *jobs.Runtime
}

// startAutomations runs a server over st with the automation and notify
// services wired and the runtime running until the test ends.
func startAutomations(t *testing.T, st store.Store) *autoEnv {
	t.Helper()
	ctx := context.Background()
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
	rt := jobs.New(st, jobs.Options{Owner: "p1", Logger: quiet, Poll: 20 * time.Millisecond, Workspaces: e.WorkspaceZones,
		BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond, CheckpointEvery: time.Millisecond})
	inbox, err := notify.New(ctx, notify.Options{Engine: e, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	e.SetNotifier(inbox)
	// Stage pipelines declare the event variable of workflow.stage_changed.
	stages, err := workflow.NewStages(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if err := stages.Bind(); err != nil {
		t.Fatal(err)
	}
	svc, err := automation.New(ctx, e, rt, automation.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Logger: quiet, Engine: e, Builder: builder.New(e), Auth: a, BodyLimit: 64 << 10, Notify: inbox, Automations: svc, Jobs: rt})
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = rt.Run(rctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	en := serveEnv(t, srv, st)
	res := en.do("POST", "/api/v1/setup", "", map[string]any{"token": a.NewSetupToken(), "email": "admin@example.com", "name": "管理员",
		"password": "correct horse battery", "workspace": map[string]any{"name": "示例公司"}}, nil).expect(201)
	en.admin, en.csrf, en.ws = res.str("token"), res.str("csrfToken"), res.str("workspace")
	return &autoEnv{env: en, rt: rt}
}

// waitFor polls cond until it holds, failing after a generous deadline
// (the machine may be busy; nothing here waits for time to pass).
func (en *autoEnv) waitFor(what string, cond func() bool) {
	en.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			en.t.Fatalf("timed out waiting for %s", what)
		}
		en.rt.Kick()
		time.Sleep(10 * time.Millisecond)
	}
}

// settle waits until the automation consumer has passed every event.
func (en *autoEnv) settle() {
	en.t.Helper()
	en.waitFor("the automation consumer to catch up", func() bool {
		cs, err := en.rt.Consumers(context.Background())
		if err != nil {
			en.t.Fatal(err)
		}
		for _, c := range cs {
			if c.Name == "automations" {
				return c.LagEvents == 0
			}
		}
		return false
	})
}

// form creates and publishes a form of app.
func (en *autoEnv) form(app, name string, fields []any) string {
	en.t.Helper()
	f := en.do("POST", "/api/v1/apps/"+app+"/forms", en.admin, map[string]any{"name": name, "definition": map[string]any{"fields": fields}}, nil).expect(201)
	en.do("POST", "/api/v1/forms/"+f.str("id")+"/publish", en.admin, map[string]any{"version": f.num("version")}, nil).expect(201)
	return f.str("id")
}

// fieldErr reports whether a 422 names path (and code, when given).
func fieldErr(r *response, path, code string) bool {
	e, _ := r.body["error"].(map[string]any)
	fs, _ := e["fields"].([]any)
	for _, f := range fs {
		m := f.(map[string]any)
		if m["path"] == path && (code == "" || m["code"] == code) && m["message"] != "" {
			return true
		}
	}
	return false
}

func TestAutomationsAPI(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		st := openSQLite(t, t.TempDir())
		t.Cleanup(func() { st.Close() })
		automationsScenario(t, startAutomations(t, st))
	})
	t.Run("ferretdb", func(t *testing.T) {
		if testing.Short() {
			t.Skip("starts FerretDB")
		}
		automationsScenario(t, startAutomations(t, openMongo(t)))
	})
}

func automationsScenario(t *testing.T, en *autoEnv) {
	rep, other := en.addMember("rep@example.com"), en.addMember("other@example.com")
	repID := en.userID(rep)
	app := en.do("POST", "/api/v1/apps", en.admin, map[string]any{"name": "销售"}, nil).expect(201).str("id")
	deal := en.form(app, "商机", []any{
		map[string]any{"key": "title", "type": "text", "label": "标题"},
		map[string]any{"key": "stage", "type": "select", "label": "阶段", "options": []any{
			map[string]any{"value": "初步接触", "label": "初步接触"}, map[string]any{"value": "赢单", "label": "赢单"}}},
		map[string]any{"key": "amount", "type": "number", "label": "金额"},
	})
	contract := en.form(app, "合同", []any{
		map[string]any{"key": "title", "type": "text", "label": "合同名称"},
		map[string]any{"key": "amount", "type": "number", "label": "金额"},
	})
	// Records are owned by their creator and only the owner (and admins) see them.
	own := en.do("POST", "/api/v1/forms/"+deal+"/permissions/sets", en.admin, map[string]any{"version": 0, "set": map[string]any{"name": "自己的", "preset": "manage_own",
		"actions": []any{"record.view", "record.create", "record.edit", "record.history"}, "fieldDefault": "edit",
		"rows": map[string]any{"field": "ownedBy", "op": "eq", "value": "$me"}, "grants": []any{map[string]any{"kind": "everyone"}}}}, nil).expect(201)
	defaultSet := own.body["sets"].([]any)[0].(map[string]any)["id"].(string)
	en.do("DELETE", "/api/v1/forms/"+deal+"/permissions/sets/"+defaultSet+"?version="+strconv.FormatInt(own.num("version"), 10), en.admin, nil, nil).expect(200)

	won := map[string]any{
		"name":      "赢单建合同",
		"trigger":   map[string]any{"type": "fields.changed", "fields": []any{"stage"}},
		"condition": `new.stage == "赢单"`,
		"actions": []any{
			map[string]any{"kind": "record.create", "config": map[string]any{"form": contract, "values": map[string]any{"title": `new.title + " 合同"`, "amount": "new.amount"}}},
			map[string]any{"kind": "notify", "config": map[string]any{"title": "{{title}} 已赢单", "recipients": map[string]any{"owner": true}}},
		},
	}
	base := "/api/v1/forms/" + deal + "/automations"

	// Who designs: not a member, not without a session.
	en.do("GET", base, rep, nil, nil).expect(403)
	en.do("POST", base, rep, map[string]any{"draft": won}, nil).expect(403)
	en.do("GET", base, "", nil, nil).expect(401)
	// An admin's read-only token reads but does not design; a write token acknowledges alerts but does not design either.
	readOnly := en.do("POST", "/api/v1/tokens", en.admin, map[string]any{"name": "ro", "scopes": []string{"read"}}, nil).expect(201).str("token")
	writeTok := en.do("POST", "/api/v1/tokens", en.admin, map[string]any{"name": "rw", "scopes": []string{"read", "write"}}, nil).expect(201).str("token")
	en.do("GET", base, readOnly, nil, nil).expect(200)
	en.do("POST", base, readOnly, map[string]any{"draft": won}, nil).expect(403)
	en.do("POST", base, writeTok, map[string]any{"draft": won}, nil).expect(403)
	// Bad input: per field, nothing stored.
	if r := en.do("POST", base, en.admin, map[string]any{"draft": map[string]any{"name": " ", "trigger": map[string]any{"type": "record.created"}, "actions": []any{}}}, nil).expect(422); !fieldErr(r, "name", "") {
		t.Fatalf("empty name: %s", r.raw)
	}
	en.do("POST", base, en.admin, `{"draft": {"name": "x", "colour": 1}}`, nil).expect(400)
	en.do("POST", base, en.admin, `{"draft": {"name": "`+strings.Repeat("x", 70<<10)+`"}}`, nil).expect(413)
	if got := items(en.do("GET", base, en.admin, nil, nil).expect(200)); len(got) != 0 {
		t.Fatalf("a refused draft was stored: %v", got)
	}

	// A draft with a bad condition is stored, but publish refuses it per field.
	bad := map[string]any{}
	for k, v := range won {
		bad[k] = v
	}
	bad["condition"] = `new.stage ==`
	au := en.do("POST", base, en.admin, map[string]any{"draft": bad}, nil).expect(201)
	id := au.str("id")
	if au.num("published") != 0 || au.body["enabled"] != false {
		t.Fatalf("created: %s", au.raw)
	}
	if r := en.do("POST", "/api/v1/automations/"+id+"/publish", en.admin, map[string]any{"version": au.num("version")}, nil).expect(422); !fieldErr(r, "condition", "") {
		t.Fatalf("publish bad condition: %s", r.raw)
	}
	en.do("POST", "/api/v1/automations/"+id+"/publish", en.admin, map[string]any{}, nil).expect(422) // no version
	// The live check says what is wrong, and what type a good one has.
	chk := en.do("POST", base+"/expressions/check", en.admin, map[string]any{"expression": "new.amount + 1", "kind": "condition"}, nil).expect(200)
	if d, _ := chk.body["diagnostics"].([]any); len(d) == 0 {
		t.Fatalf("a number is not a condition: %s", chk.raw)
	}
	if chk := en.do("POST", base+"/expressions/check", en.admin, map[string]any{"expression": `new.stage == "赢单"`, "kind": "condition"}, nil).expect(200); chk.str("type") == "" {
		t.Fatalf("good condition: %s", chk.raw)
	}
	en.do("POST", base+"/expressions/check", en.admin, map[string]any{"expression": "1", "kind": "rocket"}, nil).expect(422)
	// The event types an event trigger may name, with their variable's fields.
	evTypes := items(en.do("GET", "/api/v1/automation-events", rep, nil, nil).expect(200))
	if len(evTypes) == 0 || evTypes[0]["type"] != "workflow.stage_changed" || evTypes[0]["fields"].(map[string]any)["to"] != "text" || evTypes[0]["label"].(map[string]any)["zh-CN"] == "" {
		t.Fatalf("automation events %v", evTypes)
	}
	stageTrigger := map[string]any{"type": "event", "event": "workflow.stage_changed"}
	if chk := en.do("POST", base+"/expressions/check", en.admin, map[string]any{"expression": `event.from == "初步接触" && event.to == "赢单"`, "kind": "condition", "trigger": stageTrigger}, nil).expect(200); chk.str("type") != "boolean" {
		t.Fatalf("event.to of a stage change: %s", chk.raw)
	}
	// With the trigger, the event variable is typed for it.
	changedTrigger := map[string]any{"type": "fields.changed", "fields": []any{"stage"}}
	if chk := en.do("POST", base+"/expressions/check", en.admin, map[string]any{"expression": `"stage" in event.changed`, "kind": "condition", "trigger": changedTrigger}, nil).expect(200); chk.str("type") != "boolean" {
		t.Fatalf("event.changed: %s", chk.raw)
	}
	if chk := en.do("POST", base+"/expressions/check", en.admin, map[string]any{"expression": `event.to == "赢单"`, "kind": "condition", "trigger": changedTrigger}, nil).expect(200); chk.body["diagnostics"] == nil {
		t.Fatalf("a record event has no to: %s", chk.raw)
	}
	// Hostile expressions stay bounded: an answer (diagnostics or a refusal), never a 500 or a hang.
	for _, src := range []string{strings.Repeat("(", 4000) + "1" + strings.Repeat(")", 4000), strings.Repeat("new.amount * ", 3000) + "1",
		strings.Repeat("x", 70<<10)} {
		if r := en.do("POST", base+"/expressions/check", en.admin, map[string]any{"expression": src, "kind": "condition"}, nil); r.status != 200 && r.status != 422 && r.status != 413 {
			t.Fatalf("hostile expression (%d bytes): %d %s", len(src), r.status, r.raw)
		} else if r.status == 200 && r.str("type") != "" {
			t.Fatalf("hostile expression (%d bytes) type-checked as a condition: %s", len(src), r.raw)
		}
	}
	en.do("POST", base+"/expressions/check", rep, map[string]any{"expression": "1", "kind": "value"}, nil).expect(403)

	// Fix the draft: a stale version is a conflict.
	en.do("PUT", "/api/v1/automations/"+id, en.admin, map[string]any{"draft": won, "version": au.num("version") + 5}, nil).expect(409)
	au = en.do("PUT", "/api/v1/automations/"+id, en.admin, map[string]any{"draft": won, "version": au.num("version")}, nil).expect(200)
	en.do("PUT", "/api/v1/automations/"+id, rep, map[string]any{"draft": won, "version": au.num("version")}, nil).expect(403)
	en.do("POST", "/api/v1/automations/"+id+"/publish", en.admin, map[string]any{"version": au.num("version") - 1}, nil).expect(409)
	au = en.do("POST", "/api/v1/automations/"+id+"/publish", en.admin, map[string]any{"version": au.num("version")}, nil).expect(200)
	if au.num("published") != 1 || au.body["enabled"] != true || au.body["current"] == nil {
		t.Fatalf("published: %s", au.raw)
	}
	if vs := items(en.do("GET", "/api/v1/automations/"+id+"/versions", en.admin, nil, nil).expect(200)); len(vs) != 1 || vs[0]["number"] != float64(1) {
		t.Fatalf("versions %v", vs)
	}
	if list := items(en.do("GET", "/api/v1/apps/"+app+"/automations", en.admin, nil, nil).expect(200)); len(list) != 1 || list[0]["id"] != id {
		t.Fatalf("app automations %v", list)
	}
	if list := items(en.do("GET", "/api/v1/apps/"+app+"/automations", rep, nil, nil).expect(200)); len(list) != 0 {
		t.Fatalf("a member sees the app's automations: %v", list)
	}
	kinds := items(en.do("GET", "/api/v1/automation-actions", rep, nil, nil).expect(200))
	seen := map[string]bool{}
	for _, k := range kinds {
		seen[k["kind"].(string)] = true
	}
	if !seen["record.create"] || !seen["notify"] || !seen["alert.raise"] {
		t.Fatalf("action kinds %v", kinds)
	}

	// Moving a record to 赢单 creates the contract and notifies the owner.
	rec := en.do("POST", "/api/v1/forms/"+deal+"/records", rep, map[string]any{"data": map[string]any{"title": "大单", "stage": "初步接触", "amount": 1200}}, nil).expect(201)
	recID := rec.str("id")
	en.do("PATCH", "/api/v1/forms/"+deal+"/records/"+recID, rep, map[string]any{"data": map[string]any{"stage": "赢单"}, "version": rec.num("version")}, nil).expect(200)
	contracts := func() []map[string]any {
		return items(en.do("GET", "/api/v1/forms/"+contract+"/records", en.admin, nil, nil).expect(200))
	}
	en.waitFor("the contract", func() bool { return len(contracts()) == 1 })
	if c := contracts()[0]["data"].(map[string]any); c["title"] != "大单 合同" || c["amount"] != float64(1200) {
		t.Fatalf("contract %v", c)
	}
	en.waitFor("the owner's notification", func() bool {
		return en.do("GET", "/api/v1/me/notifications/unread-count", rep, nil, nil).expect(200).num("count") == 1
	})
	if n := items(en.do("GET", "/api/v1/me/notifications", rep, nil, nil).expect(200)); n[0]["title"] != "大单 已赢单" {
		t.Fatalf("notification %v", n)
	}
	en.settle()
	runs := items(en.do("GET", "/api/v1/automations/"+id+"/runs", en.admin, nil, nil).expect(200))
	var succeeded map[string]any
	for _, r := range runs {
		if r["status"] == "succeeded" {
			succeeded = r
		}
	}
	if succeeded == nil || succeeded["record"] != recID || len(succeeded["actions"].([]any)) != 2 {
		t.Fatalf("runs %v", runs)
	}
	if list := items(en.do("GET", base, en.admin, nil, nil).expect(200)); len(list) != 1 || list[0]["lastRun"] == nil || list[0]["failures"] != float64(0) {
		t.Fatalf("the list's log summary: %v", list)
	}
	// The run summary: the create did not match (stage is not 赢单), the move did.
	sum := en.do("GET", "/api/v1/automations/"+id+"/summary", en.admin, nil, nil).expect(200)
	if day, _ := sum.body["last24h"].(map[string]any); day == nil || day["matched"] != float64(1) || day["succeeded"] != float64(1) || day["notMatched"] != float64(1) || day["failed"] != float64(0) {
		t.Fatalf("summary %s", sum.raw)
	}
	en.do("GET", "/api/v1/automations/"+id+"/summary", rep, nil, nil).expect(403)
	if list := items(en.do("GET", base, en.admin, nil, nil).expect(200)); list[0]["summary"] == nil {
		t.Fatalf("the list has no run summary: %v", list)
	}
	if got := items(en.do("GET", "/api/v1/automations/"+id+"/runs?status=succeeded", en.admin, nil, nil).expect(200)); len(got) != 1 {
		t.Fatalf("succeeded runs %v", got)
	}
	en.do("GET", "/api/v1/automations/"+id+"/runs?status=bogus", en.admin, nil, nil).expect(422)
	en.do("GET", "/api/v1/automations/"+id+"/runs?limit=1000", en.admin, nil, nil).expect(422)
	en.do("GET", "/api/v1/automations/"+id+"/runs", rep, nil, nil).expect(403)
	// The record's runs: its owner sees them, someone who cannot read the record does not.
	if got := items(en.do("GET", "/api/v1/forms/"+deal+"/records/"+recID+"/automation-runs", rep, nil, nil).expect(200)); len(got) == 0 {
		t.Fatalf("record runs for the owner: %v", got)
	}
	if r := en.do("GET", "/api/v1/forms/"+deal+"/records/"+recID+"/automation-runs", other, nil, nil); r.status != 403 && r.status != 404 {
		t.Fatalf("record runs for another member: %d %s", r.status, r.raw)
	}

	// A dry run on another record says what would happen and writes nothing.
	rec2 := en.do("POST", "/api/v1/forms/"+deal+"/records", rep, map[string]any{"data": map[string]any{"title": "小单", "stage": "初步接触", "amount": 80}}, nil).expect(201)
	en.settle()
	before := len(items(en.do("GET", "/api/v1/automations/"+id+"/runs", en.admin, nil, nil).expect(200)))
	dry := en.do("POST", "/api/v1/automations/"+id+"/dry-run", en.admin, map[string]any{"record": rec2.str("id"), "new": map[string]any{"stage": "赢单"}}, nil).expect(200)
	acts, _ := dry.body["actions"].([]any)
	if dry.str("status") != "preview" || dry.body["matched"] != true || len(acts) != 2 || acts[0].(map[string]any)["status"] != "would" {
		t.Fatalf("dry run %s", dry.raw)
	}
	if d := en.do("POST", "/api/v1/automations/"+id+"/dry-run", en.admin, map[string]any{"record": rec2.str("id")}, nil).expect(200); d.body["matched"] != false {
		t.Fatalf("dry run without the change matched: %s", d.raw)
	}
	en.do("POST", "/api/v1/automations/"+id+"/dry-run", en.admin, map[string]any{}, nil).expect(422)
	en.do("POST", "/api/v1/automations/"+id+"/dry-run", rep, map[string]any{"record": rec2.str("id")}, nil).expect(403)
	en.settle()
	if n := len(contracts()); n != 1 {
		t.Fatalf("the dry run wrote: %d contracts", n)
	}
	if after := len(items(en.do("GET", "/api/v1/automations/"+id+"/runs", en.admin, nil, nil).expect(200))); after != before {
		t.Fatalf("the dry run was logged as a run: %d → %d", before, after)
	}

	// Replay: the preview writes nothing; the replay skips what this version already ran.
	from, to := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	pre := en.do("POST", "/api/v1/automations/"+id+"/replay", en.admin, map[string]any{"from": from, "to": to, "dryRun": true}, nil).expect(200)
	if pre.body["dryRun"] != true || pre.num("events") < 1 {
		t.Fatalf("replay preview %s", pre.raw)
	}
	rep1 := en.do("POST", "/api/v1/automations/"+id+"/replay", en.admin, map[string]any{"from": from, "to": to}, nil).expect(200)
	if rep1.num("alreadyRun") < 1 || rep1.num("ran") != 0 {
		t.Fatalf("replay %s", rep1.raw)
	}
	en.settle()
	if n := len(contracts()); n != 1 {
		t.Fatalf("the replay ran an event twice: %d contracts", n)
	}
	if r := en.do("POST", "/api/v1/automations/"+id+"/replay", en.admin, map[string]any{"from": to, "to": from}, nil).expect(422); !fieldErr(r, "to", "min") || !strings.Contains(string(r.raw), to) {
		t.Fatalf("replay backwards: %s", r.raw)
	}
	if r := en.do("POST", "/api/v1/automations/"+id+"/replay", en.admin, map[string]any{}, nil).expect(422); !fieldErr(r, "from", "") || !fieldErr(r, "to", "") {
		t.Fatalf("replay without a range: %s", r.raw)
	}

	// Switching off: a stale version conflicts; off, nothing runs.
	en.do("POST", "/api/v1/automations/"+id+"/enabled", en.admin, map[string]any{"enabled": false, "version": 1}, nil).expect(409)
	off := en.do("POST", "/api/v1/automations/"+id+"/enabled", en.admin, map[string]any{"enabled": false, "version": au.num("version")}, nil).expect(200)
	if off.body["enabled"] != false {
		t.Fatalf("disable %s", off.raw)
	}
	en.do("PATCH", "/api/v1/forms/"+deal+"/records/"+rec2.str("id"), rep, map[string]any{"data": map[string]any{"stage": "赢单"}, "version": rec2.num("version")}, nil).expect(200)
	en.settle()
	if n := len(contracts()); n != 1 {
		t.Fatalf("a disabled automation ran: %d contracts", n)
	}

	// An alert rule: alerts follow the record's permissions; acknowledge and resolve with CAS.
	rule := en.do("POST", base, en.admin, map[string]any{"draft": map[string]any{
		"name":      "大额预警",
		"trigger":   map[string]any{"type": "record.updated"},
		"condition": "new.amount > 100",
		"actions":   []any{map[string]any{"kind": "alert.raise", "config": map[string]any{"severity": "critical", "title": "{{title}} 金额过大"}}},
	}}, nil).expect(201)
	en.do("POST", "/api/v1/automations/"+rule.str("id")+"/publish", en.admin, map[string]any{"version": rule.num("version")}, nil).expect(200)
	cur := en.do("GET", "/api/v1/forms/"+deal+"/records/"+recID, rep, nil, nil).expect(200)
	en.do("PATCH", "/api/v1/forms/"+deal+"/records/"+recID, rep, map[string]any{"data": map[string]any{"amount": 5000}, "version": cur.num("version")}, nil).expect(200)
	var alert map[string]any
	en.waitFor("the alert", func() bool {
		list := items(en.do("GET", "/api/v1/alerts?state=open", rep, nil, nil).expect(200))
		if len(list) == 1 {
			alert = list[0]
		}
		return len(list) == 1
	})
	if alert["severity"] != "critical" || alert["record"] != recID || alert["title"] != "大单 金额过大" {
		t.Fatalf("alert %v", alert)
	}
	if list := items(en.do("GET", "/api/v1/alerts", other, nil, nil).expect(200)); len(list) != 0 {
		t.Fatalf("another member sees an alert on a record they cannot read: %v", list)
	}
	if list := items(en.do("GET", "/api/v1/alerts?severity=info", en.admin, nil, nil).expect(200)); len(list) != 0 {
		t.Fatalf("severity filter: %v", list)
	}
	if list := items(en.do("GET", "/api/v1/alerts?record="+url.QueryEscape(recID), en.admin, nil, nil).expect(200)); len(list) != 1 {
		t.Fatalf("record filter: %v", list)
	}
	if r := en.do("GET", "/api/v1/alerts?severity=doom&state=gone", en.admin, nil, nil).expect(422); !fieldErr(r, "severity", "") || !fieldErr(r, "state", "") {
		t.Fatalf("bad filters: %s", r.raw)
	}
	alertID, v := alert["id"].(string), int64(alert["version"].(float64))
	en.do("POST", "/api/v1/alerts/"+alertID+"/acknowledge", readOnly, map[string]any{"version": v}, nil).expect(403)
	en.do("POST", "/api/v1/alerts/"+alertID+"/acknowledge", other, map[string]any{"version": v}, nil).expect(404)
	en.do("POST", "/api/v1/alerts/"+alertID+"/acknowledge", rep, map[string]any{"version": v + 1}, nil).expect(409)
	ack := en.do("POST", "/api/v1/alerts/"+alertID+"/acknowledge", rep, map[string]any{"version": v}, nil).expect(200)
	if ack.str("state") != "acknowledged" {
		t.Fatalf("acknowledge %s", ack.raw)
	}
	en.do("POST", "/api/v1/alerts/"+alertID+"/resolve", rep, map[string]any{"version": v}, nil).expect(409)
	res := en.do("POST", "/api/v1/alerts/"+alertID+"/resolve", rep, map[string]any{"version": ack.num("version")}, nil).expect(200)
	if res.str("state") != "resolved" {
		t.Fatalf("resolve %s", res.raw)
	}
	if r := en.do("POST", "/api/v1/alerts/"+alertID+"/resolve", rep, map[string]any{"version": res.num("version")}, nil).expect(422); !fieldErr(r, "state", "automation_alert_state") {
		t.Fatalf("resolve twice: %s", r.raw)
	}
	if got := en.do("GET", "/api/v1/alerts/"+alertID, rep, nil, nil).expect(200); got.str("state") != "resolved" {
		t.Fatalf("get alert %s", got.raw)
	}
	counts := items(en.do("GET", "/api/v1/alerts/counts?weeks=4", en.admin, nil, nil).expect(200))
	if len(counts) != 1 || counts[0]["rule"] != rule.str("id") || counts[0]["raised"] != float64(1) || counts[0]["critical"] != float64(1) {
		t.Fatalf("counts %v", counts)
	}
	en.do("GET", "/api/v1/alerts/counts?weeks=0", en.admin, nil, nil).expect(422)
	// The rep counts the alerts of the records they may read (not only
	// designers: a manager's weekly counts were empty); another member none.
	if got := items(en.do("GET", "/api/v1/alerts/counts", rep, nil, nil).expect(200)); len(got) != 1 || got[0]["raised"] != float64(1) {
		t.Fatalf("the rep's counts of their own record's alert: %v", got)
	}
	if got := items(en.do("GET", "/api/v1/alerts/counts", other, nil, nil).expect(200)); len(got) != 0 {
		t.Fatalf("a member counts alerts of records they may not read: %v", got)
	}

	// Run now: a scheduled automation runs at once as its period's tick,
	// once per period; designers only; a record trigger cannot.
	daily := en.do("POST", "/api/v1/forms/"+deal+"/automations", en.admin, map[string]any{"draft": map[string]any{"name": "日报",
		"trigger": map[string]any{"type": "schedule", "cron": "0 9 * * *"},
		"actions": []any{map[string]any{"kind": "notify", "config": map[string]any{"title": "日报", "recipients": map[string]any{"users": []any{repID}}}}}}}, nil).expect(201)
	daily = en.do("POST", "/api/v1/automations/"+daily.str("id")+"/publish", en.admin, map[string]any{"version": daily.num("version")}, nil).expect(200)
	en.do("POST", "/api/v1/automations/"+daily.str("id")+"/run-now", rep, nil, nil).expect(403)
	ran := en.do("POST", "/api/v1/automations/"+daily.str("id")+"/run-now", en.admin, nil, nil).expect(200)
	if ran.num("ran") != 1 || ran.num("alreadyRun") != 0 || ran.str("tick") == "" {
		t.Fatalf("run now %s", ran.raw)
	}
	if again := en.do("POST", "/api/v1/automations/"+daily.str("id")+"/run-now", en.admin, nil, nil).expect(200); again.num("ran") != 0 || again.num("alreadyRun") != 1 {
		t.Fatalf("second run now %s", again.raw)
	}
	if r := en.do("POST", "/api/v1/automations/"+id+"/run-now", en.admin, nil, nil).expect(422); !fieldErr(r, "trigger.type", "automation_not_scheduled") {
		t.Fatalf("run now of a record trigger: %s", r.raw)
	}
	en.do("POST", "/api/v1/automations/nope/run-now", en.admin, nil, nil).expect(404)

	// Delete: designers only; gone afterwards.
	en.do("DELETE", "/api/v1/automations/"+id, rep, nil, nil).expect(403)
	en.do("DELETE", "/api/v1/automations/"+id, en.admin, nil, nil).expect(204)
	en.do("GET", "/api/v1/automations/"+id, en.admin, nil, nil).expect(404)
	_ = repID
}

// TestAutomationClientMatchesOpenAPI checks that every call of the
// browser app's automation client (ui/src/api/automation.ts) is an
// operation of the OpenAPI document.
func TestAutomationClientMatchesOpenAPI(t *testing.T) {
	src, err := os.ReadFile("../ui/src/api/automation.ts")
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
	param := regexp.MustCompile(`\{[^}]+\}`)
	ops := map[string]bool{}
	for p, m := range doc.Paths {
		for method := range m {
			ops[strings.ToUpper(method)+" "+param.ReplaceAllString(p, "{}")] = true
		}
	}
	call := regexp.MustCompile("request(?:<[^>]*>)?\\(\\s*'([A-Z]+)',\\s*[`']([^`']+)[`']")
	interp := regexp.MustCompile(`\$\{enc\([^)]*\)\}`)
	calls := call.FindAllStringSubmatch(string(src), -1)
	if len(calls) < 19 {
		t.Fatalf("found only %d client calls; has the client's shape changed?", len(calls))
	}
	for _, c := range calls {
		path := interp.ReplaceAllString(c[2], "{}")
		if i := strings.IndexAny(path, "?$"); i >= 0 {
			path = path[:i]
		}
		if key := c[1] + " /api/v1" + path; !ops[key] {
			t.Errorf("the UI calls %s %s, which the OpenAPI document does not describe", c[1], c[2])
		}
	}
}
