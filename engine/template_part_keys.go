package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/formloom/formloom/engine/field"
	"github.com/formloom/formloom/engine/form"
)

// Codes of template part problems (texts in engine/i18n/messages_template_part.go).
const (
	// CodeTemplateRef: an item refers to a form, role or other item
	// (params kind, value) the template neither declares nor installed.
	CodeTemplateRef = "template_ref"
	// CodeTemplateSpec: an item's spec is not the part's JSON (param reason).
	CodeTemplateSpec = "template_spec"
	// CodeTemplateDuplicate: two items of a part share a key (param value).
	CodeTemplateDuplicate = "template_duplicate"
	// CodeTemplateSecret: an item carries what looks like a secret (param name).
	CodeTemplateSecret = "template_secret"
)

// SetDefinition records the design of the template's form key, so a part's
// Check can validate items against a form that is not installed yet. The
// installer calls it for every form of the package before the parts' Check.
func (r *TemplateRefs) SetDefinition(formKey string, def form.Definition) {
	r.mu.Lock()
	if r.defs == nil {
		r.defs = map[string]form.Definition{}
	}
	r.defs[formKey] = def
	r.declare("forms", formKey)
	r.mu.Unlock()
}

// Definition returns the design SetDefinition recorded for formKey.
func (r *TemplateRefs) Definition(formKey string) (form.Definition, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	d, ok := r.defs[formKey]
	return d, ok
}

// TemplateFormVersion returns what a part checks an item against for the
// template's form key: the installed form's current version, else the
// version compiled from its recorded design (SetDefinition). It returns
// nil and no error for a form the template declares without a design (the
// item's field references are then checked when it is installed), and
// ErrNotFound for a key the template does not have.
func (e *Engine) TemplateFormVersion(ctx context.Context, refs *TemplateRefs, formKey string) (*Version, error) {
	if id, ok := refs.ID("forms", formKey); ok {
		return e.VersionOf(ctx, refs.Workspace, id)
	}
	if def, ok := refs.Definition(formKey); ok {
		def.Extensions = nil
		v, err := Compile(def, nil)
		if err != nil {
			return nil, nil // the form's own problems are the form's to report
		}
		v.Form = "key:" + formKey
		return v, nil
	}
	if refs.Known("forms", formKey) {
		return nil, nil
	}
	return nil, fmt.Errorf("%w: form %q", ErrNotFound, formKey)
}

// TemplateRefError is the problem of an item that refers to the key of
// kind the template does not have, at path.
func TemplateRefError(path, kind, key string) field.Error {
	return field.Error{Path: path, Code: CodeTemplateRef, Params: map[string]any{"kind": kind, "value": key}}
}

// TemplateItemErrors prefixes the field paths of a validation error with an
// item's key ("<key>.<path>"); another error is returned as it is.
func TemplateItemErrors(key string, err error) ([]field.Error, error) {
	if err == nil {
		return nil, nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return nil, err
	}
	out := make([]field.Error, len(ve.Fields))
	for i, f := range ve.Fields {
		f.Path = joinPath(key, f.Path)
		out[i] = f
	}
	return out, nil
}

// TemplateItemError is err with the field paths of a validation error
// prefixed by an item's key, as one *ValidationError; another error is
// returned as it is, and nil stays nil.
func TemplateItemError(key string, err error) error {
	fe, other := TemplateItemErrors(key, err)
	if other != nil || fe == nil {
		return other
	}
	return &ValidationError{Fields: fe}
}

// PrefixTemplateErrors prefixes paths of field errors with an item's key.
func PrefixTemplateErrors(key string, errs []field.Error) []field.Error {
	out := make([]field.Error, len(errs))
	for i, f := range errs {
		f.Path = joinPath(key, f.Path)
		out[i] = f
	}
	return out
}

func joinPath(key, p string) string {
	switch {
	case p == "":
		return key
	case strings.HasPrefix(p, "["):
		return key + p
	}
	return key + "." + p
}

// DecodeTemplateSpec reads an item's spec into v, refusing unknown keys, so
// a typo in a template is an error and not a silently dropped setting.
func DecodeTemplateSpec(item TemplateItem, v any) *field.Error {
	dec := json.NewDecoder(bytes.NewReader(item.Spec))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &field.Error{Path: item.Key, Code: CodeTemplateSpec, Params: map[string]any{"reason": err.Error()}}
	}
	return nil
}

// TemplateItemsValid checks the keys of a part's items: each matches
// ^[a-z][a-z0-9_.-]{0,62}$ and none repeats.
func TemplateItemsValid(items []TemplateItem) []field.Error {
	var errs []field.Error
	seen := map[string]bool{}
	for i, it := range items {
		if !validTemplateKey(it.Key) {
			errs = append(errs, field.Error{Path: fmt.Sprintf("[%d].key", i), Code: CodeOption, Params: map[string]any{"value": it.Key}})
			continue
		}
		if seen[it.Key] {
			errs = append(errs, field.Error{Path: it.Key, Code: CodeTemplateDuplicate, Params: map[string]any{"value": it.Key}})
		}
		seen[it.Key] = true
	}
	return errs
}

func validTemplateKey(k string) bool {
	if k == "" || len(k) > 63 || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// TemplateKey returns a stable key for an exported item that has none: the
// ASCII letters and digits of its name in lower case joined by "_", or,
// for a name without them (a Chinese name), prefix and a hash of the name;
// a key already in taken gets "_2", "_3"… It adds the key to taken.
func TemplateKey(prefix, name string, taken map[string]bool) string {
	var b strings.Builder
	sep := false
	for _, c := range strings.ToLower(name) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(c)
		default:
			sep = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	k := b.String()
	if k == "" || k[0] < 'a' || k[0] > 'z' {
		h := fnv.New32a()
		h.Write([]byte(name))
		if k == "" {
			k = fmt.Sprintf("%s_%08x", prefix, h.Sum32())
		} else {
			k = prefix + "_" + k
		}
	}
	base := k
	for n := 2; taken[k]; n++ {
		k = fmt.Sprintf("%s_%d", base, n)
	}
	taken[k] = true
	return k
}

// TemplateFormKeys returns the template key of each of forms (an app's,
// in its order) by id: the key refs hold, else a new stable one from the
// form's name. Every part that exports computes the same keys.
func TemplateFormKeys(refs *TemplateRefs, forms []Form) map[string]string {
	taken := map[string]bool{}
	for k := range refs.Keys("forms") {
		taken[k] = true
	}
	out := make(map[string]string, len(forms))
	for _, f := range forms {
		if k, ok := refs.Key("forms", f.ID); ok {
			out[f.ID] = k
		}
	}
	for _, f := range forms {
		if _, ok := out[f.ID]; !ok {
			out[f.ID] = TemplateKey("form", f.Name, taken)
		}
	}
	return out
}
