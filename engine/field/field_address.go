package field

import (
	"strings"
	"unicode/utf8"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// addressParts are the keys of an address with their maximum lengths in runes.
var addressParts = []struct {
	key string
	max int
}{{"province", 64}, {"city", 64}, {"district", 64}, {"detail", 200}}

// objectOps are the operators of object values as a whole; filters reach
// their parts by path ("address.city").
var objectOps = []store.Op{store.OpEmpty, store.OpExists}

func init() { Register(addressType{}) }

// addressType is {"province", "city", "district", "detail"}: region names or
// codes as the client's region picker gives them, and a free detail line.
// Only non-empty parts are stored; all empty is null.
type addressType struct{}

func (addressType) Name() string                     { return "address" }
func (addressType) Input() bool                      { return true }
func (addressType) CheckDesign(*form.Field) []Error  { return nil }
func (addressType) Operators(*form.Field) []store.Op { return objectOps }

func (addressType) Schema(*form.Field) map[string]any {
	props := map[string]any{}
	for _, p := range addressParts {
		props[p.key] = map[string]any{"type": "string", "minLength": 1, "maxLength": p.max}
	}
	return nullable("object", map[string]any{"properties": props, "additionalProperties": false, "minProperties": 1})
}

func (addressType) ExprType(*form.Field) expr.Type {
	return expr.ObjectOf(map[string]expr.Type{"province": expr.Text, "city": expr.Text, "district": expr.Text, "detail": expr.Text})
}

// Parts are the address parts queries may address.
func (addressType) Parts(*form.Field) []string {
	out := make([]string, len(addressParts))
	for i, p := range addressParts {
		out[i] = p.key
	}
	return out
}

func (addressType) Normalize(_ Context, _ *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, typeErr(path, "object")
	}
	var errs []Error
	for k := range m {
		if !isAddressPart(k) {
			errs = append(errs, fail(subPath(path, k), CodeUnknownField, map[string]any{"key": truncate(k)})...)
		}
	}
	out := make(map[string]any, len(addressParts))
	for _, p := range addressParts {
		v, present := m[p.key]
		if !present || v == nil {
			continue
		}
		s, ok := v.(string)
		if !ok {
			errs = append(errs, typeErr(subPath(path, p.key), "string")...)
			continue
		}
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if code := textProblem(s, false); code != "" {
			errs = append(errs, fail(subPath(path, p.key), code, nil)...)
			continue
		}
		if utf8.RuneCountInString(s) > p.max {
			errs = append(errs, fail(subPath(path, p.key), CodeMaxLength, map[string]any{"max": p.max})...)
			continue
		}
		out[p.key] = s
	}
	if errs != nil {
		return nil, errs
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func isAddressPart(k string) bool {
	for _, p := range addressParts {
		if p.key == k {
			return true
		}
	}
	return false
}

// ExprValue has every part, "" when missing.
func (addressType) ExprValue(_ Context, _ *form.Field, stored any) any {
	m, ok := stored.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]any, len(addressParts))
	for _, p := range addressParts {
		s, _ := m[p.key].(string)
		out[p.key] = s
	}
	return out
}

// Format writes a Chinese address from the largest region down
// ("广东省深圳市南山区 科技园路 1 号"), an English one from the detail up.
func (addressType) Format(_ Context, _ *form.Field, stored any, lang string) string {
	m, _ := stored.(map[string]any)
	part := func(k string) string { s, _ := m[k].(string); return s }
	if zh(lang) {
		region := part("province") + part("city") + part("district")
		return strings.TrimSpace(region + " " + part("detail"))
	}
	var parts []string
	for _, k := range []string{"detail", "district", "city", "province"} {
		if s := part(k); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// ToCell writes "province / city / district / detail".
func (addressType) ToCell(_ Context, _ *form.Field, stored any) string {
	m, ok := stored.(map[string]any)
	if !ok {
		return ""
	}
	parts := make([]string, len(addressParts))
	for i, p := range addressParts {
		parts[i], _ = m[p.key].(string)
	}
	return strings.Join(parts, " / ")
}

// FromCell reads what ToCell writes, a JSON object, or a plain line taken
// as the detail.
func (t addressType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	s := strings.TrimSpace(cell)
	if strings.HasPrefix(s, "{") {
		v, ok := jsonCell(s)
		if !ok {
			return nil, typeErr(path, "object")
		}
		return t.Normalize(ctx, f, path, v)
	}
	parts := strings.SplitN(s, "/", len(addressParts))
	if len(parts) != len(addressParts) {
		return t.Normalize(ctx, f, path, map[string]any{"detail": s})
	}
	m := make(map[string]any, len(addressParts))
	for i, p := range addressParts {
		m[p.key] = strings.TrimSpace(parts[i])
	}
	return t.Normalize(ctx, f, path, m)
}
