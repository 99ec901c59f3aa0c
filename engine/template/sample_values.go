package template

import (
	"fmt"
	"sort"
	"time"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

// special reads a sample value's {"$op": arg} object: op is one of $ref,
// $member, $daysAgo, $daysFromNow.
func special(v any) (op string, arg any, ok bool) {
	m, isMap := v.(map[string]any)
	if !isMap || len(m) != 1 {
		return "", nil, false
	}
	for k, a := range m {
		switch k {
		case "$ref", "$member", "$daysAgo", "$daysFromNow":
			return k, a, true
		}
	}
	return "", nil, false
}

// walkSpecial calls fn for every $ref and $member in vals (lists and
// subform rows included), with its path and string argument.
func walkSpecial(vals map[string]any, at string, fn func(path, op, arg string)) {
	var walk func(v any, path string)
	walk = func(v any, path string) {
		if op, arg, ok := special(v); ok {
			if s, isStr := arg.(string); isStr && (op == "$ref" || op == "$member") {
				fn(path, op, s)
			}
			return
		}
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(e, path+"."+k)
			}
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	for k, v := range vals {
		walk(v, at+"."+k)
	}
}

// resolver turns sample values into record input.
type resolver struct {
	now     time.Time
	loc     *time.Location
	records map[string]string // "form/key" -> record id
	members map[string]string // member key -> user id
	// fallback is the user id $member resolves to when no sample members
	// are installed.
	fallback string
}

// resolve returns v with its special values replaced, for the field f
// (nil: not a known field; its value is passed on as it is).
func (r *resolver) resolve(v any, f *form.Field, path string) (any, error) {
	if op, arg, ok := special(v); ok {
		switch op {
		case "$ref":
			s, _ := arg.(string)
			id, found := r.records[s]
			if !found {
				return nil, invalid(problem(path, CodeUnknownRef, map[string]any{"kind": "records", "key": s}))
			}
			return id, nil
		case "$member":
			s, _ := arg.(string)
			if id, found := r.members[s]; found {
				return id, nil
			}
			return r.fallback, nil
		default:
			n, isNum := arg.(float64)
			if !isNum {
				return nil, invalid(problem(path, engine.CodeType, map[string]any{"type": "number"}))
			}
			days := int(n)
			if op == "$daysAgo" {
				days = -days
			}
			t := r.now.In(r.loc).AddDate(0, 0, days)
			if f != nil && f.Type == "date" {
				return t.Format("2006-01-02"), nil
			}
			return t.UTC().Format(time.RFC3339), nil
		}
	}
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			var sub *form.Field
			if f != nil && f.Type != "subform" {
				sub = f
			}
			n, err := r.resolve(e, sub, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			if f != nil && f.Type == "subform" {
				if row, isRow := e.(map[string]any); isRow {
					n, err = r.row(row, f.Fields, fmt.Sprintf("%s[%d]", path, i))
					if err != nil {
						return nil, err
					}
				}
			}
			out[i] = n
		}
		return out, nil
	case map[string]any:
		var fields []form.Field
		if f != nil {
			fields = f.Fields
		}
		return r.row(x, fields, path)
	}
	return v, nil
}

// row resolves an object's values against fields.
func (r *resolver) row(vals map[string]any, fields []form.Field, at string) (map[string]any, error) {
	out := make(map[string]any, len(vals))
	for k, v := range vals {
		var f *form.Field
		for i := range fields {
			if fields[i].Key == k {
				f = &fields[i]
			}
		}
		n, err := r.resolve(v, f, join(at, k))
		if err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, nil
}

// sampleLevels groups the sample records ("form/key") by dependency
// level: level 0 refers to no other record, level n only to records of
// lower levels. Within a level, older records (more days ago) come first,
// then template order. A cycle of $ref is an error.
func sampleLevels(s *Sample, formOrder []string) ([][]string, error) {
	deps := map[string][]string{}
	days := map[string]int{}
	var all []string
	for _, fk := range formOrder {
		for _, r := range s.Records[fk] {
			id := fk + "/" + r.Key
			all = append(all, id)
			days[id] = r.DaysAgo
			walkSpecial(r.Values, "", func(_, op, arg string) {
				if op == "$ref" && arg != id {
					deps[id] = append(deps[id], arg)
				}
			})
			sort.Strings(deps[id])
		}
	}
	level := map[string]int{}
	visiting := map[string]bool{}
	var visit func(id string) (int, error)
	visit = func(id string) (int, error) {
		if l, done := level[id]; done {
			return l, nil
		}
		if visiting[id] {
			return 0, invalid(problem("sample.records."+id, engine.CodeCycle, map[string]any{"key": id}))
		}
		visiting[id] = true
		l := 0
		for _, d := range deps[id] {
			dl, err := visit(d)
			if err != nil {
				return 0, err
			}
			l = max(l, dl+1)
		}
		visiting[id] = false
		level[id] = l
		return l, nil
	}
	var out [][]string
	for _, id := range all {
		l, err := visit(id)
		if err != nil {
			return nil, err
		}
		for len(out) <= l {
			out = append(out, nil)
		}
		out[l] = append(out[l], id)
	}
	for _, ids := range out {
		sort.SliceStable(ids, func(i, j int) bool { return days[ids[i]] > days[ids[j]] })
	}
	return out, nil
}
