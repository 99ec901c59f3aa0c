package template

import (
	"fmt"
	"sort"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
)

// validate checks what a package can be checked for without a workspace:
// its format, required properties, unique keys and the references between
// its parts (forms by key in relations, roles by key in grants and sample
// members, sample records and members by key in sample values).
func (p *Package) validate() error {
	var errs []field.Error
	add := func(path, code string, params map[string]any) { errs = append(errs, problem(path, code, params)) }
	if p.Format != FormatVersion {
		add("format", CodeFormat, map[string]any{"value": p.Format, "supported": FormatVersion})
	}
	t := &p.Template
	if !keyPattern.MatchString(t.Key) {
		add("template.key", keyCode(t.Key), map[string]any{"value": t.Key})
	}
	if strings.TrimSpace(t.Version) == "" {
		add("template.version", engine.CodeRequired, nil)
	}
	if len(t.Name) == 0 {
		add("template.name", engine.CodeRequired, nil)
	}
	if strings.TrimSpace(t.App.Name) == "" {
		add("template.app.name", engine.CodeRequired, nil)
	}
	forms := map[string]*FormSpec{}
	for i := range p.Forms {
		f := &p.Forms[i]
		at := "forms." + f.Key
		if !keyPattern.MatchString(f.Key) {
			add(fmt.Sprintf("forms[%d].key", i), keyCode(f.Key), map[string]any{"value": f.Key})
			continue
		}
		if forms[f.Key] != nil {
			add(at+".key", CodeDuplicateKey, map[string]any{"key": f.Key})
			continue
		}
		forms[f.Key] = f
	}
	seenOrder := map[string]bool{}
	for i, k := range t.App.Forms {
		switch {
		case forms[k] == nil:
			add(fmt.Sprintf("template.app.forms[%d]", i), CodeUnknownRef, map[string]any{"kind": "forms", "key": k})
		case seenOrder[k]:
			add(fmt.Sprintf("template.app.forms[%d]", i), CodeDuplicateKey, map[string]any{"key": k})
		}
		seenOrder[k] = true
	}
	roles := map[string]bool{}
	for i, r := range p.Roles {
		switch {
		case !keyPattern.MatchString(r.Key):
			add(fmt.Sprintf("roles[%d].key", i), keyCode(r.Key), map[string]any{"value": r.Key})
		case roles[r.Key]:
			add("roles."+r.Key+".key", CodeDuplicateKey, map[string]any{"key": r.Key})
		case strings.TrimSpace(r.Name) == "":
			add("roles."+r.Key+".name", engine.CodeRequired, nil)
		}
		roles[r.Key] = true
	}
	for _, f := range p.Forms {
		if forms[f.Key] == nil {
			continue
		}
		at := "forms." + f.Key
		eachRef(f.Definition.Fields, at+".definition.", func(path string, fd *form.Field) {
			target, ok := forms[fd.Form]
			if !ok {
				add(path+".form", CodeUnknownRef, map[string]any{"kind": "forms", "key": fd.Form})
				return
			}
			if fd.DisplayField != "" && !strings.HasPrefix(fd.DisplayField, "_") {
				if _, ok := target.Definition.FieldByKey(fd.DisplayField); !ok {
					add(path+".displayField", CodeUnknownRef, map[string]any{"kind": "fields", "key": fd.DisplayField})
				}
			}
		})
		if f.Permissions != nil {
			for i, s := range f.Permissions.Sets {
				for j, g := range s.Grants {
					switch g.Kind {
					case engine.GrantRole:
						if !roles[g.ID] {
							add(fmt.Sprintf("%s.permissions.sets[%d].grants[%d].id", at, i, j), CodeUnknownRef, map[string]any{"kind": "roles", "key": g.ID})
						}
					case engine.GrantMember:
						add(fmt.Sprintf("%s.permissions.sets[%d].grants[%d].kind", at, i, j), engine.CodeOption, map[string]any{"value": string(g.Kind)})
					}
				}
			}
		}
	}
	kinds := make([]string, 0, len(p.Parts))
	for k := range p.Parts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		seen := map[string]bool{}
		for i, it := range p.Parts[k] {
			switch {
			case !keyPattern.MatchString(it.Key):
				add(fmt.Sprintf("parts.%s[%d].key", k, i), keyCode(it.Key), map[string]any{"value": it.Key})
			case seen[it.Key]:
				add(fmt.Sprintf("parts.%s.%s.key", k, it.Key), CodeDuplicateKey, map[string]any{"key": it.Key})
			case len(it.Spec) == 0:
				add(fmt.Sprintf("parts.%s.%s.spec", k, it.Key), engine.CodeRequired, nil)
			}
			seen[it.Key] = true
		}
	}
	errs = append(errs, p.validateSample(forms, roles)...)
	for lang, o := range p.I18n {
		if o == nil {
			continue
		}
		for fk := range o.Forms {
			if forms[fk] == nil {
				add("i18n."+lang+".forms."+fk, CodeUnknownRef, map[string]any{"kind": "forms", "key": fk})
			}
		}
		for rk := range o.Roles {
			if !roles[rk] {
				add("i18n."+lang+".roles."+rk, CodeUnknownRef, map[string]any{"kind": "roles", "key": rk})
			}
		}
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Path < errs[j].Path })
		return invalid(errs...)
	}
	return nil
}

