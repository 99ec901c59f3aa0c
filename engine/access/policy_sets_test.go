package access_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// TestAppAdmin: the admin of an app designs its forms, manages their
// permissions and reaches all their records whatever the sets say; not
// another app's, and they cannot create apps.
func TestAppAdmin(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		own, other := ev.app(), ev.app()
		ownForm, otherForm := ev.publish(own, dealForm), ev.publish(other, dealForm)
		a := ev.setAccess(ev.member("应用管理员"), nil, []string{own})
		sale := ev.member("销售")
		// Both forms give only one member a set, so the app admin holds none.
		ev.configure(ownForm, preset(t, engine.PresetManageOwn, toMember(sale)))
		ev.configure(otherForm, preset(t, engine.PresetManageOwn, toMember(sale)))

		scenarios := []struct {
			act   engine.Action
			r     engine.Resource
			allow bool
		}{
			{engine.ActFormDesign, engine.Resource{Form: ownForm}, true},
			{engine.ActFormDesign, engine.Resource{App: own}, true},
			{engine.ActFormDesign, engine.Resource{App: own, Form: ownForm}, true},
			{engine.ActPermissionsManage, engine.Resource{App: own, Form: ownForm}, true},
			{engine.ActPermissionsManage, engine.Resource{Form: ownForm}, true},
			{engine.ActAppManage, engine.Resource{App: own}, true},
			{engine.ActFormDesign, engine.Resource{Form: otherForm}, false},
			{engine.ActFormDesign, engine.Resource{App: other}, false},
			{engine.ActPermissionsManage, engine.Resource{Form: otherForm}, false},
			{engine.ActAppManage, engine.Resource{App: other}, false},
			{engine.ActAppManage, engine.Resource{}, false},
			{engine.ActFormDesign, engine.Resource{}, false},
			{engine.ActMembersManage, engine.Resource{App: own}, false},
			{engine.ActRolesManage, engine.Resource{}, false},
		}
		for _, act := range engine.RecordActions {
			scenarios = append(scenarios,
				struct {
					act   engine.Action
					r     engine.Resource
					allow bool
				}{act, engine.Resource{Form: ownForm}, true},
				struct {
					act   engine.Action
					r     engine.Resource
					allow bool
				}{act, engine.Resource{Form: otherForm}, false})
		}
		for _, s := range scenarios {
			d := ev.decide(a, s.act, s.r)
			if d.Allowed != s.allow {
				t.Errorf("%s on %+v: allowed=%v, want %v (%s)", s.act, s.r, d.Allowed, s.allow, d.Reason)
			}
			if d.Allowed && (d.Rows != nil || d.Mask != nil) {
				t.Errorf("%s on %+v: an app admin reaches every row and field", s.act, s.r)
			}
		}

		// Through the engine: the app admin designs and configures their
		// app, and is refused elsewhere.
		if _, err := ev.e.CreateForm(ev.ctx, a, own, engine.FormInput{Name: "新表单", Definition: dealForm}); err != nil {
			t.Errorf("app admin creates a form of their app: %v", err)
		}
		if _, err := ev.e.CreateForm(ev.ctx, a, other, engine.FormInput{Name: "新表单", Definition: dealForm}); !errors.Is(err, engine.ErrForbidden) {
			t.Errorf("app admin creates a form of another app: %v", err)
		}
		if _, err := ev.e.CreateApp(ev.ctx, a, engine.AppInput{Name: "自建应用"}); !errors.Is(err, engine.ErrForbidden) {
			t.Errorf("app admin creates an app: %v", err)
		}
		fp, err := ev.e.FormPermissions(ev.ctx, a, ownForm)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := ev.e.SavePermissionSet(ev.ctx, a, ownForm, preset(t, engine.PresetViewAll, everyone), fp.Version); err != nil {
			t.Errorf("app admin saves a set of their form: %v", err)
		}
		if _, err := ev.e.FormPermissions(ev.ctx, a, otherForm); !errors.Is(err, engine.ErrForbidden) {
			t.Errorf("app admin reads another app's sets: %v", err)
		}
	})
}

