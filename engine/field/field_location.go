package field

import (
	"strings"

	"github.com/formloom/formloom/engine/expr"
	"github.com/formloom/formloom/engine/form"
	"github.com/formloom/formloom/engine/store"
)

// maxLocationText bounds the place name of a location.
const maxLocationText = 200

func init() { Register(locationType{}) }

// locationType is a point {"lat", "lng"} in degrees (in the coordinate
// system of the client's map) with an optional place name "text". Both
// coordinates are required once anything is given.
type locationType struct{}

func (locationType) Name() string { return "location" }

// Parts are the location parts queries may address.
func (locationType) Parts(*form.Field) []string       { return []string{"lat", "lng", "text"} }
func (locationType) Input() bool                      { return true }
func (locationType) CheckDesign(*form.Field) []Error  { return nil }
func (locationType) Operators(*form.Field) []store.Op { return objectOps }

func (locationType) Schema(*form.Field) map[string]any {
	return nullable("object", map[string]any{
		"properties": map[string]any{
			"lat":  map[string]any{"type": "number", "minimum": -90, "maximum": 90},
			"lng":  map[string]any{"type": "number", "minimum": -180, "maximum": 180},
			"text": map[string]any{"type": "string", "minLength": 1, "maxLength": maxLocationText},
		},
		"required":             []any{"lat", "lng"},
		"additionalProperties": false,
	})
}

func (locationType) ExprType(*form.Field) expr.Type {
	return expr.ObjectOf(map[string]expr.Type{"lat": expr.Number, "lng": expr.Number, "text": expr.Text})
}

func (locationType) Normalize(_ Context, _ *form.Field, path string, raw any) (any, []Error) {
	if isEmpty(raw) {
		return nil, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, typeErr(path, "object")
	}
	var errs []Error
	for k := range m {
		if k != "lat" && k != "lng" && k != "text" {
			errs = append(errs, fail(subPath(path, k), CodeUnknownField, map[string]any{"key": truncate(k)})...)
		}
	}
	out := make(map[string]any, 3)
	for _, c := range []struct {
		key, code string
		limit     float64
	}{{"lat", CodeLatitude, 90}, {"lng", CodeLongitude, 180}} {
		v, present := m[c.key]
		if !present || v == nil {
			errs = append(errs, fail(path, CodeLocation, nil)...)
			continue
		}
		f, _, ok := readNumber(v)
		if _, isString := v.(string); isString || !ok {
			errs = append(errs, typeErr(subPath(path, c.key), "number")...)
			continue
		}
		if f < -c.limit || f > c.limit {
			errs = append(errs, fail(subPath(path, c.key), c.code, nil)...)
			continue
		}
		out[c.key] = f + 0
	}
	if v, present := m["text"]; present && v != nil {
		s, ok := v.(string)
		switch {
		case !ok:
			errs = append(errs, typeErr(subPath(path, "text"), "string")...)
		case textProblem(strings.TrimSpace(s), false) != "":
			errs = append(errs, fail(subPath(path, "text"), textProblem(strings.TrimSpace(s), false), nil)...)
		default:
			if s = strings.TrimSpace(s); s != "" {
				if e := checkLength(subPath(path, "text"), s, nil, nil, maxLocationText); e != nil {
					errs = append(errs, e...)
				}
				out["text"] = s
			}
		}
	}
	if errs != nil {
		return nil, dedupe(errs)
	}
	return out, nil
}

// dedupe drops repeated problems (a location missing both coordinates
// reports "location" once).
func dedupe(errs []Error) []Error {
	out := errs[:0]
	for _, e := range errs {
		dup := false
		for _, o := range out {
			if o.Path == e.Path && o.Code == e.Code {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, e)
		}
	}
	return out
}

// ExprValue has lat, lng and text ("" when missing).
func (locationType) ExprValue(_ Context, _ *form.Field, stored any) any {
	m, ok := stored.(map[string]any)
	if !ok {
		return nil
	}
	text, _ := m["text"].(string)
	return map[string]any{"lat": m["lat"], "lng": m["lng"], "text": text}
}

// Format shows the place name, or the coordinates.
func (locationType) Format(_ Context, _ *form.Field, stored any, _ string) string {
	m, ok := stored.(map[string]any)
	if !ok {
		return ""
	}
	if s, _ := m["text"].(string); s != "" {
		return s
	}
	lat, _ := storedNumber(m["lat"])
	lng, _ := storedNumber(m["lng"])
	return plainNumber(lat) + ", " + plainNumber(lng)
}

func (locationType) ToCell(_ Context, _ *form.Field, stored any) string {
	return storedJSONCell(stored)
}

// FromCell reads a JSON object or "lat, lng".
func (t locationType) FromCell(ctx Context, f *form.Field, path, cell string) (any, []Error) {
	s := strings.TrimSpace(cell)
	if strings.HasPrefix(s, "{") {
		v, ok := jsonCell(s)
		if !ok {
			return nil, typeErr(path, "object")
		}
		return t.Normalize(ctx, f, path, v)
	}
	if s == "" {
		return nil, nil
	}
	lat, lng, ok := strings.Cut(strings.ReplaceAll(s, "，", ","), ",")
	if !ok {
		return nil, fail(path, CodeLocation, nil)
	}
	la, _, ok1 := readNumber(lat)
	ln, _, ok2 := readNumber(lng)
	if !ok1 || !ok2 {
		return nil, typeErr(path, "number")
	}
	return t.Normalize(ctx, f, path, map[string]any{"lat": la, "lng": ln})
}
