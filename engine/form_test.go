package engine_test

import (
	"errors"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

func TestFormChangesKeepStoredData(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		def := form.Definition{Fields: []form.Field{
			{Key: "company", Type: "text", Label: "公司"},
			{Key: "budget", Type: "number", Label: "预算"},
			{Key: "notes", Type: "text", Label: "备注"},
		}}
		formID := f.publish(t, f.admin, def)
		r, err := f.e.CreateRecord(f.ctx, f.member, formID, map[string]any{"company": "A", "budget": 10, "notes": "hi"}, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		// v2: budget removed, notes widened to textarea.
		v2 := form.Definition{Fields: []form.Field{
			{Key: "company", Type: "text", Label: "公司"},
			{Key: "notes", Type: "textarea", Label: "备注"},
		}}
		if err := f.republish(t, f.admin, formID, v2); err != nil {
			t.Fatalf("publish v2: %v", describe(err))
		}
		got, err := f.e.Record(f.ctx, f.member, formID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Data["budget"] != 10.0 {
			t.Fatalf("archived field lost its value: %v", got.Data)
		}
		up, err := f.e.UpdateRecord(f.ctx, f.member, formID, r.ID, map[string]any{"notes": "line1\nline2"}, got.Version, engine.WriteOptions{})
		if err != nil {
			t.Fatal(describe(err))
		}
		if up.Data["budget"] != 10.0 || up.FormVersion != 2 {
			t.Fatalf("update dropped archived data or kept old version: %+v", up)
		}
		_, err = f.e.UpdateRecord(f.ctx, f.member, formID, r.ID, map[string]any{"budget": 5}, up.Version, engine.WriteOptions{})
		if got := fieldErrors(t, err); got["budget"] != "unknown_field" {
			t.Fatalf("writing an archived field: %v", got)
		}
		versions, err := f.e.Versions(f.ctx, f.admin, formID)
		if err != nil || len(versions) != 2 || len(versions[0].Archived) != 1 || versions[0].Archived[0].Key != "budget" {
			t.Fatalf("versions: %+v %v", versions, err)
		}

		// v3: an incompatible type change is refused with a clear error.
		v3 := form.Definition{Fields: []form.Field{
			{Key: "company", Type: "number", Label: "公司"},
			{Key: "notes", Type: "textarea", Label: "备注"},
		}}
		err = f.republish(t, f.admin, formID, v3)
		if got := fieldErrors(t, err); got["fields[0].type"] != "type_change" {
			t.Fatalf("type change: %v", got)
		}
		// Bringing an archived field back with another type is refused too.
		v4 := form.Definition{Fields: []form.Field{
			{Key: "company", Type: "text", Label: "公司"},
			{Key: "budget", Type: "date", Label: "预算"},
		}}
		err = f.republish(t, f.admin, formID, v4)
		if got := fieldErrors(t, err); got["fields[1].type"] != "type_change" {
			t.Fatalf("archived type change: %v", got)
		}
	})
}

func TestPublishRefusesBadDesigns(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name string
		def  form.Definition
		path string
	}{
		{"bad key", form.Definition{Fields: []form.Field{{Key: "Bad Key", Type: "text", Label: "x"}}}, "fields[0].key"},
		{"unknown type", form.Definition{Fields: []form.Field{{Key: "a", Type: "blob", Label: "x"}}}, "fields[0].type"},
		{"formula references a missing field", form.Definition{Fields: []form.Field{{Key: "a", Type: "formula", Label: "x", Expression: "nope * 2"}}}, "fields[0].expression"},
		{"condition is not boolean", form.Definition{Fields: []form.Field{{Key: "a", Type: "number", Label: "x", VisibleWhen: "a + 1"}}}, "fields[0].visibleWhen"},
		{"formula cycle", form.Definition{Fields: []form.Field{
			{Key: "a", Type: "formula", Label: "a", Expression: "b + 1"}, {Key: "b", Type: "formula", Label: "b", Expression: "a + 1"}}}, "fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app, _ := f.e.CreateApp(f.ctx, f.admin, engine.AppInput{Name: uniqueAppName()})
			fm, err := f.e.CreateForm(f.ctx, f.admin, app.ID, engine.FormInput{Name: "f", Definition: tt.def})
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = f.b.Publish(f.ctx, f.admin, fm.ID, fm.Version)
			got := fieldErrors(t, err)
			if got[tt.path] == "" {
				t.Fatalf("want an error at %s, got %v", tt.path, got)
			}
		})
	}
}

func TestMembersCannotDesign(t *testing.T) {
	f := newFixture(t)
	if _, err := f.e.CreateApp(f.ctx, f.member, engine.AppInput{Name: "x"}); !errors.Is(err, engine.ErrForbidden) {
		t.Fatalf("member created an app: %v", err)
	}
}

func TestCheckExpressionForTheEditor(t *testing.T) {
	f := newFixture(t)
	app, _ := f.e.CreateApp(f.ctx, f.admin, engine.AppInput{Name: "x"})
	fm, err := f.e.CreateForm(f.ctx, f.admin, app.ID, engine.FormInput{Name: "f", Definition: form.Definition{Fields: []form.Field{
		{Key: "amount", Type: "number", Label: "金额"}, {Key: "stage", Type: "text", Label: "阶段"}}}})
	if err != nil {
		t.Fatal(err)
	}
	ok, err := f.b.CheckExpression(f.ctx, f.admin, fm.ID, `IF(stage == "won", amount * 2, 0)`)
	if err != nil || len(ok.Diagnostics) != 0 || ok.Type != "number" {
		t.Fatalf("valid expression: %+v %v", ok, err)
	}
	bad, err := f.b.CheckExpression(f.ctx, f.admin, fm.ID, "amount +\n  nope")
	if err != nil || len(bad.Diagnostics) == 0 {
		t.Fatalf("invalid expression: %+v %v", bad, err)
	}
	if d := bad.Diagnostics[0]; d.Line != 2 || d.Column < 1 {
		t.Fatalf("diagnostic position: %+v", d)
	}
}