// TestConfiguredFormWithoutSet: once a form's sets are configured, a
// member no set is granted to may take no record action.
func TestConfiguredFormWithoutSet(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		formID := ev.publish(ev.app(), dealForm)
		granted, outsider := ev.member("销售"), ev.member("外人")
		if got := ev.allowed(outsider, formID); !slices.Equal(got, engine.RecordActions) {
			t.Fatalf("before configuring: %v", got)
		}
		ev.configure(formID, preset(t, engine.PresetManageAll, toMember(granted)))
		if got := ev.allowed(outsider, formID); len(got) != 0 {
			t.Errorf("a member without a set may %v", got)
		}
		if got := ev.allowed(granted, formID); !slices.Equal(got, engine.RecordActions) {
			t.Errorf("the granted member may %v", got)
		}
		if _, err := ev.e.Authorize(ev.ctx, outsider, engine.ActRecordView, engine.Resource{Form: formID}); !errors.Is(err, engine.ErrForbidden) {
			t.Errorf("through the engine: %v", err)
		}
	})
}

// TestPresets: each preset gives exactly its actions, its rows (own: the
// member's records) and its field access.
func TestPresets(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		app := ev.app()
		for _, p := range []engine.Preset{engine.PresetSubmitOnly, engine.PresetManageOwn, engine.PresetAddViewAll,
			engine.PresetViewAll, engine.PresetManageAll} {
			formID := ev.publish(app, dealForm)
			m := ev.member("成员")
			want := preset(t, p, toMember(m))
			ev.configure(formID, want)
			if got := ev.allowed(m, formID); !sameActions(got, want.Actions) {
				t.Errorf("%s: actions %v, want %v", p, got, want.Actions)
			}
			for _, act := range want.Actions {
				d := ev.decide(m, act, engine.Resource{Form: formID})
				own := store.Where("ownedBy", store.OpEq, m.UserID)
				switch {
				case want.Rows == nil && d.Rows != nil:
					t.Errorf("%s %s: rows %+v, want every row", p, act, *d.Rows)
				case want.Rows != nil && (d.Rows == nil || !reflect.DeepEqual(*d.Rows, own)):
					t.Errorf("%s %s: rows %+v, want %+v", p, act, d.Rows, own)
				}
				if want.FieldDefault == engine.FieldView {
					if d.Mask == nil || len(d.Mask.Hidden) != 0 || len(d.Mask.ReadOnly) != len(dealForm.Fields) {
						t.Errorf("%s %s: mask %+v, want every field read-only", p, act, d.Mask)
					}
				} else if d.Mask != nil {
					t.Errorf("%s %s: mask %+v, want none", p, act, d.Mask)
				}
			}
		}
	})
}

