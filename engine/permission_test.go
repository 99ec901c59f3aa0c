package engine_test

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
	"github.com/formloom/formloom/engine/tabular"
)

// permFixture is a published form with a hidden field (price), a formula
// reading it (doubled) and a field a rep may see but not change (stage),
// configured so that role 销售 manages its own rows only.
type permFixture struct {
	*fixture
	form      string
	rep, rep2 engine.Actor
	role      engine.WorkspaceRole
	sets      engine.FormPermissions
}

func newPermFixture(t *testing.T, f *fixture) *permFixture {
	t.Helper()
	p := &permFixture{fixture: f}
	p.form = f.publish(t, f.admin, form.Definition{Fields: []form.Field{
		{Key: "company", Type: "text", Label: "公司"},
		{Key: "price", Type: "number", Label: "底价"},
		{Key: "doubled", Type: "formula", Label: "双倍", Expression: "price * 2"},
		{Key: "stage", Type: "text", Label: "阶段"},
		{Key: "docs", Type: "attachment", Label: "附件"},
	}})
	var err error
	if p.role, err = f.e.CreateRole(f.ctx, f.admin, "销售", "一线销售"); err != nil {
		t.Fatal(describe(err))
	}
	p.rep = f.member
	_, p.rep2 = f.addMember(t, "李四")
	for _, a := range []engine.Actor{p.rep, p.rep2} {
		m, err := f.e.Membership(f.ctx, f.admin.Workspace, a.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.SetMemberAccess(f.ctx, f.admin, m.ID, []string{p.role.ID}, nil, m.Version); err != nil {
			t.Fatal(describe(err))
		}
	}
	p.rep.Roles, p.rep2.Roles = []string{p.role.ID}, []string{p.role.ID}
	own, _ := engine.PresetSet(engine.PresetManageOwn)
	own.Name = "销售"
	own.Fields = map[string]engine.FieldAccess{"price": engine.FieldHidden, "stage": engine.FieldView}
	own.Grants = []engine.Grant{{Kind: engine.GrantRole, ID: p.role.ID}}
	fp, _, err := f.e.SavePermissionSet(f.ctx, f.admin, p.form, own, 0)
	if err != nil {
		t.Fatal(describe(err))
	}
	// Take away the default "every member manages all data".
	if fp, err = f.e.DeletePermissionSet(f.ctx, f.admin, p.form, fp.Sets[0].ID, fp.Version); err != nil {
		t.Fatal(describe(err))
	}
	p.sets = fp
	return p
}

// addMember adds a member with a fresh account to the fixture's workspace.
func (f *fixture) addMember(t *testing.T, name string) (engine.Member, engine.Actor) {
	t.Helper()
	u, err := f.e.CreateUser(f.ctx, engine.UserInput{Email: strings.ToLower(store.NewID()) + "@example.com", Name: name})
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.e.AddMember(f.ctx, f.admin, u.ID, engine.RoleMember, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m, engine.Actor{UserID: u.ID, Name: name, Workspace: f.admin.Workspace, Role: engine.RoleMember, Source: engine.SourceUI}
}

func TestPermissionsOwnRowsHiddenAndReadOnlyFields(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		p := newPermFixture(t, f)
		mine, err := f.e.CreateRecord(f.ctx, p.rep, p.form, map[string]any{"company": "甲"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		if mine.Owner != p.rep.UserID {
			t.Fatalf("owner = %q, want the creator", mine.Owner)
		}
		theirs, err := f.e.CreateRecord(f.ctx, p.rep2, p.form, map[string]any{"company": "乙"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		adminRec, err := f.e.CreateRecord(f.ctx, f.admin, p.form, map[string]any{"company": "丙", "price": 100, "stage": "谈判"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		if adminRec.Data["doubled"] != float64(200) {
			t.Fatalf("admin sees the formula: %v", adminRec.Data)
		}

		// Pages, totals and cursors cover own rows only; hidden fields are absent.
		page, err := f.e.QueryRecords(f.ctx, p.rep, p.form, engine.RecordQuery{Total: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 || *page.Total != 1 || page.Items[0].ID != mine.ID {
			t.Fatalf("rep's page = %d items, total %d", len(page.Items), *page.Total)
		}
		for _, k := range []string{"price", "doubled"} {
			if _, ok := page.Items[0].Data[k]; ok {
				t.Errorf("hidden field %s in the rep's page: %v", k, page.Items[0].Data)
			}
		}
		all, err := f.e.QueryRecords(f.ctx, f.admin, p.form, engine.RecordQuery{Total: true})
		if err != nil || *all.Total != 3 {
			t.Fatalf("admin total = %v, %v", all.Total, err)
		}

		// Another rep's record does not exist for this rep.
		if _, err := f.e.Record(f.ctx, p.rep, p.form, theirs.ID); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("other rep's record: %v, want not found", err)
		}
		if _, err := f.e.History(f.ctx, p.rep, p.form, theirs.ID); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("other rep's history: %v, want not found", err)
		}
		if _, err := f.e.UpdateRecord(f.ctx, p.rep, p.form, theirs.ID, map[string]any{"company": "抢"}, theirs.Version, engine.WriteOptions{}); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("update other rep's record: %v, want not found", err)
		}
		if err := f.e.DeleteRecord(f.ctx, p.rep, p.form, theirs.ID, 0); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("delete other rep's record: %v, want not found", err)
		}

		// Filters and sorts on a hidden field are refused like an unknown field.
		_, err = f.e.QueryRecords(f.ctx, p.rep, p.form, engine.RecordQuery{Filter: &store.Filter{Field: "price", Op: store.OpGt, Value: 50}})
		if got := fieldErrors(t, err); got["filter.field"] != engine.CodeUnknownField {
			t.Fatalf("filter on hidden field: %v", got)
		}
		_, err = f.e.QueryRecords(f.ctx, p.rep, p.form, engine.RecordQuery{Sort: []store.SortKey{{Field: "doubled"}}})
		if got := fieldErrors(t, err); got["sort[0]"] != engine.CodeUnknownField {
			t.Fatalf("sort on hidden formula: %v", got)
		}

		// Mass assignment into hidden and read-only fields.
		_, err = f.e.UpdateRecord(f.ctx, p.rep, p.form, mine.ID, map[string]any{"price": 1, "stage": "赢单", "company": "甲2"}, mine.Version, engine.WriteOptions{})
		if got := fieldErrors(t, err); got["price"] != engine.CodeReadOnlyPermission || got["stage"] != engine.CodeReadOnlyPermission || len(got) != 2 {
			t.Fatalf("write hidden/read-only: %v", got)
		}
		_, err = f.e.CreateRecord(f.ctx, p.rep, p.form, map[string]any{"company": "丁", "price": 1}, engine.WriteOptions{})
		if got := fieldErrors(t, err); got["price"] != engine.CodeReadOnlyPermission {
			t.Fatalf("create with hidden field: %v", got)
		}
		upd, err := f.e.UpdateRecord(f.ctx, p.rep, p.form, mine.ID, map[string]any{"company": "甲2"}, mine.Version, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		if _, ok := upd.Data["price"]; ok {
			t.Fatalf("update answer shows the hidden field: %v", upd.Data)
		}

		// The admin gives the rep's record a price: the rep's history does
		// not show that change, the admin's does.
		mineNow, _ := f.e.Record(f.ctx, f.admin, p.form, mine.ID)
		if _, err := f.e.UpdateRecord(f.ctx, f.admin, p.form, mine.ID, map[string]any{"price": 7316529}, mineNow.Version, engine.WriteOptions{}); err != nil {
			t.Fatal(describe(err))
		}
		for _, c := range []struct {
			a    engine.Actor
			want bool
		}{{p.rep, false}, {f.admin, true}} {
			hist, err := f.e.History(f.ctx, c.a, p.form, mine.ID)
			if err != nil {
				t.Fatal(err)
			}
			saw := false
			for _, h := range hist {
				for _, ch := range h.Changes {
					if ch["field"] == "price" || ch["field"] == "doubled" {
						saw = true
					}
				}
			}
			if saw != c.want {
				t.Errorf("%s sees price in history: %v, want %v", c.a.Name, saw, c.want)
			}
		}
		got, err := f.e.Record(f.ctx, p.rep, p.form, mine.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := got.Data["price"]; ok {
			t.Fatalf("record shows the hidden field: %v", got.Data)
		}

		// Export: own rows only, no hidden column.
		if err := f.e.DeleteRecord(f.ctx, p.rep, p.form, mine.ID, 0); err != nil {
			t.Fatal(describe(err))
		}
		if _, err := f.e.RestoreRecord(f.ctx, p.rep, p.form, mine.ID, 0); err != nil {
			t.Fatal(describe(err))
		}
		if _, err := f.e.PrepareExport(f.ctx, p.rep, p.form, engine.RecordQuery{}, engine.FormatCSV, "zh-CN"); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("export without the export action: %v", err)
		}
		own := p.sets.Sets[0]
		own.Actions = append(own.Actions, engine.ActRecordExport)
		fp, _, err := f.e.SavePermissionSet(f.ctx, f.admin, p.form, own, p.sets.Version)
		if err != nil {
			t.Fatal(describe(err))
		}
		p.sets = fp
		x, err := f.e.PrepareExport(f.ctx, p.rep, p.form, engine.RecordQuery{}, engine.FormatCSV, "zh-CN")
		if err != nil {
			t.Fatal(describe(err))
		}
		var csv strings.Builder
		if err := tabular.Write(f.ctx, &csv, x); err != nil {
			t.Fatal(err)
		}
		out := csv.String()
		if strings.Contains(out, "底价") || strings.Contains(out, "双倍") || strings.Contains(out, "7316529") || strings.Contains(out, "14633058") || strings.Contains(out, "乙") || !strings.Contains(out, "甲2") {
			t.Fatalf("rep's export:\n%s", out)
		}

		// The version a rep reads has no hidden field.
		vs, err := f.e.Versions(f.ctx, p.rep, p.form)
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range vs[0].Definition.Fields {
			if fd.Key == "price" || fd.Key == "doubled" {
				t.Fatalf("rep's version lists %s", fd.Key)
			}
		}

		// The effective permission.
		me, err := f.e.MyPermission(f.ctx, p.rep, p.form)
		if err != nil {
			t.Fatal(err)
		}
		if me.Fields["price"] != engine.FieldHidden || me.Fields["doubled"] != engine.FieldHidden || me.Fields["stage"] != engine.FieldView ||
			me.Fields["company"] != engine.FieldEdit || me.Manage || slices.Contains(me.Actions, engine.ActRecordTransfer) {
			t.Fatalf("rep's permission = %+v", me)
		}
	})
}

func TestPermissionsTransferAndStayingInRows(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		p := newPermFixture(t, f)
		mine, err := f.e.CreateRecord(f.ctx, p.rep, p.form, map[string]any{"company": "甲"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		// A rep may not transfer.
		if _, err := f.e.TransferRecords(f.ctx, p.rep, p.form, []string{mine.ID}, p.rep2.UserID); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("rep transfers: %v", err)
		}
		// The admin transfers it: it leaves the rep's rows, enters rep2's.
		res, err := f.e.TransferRecords(f.ctx, f.admin, p.form, []string{mine.ID}, p.rep2.UserID)
		if err != nil || res[0].Err != nil {
			t.Fatalf("transfer: %v %v", err, res)
		}
		if _, err := f.e.Record(f.ctx, p.rep, p.form, mine.ID); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("after transfer the old owner still sees it: %v", err)
		}
		got, err := f.e.Record(f.ctx, p.rep2, p.form, mine.ID)
		if err != nil || got.Owner != p.rep2.UserID {
			t.Fatalf("new owner: %+v %v", got, err)
		}
		hist, _ := f.e.History(f.ctx, p.rep2, p.form, mine.ID)
		last := hist[len(hist)-1]
		if len(last.Changes) != 1 || last.Changes[0]["field"] != "ownedBy" || last.Changes[0]["old"] != p.rep.UserID {
			t.Fatalf("transfer history: %+v", last)
		}

		// Rows on a field: a rep of region east cannot move a record to west by editing.
		region := p.sets.Sets[0]
		rows := store.And(store.Where("ownedBy", store.OpEq, engine.PlaceholderMe), store.Where("company", store.OpNe, "西区"))
		region.Rows = &rows
		if _, _, err := f.e.SavePermissionSet(f.ctx, f.admin, p.form, region, p.sets.Version); err != nil {
			t.Fatal(describe(err))
		}
		_, err = f.e.UpdateRecord(f.ctx, p.rep2, p.form, got.ID, map[string]any{"company": "西区"}, got.Version, engine.WriteOptions{})
		if fe := fieldErrors(t, err); fe["record"] != engine.CodeOutsideRows {
			t.Fatalf("edit out of the rows: %v", fe)
		}
		_, err = f.e.CreateRecord(f.ctx, p.rep2, p.form, map[string]any{"company": "西区"}, engine.WriteOptions{})
		if fe := fieldErrors(t, err); fe["record"] != engine.CodeOutsideRows {
			t.Fatalf("create out of the rows: %v", fe)
		}
		rep, err := f.e.ImportTable(f.ctx, p.rep2, p.form, func() (engine.Table, error) {
			return tabular.Read(strings.NewReader("公司,底价\n东区,1\n西区,2\n"))
		}, engine.ImportOptions{})
		// Import is not in manage_own.
		if !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("import without the action: %v %+v", err, rep)
		}
	})
}

func TestPermissionsFilesFollowTheRecord(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		p := newPermFixture(t, f)
		up, err := f.e.UploadFile(f.ctx, p.rep2, "报价.txt", strings.NewReader("confidential quote"), 0)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := f.e.CreateRecord(f.ctx, p.rep2, p.form, map[string]any{"company": "乙",
			"docs": []any{map[string]any{"id": up.ID, "name": "报价.txt", "size": 18, "contentType": "text/plain"}}}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		ref := engine.FileRef{Form: p.form, Record: rec.ID, Field: "docs"}
		_, body, err := f.e.File(f.ctx, p.rep2, up.ID, ref)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(body)
		body.Close()
		if string(b) != "confidential quote" {
			t.Fatalf("owner reads %q", b)
		}
		// Another rep: not through the record, not without it, and not by
		// attaching the id to a record of their own.
		for _, r := range []engine.FileRef{ref, {}} {
			if _, _, err := f.e.File(f.ctx, p.rep, up.ID, r); !errors.Is(err, engine.ErrNotFound) {
				t.Fatalf("other rep reads the file via %+v: %v", r, err)
			}
		}
		_, err = f.e.CreateRecord(f.ctx, p.rep, p.form, map[string]any{"company": "偷",
			"docs": []any{map[string]any{"id": up.ID, "name": "x.txt", "size": 18, "contentType": "text/plain"}}}, engine.WriteOptions{})
		if fe := fieldErrors(t, err); fe["docs[0]"] != engine.CodeNotFound {
			t.Fatalf("attach another's upload: %v", fe)
		}
		if _, body, err := f.e.File(f.ctx, f.admin, up.ID, engine.FileRef{}); err != nil {
			t.Fatalf("admin reads the file: %v", err)
		} else {
			body.Close()
		}
	})
}

func TestPermissionsChangeTakesEffectAtOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		p := newPermFixture(t, f)
		if _, err := f.e.CreateRecord(f.ctx, f.admin, p.form, map[string]any{"company": "丙"}, engine.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		count := func() int64 {
			page, err := f.e.QueryRecords(f.ctx, p.rep, p.form, engine.RecordQuery{Total: true})
			if errors.Is(err, engine.ErrForbidden) {
				return -1
			}
			if err != nil {
				t.Fatal(err)
			}
			return *page.Total
		}
		if n := count(); n != 0 {
			t.Fatalf("own rows: %d", n)
		}
		all := p.sets.Sets[0]
		all.Rows = nil
		fp, _, err := f.e.SavePermissionSet(f.ctx, f.admin, p.form, all, p.sets.Version)
		if err != nil {
			t.Fatal(describe(err))
		}
		if n := count(); n != 1 {
			t.Fatalf("after widening the rows: %d", n)
		}
		if _, err := f.e.DeletePermissionSet(f.ctx, f.admin, p.form, fp.Sets[0].ID, fp.Version); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != -1 {
			t.Fatalf("after deleting the set: %d, want forbidden", n)
		}
		// A stale version of the permissions is a conflict, never an overwrite.
		if _, _, err := f.e.SavePermissionSet(f.ctx, f.admin, p.form, all, fp.Version); !errors.Is(err, engine.ErrConflict) {
			t.Fatalf("stale save: %v", err)
		}
		// A role in use cannot be deleted.
		if err := f.e.DeleteRole(f.ctx, f.admin, p.role.ID); fieldErrors(t, err)["id"] != engine.CodeInUse {
			t.Fatalf("delete role in use: %v", err)
		}
	})
}

