package engine_test

import (
	"errors"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// TestWorkspaceIsolation proves that an actor of one workspace can neither
// read nor change anything of another, through every operation.
func TestWorkspaceIsolation(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, opportunityForm())
		rec, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "A"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		fm, _ := f.e.Form(f.ctx, f.admin, formID)
		apps, _ := f.e.Apps(f.ctx, f.admin)
		appID := apps[0].ID
		dept, err := f.e.CreateDepartment(f.ctx, f.admin, "销售部", "")
		if err != nil {
			t.Fatal(err)
		}
		members, _ := f.e.Members(f.ctx, f.admin)

		other, _ := f.newWorkspace(t, "另一家公司")
		ctx := f.ctx
		notFound := map[string]func() error{
			"App":        func() error { _, err := f.e.App(ctx, other, appID); return err },
			"UpdateApp":  func() error { _, err := f.e.UpdateApp(ctx, other, appID, engine.AppInput{Name: "x"}, 1); return err },
			"DeleteApp":  func() error { return f.e.DeleteApp(ctx, other, appID) },
			"RestoreApp": func() error { _, err := f.e.RestoreApp(ctx, other, appID); return err },
			"Forms":      func() error { _, err := f.e.Forms(ctx, other, appID); return err },
			"CreateForm": func() error { _, err := f.e.CreateForm(ctx, other, appID, engine.FormInput{Name: "x"}); return err },
			"Form":       func() error { _, err := f.e.Form(ctx, other, formID); return err },
			"SaveDraft": func() error {
				_, err := f.e.SaveDraft(ctx, other, formID, engine.FormInput{Name: "x"}, fm.Version)
				return err
			},
			"DeleteForm": func() error { return f.e.DeleteForm(ctx, other, formID) },
			"Publish":    func() error { _, _, err := f.b.Publish(ctx, other, formID, fm.Version); return err },
			"PublishVersion": func() error {
				_, err := f.e.PublishVersion(ctx, other, formID, fm.Version, form.Definition{}, nil, nil)
				return err
			},
			"Versions":       func() error { _, err := f.e.Versions(ctx, other, formID); return err },
			"CurrentVersion": func() error { _, err := f.e.CurrentVersion(ctx, other, formID); return err },
			"CreateRecord": func() error {
				_, err := f.e.CreateRecord(ctx, other, formID, map[string]any{"company": "x"}, engine.WriteOptions{})
				return err
			},
			"Record": func() error { _, err := f.e.Record(ctx, other, formID, rec.ID); return err },
			"UpdateRecord": func() error {
				_, err := f.e.UpdateRecord(ctx, other, formID, rec.ID, map[string]any{"company": "x"}, rec.Version, engine.WriteOptions{})
				return err
			},
			"DeleteRecord":       func() error { return f.e.DeleteRecord(ctx, other, formID, rec.ID, 0) },
			"RestoreRecord":      func() error { _, err := f.e.RestoreRecord(ctx, other, formID, rec.ID, 0); return err },
			"QueryRecords":       func() error { _, err := f.e.QueryRecords(ctx, other, formID, engine.RecordQuery{}); return err },
			"History":            func() error { _, err := f.e.History(ctx, other, formID, rec.ID); return err },
			"UpdateDepartment":   func() error { _, err := f.e.UpdateDepartment(ctx, other, dept.ID, "x", "", dept.Version); return err },
			"SetDepartmentHeads": func() error { _, err := f.e.SetDepartmentHeads(ctx, other, dept.ID, nil, dept.Version); return err },
			"DeleteDepartment":   func() error { return f.e.DeleteDepartment(ctx, other, dept.ID) },
			"UpdateMember": func() error {
				_, err := f.e.UpdateMember(ctx, other, members[0].ID, engine.RoleMember, nil, 1)
				return err
			},
			"RemoveMember": func() error { return f.e.RemoveMember(ctx, other, members[0].ID) },
			"File":         func() error { _, _, err := f.e.File(ctx, other, rec.ID, engine.FileRef{}); return err },
		}
		for name, call := range notFound {
			if err := call(); !errors.Is(err, engine.ErrNotFound) {
				t.Errorf("%s across workspaces: want not found, got %v", name, err)
			}
		}
		// Listings of the other workspace show nothing of the first.
		if list, _ := f.e.Apps(ctx, other); len(list) != 0 {
			t.Errorf("Apps leaked %d apps", len(list))
		}
		if list, _ := f.e.Departments(ctx, other); len(list) != 0 {
			t.Errorf("Departments leaked %d", len(list))
		}
		if list, _ := f.e.Members(ctx, other); len(list) != 2 {
			t.Errorf("Members of the other workspace: %d", len(list))
		}
		// A member of the first workspace cannot be referenced from the second.
		def := form.Definition{Fields: []form.Field{{Key: "owner", Type: "user", Label: "负责人"}, {Key: "dept", Type: "department", Label: "部门"}}}
		otherForm := f.publish(t, other, def)
		_, err = f.e.CreateRecord(ctx, other, otherForm, map[string]any{"owner": f.member.UserID, "dept": dept.ID}, engine.WriteOptions{})
		if got := fieldErrors(t, err); got["owner"] != "not_found" || got["dept"] != "not_found" {
			t.Errorf("cross-workspace references: %v", got)
		}
		// And the first workspace's data is unchanged.
		got, err := f.e.Record(ctx, f.admin, formID, rec.ID)
		if err != nil || got.Version != 1 || got.DeletedAt != nil {
			t.Fatalf("record changed: %+v %v", got, err)
		}
		page, _ := f.e.QueryRecords(ctx, f.admin, formID, engine.RecordQuery{Deleted: store.IncludeDeleted, Total: true})
		if *page.Total != 1 {
			t.Fatalf("records in first workspace: %d", *page.Total)
		}
	})
}