// TestUnionOfSets: a member holding two sets (by role and by department)
// may take the actions of either, on the rows of either (OR), and sees a
// field one of them shows.
func TestUnionOfSets(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		formID := ev.publish(ev.app(), dealForm)
		dept := ev.department("华东区", "")
		role := ev.role("销售")
		m := ev.setAccess(ev.member("张三", dept.ID), []string{role}, nil)
		mine := store.Where("ownedBy", store.OpEq, engine.PlaceholderMe)
		ofDept := store.Where("dept", store.OpIn, engine.PlaceholderMyDepartments)
		byRole := engine.PermissionSet{Name: "本人", Actions: []engine.Action{engine.ActRecordView, engine.ActRecordEdit},
			FieldDefault: engine.FieldEdit, Fields: map[string]engine.FieldAccess{"amount": engine.FieldHidden, "note": engine.FieldView},
			Rows: &mine, Grants: []engine.Grant{toRole(role)}}
		byDept := engine.PermissionSet{Name: "本部门", Actions: []engine.Action{engine.ActRecordView, engine.ActRecordExport},
			FieldDefault: engine.FieldHidden, Fields: map[string]engine.FieldAccess{"amount": engine.FieldView, "note": engine.FieldEdit, "title": engine.FieldView},
			Rows: &ofDept, Grants: []engine.Grant{toDepartment(dept.ID)}}
		ev.configure(formID, byRole, byDept)

		want := []engine.Action{engine.ActRecordView, engine.ActRecordEdit, engine.ActRecordExport}
		if got := ev.allowed(m, formID); !slices.Equal(got, want) {
			t.Errorf("actions %v, want %v", got, want)
		}
		ownRows := store.Where("ownedBy", store.OpEq, m.UserID)
		deptRows := store.Where("dept", store.OpIn, []any{dept.ID})

		view := ev.decide(m, engine.ActRecordView, engine.Resource{Form: formID})
		if view.Rows == nil || !reflect.DeepEqual(*view.Rows, store.Or(ownRows, deptRows)) {
			t.Errorf("view rows %+v, want own OR department", view.Rows)
		}
		// view: amount shown by the department set, note editable there,
		// everything else editable through the role set.
		if view.Mask == nil || len(view.Mask.Hidden) != 0 || !reflect.DeepEqual(view.Mask.ReadOnly, map[string]bool{"amount": true}) {
			t.Errorf("view mask %+v", view.Mask)
		}
		edit := ev.decide(m, engine.ActRecordEdit, engine.Resource{Form: formID})
		if edit.Rows == nil || !reflect.DeepEqual(*edit.Rows, ownRows) {
			t.Errorf("edit rows %+v, want own", edit.Rows)
		}
		// edit: only the role set: amount hidden, so the formulas reading
		// it too; note view only.
		wantHidden := map[string]bool{"amount": true, "weighted": true, "doubled": true}
		if edit.Mask == nil || !reflect.DeepEqual(edit.Mask.Hidden, wantHidden) || !reflect.DeepEqual(edit.Mask.ReadOnly, map[string]bool{"note": true}) {
			t.Errorf("edit mask %+v", edit.Mask)
		}
		export := ev.decide(m, engine.ActRecordExport, engine.Resource{Form: formID})
		if export.Rows == nil || !reflect.DeepEqual(*export.Rows, deptRows) {
			t.Errorf("export rows %+v, want the department's", export.Rows)
		}
		// export: the department set shows title, amount, note; the rest
		// is hidden, and weighted reads amount and probability (hidden).
		wantHidden = map[string]bool{"dept": true, "sales": true, "probability": true, "weighted": true, "doubled": true}
		if export.Mask == nil || !reflect.DeepEqual(export.Mask.Hidden, wantHidden) ||
			!reflect.DeepEqual(export.Mask.ReadOnly, map[string]bool{"title": true, "amount": true}) {
			t.Errorf("export mask %+v", export.Mask)
		}
		// A set with no rows among them opens every row.
		all := preset(t, engine.PresetViewAll, toRole(role))
		ev.save(formID, all)
		if d := ev.decide(m, engine.ActRecordView, engine.Resource{Form: formID}); d.Rows != nil {
			t.Errorf("view rows with view_all held too: %+v", *d.Rows)
		}
	})
}

// TestDepartmentGrant: a set granted to a department reaches its members
// and the members of the departments below it, not those beside it.
func TestDepartmentGrant(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		formID := ev.publish(ev.app(), dealForm)
		top := ev.department("销售部", "")
		east := ev.department("华东区", top.ID)
		shanghai := ev.department("上海", east.ID)
		finance := ev.department("财务部", "")
		ev.configure(formID, preset(t, engine.PresetAddViewAll, toDepartment(east.ID)))
		scenarios := []struct {
			who   engine.Actor
			allow bool
		}{
			{ev.member("华东", east.ID), true},
			{ev.member("上海", shanghai.ID), true},
			{ev.member("财务和上海", finance.ID, shanghai.ID), true},
			{ev.member("销售部", top.ID), false},
			{ev.member("财务", finance.ID), false},
			{ev.member("无部门"), false},
		}
		for _, s := range scenarios {
			if d := ev.decide(s.who, engine.ActRecordView, engine.Resource{Form: formID}); d.Allowed != s.allow {
				t.Errorf("member of %v: allowed=%v, want %v", s.who.Departments, d.Allowed, s.allow)
			}
		}
	})
}

