package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/automation"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/engine/template"
	"github.com/formloom/formloom/engine/webhook"
	"github.com/formloom/formloom/engine/workflow"
	"github.com/formloom/formloom/templates"
)

// crmFixture is serve's wiring over a fresh SQLite store on a manual clock,
// with the shipped CRM template installed with its sample data.
type crmFixture struct {
	ctx   context.Context
	e     *engine.Engine
	svc   *template.Service
	admin engine.Actor
	clock *store.ManualClock
	work  *jobs.Runtime
	auto  *automation.Service
	hooks *webhook.Service
	flows *workflow.Approvals
	dash  *report.Dashboards
	app   string
	forms map[string]engine.Form // by template form key
	took  time.Duration
}

func describeErr(err error) string {
	var ve *engine.ValidationError
	if errors.As(err, &ve) {
		var b strings.Builder
		for i, fe := range ve.Fields {
			if i == 40 {
				fmt.Fprintf(&b, "\n  … %d more", len(ve.Fields)-i)
				break
			}
			fmt.Fprintf(&b, "\n  %s: %s %v — %s", fe.Path, fe.Code, fe.Params, fe.Message("zh-CN"))
		}
		return err.Error() + b.String()
	}
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func installCRM(t *testing.T) *crmFixture {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := store.NewManualClock(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC))
	st, err := sqlitestore.Open(t.TempDir(), sqlitestore.Options{Logger: quiet, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	e, err := engine.New(ctx, st, engine.Options{Logger: quiet, Clock: clock.Now, Authorizer: access.New()})
	if err != nil {
		t.Fatal(err)
	}
	u, ws, err := e.Setup(ctx, engine.UserInput{Email: "owner@example.com", Name: "创始人"}, engine.WorkspaceInput{Name: "示例公司"})
	if err != nil {
		t.Fatal(err)
	}
	admin := engine.Actor{UserID: u.ID, Name: u.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceUI}
	work, err := newWork(st, e, quiet, clock)
	if err != nil {
		t.Fatal(err)
	}
	approvals, err := wireApprovals(ctx, e, work, quiet)
	if err != nil {
		t.Fatal(err)
	}
	stages, err := wireStages(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	automations, err := wireAutomations(ctx, e, work, quiet)
	if err != nil {
		t.Fatal(err)
	}
	dashboards, err := wireDashboards(ctx, e, stages)
	if err != nil {
		t.Fatal(err)
	}
	hooks, err := wireWebhooks(ctx, st, e, work, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if err := wireTemplateParts(ctx, e, templateServices{stages: stages, approvals: approvals, automations: automations, dashboards: dashboards, webhooks: hooks}); err != nil {
		t.Fatal(err)
	}
	svc := template.New(e, templates.FS(), template.Options{Logger: quiet})
	p, err := svc.Load("crm")
	if err != nil {
		t.Fatalf("load crm: %s", describeErr(err))
	}
	// Parts whose capability has not registered yet are left out (and
	// said so), so the rest is still installed and checked.
	for kind := range p.Parts {
		if _, ok := e.TemplateParts().Get(kind); !ok {
			t.Errorf("part %q is not registered by serve's wiring", kind)
		}
	}
	if err := svc.Check(ctx, admin, p); err != nil {
		t.Fatalf("check: %s", describeErr(err))
	}
	start := time.Now()
	res, err := svc.Install(ctx, admin, p, template.InstallOptions{SampleData: true})
	took := time.Since(start)
	if err != nil {
		t.Fatalf("install: %s", describeErr(err))
	}
	t.Logf("installed the CRM with sample data in %v: %v", took, res.Counts)
	all, err := e.Forms(ctx, admin, res.AppID)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]engine.Form{}
	for _, f := range all {
		byName[f.Name] = f
	}
	forms := map[string]engine.Form{}
	for _, spec := range p.Forms {
		forms[spec.Key] = byName[spec.Name]
	}
	return &crmFixture{ctx: ctx, e: e, svc: svc, admin: admin, clock: clock, work: work, auto: automations, hooks: hooks, flows: approvals, dash: dashboards, app: res.AppID, forms: forms, took: took}
}

// member is the sample member of email as a signed-in member would be.
func (f *crmFixture) member(t *testing.T, email string) engine.Actor {
	t.Helper()
	u, err := f.e.UserByEmail(f.ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.e.Membership(f.ctx, f.admin.Workspace, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return engine.Actor{UserID: u.ID, Name: u.Name, Email: u.Email, Workspace: f.admin.Workspace, Role: m.Role,
		Departments: m.Departments, Roles: m.Roles, AdminApps: m.AdminApps, Source: engine.SourceUI}
}

func (f *crmFixture) count(t *testing.T, form string, filter *store.Filter) int64 {
	t.Helper()
	return f.countAs(t, f.admin, form, filter)
}

func (f *crmFixture) countAs(t *testing.T, a engine.Actor, form string, filter *store.Filter) int64 {
	t.Helper()
	page, err := f.e.QueryRecords(f.ctx, a, f.forms[form].ID, engine.RecordQuery{Filter: filter, Limit: 1, Total: true})
	if err != nil {
		t.Fatalf("count %s: %s", form, describeErr(err))
	}
	return *page.Total
}

// TestCRMTemplateInstall installs the shipped CRM with its sample data into
// a real engine on SQLite and checks what a new user meets first: every
// form published, the sample funnel filled in every stage, the stage gate
// refusing 输单 without a lost reason and competitor, customers that the
// silence alerts select.
func TestCRMTemplateInstall(t *testing.T) {
	f := installCRM(t)
	for _, key := range []string{"lead", "customer", "contact", "opportunity", "follow_up", "quote", "contract", "payment", "product"} {
		fm, ok := f.forms[key]
		if !ok || fm.ID == "" {
			t.Fatalf("form %s not installed", key)
		}
		if fm.Published < 1 {
			t.Errorf("form %s not published", key)
		}
	}
	for form, min := range map[string]int64{"lead": 200, "customer": 60, "contact": 100, "opportunity": 100, "follow_up": 100, "quote": 3, "contract": 3, "payment": 3, "product": 5} {
		if n := f.count(t, form, nil); n < min {
			t.Errorf("%d sample %s records, want at least %d", n, form, min)
		}
	}

	// The funnel has records in every stage.
	for _, stage := range []string{"qualify", "proposal", "tech", "negotiation", "won", "lost"} {
		fl := store.Where("stage", store.OpEq, stage)
		if n := f.count(t, "opportunity", &fl); n == 0 {
			t.Errorf("no sample opportunity in stage %s", stage)
		}
	}

	// The gate refuses 输单 without a lost reason and a competitor.
	open := store.Where("stage", store.OpEq, "negotiation")
	page, err := f.e.QueryRecords(f.ctx, f.admin, f.forms["opportunity"].ID, engine.RecordQuery{Filter: &open, Limit: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("an open opportunity: %v", err)
	}
	opp := page.Items[0]
	_, err = f.e.UpdateRecord(f.ctx, f.admin, f.forms["opportunity"].ID, opp.ID, map[string]any{"stage": "lost"}, opp.Version, engine.WriteOptions{})
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("moving to 输单 without a reason: %v, want a validation error", err)
	}
	got := map[string]string{}
	for _, fe := range ve.Fields {
		got[fe.Path] = fe.Code
	}
	if got["lost_reason"] != "stage_required" || got["competitor"] != "stage_required" {
		t.Errorf("gate errors = %v, want stage_required on lost_reason and competitor", got)
	}
	if _, err := f.e.UpdateRecord(f.ctx, f.admin, f.forms["opportunity"].ID, opp.ID,
		map[string]any{"stage": "lost", "lost_reason": "price", "competitor": "金蝶"}, opp.Version, engine.WriteOptions{}); err != nil {
		t.Errorf("moving to 输单 with a reason and a competitor: %s", describeErr(err))
	}

	// The silence alerts' scans select sample customers: last contact more
	// than 7, 14 and 30 days before now.
	now := f.clock.Now()
	for _, days := range []int{7, 14, 30} {
		fl := store.And(store.Where("last_contact_at", store.OpLt, now.AddDate(0, 0, -days).Format(time.RFC3339)),
			store.Where("status", store.OpNe, "churned"))
		if n := f.count(t, "customer", &fl); n == 0 {
			t.Errorf("no sample customer silent for %d days", days)
		} else {
			t.Logf("%d customers silent for more than %d days", n, days)
		}
	}
	// Leaving 方案提交 needs the proposal.
	prop := store.Where("stage", store.OpEq, "proposal")
	page, err = f.e.QueryRecords(f.ctx, f.admin, f.forms["opportunity"].ID, engine.RecordQuery{Filter: &prop, Limit: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("an opportunity in 方案提交: %v", err)
	}
	_, err = f.e.UpdateRecord(f.ctx, f.admin, f.forms["opportunity"].ID, page.Items[0].ID, map[string]any{"stage": "tech"}, page.Items[0].Version, engine.WriteOptions{})
	if !errors.As(err, &ve) || ve.Fields[0].Path != "stage" || ve.Fields[0].Code != "stage_condition" {
		t.Errorf("leaving 方案提交 without a proposal: %s", describeErr(err))
	} else if msg := ve.Fields[0].Message("zh-CN"); !strings.Contains(msg, "方案") {
		t.Errorf("gate message %q does not say what is missing", msg)
	}

	// Who sees what: a rep their own deals, a manager their team's,
	// finance no leads but every contract.
	zhang, li, he := f.member(t, "zhang.wei@example.com"), f.member(t, "li.na@example.com"), f.member(t, "he.fang@example.com")
	total := f.count(t, "opportunity", nil)
	own := f.countAs(t, zhang, "opportunity", nil)
	notOwn := store.Where("owner", store.OpNe, zhang.UserID)
	if own == 0 || own >= total || f.countAs(t, zhang, "opportunity", &notOwn) != 0 {
		t.Errorf("a rep sees %d of %d opportunities (%d not theirs)", own, total, f.countAs(t, zhang, "opportunity", &notOwn))
	}
	team := f.countAs(t, li, "opportunity", nil)
	if team <= own || team >= total {
		t.Errorf("the east manager sees %d opportunities, the rep %d, everyone %d", team, own, total)
	}
	if _, err := f.e.QueryRecords(f.ctx, he, f.forms["lead"].ID, engine.RecordQuery{Limit: 1}); !errors.Is(err, engine.ErrNotFound) && !errors.Is(err, engine.ErrForbidden) {
		t.Errorf("finance reads leads: %v", err)
	}
	if n := f.countAs(t, he, "contract", nil); n != f.count(t, "contract", nil) {
		t.Errorf("finance sees %d contracts, want all", n)
	}
	// The sample managers head their departments.
	deps, err := f.e.Departments(f.ctx, f.admin)
	if err != nil {
		t.Fatal(err)
	}
	heads := map[string][]string{}
	for _, d := range deps {
		heads[d.Name] = d.Heads
	}
	if len(heads["华东销售部"]) != 1 || heads["华东销售部"][0] != li.UserID {
		t.Errorf("heads = %v, want 李娜 heading 华东销售部", heads)
	}

	// The ERP endpoint is installed switched off, for the opportunity form.
	eps, err := f.hooks.Endpoints(f.ctx, f.admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 1 || eps[0].Enabled || eps[0].Form != f.forms["opportunity"].ID {
		t.Errorf("endpoints = %+v, want the ERP endpoint, disabled, on the opportunity form", eps)
	}
	// Stagnant deals: in an open stage for more than 21 days.
	stale := store.And(store.Where("stage", store.OpIn, []any{"qualify", "proposal", "tech", "negotiation"}),
		store.Where("stage_entered_at", store.OpLt, now.AddDate(0, 0, -21).Format(time.RFC3339)))
	if n := f.count(t, "opportunity", &stale); n == 0 {
		t.Errorf("no sample opportunity stuck in its stage for 21 days")
	}
}

// TestCRMTemplateDashboards computes the installed dashboards over the
// sample data: every chart renders, and the funnel has every stage, a win
// rate and a weighted pipeline.
func TestCRMTemplateDashboards(t *testing.T) {
	f := installCRM(t)
	list, err := f.dash.List(f.ctx, f.admin, f.app)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) < 2 {
		t.Fatalf("%d dashboards, want the overview and the risk board", len(list))
	}
	funnels := 0
	for _, db := range list {
		data, err := f.dash.Data(f.ctx, f.admin, db.ID, nil)
		if err != nil {
			t.Fatalf("dashboard %s: %s", db.Title, describeErr(err))
		}
		for _, c := range data {
			if c.Err != nil {
				t.Errorf("dashboard %s chart %s: %s", db.Title, c.Chart, describeErr(c.Err))
				continue
			}
			if c.Kind == "funnel" {
				funnels++
				fd := c.Funnel
				if fd == nil || len(fd.Stages) != 6 || fd.WinRate == nil || fd.Weighted == nil || len(fd.Leaders) == 0 {
					t.Errorf("funnel = %+v", fd)
					continue
				}
				for _, st := range fd.Stages {
					if st.Count == 0 {
						t.Errorf("funnel stage %s is empty", st.Value)
					}
				}
				t.Logf("funnel: win rate %.2f, weighted %.0f, %d leaders", *fd.WinRate, *fd.Weighted, len(fd.Leaders))
			} else if len(c.Rows) == 0 && c.Source == "" {
				// Alert charts (source alerts) fill once the scans run:
				// TestCRMTemplateAlerts.
				t.Errorf("dashboard %s chart %s has no rows", db.Title, c.Chart)
			}
		}
	}
	if funnels == 0 {
		t.Error("no funnel chart")
	}
}

// TestCRMTemplateAutomations runs the installed automations and alerts on
// the jobs runtime with a manual clock: a new lead is scored, tagged and
// assigned; a follow-up updates its customer's last contact; a won deal
// gets a contract draft; within the hour the scans raise silence alerts.
func TestCRMTemplateAutomations(t *testing.T) {
	f := installCRM(t)
	rctx, cancel := context.WithCancel(f.ctx)
	done := make(chan struct{})
	go func() { _ = f.work.Run(rctx); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(60 * time.Second)
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			f.work.Kick()
			time.Sleep(5 * time.Millisecond)
		}
	}
	get := func(form, id string) engine.Record {
		t.Helper()
		r, err := f.e.Record(f.ctx, f.admin, f.forms[form].ID, id)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	// A lead from a referral with budget, authority, need and timeline: 100 points, grade A.
	lead, err := f.e.CreateRecord(f.ctx, f.admin, f.forms["lead"].ID, map[string]any{
		"company": "杭州示例科技有限公司", "contact_name": "钱多多", "phone": "13900001111", "source": "referral",
		"budget": 2000000, "authority": "decision_maker", "need": "clear", "timeline": "m3", "region": "east"}, engine.WriteOptions{})
	if err != nil {
		t.Fatalf("create lead: %s", describeErr(err))
	}
	if lead.Data["score"] != 100.0 || lead.Data["grade"] != "A" {
		t.Fatalf("score %v grade %v, want 100 and A", lead.Data["score"], lead.Data["grade"])
	}
	waitFor("the lead's assignment and tag", func() bool {
		r := get("lead", lead.ID)
		tags, _ := r.Data["tags"].([]any)
		return r.Data["owner"] != nil && r.Data["assigned_at"] != nil && len(tags) > 0 && tags[0] == "high_intent"
	})

	// A lower-grade lead from the south goes round-robin to the south team.
	south, err := f.e.CreateRecord(f.ctx, f.admin, f.forms["lead"].ID, map[string]any{
		"company": "深圳小微商贸有限公司", "contact_name": "孙小美", "phone": "13900002222", "source": "ads", "region": "south"}, engine.WriteOptions{})
	if err != nil {
		t.Fatalf("create lead: %s", describeErr(err))
	}
	team := map[string]bool{}
	for _, email := range []string{"zhou.ting@example.com", "wu.hao@example.com", "xu.jing@example.com"} {
		team[f.member(t, email).UserID] = true
	}
	waitFor("the south lead's assignment", func() bool { return get("lead", south.ID).Data["owner"] != nil })
	if owner, _ := get("lead", south.ID).Data["owner"].(string); !team[owner] {
		t.Errorf("the south lead went to %s, not to the south team", owner)
	}

	// Converting the lead creates its customer, contact and opportunity,
	// linked to each other and back to the lead.
	r := get("lead", lead.ID)
	if _, err := f.e.UpdateRecord(f.ctx, f.admin, f.forms["lead"].ID, lead.ID, map[string]any{"status": "converted"}, r.Version, engine.WriteOptions{}); err != nil {
		t.Fatalf("convert: %s", describeErr(err))
	}
	waitFor("the conversion", func() bool {
		return get("lead", lead.ID).Data["customer"] != nil && get("lead", lead.ID).Data["converted_at"] != nil
	})
	newCus := get("lead", lead.ID).Data["customer"].(string)
	if c := get("customer", newCus); c.Data["name"] != "杭州示例科技有限公司" || c.Data["source_lead"] != lead.ID {
		t.Errorf("converted customer = %+v", c.Data)
	}
	ofCus := store.Where("customer", store.OpEq, newCus)
	waitFor("the converted contact", func() bool { return f.count(t, "contact", &ofCus) == 1 })
	fromLead := store.And(store.Where("customer", store.OpEq, newCus), store.Where("lead", store.OpEq, lead.ID), store.Where("stage", store.OpEq, "qualify"))
	waitFor("the converted opportunity", func() bool { return f.count(t, "opportunity", &fromLead) == 1 })

	// A rep's quote at a 15% discount goes to their manager, who approves it.
	zhang, li := f.member(t, "zhang.wei@example.com"), f.member(t, "li.na@example.com")
	mine := store.Where("owner", store.OpEq, zhang.UserID)
	page, err := f.e.QueryRecords(f.ctx, zhang, f.forms["opportunity"].ID, engine.RecordQuery{Filter: &mine, Limit: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("an opportunity of the rep: %v", err)
	}
	prod, err := f.e.QueryRecords(f.ctx, zhang, f.forms["product"].ID, engine.RecordQuery{Limit: 1})
	if err != nil || len(prod.Items) == 0 {
		t.Fatalf("a product: %v", err)
	}
	quote, err := f.e.CreateRecord(f.ctx, zhang, f.forms["quote"].ID, map[string]any{
		"opportunity": page.Items[0].ID, "customer": page.Items[0].Data["customer"], "discount": 0.15, "discount_reason": "首单优惠",
		"items": []any{map[string]any{"product": prod.Items[0].ID, "unit_price": 10000, "quantity": 3}}}, engine.WriteOptions{})
	if err != nil {
		t.Fatalf("quote: %s", describeErr(err))
	}
	if quote.Data["amount"] != 25500.0 {
		t.Errorf("quote amount = %v, want 25500", quote.Data["amount"])
	}
	waitFor("the quote in approval", func() bool { return get("quote", quote.ID).Data["status"] == "approving" })
	var task workflow.Task
	waitFor("the manager's approval task", func() bool {
		p, err := f.flows.Inbox(f.ctx, li, "todo", "", 50)
		if err != nil {
			return false
		}
		for _, x := range p.Tasks {
			if x.Record == quote.ID {
				task = x
				return true
			}
		}
		return false
	})
	if _, err := f.flows.Act(f.ctx, li, task.ID, "approve", workflow.ActInput{Comment: "同意"}); err != nil {
		t.Fatalf("approve: %s", describeErr(err))
	}
	waitFor("the approved quote flow", func() bool {
		list, err := f.flows.RecordInstances(f.ctx, f.admin, f.forms["quote"].ID, quote.ID)
		return err == nil && len(list) == 1 && list[0].Status == workflow.StatusApproved
	})

	// A follow-up moves the customer's last contact.
	fl := store.Where("status", store.OpEq, "active")
	page, err = f.e.QueryRecords(f.ctx, f.admin, f.forms["customer"].ID, engine.RecordQuery{Filter: &fl, Limit: 1,
		Sort: []store.SortKey{{Field: "last_contact_at"}}})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("a customer: %v", err)
	}
	cus := page.Items[0]
	before := cus.Data["last_contact_at"]
	if tags, _ := cus.Data["tags"].([]any); !slices.Contains(tags, any("at_risk")) {
		t.Errorf("the most silent active customer is not tagged at risk in the sample: %v", cus.Data)
	}
	if _, err := f.e.CreateRecord(f.ctx, f.admin, f.forms["follow_up"].ID, map[string]any{
		"customer": cus.ID, "method": "visit", "content": "上门拜访，确认续约意向"}, engine.WriteOptions{}); err != nil {
		t.Fatalf("create follow-up: %s", describeErr(err))
	}
	waitFor("the customer's last contact", func() bool { return get("customer", cus.ID).Data["last_contact_at"] != before })
	if tags, _ := get("customer", cus.ID).Data["tags"].([]any); slices.Contains(tags, any("at_risk")) {
		t.Errorf("the followed-up customer is still tagged at risk: %v", tags)
	}

	// A won deal gets a contract draft.
	neg := store.Where("stage", store.OpEq, "negotiation")
	page, err = f.e.QueryRecords(f.ctx, f.admin, f.forms["opportunity"].ID, engine.RecordQuery{Filter: &neg, Limit: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("an opportunity in negotiation: %v", err)
	}
	opp := page.Items[0]
	if _, err := f.e.UpdateRecord(f.ctx, f.admin, f.forms["opportunity"].ID, opp.ID,
		map[string]any{"stage": "won", "won_date": f.clock.Now().Format("2006-01-02")}, opp.Version, engine.WriteOptions{}); err != nil {
		t.Fatalf("win: %s", describeErr(err))
	}
	draft := store.And(store.Where("name", store.OpEq, opp.Data["name"].(string)+" 合同"), store.Where("status", store.OpEq, "draft"),
		store.Where("opportunity", store.OpEq, opp.ID))
	waitFor("the contract draft", func() bool { return f.count(t, "contract", &draft) == 1 })

	// Within the hour the scans raise silence alerts.
	rules, err := f.auto.ListApp(f.ctx, f.admin, f.app)
	if err != nil {
		t.Fatal(err)
	}
	var silent7 string
	for _, r := range rules {
		if r.Draft.Name == "客户 7 天未跟进" {
			silent7 = r.ID
		}
	}
	if silent7 == "" {
		t.Fatal("no 7-day silence rule")
	}
	f.clock.Set(f.clock.Now().Add(time.Hour))
	waitFor("silence alerts", func() bool {
		p, err := f.auto.Alerts(f.ctx, f.admin, automation.AlertQuery{Rule: silent7, Limit: 100})
		return err == nil && len(p.Items) > 0
	})
}

// TestCRMTemplateExportAndUpgrade: the installed CRM previews no change
// against its own package (nothing to upgrade, no conflict), and its export
// installs in another workspace with the same forms, fields and parts.
func TestCRMTemplateExportAndUpgrade(t *testing.T) {
	f := installCRM(t)
	p, err := f.svc.Load("crm")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := f.svc.Preview(f.ctx, f.admin, f.app, p)
	if err != nil {
		t.Fatalf("preview: %s", describeErr(err))
	}
	if len(plan.Changes) != 0 || len(plan.Conflicts) != 0 {
		for _, c := range plan.Changes {
			t.Errorf("change against its own package: %+v", c)
		}
		for _, c := range plan.Conflicts {
			t.Errorf("conflict against its own package: %s %s %s", c.Kind, c.Key, c.Path)
		}
	}

	// Without a sample: a sample of a few records per form leaves required
	// relations to records outside it (reported to the installer's owner).
	out, err := f.svc.Export(f.ctx, f.admin, f.app, template.ExportOptions{})
	if err != nil {
		t.Fatalf("export: %s", describeErr(err))
	}
	raw, err := out.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	again, err := template.ParseBundle(raw)
	if err != nil {
		t.Fatalf("parse the export: %s", describeErr(err))
	}
	u, err := f.e.CreateUser(f.ctx, engine.UserInput{Email: "other@example.com", Name: "另一位管理员"})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := f.e.CreateWorkspace(f.ctx, u.ID, engine.WorkspaceInput{Name: "另一家公司"})
	if err != nil {
		t.Fatal(err)
	}
	other := engine.Actor{UserID: u.ID, Name: u.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceUI}
	res, err := f.svc.Install(f.ctx, other, again, template.InstallOptions{})
	if err != nil {
		t.Fatalf("install the export: %s", describeErr(err))
	}
	for _, kind := range []string{"forms", "roles", "stages", "flows", "automations", "alerts", "views", "dashboards", "webhooks"} {
		want := len(p.Parts[kind])
		switch kind {
		case "forms":
			want = len(p.Forms)
		case "roles":
			want = len(p.Roles)
		}
		if res.Counts[kind] != want {
			t.Errorf("the export installs %d %s, the template %d", res.Counts[kind], kind, want)
		}
	}
	forms, err := f.e.Forms(f.ctx, other, res.AppID)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]engine.Form{}
	for _, fm := range forms {
		byName[fm.Name] = fm
	}
	for _, spec := range p.Forms {
		fm, ok := byName[spec.Name]
		if !ok {
			t.Errorf("form %s missing after the round trip", spec.Name)
			continue
		}
		var want, got []string
		for _, fd := range spec.Definition.Fields {
			want = append(want, fd.Key+":"+fd.Type)
		}
		for _, fd := range fm.Draft.Fields {
			got = append(got, fd.Key+":"+fd.Type)
		}
		if strings.Join(want, ",") != strings.Join(got, ",") {
			t.Errorf("%s fields after the round trip:\n got %v\nwant %v", spec.Key, got, want)
		}
	}
}

// TestCRMTemplateEnglish installs the CRM in English: labels, names and
// titles come from the overlay, stored option values stay the same.
func TestCRMTemplateEnglish(t *testing.T) {
	f := installCRM(t)
	p, err := f.svc.Load("crm")
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.e.CreateUser(f.ctx, engine.UserInput{Email: "en@example.com", Name: "Admin"})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := f.e.CreateWorkspace(f.ctx, u.ID, engine.WorkspaceInput{Name: "Example Ltd"})
	if err != nil {
		t.Fatal(err)
	}
	admin := engine.Actor{UserID: u.ID, Name: u.Name, Workspace: ws.ID, Role: engine.RoleAdmin, Source: engine.SourceUI}
	res, err := f.svc.Install(f.ctx, admin, p, template.InstallOptions{Locale: "en", SampleData: true})
	if err != nil {
		t.Fatalf("install in English: %s", describeErr(err))
	}
	app, err := f.e.App(f.ctx, admin, res.AppID)
	if err != nil || app.Name != "Opportunity CRM" {
		t.Errorf("app = %q, %v", app.Name, err)
	}
	forms, err := f.e.Forms(f.ctx, admin, res.AppID)
	if err != nil {
		t.Fatal(err)
	}
	var opp *engine.Form
	for i := range forms {
		if forms[i].Name == "Opportunities" {
			opp = &forms[i]
		}
	}
	if opp == nil {
		t.Fatalf("no Opportunities form among %d", len(forms))
	}
	stage, _ := opp.Draft.FieldByKey("stage")
	if stage.Label != "Stage" || stage.Options[0].Value != "qualify" || stage.Options[0].Label != "Qualification" {
		t.Errorf("stage field = %+v", stage)
	}
	// The pipeline's guidance, checklists and gate messages come from the
	// overlay too (stages by their value).
	ov, err := f.e.CurrentVersion(f.ctx, admin, opp.ID)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := workflow.PipelineOf(ov.Def)
	if err != nil || pl == nil {
		t.Fatalf("pipeline = %v %v", pl, err)
	}
	for _, st := range pl.Stages {
		if st.Guidance == "" || strings.ContainsFunc(st.Guidance, isHan) {
			t.Errorf("stage %s guidance %q is not translated", st.Value, st.Guidance)
		}
		for _, c := range st.Checklist {
			if strings.ContainsFunc(c, isHan) {
				t.Errorf("stage %s checklist item %q is not translated", st.Value, c)
			}
		}
		if strings.ContainsFunc(st.Message["en"], isHan) {
			t.Errorf("stage %s message %q is not English", st.Value, st.Message["en"])
		}
	}
	dbs, err := f.dash.List(f.ctx, admin, res.AppID)
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]bool{}
	for _, d := range dbs {
		titles[d.Title] = true
	}
	if !titles["Sales overview"] || !titles["Risk alerts"] {
		t.Errorf("dashboards = %v", titles)
	}
	// Every chart title, measure label and filter label is translated.
	for _, d := range dbs {
		for _, fl := range d.Filters {
			if strings.ContainsFunc(fl.Label, isHan) {
				t.Errorf("dashboard %q: filter %s label %q is not translated", d.Title, fl.ID, fl.Label)
			}
		}
		for _, c := range d.Charts {
			if strings.ContainsFunc(c.Title, isHan) {
				t.Errorf("dashboard %q: chart %s title %q is not translated", d.Title, c.ID, c.Title)
			}
			for _, m := range c.Measures {
				if strings.ContainsFunc(m.Label, isHan) {
					t.Errorf("dashboard %q: chart %s measure %s label %q is not translated", d.Title, c.ID, m.ID, m.Label)
				}
			}
		}
	}
	rules, err := f.auto.ListApp(f.ctx, admin, res.AppID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if strings.ContainsAny(r.Draft.Name, "线索客户商机跟进") {
			t.Errorf("automation %q is not translated", r.Draft.Name)
		}
	}
}

// isHan reports a Chinese character (an untranslated label).
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }
