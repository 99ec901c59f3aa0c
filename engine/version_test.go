package engine_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/i18n"
)

// publishErr creates a form with def and publishes it, returning the error.
func (f *fixture) publishErr(t *testing.T, def form.Definition) error {
	t.Helper()
	app, err := f.e.CreateApp(f.ctx, f.admin, engine.AppInput{Name: uniqueAppName()})
	if err != nil {
		t.Fatal(err)
	}
	fm, err := f.e.CreateForm(f.ctx, f.admin, app.ID, engine.FormInput{Name: "f", Definition: def})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = f.b.Publish(f.ctx, f.admin, fm.ID, fm.Version)
	return err
}

func TestFormulaDependenciesComeFromTheProgram(t *testing.T) {
	f := newFixture(t)
	// city reads address.city: a member of the address, not the formula
	// itself. The regex over the source took it for a cycle.
	id := f.publish(t, f.admin, form.Definition{Fields: []form.Field{
		{Key: "address", Type: "address", Label: "地址"},
		{Key: "label", Type: "formula", Label: "标签", Expression: `CONCATENATE(city, "·", "total")`},
		{Key: "city", Type: "formula", Label: "城市", Expression: `address.city`},
		{Key: "total", Type: "formula", Label: "合计", Expression: `LEN(label)`},
	}})
	r, err := f.e.CreateRecord(f.ctx, f.admin, id, map[string]any{"address": map[string]any{"city": "杭州"}}, engine.WriteOptions{})
	if err != nil {
		t.Fatalf("create: %v", describe(err))
	}
	if r.Data["city"] != "杭州" || r.Data["label"] != "杭州·total" || r.Data["total"] != 8.0 {
		t.Fatalf("formulas in dependency order: %v", r.Data)
	}
	// Real cycles are still refused, whichever way the field is named.
	for name, fields := range map[string][]form.Field{
		"direct":    {{Key: "a", Type: "formula", Label: "a", Expression: "b + 1"}, {Key: "b", Type: "formula", Label: "b", Expression: "a + 1"}},
		"via new":   {{Key: "a", Type: "formula", Label: "a", Expression: "new.b + 1"}, {Key: "b", Type: "formula", Label: "b", Expression: "a * 2"}},
		"self":      {{Key: "a", Type: "formula", Label: "a", Expression: "IF(ISEMPTY(a), 1, 2)"}},
		"three":     {{Key: "a", Type: "formula", Label: "a", Expression: "c"}, {Key: "b", Type: "formula", Label: "b", Expression: "a"}, {Key: "c", Type: "formula", Label: "c", Expression: "LEN(b)"}},
		"changed()": {{Key: "a", Type: "formula", Label: "a", Expression: `changed("b")`}, {Key: "b", Type: "formula", Label: "b", Expression: "a"}},
	} {
		t.Run(name, func(t *testing.T) {
			if got := fieldErrors(t, f.publishErr(t, form.Definition{Fields: fields})); got["fields"] != "formula_cycle" {
				t.Fatalf("want formula_cycle, got %v", got)
			}
		})
	}
	// old.b reads the stored record: no cycle.
	if err := f.publishErr(t, form.Definition{Fields: []form.Field{
		{Key: "a", Type: "formula", Label: "a", Expression: "(old.b ?? 0) + 1"}, {Key: "b", Type: "formula", Label: "b", Expression: "a"}}}); err != nil {
		t.Fatalf("old.b is no dependency: %v", describe(err))
	}
}

func TestPublishRefusesSelectLabelsInExpressions(t *testing.T) {
	f := newFixture(t)
	stage := form.Field{Key: "stage", Type: "select", Label: "阶段", Options: []form.Option{
		{Value: "option_1", Label: "线索"}, {Value: "option_5", Label: "赢单"}}}
	err := f.publishErr(t, form.Definition{Fields: []form.Field{stage,
		{Key: "won", Type: "formula", Label: "赢", Expression: `IF(stage == "赢单", 1, 0)`}}})
	ve := validation(t, err)
	fe := ve.Fields[0]
	if fe.Path != "fields[1].expression" || fe.Code != expr.KeyOptionLabel {
		t.Fatalf("got %s %s", fe.Path, fe.Code)
	}
	zh, en := fe.Message(i18n.ZhCN), fe.Message(i18n.En)
	for _, want := range []string{"第 1 行第 13 列", `stage == "option_5"`, "赢单"} {
		if !strings.Contains(zh, want) {
			t.Errorf("zh %q lacks %q", zh, want)
		}
	}
	if !strings.Contains(en, `write`) && !strings.Contains(en, `stage == "option_5"`) {
		t.Errorf("en %q lacks the suggestion", en)
	}
	// The value compiles and computes.
	id := f.publish(t, f.admin, form.Definition{Fields: []form.Field{stage,
		{Key: "won", Type: "formula", Label: "赢", Expression: `IF(stage == "option_5", 1, 0)`}}})
	r, err := f.e.CreateRecord(f.ctx, f.admin, id, map[string]any{"stage": "option_5"}, engine.WriteOptions{})
	if err != nil || r.Data["won"] != 1.0 {
		t.Fatalf("won = %v, %v", r.Data["won"], describe(err))
	}
}