func TestRelationsMustPointToLiveRecords(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		custForm := f.publish(t, f.admin, form.Definition{Fields: []form.Field{{Key: "name", Type: "text", Label: "客户名称"}, {Key: "city", Type: "text", Label: "城市"}}})
		cust, err := f.e.CreateRecord(f.ctx, f.member, custForm, map[string]any{"name": "华为", "city": "深圳"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		oppForm := f.publish(t, f.admin, form.Definition{Fields: []form.Field{
			{Key: "customer", Type: "relation", Label: "客户", Form: custForm, DisplayField: "name"},
			{Key: "city", Type: "lookup", Label: "城市", Relation: "customer", LookupField: "city"},
		}})
		r, err := f.e.CreateRecord(f.ctx, f.member, oppForm, map[string]any{"customer": cust.ID}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		if r.Data["city"] != "深圳" {
			t.Errorf("lookup copied %v", r.Data["city"])
		}
		// A copied lookup keeps the value of the time of the write; a live one
		// follows the related record.
		liveForm := f.publish(t, f.admin, form.Definition{Fields: []form.Field{
			{Key: "customer", Type: "relation", Label: "客户", Form: custForm, DisplayField: "name"},
			{Key: "city", Type: "lookup", Label: "城市", Relation: "customer", LookupField: "city", Live: true},
		}})
		lr, err := f.e.CreateRecord(f.ctx, f.member, liveForm, map[string]any{"customer": cust.ID}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		if _, err := f.e.UpdateRecord(f.ctx, f.member, custForm, cust.ID, map[string]any{"city": "东莞"}, cust.Version, engine.WriteOptions{}); err != nil {
			t.Fatal(describe(err))
		}
		copied, _ := f.e.Record(f.ctx, f.member, oppForm, r.ID)
		live, _ := f.e.Record(f.ctx, f.member, liveForm, lr.ID)
		page, _ := f.e.QueryRecords(f.ctx, f.member, liveForm, engine.RecordQuery{})
		if copied.Data["city"] != "深圳" || live.Data["city"] != "东莞" || page.Items[0].Data["city"] != "东莞" {
			t.Errorf("copied %v, live %v, live in a page %v", copied.Data["city"], live.Data["city"], page.Items[0].Data["city"])
		}
		_, err = f.e.CreateRecord(f.ctx, f.member, oppForm, map[string]any{"customer": "01jxxxxxxxxxxxxxxxxxxxxxxx"}, engine.WriteOptions{})
		if got := fieldErrors(t, err); got["customer"] != "not_found" {
			t.Fatalf("dangling relation: %v", got)
		}
	})
}