// TestPlaceholders: $me, $myDepartments and $myDepartmentsAndBelow stand
// for users on user paths (ownedBy, a user field) and for department ids
// on a department field.
func TestPlaceholders(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		formID := ev.publish(ev.app(), dealForm)
		top := ev.department("销售部", "")
		east := ev.department("华东区", top.ID)
		other := ev.department("财务部", "")
		m := ev.member("经理", top.ID)
		peer := ev.member("同事", top.ID)
		sub := ev.member("下属", east.ID)
		ev.member("财务", other.ID)
		rowsOf := func(f store.Filter) store.Filter {
			t.Helper()
			s := engine.PermissionSet{Name: "x", Actions: []engine.Action{engine.ActRecordView}, Rows: &f, Grants: []engine.Grant{toMember(m)}}
			ev.configure(formID, s)
			d := ev.decide(m, engine.ActRecordView, engine.Resource{Form: formID})
			if d.Rows == nil {
				t.Fatalf("rows %+v resolved to every row", f)
			}
			return *d.Rows
		}
		users := func(us ...engine.Actor) []any {
			l := make([]string, len(us))
			for i, u := range us {
				l[i] = u.UserID
			}
			slices.Sort(l)
			return ids(l)
		}
		scenarios := []struct {
			rows, want store.Filter
		}{
			{store.Where("ownedBy", store.OpEq, engine.PlaceholderMe), store.Where("ownedBy", store.OpEq, m.UserID)},
			{store.Where("ownedBy", store.OpNe, engine.PlaceholderMe), store.Where("ownedBy", store.OpNe, m.UserID)},
			{store.Where("sales", store.OpIn, engine.PlaceholderMe), store.Where("sales", store.OpIn, []any{m.UserID})},
			{store.Where("ownedBy", store.OpIn, engine.PlaceholderMyDepartments), store.Where("ownedBy", store.OpIn, users(m, peer))},
			{store.Where("ownedBy", store.OpEq, engine.PlaceholderMyDepartmentsAndBelow), store.Where("ownedBy", store.OpIn, users(m, peer, sub))},
			{store.Where("sales", store.OpIn, engine.PlaceholderMyDepartmentsAndBelow), store.Where("sales", store.OpIn, users(m, peer, sub))},
			{store.Where("dept", store.OpIn, engine.PlaceholderMyDepartments), store.Where("dept", store.OpIn, []any{top.ID})},
			{store.Where("dept", store.OpEq, engine.PlaceholderMyDepartmentsAndBelow), store.Where("dept", store.OpIn, []any{top.ID, east.ID})},
			{store.And(store.Where("ownedBy", store.OpEq, engine.PlaceholderMe), store.Where("amount", store.OpGt, 100.0)),
				store.And(store.Where("ownedBy", store.OpEq, m.UserID), store.Where("amount", store.OpGt, 100.0))},
		}
		for _, s := range scenarios {
			if got := rowsOf(s.rows); !reflect.DeepEqual(got, s.want) {
				t.Errorf("rows %+v resolved to %+v, want %+v", s.rows, got, s.want)
			}
		}
		// A member of no department matches no department row.
		lone := ev.member("无部门")
		s := store.Where("dept", store.OpIn, engine.PlaceholderMyDepartments)
		ev.configure(formID, engine.PermissionSet{Name: "x", Actions: []engine.Action{engine.ActRecordView}, Rows: &s, Grants: []engine.Grant{everyone}})
		d := ev.decide(lone, engine.ActRecordView, engine.Resource{Form: formID})
		if want := store.Where("id", store.OpIn, []any{"-"}); d.Rows == nil || !reflect.DeepEqual(*d.Rows, want) {
			t.Errorf("no department: rows %+v, want none", d.Rows)
		}
	})
}

// TestHiddenFormula: a formula reading a hidden field is hidden, and so is
// a formula reading that formula; one reading only visible fields stays.
func TestHiddenFormula(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		def := form.Definition{Fields: append(slices.Clone(dealForm.Fields),
			form.Field{Key: "label", Type: "formula", Label: "标签", Expression: `title + "!"`})}
		formID := ev.publish(ev.app(), def)
		m := ev.member("成员")
		s := preset(t, engine.PresetAddViewAll, toMember(m))
		s.Fields = map[string]engine.FieldAccess{"probability": engine.FieldHidden}
		ev.configure(formID, s)
		d := ev.decide(m, engine.ActRecordView, engine.Resource{Form: formID})
		want := map[string]bool{"probability": true, "weighted": true, "doubled": true}
		if d.Mask == nil || !reflect.DeepEqual(d.Mask.Hidden, want) || len(d.Mask.ReadOnly) != 0 {
			t.Errorf("mask %+v, want hidden %v", d.Mask, want)
		}
		if !d.Mask.CanView("label") || !d.Mask.CanEdit("amount") || d.Mask.CanEdit("weighted") {
			t.Errorf("mask %+v", d.Mask)
		}
	})
}