// validation returns err as a *engine.ValidationError.
func validation(t *testing.T, err error) *engine.ValidationError {
	t.Helper()
	var ve *engine.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) == 0 {
		t.Fatalf("want a validation error, got %v", err)
	}
	return ve
}

func TestFormBudgetAtPublish(t *testing.T) {
	f := newFixture(t)
	many := func(n int, mk func(i int) form.Field) []form.Field {
		out := make([]form.Field, n)
		for i := range out {
			out[i] = mk(i)
		}
		return out
	}
	text := func(i int) form.Field { return form.Field{Key: fmt.Sprintf("t%d", i), Type: "text", Label: "t"} }
	formula := func(i int) form.Field {
		return form.Field{Key: fmt.Sprintf("f%d", i), Type: "formula", Label: "f", Expression: "1 + 1"}
	}
	tests := []struct {
		name   string
		fields []form.Field
		code   string
	}{
		{"too many fields", many(engine.MaxFormFields+1, text), "expr_form_fields"},
		{"subform fields count", append(many(engine.MaxFormFields-1, text),
			form.Field{Key: "items", Type: "subform", Label: "明细", Fields: many(2, text)}), "expr_form_fields"},
		{"too many expressions", many(engine.MaxFormExpressions+1, formula), "expr_form_expressions"},
		{"conditions count", append(many(engine.MaxFormExpressions, formula),
			form.Field{Key: "x", Type: "text", Label: "x", VisibleWhen: "true"}), "expr_form_expressions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ve := validation(t, f.publishErr(t, form.Definition{Fields: tt.fields}))
			fe := ve.Fields[0]
			if fe.Code != tt.code || fe.Path != "fields" {
				t.Fatalf("got %s at %s", fe.Code, fe.Path)
			}
			if zh := fe.Message(i18n.ZhCN); !strings.Contains(zh, "最多") || strings.Contains(zh, "{") {
				t.Errorf("zh message %q", zh)
			}
		})
	}
	// At the caps exactly the form publishes.
	if err := f.publishErr(t, form.Definition{Fields: many(engine.MaxFormExpressions, formula)}); err != nil {
		t.Fatalf("at the cap: %v", describe(err))
	}
}

func TestWriteWorkBudget(t *testing.T) {
	f := newFixture(t)
	// Each formula is within its own limit (about 4 000 of expr.MaxWork);
	// together they need far more than one write may spend.
	heavy := func(n int) []form.Field {
		out := []form.Field{{Key: "n", Type: "number", Label: "n"}}
		for i := range n {
			out = append(out, form.Field{Key: fmt.Sprintf("f%d", i), Type: "formula", Label: "f",
				Expression: "SUM(map(1..2000, # * n))"})
		}
		return out
	}
	over := f.publish(t, f.admin, form.Definition{Fields: heavy(expr.MaxWriteWork/4000 + 10)})
	_, err := f.e.CreateRecord(f.ctx, f.admin, over, map[string]any{"n": 1}, engine.WriteOptions{})
	ve := validation(t, err)
	if ve.Fields[0].Code != "expr_write_budget" {
		t.Fatalf("got %v", describe(err))
	}
	if zh := ve.Fields[0].Message(i18n.ZhCN); !strings.Contains(zh, "计算量") {
		t.Errorf("zh message %q", zh)
	}
	// Nothing was written.
	page, err := f.e.QueryRecords(f.ctx, f.admin, over, engine.RecordQuery{Total: true})
	if err != nil || *page.Total != 0 {
		t.Fatalf("records after a refused write: %v, %v", page.Total, err)
	}
	// Under the budget every formula computes.
	under := f.publish(t, f.admin, form.Definition{Fields: heavy(expr.MaxWriteWork/4000 - 10)})
	r, err := f.e.CreateRecord(f.ctx, f.admin, under, map[string]any{"n": 1}, engine.WriteOptions{})
	if err != nil || r.Data["f0"] != 2001000.0 {
		t.Fatalf("under the budget: %v %v", r.Data["f0"], describe(err))
	}
}

// TestRunErrorsShowNoInternals: a failing default formula is reported in
// the user's language, without the run's Go or VM wording.
func TestRunErrorsShowNoInternals(t *testing.T) {
	f := newFixture(t)
	id := f.publish(t, f.admin, form.Definition{Fields: []form.Field{
		{Key: "n", Type: "number", Label: "n", DefaultExpression: "MOD(1, 0)"},
	}})
	_, err := f.e.CreateRecord(f.ctx, f.admin, id, map[string]any{}, engine.WriteOptions{})
	fe := validation(t, err).Fields[0]
	if fe.Code != "default_failed" {
		t.Fatalf("got %s", fe.Code)
	}
	zh, en := fe.Message(i18n.ZhCN), fe.Message(i18n.En)
	if !strings.Contains(zh, "无法计算") || !strings.Contains(en, "cannot be computed") {
		t.Fatalf("messages %q / %q", zh, en)
	}
	for _, msg := range []string{zh, en} {
		if strings.Contains(msg, "MOD:") || strings.Contains(msg, "expr:") || strings.Contains(msg, "division") {
			t.Errorf("internals in %q", msg)
		}
	}
}
