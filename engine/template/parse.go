package template

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/field"
)

// Error codes of templates (messages in engine/i18n/messages_template.go).
const (
	// CodeFormat: the format version is not one this server reads.
	CodeFormat = "template_format"
	// CodeJSON: a file or the bundle is not valid JSON of the expected shape.
	CodeJSON = "template_json"
	// CodeDuplicateKey: a key is given twice (a JSON object key, a form
	// key, an item key...).
	CodeDuplicateKey = "template_duplicate_key"
	// CodeUnknownRef: a reference to a form, role, member or sample
	// record the template does not declare.
	CodeUnknownRef = "template_unknown_ref"
	// CodeUnknownPart: a part kind no capability of this server registered.
	CodeUnknownPart = "template_unknown_part"
	// CodeKey: a key does not match ^[a-z0-9][a-z0-9_.-]{0,62}$.
	CodeKey = "template_key"
	// CodeConflict: an upgrade conflict the request left unresolved.
	CodeConflict = "template_conflict"
	// CodeSource: a request names both a shipped template and a bundle.
	CodeSource = "template_source"
	// CodeUnknown: a request names a shipped template the server does not have.
	CodeUnknown = "template_unknown"
	// CodeNotInstalled: the app was not installed from a template.
	CodeNotInstalled = "template_not_installed"
)

func problem(path, code string, params map[string]any) field.Error {
	return field.Error{Path: path, Code: code, Params: params}
}

func invalid(errs ...field.Error) error { return &engine.ValidationError{Fields: errs} }

// MaxBundleBytes bounds one bundle (and the files of a directory together).
const MaxBundleBytes = 8 << 20