// TestUnpublishedForm: on a form not published yet the sets decide the
// actions; rows that would apply match nothing (there are no records) and
// no mask is needed.
func TestUnpublishedForm(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		app := ev.app()
		draft := ev.draft(app, dealForm)
		m, other := ev.member("成员"), ev.member("他人")
		if d := ev.decide(m, engine.ActRecordCreate, engine.Resource{Form: draft}); !d.Allowed || d.Rows != nil || d.Mask != nil {
			t.Errorf("unconfigured draft: %+v", d)
		}
		s := engine.PermissionSet{Name: "只看", Actions: []engine.Action{engine.ActRecordView}, FieldDefault: engine.FieldView,
			Fields: map[string]engine.FieldAccess{"amount": engine.FieldHidden}, Grants: []engine.Grant{toMember(m)}}
		ev.configure(draft, s)
		if d := ev.decide(m, engine.ActRecordView, engine.Resource{Form: draft}); !d.Allowed || d.Rows != nil || d.Mask != nil {
			t.Errorf("configured draft: %+v", d)
		}
		if d := ev.decide(other, engine.ActRecordView, engine.Resource{Form: draft}); d.Allowed {
			t.Error("a member without a set on a draft")
		}
		// Sets with rows exist only on published forms; a form whose
		// version cannot be read (not published as far as the facts say)
		// gets rows that match nothing.
		published := ev.publish(app, dealForm)
		ev.configure(published, preset(t, engine.PresetManageOwn, toMember(m)))
		facts := &countingFacts{Facts: ev.e, unpublished: true}
		d := ev.decideWith(facts, m, engine.ActRecordView, engine.Resource{Form: published})
		if want := store.Where("id", store.OpIn, []any{"-"}); !d.Allowed || d.Rows == nil || !reflect.DeepEqual(*d.Rows, want) || d.Mask != nil {
			t.Errorf("not published with rows: %+v", d)
		}
	})
}

// sameActions compares action lists as sets.
func sameActions(x, y []engine.Action) bool {
	x, y = slices.Clone(x), slices.Clone(y)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// TestLookupOfHiddenField: a lookup shows a field of the linked record's
// form, so it is hidden when the member may not see that field there (or
// may not view that form at all); a formula over the lookup follows; the
// admin of the linked form's app sees it.
func TestLookupOfHiddenField(t *testing.T) {
	eachBackend(t, func(t *testing.T, ev *env) {
		app, otherApp := ev.app(), ev.app()
		deals := ev.publish(otherApp, dealForm)
		followUps := ev.publish(app, form.Definition{Fields: []form.Field{
			{Key: "subject", Type: "text", Label: "主题"},
			{Key: "deal", Type: "relation", Label: "商机", Form: deals, DisplayField: "title"},
			{Key: "deal_note", Type: "lookup", Label: "商机备注", Relation: "deal", LookupField: "note"},
			{Key: "deal_weighted", Type: "lookup", Label: "加权金额", Relation: "deal", LookupField: "weighted"},
			{Key: "deal_title", Type: "lookup", Label: "商机标题", Relation: "deal", LookupField: "title"},
			{Key: "echo", Type: "formula", Label: "备注回显", Expression: `deal_note + ""`},
		}})
		m, appAdmin := ev.member("销售"), ev.setAccess(ev.member("商机管理员"), nil, []string{otherApp})
		s := preset(t, engine.PresetViewAll, everyone)
		s.Fields = map[string]engine.FieldAccess{"note": engine.FieldHidden, "amount": engine.FieldHidden}
		ev.configure(deals, s)
		view := func(a engine.Actor) *engine.FieldMask {
			t.Helper()
			d := ev.decide(a, engine.ActRecordView, engine.Resource{Form: followUps})
			if !d.Allowed {
				t.Fatalf("view of the follow-ups: %s", d.Reason)
			}
			return d.Mask
		}
		want := map[string]bool{"deal_note": true, "deal_weighted": true, "echo": true}
		if got := view(m); got == nil || !reflect.DeepEqual(got.Hidden, want) {
			t.Errorf("member: mask %+v, want hidden %v", got, want)
		}
		if got := view(appAdmin); got != nil {
			t.Errorf("admin of the deals' app: mask %+v, want none", got)
		}
		// No view of the deals at all: every lookup is hidden (the engine
		// invalidates after the change, so it holds at once).
		ev.configure(deals, preset(t, engine.PresetSubmitOnly, everyone))
		want = map[string]bool{"deal_note": true, "deal_weighted": true, "deal_title": true, "echo": true}
		if got := view(m); got == nil || !reflect.DeepEqual(got.Hidden, want) {
			t.Errorf("without view of the deals: mask %+v, want hidden %v", got, want)
		}
	})
}