func keyCode(k string) string {
	if k == "" {
		return engine.CodeRequired
	}
	return CodeKey
}

// eachRef calls fn for every field (subform rows included) that refers to
// another form.
func eachRef(fields []form.Field, at string, fn func(path string, f *form.Field)) {
	for i := range fields {
		f := &fields[i]
		path := fmt.Sprintf("%sfields[%d]", at, i)
		if f.Form != "" {
			fn(path, f)
		}
		eachRef(f.Fields, path+".", fn)
	}
}

func (p *Package) validateSample(forms map[string]*FormSpec, roles map[string]bool) []field.Error {
	if p.Sample == nil {
		return nil
	}
	var errs []field.Error
	add := func(path, code string, params map[string]any) { errs = append(errs, problem(path, code, params)) }
	members := map[string]bool{}
	for i, m := range p.Sample.Members {
		at := "sample.members." + m.Key
		switch {
		case !keyPattern.MatchString(m.Key):
			add(fmt.Sprintf("sample.members[%d].key", i), keyCode(m.Key), map[string]any{"value": m.Key})
			continue
		case members[m.Key]:
			add(at+".key", CodeDuplicateKey, map[string]any{"key": m.Key})
		}
		members[m.Key] = true
		if strings.TrimSpace(m.Name) == "" {
			add(at+".name", engine.CodeRequired, nil)
		}
		if _, err := engine.NormalizeEmail(m.Email); err != nil {
			add(at+".email", engine.CodeEmail, nil)
		}
		for j, r := range m.Roles {
			if !roles[r] {
				add(fmt.Sprintf("%s.roles[%d]", at, j), CodeUnknownRef, map[string]any{"kind": "roles", "key": r})
			}
		}
	}
	records := map[string]bool{}
	for fk, recs := range p.Sample.Records {
		if forms[fk] == nil {
			add("sample.records."+fk, CodeUnknownRef, map[string]any{"kind": "forms", "key": fk})
			continue
		}
		for i, r := range recs {
			id := fk + "/" + r.Key
			switch {
			case !keyPattern.MatchString(r.Key):
				add(fmt.Sprintf("sample.records.%s[%d].key", fk, i), keyCode(r.Key), map[string]any{"value": r.Key})
			case records[id]:
				add("sample.records."+id+".key", CodeDuplicateKey, map[string]any{"key": r.Key})
			}
			records[id] = true
		}
	}
	for fk, recs := range p.Sample.Records {
		if forms[fk] == nil {
			continue
		}
		for _, r := range recs {
			at := "sample.records." + fk + "/" + r.Key
			if r.Owner != "" && !members[r.Owner] {
				add(at+".owner", CodeUnknownRef, map[string]any{"kind": "members", "key": r.Owner})
			}
			check := func(vals map[string]any, path string) {
				walkSpecial(vals, path, func(p, op, arg string) {
					switch op {
					case "$ref":
						if !records[arg] {
							add(p, CodeUnknownRef, map[string]any{"kind": "records", "key": arg})
						}
					case "$member":
						if arg != "" && !members[arg] && len(members) > 0 {
							add(p, CodeUnknownRef, map[string]any{"kind": "members", "key": arg})
						}
					}
				})
			}
			check(r.Values, at+".values")
			for i, c := range r.Changes {
				check(c.Values, fmt.Sprintf("%s.changes[%d].values", at, i))
			}
		}
	}
	return errs
}
