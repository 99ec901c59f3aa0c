package field

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// allTypes are the type identifiers of the form design model.
var allTypes = strings.Fields("text textarea richtext number money percent rating date datetime select multiselect boolean email phone url user users department departments relation lookup subform serial address location attachment image signature formula")

func TestNamesAreExactlyTheDesignTypes(t *testing.T) {
	want := slices.Clone(allTypes)
	slices.Sort(want)
	if got := Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %v\nwant %v", got, want)
	}
	for _, n := range allTypes {
		typ, ok := Get(n)
		if !ok || typ.Name() != n {
			t.Errorf("Get(%q) = %v, %v", n, typ, ok)
		}
	}
	if _, ok := Get("nope"); ok {
		t.Errorf("Get(nope) found a type")
	}
}

func TestRegisterPanicsOnDuplicate(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("no panic")
		}
	}()
	Register(textType{})
}

// sampleField returns a valid design of type n.
func sampleField(n string) form.Field {
	f := form.Field{Key: "f", Type: n, Label: "F"}
	switch n {
	case "select", "multiselect":
		f.Options = stageOptions
	case "relation":
		f.Form = "customers"
	case "lookup":
		f.Relation, f.LookupField = "customer", "name"
	case "formula":
		f.Expression = "1 + 1"
	case "subform":
		f = itemsField
		f.Key = "f"
	}
	return f
}

func TestEveryTypeContract(t *testing.T) {
	ctx := testCtx()
	for _, n := range allTypes {
		t.Run(n, func(t *testing.T) {
			typ, _ := Get(n)
			f := sampleField(n)
			if errs := typ.CheckDesign(&f); errs != nil {
				t.Errorf("sample design invalid: %v", errs)
			}
			for _, empty := range []any{nil, "", []any{}, map[string]any{}} {
				if v, errs := typ.Normalize(ctx, &f, "f", empty); v != nil || errs != nil {
					t.Errorf("Normalize(%#v) = %#v, %v; want nil, nil", empty, v, errs)
				}
			}
			s := typ.Schema(&f)
			if s == nil || !schemaNullable(s) {
				t.Errorf("schema not nullable: %v", s)
			}
			ops := typ.Operators(&f)
			if len(ops) == 0 {
				t.Errorf("no operators")
			}
			for _, op := range ops {
				if !slices.Contains(store.Ops, op) {
					t.Errorf("unknown operator %q", op)
				}
			}
			if !slices.Contains(ops, store.OpEmpty) || !slices.Contains(ops, store.OpExists) {
				t.Errorf("operators lack empty/exists: %v", ops)
			}
			if v := typ.ExprValue(ctx, &f, nil); v != nil {
				t.Errorf("ExprValue(nil) = %#v", v)
			}
			if s := typ.Format(ctx, &f, nil, "zh-CN"); s != "" {
				t.Errorf("Format(nil) = %q", s)
			}
			if s := typ.ToCell(ctx, &f, nil); s != "" {
				t.Errorf("ToCell(nil) = %q", s)
			}
			_ = typ.ExprType(&f).String()
		})
	}
}

// schemaNullable reports whether a schema fragment admits null.
func schemaNullable(s map[string]any) bool {
	if len(s) == 0 {
		return true
	}
	if types, ok := s["type"].([]any); ok && slices.Contains(types, any("null")) {
		return true
	}
	if enum, ok := s["enum"].([]any); ok && slices.Contains(enum, nil) {
		return true
	}
	return false
}

func TestComputedTypes(t *testing.T) {
	for _, n := range allTypes {
		typ, _ := Get(n)
		computed := n == "formula" || n == "serial" || n == "lookup"
		if typ.Input() == computed {
			t.Errorf("%s: Input() = %v", n, typ.Input())
		}
	}
}

func TestErrorMessage(t *testing.T) {
	e := Error{Path: "items[2].price", Code: CodeMaxLength, Params: map[string]any{"max": 200}}
	if got := e.Message("zh-CN"); got != "不能超过 200 个字符" {
		t.Errorf("Message zh = %q", got)
	}
	if got := e.Message("en"); got != "Must be at most 200 characters" {
		t.Errorf("Message en = %q", got)
	}
	if got := e.Error(); got != "items[2].price: max_length" {
		t.Errorf("Error() = %q", got)
	}
}

