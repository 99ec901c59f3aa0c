package report

import (
	"errors"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/store"
)

// Record properties dashboard filters bind to by default.
const (
	propCreatedAt = "createdAt"
	propOwnedBy   = "ownedBy"
)

// binding returns the field a dashboard filter narrows in a form ("" for none).
func binding(f DashboardFilter, form string) string {
	if k, ok := f.Fields[form]; ok {
		return k
	}
	switch f.Kind {
	case FilterDateRange:
		return propCreatedAt
	case FilterUser:
		return propOwnedBy
	}
	return ""
}

// chartFilter is a chart's own filter and the dashboard filters' values, as
// one filter in the query model (nil for none).
func chartFilter(v *engine.Version, db Dashboard, c Chart, values map[string]FilterValue, loc *time.Location) (*store.Filter, error) {
	var and []store.Filter
	if c.Filter != nil {
		and = append(and, *c.Filter)
	}
	for _, f := range db.Filters {
		val, ok := values[f.ID]
		key := binding(f, c.Form)
		if !ok || key == "" {
			continue
		}
		switch f.Kind {
		case FilterDateRange:
			and = append(and, dateRange(v, key, val, loc)...)
		case FilterUser, FilterDepartment:
			if val.Value != "" {
				and = append(and, store.Where(key, store.OpEq, val.Value))
			}
		}
	}
	switch len(and) {
	case 0:
		return nil, nil
	case 1:
		return &and[0], nil
	}
	f := store.And(and...)
	return &f, nil
}

// dateRange is the filter of an inclusive date range over a date field
// (compared as dates) or a time (from the start of From to the start of
// the day after To, in the workspace time zone).
func dateRange(v *engine.Version, key string, val FilterValue, loc *time.Location) []store.Filter {
	isDate := false
	if f, ok := v.Field(key); ok && f.Type == "date" {
		isDate = true
	}
	var out []store.Filter
	bound := func(day string, op store.Op, next bool) {
		if day == "" {
			return
		}
		t, _ := time.ParseInLocation(time.DateOnly, day, loc)
		if next {
			t = t.AddDate(0, 0, 1)
		}
		if isDate {
			out = append(out, store.Where(key, op, t.Format(time.DateOnly)))
			return
		}
		out = append(out, store.Where(key, op, store.FormatTime(t)))
	}
	bound(val.From, store.OpGte, false)
	if isDate {
		bound(val.To, store.OpLte, false)
	} else {
		bound(val.To, store.OpLt, true)
	}
	return out
}

// checkValues validates the viewer's filter values against the dashboard.
func checkValues(db Dashboard, values map[string]FilterValue) error {
	var errs []field.Error
	for id, val := range values {
		i := -1
		for j, f := range db.Filters {
			if f.ID == id {
				i = j
			}
		}
		at := "filters." + id
		if i < 0 {
			errs = append(errs, field.Error{Path: at, Code: engine.CodeNotFound, Params: map[string]any{"value": id}})
			continue
		}
		for _, d := range []struct{ name, v string }{{"from", val.From}, {"to", val.To}} {
			if _, err := time.Parse(time.DateOnly, d.v); d.v != "" && err != nil {
				errs = append(errs, field.Error{Path: at + "." + d.name, Code: field.CodeDate})
			}
		}
		if val.From != "" && val.To != "" && val.From > val.To {
			errs = append(errs, field.Error{Path: at + ".to", Code: engine.CodeRange, Params: map[string]any{"min": val.From, "max": "9999-12-31"}})
		}
		if len(val.Value) > store.MaxIDLength {
			errs = append(errs, field.Error{Path: at + ".value", Code: engine.CodeMaxLength, Params: map[string]any{"max": store.MaxIDLength}})
		}
	}
	if len(errs) > 0 {
		return &engine.ValidationError{Fields: errs}
	}
	return nil
}

func invalid(errs ...field.Error) error { return &engine.ValidationError{Fields: errs} }

func invalidAt(path, code string, params map[string]any) error {
	return invalid(field.Error{Path: path, Code: code, Params: params})
}

// exprErr turns a compile error into a field error: the first
// diagnostic's localized code with its line and column (as the engine
// reports formula errors), or "expression" with the reason.
func exprErr(path string, err error) field.Error {
	var xe *expr.Error
	if errors.As(err, &xe) && len(xe.Diagnostics) > 0 {
		d := xe.Diagnostics[0]
		params := map[string]any{"line": d.Line, "column": d.Column, "reason": d.Message, "kind": d.Code}
		for k, v := range d.Params {
			params[k] = v
		}
		code := d.Key
		if code == "" {
			code = engine.CodeExpression
		}
		return field.Error{Path: path, Code: code, Params: params}
	}
	return field.Error{Path: path, Code: engine.CodeExpression, Params: map[string]any{"reason": err.Error()}}
}

// renamePath renames the paths of a validation error (exact matches).
func renamePath(err error, names map[string]string) error {
	var ve *engine.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	out := &engine.ValidationError{Fields: make([]field.Error, len(ve.Fields))}
	for i, f := range ve.Fields {
		if n, ok := names[f.Path]; ok {
			f.Path = n
		}
		out.Fields[i] = f
	}
	return out
}