func TestPermissionsDefaultSetSavedInPlace(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, form.Definition{Fields: []form.Field{{Key: "company", Type: "text", Label: "公司"}}})
		fp, err := f.e.FormPermissions(f.ctx, f.admin, formID)
		if err != nil || fp.Configured || len(fp.Sets) != 1 || fp.Sets[0].ID != "default" {
			t.Fatalf("unconfigured: %+v %v", fp, err)
		}
		def := fp.Sets[0]
		def.Actions = []engine.Action{engine.ActRecordView}
		fp, saved, err := f.e.SavePermissionSet(f.ctx, f.admin, formID, def, 0)
		if err != nil {
			t.Fatal(describe(err))
		}
		if !fp.Configured || len(fp.Sets) != 1 || fp.Sets[0].ID != saved.ID || saved.ID == "default" || !slices.Equal(fp.Sets[0].Actions, def.Actions) {
			t.Fatalf("after saving the default: %+v", fp)
		}
		if _, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "甲"}, engine.WriteOptions{}); !errors.Is(err, engine.ErrForbidden) {
			t.Fatalf("member creates with view only: %v", err)
		}
	})
}

func TestPermissionsErrorsNeverNameAHiddenField(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		formID := f.publish(t, f.admin, form.Definition{Fields: []form.Field{
			{Key: "company", Type: "text", Label: "公司", Required: true},
			{Key: "secret", Type: "text", Label: "机密", Required: true},
		}})
		own, _ := engine.PresetSet(engine.PresetManageOwn)
		own.Fields = map[string]engine.FieldAccess{"secret": engine.FieldHidden}
		own.Grants = []engine.Grant{{Kind: engine.GrantMember, ID: f.member.UserID}}
		fp, _, err := f.e.SavePermissionSet(f.ctx, f.admin, formID, own, 0)
		if err != nil {
			t.Fatal(describe(err))
		}
		if _, err := f.e.DeletePermissionSet(f.ctx, f.admin, formID, fp.Sets[0].ID, fp.Version); err != nil {
			t.Fatal(err)
		}
		_, err = f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{}, engine.WriteOptions{})
		got := fieldErrors(t, err)
		if got["company"] != engine.CodeRequired || got["record"] != engine.CodeHiddenFieldInvalid || len(got) != 2 {
			t.Fatalf("errors = %v, want company required and one error that names no hidden field", got)
		}
	})
}