func TestValidKey(t *testing.T) {
	for k, want := range map[string]bool{
		"name": true, "a": true, "a_1": true, strings.Repeat("a", 63): true,
		"": false, "_id": false, "1a": false, "Name": false, "a-b": false, "a.b": false, strings.Repeat("a", 64): false, "名称": false,
	} {
		if got := ValidKey(k); got != want {
			t.Errorf("ValidKey(%q) = %v", k, got)
		}
	}
}

func TestCheckFields(t *testing.T) {
	scenarios := []struct {
		name     string
		fields   []form.Field
		reserved []string
		want     []string
	}{
		{name: "valid CRM fields", fields: crmFields},
		{name: "bad key", fields: []form.Field{{Key: "Name", Type: "text", Label: "名称"}}, want: []string{"fields[0].key:key_invalid"}},
		{name: "system key", fields: []form.Field{{Key: "_id", Type: "text", Label: "x"}}, want: []string{"fields[0].key:key_system"}},
		{name: "reserved key", fields: []form.Field{{Key: "status", Type: "text", Label: "x"}}, reserved: []string{"status"}, want: []string{"fields[0].key:key_reserved"}},
		{name: "duplicate key", fields: []form.Field{{Key: "a", Type: "text", Label: "x"}, {Key: "a", Type: "number", Label: "y"}}, want: []string{"fields[1].key:key_duplicate"}},
		{name: "missing label", fields: []form.Field{{Key: "a", Type: "text", Label: " "}}, want: []string{"fields[0].label:label_required"}},
		{name: "long label", fields: []form.Field{{Key: "a", Type: "text", Label: strings.Repeat("字", 101)}}, want: []string{"fields[0].label:label_too_long"}},
		{name: "unknown type", fields: []form.Field{{Key: "a", Type: "color", Label: "x"}}, want: []string{"fields[0].type:type_unknown"}},
		{name: "type design", fields: []form.Field{{Key: "a", Type: "select", Label: "x"}}, want: []string{"fields[0].options:options_missing"}},
		{name: "subform child paths", fields: []form.Field{{Key: "items", Type: "subform", Label: "明细", Fields: []form.Field{{Key: "x", Type: "text", Label: ""}}}}, want: []string{"fields[0].fields[0].label:label_required"}},
		{name: "lookup needs a relation of the form", fields: []form.Field{{Key: "a", Type: "text", Label: "a"}, {Key: "l", Type: "lookup", Label: "l", Relation: "a", LookupField: "name"}}, want: []string{"fields[1].relation:lookup_relation"}},
		{name: "bad default", fields: []form.Field{{Key: "n", Type: "number", Label: "n", Max: ptr(10.0), Default: 11.0}}, want: []string{"fields[0].default:max"}},
		{name: "good default", fields: []form.Field{{Key: "s", Type: "select", Label: "s", Options: stageOptions, Default: "won"}}},
		{name: "default on computed", fields: []form.Field{{Key: "s", Type: "serial", Label: "s", Default: "x"}}, want: []string{"fields[0].default:default_not_allowed"}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			var got []string
			for _, e := range CheckFields(s.fields, s.reserved) {
				got = append(got, e.Path+":"+e.Code)
			}
			if !reflect.DeepEqual(got, s.want) {
				t.Errorf("CheckFields = %v, want %v", got, s.want)
			}
		})
	}
}

func TestCheckFieldsTooMany(t *testing.T) {
	fields := make([]form.Field, MaxFields+1)
	for i := range fields {
		fields[i] = form.Field{Key: "f" + strings.Repeat("x", i%50) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)), Type: "text", Label: "x"}
	}
	errs := CheckFields(fields, nil)
	if len(errs) == 0 || errs[0].Code != CodeTooMany {
		t.Errorf("errs = %v", errs[:min(len(errs), 3)])
	}
}
