package engine

import (
	"errors"
	"math"
	"time"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/i18n"
	"github.com/formloom/formloom/engine/store"
)

// exprInput converts stored values into expression values for the
// version's expressions: new is data, old the record before this write.
func (w *write) exprInput(data map[string]any) expr.Input {
	in := expr.Input{New: w.v.exprValues(w.ctx, data), Now: w.ctx.Now, Location: w.ctx.Location, Budget: w.budget,
		User: map[string]any{"id": w.a.UserID, "name": w.a.Name, "email": w.a.Email,
			"departments": anyList(w.a.Departments), "roles": []any{string(w.a.Role)}}}
	if w.old != nil {
		in.Old = w.v.exprValues(w.ctx, w.old.Data)
	} else {
		in.Old = map[string]any{}
	}
	return in
}

// overBudget refuses the write when its expressions spent the work budget
// they share (expr.MaxWriteWork): formulas that failed for it would
// otherwise be stored empty and rules reported as broken.
func (w *write) overBudget() error {
	if w.budget == nil || !w.budget.Exceeded() {
		return nil
	}
	w.e.log.Warn("write refused: expression work budget spent", "form", w.v.Form, "used", w.budget.Used(), "max", w.budget.Max())
	return invalid(fieldErr("", CodeExprWriteBudget, map[string]any{"max": w.budget.Max()}))
}

func (v *Version) exprValues(ctx field.Context, data map[string]any) map[string]any {
	out := make(map[string]any, len(v.fields))
	for _, f := range v.fields {
		val, ok := data[f.def.Key]
		if !ok || val == nil {
			out[f.def.Key] = nil
			continue
		}
		out[f.def.Key] = f.typ.ExprValue(ctx, f.def, val)
	}
	return out
}

// runReason says why an expression run failed, per language, without the
// run's internals (which name Go types and VM details).
func runReason(err error) map[string]string {
	if errors.Is(err, expr.ErrLimit) {
		return map[string]string{i18n.ZhCN: "计算量超出上限", i18n.En: "it needs more work than allowed"}
	}
	return map[string]string{i18n.ZhCN: "无法计算（可能有字段为空或取值不符）", i18n.En: "it cannot be computed (a field may be empty or hold an unexpected value)"}
}

// resultKind names a formula result that cannot be stored, per language.
func resultKind(v any) map[string]string {
	switch v.(type) {
	case map[string]any:
		return map[string]string{i18n.ZhCN: "对象", i18n.En: "object"}
	case []any:
		return map[string]string{i18n.ZhCN: "列表", i18n.En: "list"}
	}
	return map[string]string{i18n.ZhCN: "不支持的值", i18n.En: "unsupported value"}
}

// formulaValue turns an expression result into a stored value.
func formulaValue(v any, ctx field.Context) (any, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, true
		}
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case string, bool:
		return x, true
	case time.Time:
		return store.FormatTime(x), true
	case []any:
		n, err := store.NormalizeValue(x)
		return n, err == nil
	}
	return nil, false
}

// exprToInput turns an expression result into input for a field's Normalize.
func exprToInput(v any, ctx field.Context) any {
	switch x := v.(type) {
	case time.Time:
		return x.In(ctx.Location).Format(time.RFC3339Nano)
	case int:
		return float64(x)
	case int64:
		return float64(x)
	}
	return v
}
