package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/access"
	"github.com/formloom/formloom/engine/automation"
	"github.com/formloom/formloom/engine/jobs"
	"github.com/formloom/formloom/engine/report"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/store/sqlitestore"
	"github.com/formloom/formloom/engine/template"
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
	if err := wireTemplateParts(ctx, e, templateServices{stages: stages, approvals: approvals, automations: automations, dashboards: dashboards}); err != nil {
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
			t.Logf("part %q is not registered by this build: not installed", kind)
			delete(p.Parts, kind)
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
	return &crmFixture{ctx: ctx, e: e, svc: svc, admin: admin, clock: clock, work: work, auto: automations, dash: dashboards, app: res.AppID, forms: forms, took: took}
}

func (f *crmFixture) count(t *testing.T, form string, filter *store.Filter) int64 {
	t.Helper()
	page, err := f.e.QueryRecords(f.ctx, f.admin, f.forms[form].ID, engine.RecordQuery{Filter: filter, Limit: 1, Total: true})
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
			} else if len(c.Rows) == 0 {
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
// gets a contract draft; the next morning's scan raises silence alerts.
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

	// A follow-up moves the customer's last contact.
	fl := store.Where("status", store.OpEq, "active")
	page, err := f.e.QueryRecords(f.ctx, f.admin, f.forms["customer"].ID, engine.RecordQuery{Filter: &fl, Limit: 1,
		Sort: []store.SortKey{{Field: "last_contact_at"}}})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("a customer: %v", err)
	}
	cus := page.Items[0]
	before := cus.Data["last_contact_at"]
	if _, err := f.e.CreateRecord(f.ctx, f.admin, f.forms["follow_up"].ID, map[string]any{
		"customer": cus.ID, "method": "visit", "content": "上门拜访，确认续约意向"}, engine.WriteOptions{}); err != nil {
		t.Fatalf("create follow-up: %s", describeErr(err))
	}
	waitFor("the customer's last contact", func() bool { return get("customer", cus.ID).Data["last_contact_at"] != before })

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
	draft := store.And(store.Where("name", store.OpEq, opp.Data["name"].(string)+" 合同"), store.Where("status", store.OpEq, "draft"))
	waitFor("the contract draft", func() bool { return f.count(t, "contract", &draft) == 1 })

	// The next morning's scans raise silence alerts.
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
	f.clock.Set(f.clock.Now().Add(23 * time.Hour))
	waitFor("silence alerts", func() bool {
		p, err := f.auto.Alerts(f.ctx, f.admin, automation.AlertQuery{Rule: silent7, Limit: 100})
		return err == nil && len(p.Items) > 0
	})
}