// ParseBundle reads a bundle: the whole template as one JSON document.
// Decoding is strict (unknown properties and duplicate keys are errors)
// and the references between parts are checked; the workspace is not.
func ParseBundle(data []byte) (*Package, error) {
	if len(data) > MaxBundleBytes {
		return nil, invalid(problem("", engine.CodeTooLarge, map[string]any{"max": MaxBundleBytes}))
	}
	var probe struct {
		Format json.RawMessage `json:"format"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, invalid(jsonProblem("", err))
	}
	var f int
	if len(probe.Format) == 0 || json.Unmarshal(probe.Format, &f) != nil || f != FormatVersion {
		return nil, invalid(problem("format", CodeFormat, map[string]any{"value": string(probe.Format), "supported": FormatVersion}))
	}
	var p Package
	if err := decodeStrict(data, &p, ""); err != nil {
		return nil, err
	}
	p.orderForms()
	if err := p.validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// ParseDir reads a template directory (templates/<key>/ of the format).
func ParseDir(fsys fs.FS) (*Package, error) {
	var p Package
	var errs []field.Error
	read := func(name string, v any) bool {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, problem(name, CodeJSON, map[string]any{"reason": err.Error()}))
			return false
		}
		if err := decodeStrict(b, v, name); err != nil {
			var ve *engine.ValidationError
			if errors.As(err, &ve) {
				errs = append(errs, ve.Fields...)
			}
			return false
		}
		return true
	}
	exists := func(name string) bool { _, err := fs.Stat(fsys, name); return err == nil }
	if !read("template.json", &p.Template) {
		return nil, invalid(errs...)
	}
	if p.Template.Format != FormatVersion {
		return nil, invalid(problem("template.json.format", CodeFormat, map[string]any{"value": p.Template.Format, "supported": FormatVersion}))
	}
	p.Format = FormatVersion
	forms, _ := fs.Glob(fsys, "forms/*.json")
	sort.Strings(forms)
	for _, name := range forms {
		var f FormSpec
		if !read(name, &f) {
			continue
		}
		base := strings.TrimSuffix(path.Base(name), ".json")
		if f.Key == "" {
			f.Key = base
		} else if f.Key != base {
			errs = append(errs, problem(name+".key", CodeKey, map[string]any{"value": f.Key, "file": base}))
		}
		p.Forms = append(p.Forms, f)
	}
	if exists("roles.json") {
		read("roles.json", &p.Roles)
	}
	top, _ := fs.Glob(fsys, "*.json")
	sort.Strings(top)
	for _, name := range top {
		kind := strings.TrimSuffix(name, ".json")
		if kind == "template" || kind == "roles" {
			continue
		}
		var items []engine.TemplateItem
		if read(name, &items) {
			if p.Parts == nil {
				p.Parts = map[string][]engine.TemplateItem{}
			}
			p.Parts[kind] = items
		}
	}
	samples, _ := fs.Glob(fsys, "sample/*.json")
	sort.Strings(samples)
	for _, name := range samples {
		if p.Sample == nil {
			p.Sample = &Sample{}
		}
		base := strings.TrimSuffix(path.Base(name), ".json")
		if base == "members" {
			read(name, &p.Sample.Members)
			continue
		}
		var recs []SampleRecord
		if read(name, &recs) {
			if p.Sample.Records == nil {
				p.Sample.Records = map[string][]SampleRecord{}
			}
			p.Sample.Records[base] = recs
		}
	}
	langs, _ := fs.Glob(fsys, "i18n/*.json")
	sort.Strings(langs)
	for _, name := range langs {
		var o Overlay
		if read(name, &o) {
			if p.I18n == nil {
				p.I18n = map[string]*Overlay{}
			}
			p.I18n[strings.TrimSuffix(path.Base(name), ".json")] = &o
		}
	}
	if len(errs) > 0 {
		return nil, invalid(errs...)
	}
	p.orderForms()
	if err := p.validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// UnmarshalJSON reads an overlay: app, forms and roles strictly, every
// other property as a part kind's item translations.
func (o *Overlay) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for k, v := range raw {
		var err error
		switch k {
		case "app":
			o.App = &AppSpec{}
			err = strictInto(v, o.App)
		case "forms":
			err = strictInto(v, &o.Forms)
		case "roles":
			err = strictInto(v, &o.Roles)
		default:
			var items map[string]map[string]any
			if err = strictInto(v, &items); err == nil {
				if o.Parts == nil {
					o.Parts = map[string]map[string]map[string]any{}
				}
				o.Parts[k] = items
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

func strictInto(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

// decodeStrict decodes b into v refusing unknown properties, duplicate
// object keys and trailing data; at names the file (or "" for a bundle).
func decodeStrict(b []byte, v any, at string) error {
	if dup := duplicateKey(b); dup != "" {
		return invalid(problem(join(at, dup), CodeDuplicateKey, map[string]any{"key": dup}))
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return invalid(jsonProblem(at, err))
	}
	if _, err := d.Token(); err != io.EOF {
		return invalid(problem(at, CodeJSON, map[string]any{"reason": "data after the JSON document"}))
	}
	return nil
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "." + b
}

func jsonProblem(at string, err error) field.Error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return problem(join(at, te.Field), CodeJSON, map[string]any{"reason": "expected " + te.Value + " to be " + te.Type.String()})
	}
	return problem(at, CodeJSON, map[string]any{"reason": err.Error()})
}

// duplicateKey returns the path of the first object key given twice in
// b, or "" (also for invalid JSON, which the decoder reports).
func duplicateKey(b []byte) string {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var walk func(at string) (string, bool)
	walk = func(at string) (string, bool) {
		t, err := d.Token()
		if err != nil {
			return "", false
		}
		switch t {
		case json.Delim('{'):
			seen := map[string]bool{}
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return "", false
				}
				k, _ := kt.(string)
				if seen[k] {
					return join(at, k), true
				}
				seen[k] = true
				if p, stop := walk(join(at, k)); stop {
					return p, true
				}
			}
			_, _ = d.Token()
		case json.Delim('['):
			for i := 0; d.More(); i++ {
				if p, stop := walk(fmt.Sprintf("%s[%d]", at, i)); stop {
					return p, true
				}
			}
			_, _ = d.Token()
		}
		return "", false
	}
	p, _ := walk("")
	return p
}
