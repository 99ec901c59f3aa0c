package template

import (
	"encoding/json"
	"maps"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

// A part that declares an Extension (engine.TemplatePart.Extension) is the
// only home of that form design setting in a template: one item per form,
// keyed by the form's key. The stage pipeline is one (the "stages" part,
// form.Definition.Extensions["stages"]). So that a template says it once:
//
//   - Export leaves owned extensions out of the forms' designs (the part
//     exports them);
//   - a template (or an older export) whose form design carries one has it
//     moved into the part: an item of that form's key is added when the
//     part has none, and the form design's copy is dropped either way (the
//     part's item wins);
//   - publishing a form's merged design in an upgrade keeps the form's
//     published value of an owned extension; the part publishes its own.

// owned returns extension name -> part kind of the registered parts that
// own a form design extension.
func (s *Service) owned() map[string]string {
	out := map[string]string{}
	for _, part := range s.e.TemplateParts().All() {
		if part.Extension != "" {
			out[part.Extension] = part.Kind
		}
	}
	return out
}

// own moves owned extensions out of p's form designs into their parts (p
// is changed: callers pass a copy). It reports whether anything moved.
func (s *Service) own(p *Package) bool {
	ext := s.owned()
	if len(ext) == 0 {
		return false
	}
	moved := false
	for i := range p.Forms {
		def := &p.Forms[i].Definition
		for name, kind := range ext {
			raw, ok := def.Extensions[name]
			if !ok {
				continue
			}
			moved = true
			exts := maps.Clone(def.Extensions)
			delete(exts, name)
			if len(exts) == 0 {
				exts = nil
			}
			def.Extensions = exts
			if isNull(raw) || hasItem(p, kind, p.Forms[i].Key) {
				continue
			}
			if p.Parts == nil {
				p.Parts = map[string][]engine.TemplateItem{}
			}
			p.Parts[kind] = append(p.Parts[kind], engine.TemplateItem{Key: p.Forms[i].Key, Spec: append(json.RawMessage(nil), raw...)})
		}
	}
	return moved
}

func hasItem(p *Package, kind, key string) bool {
	for _, it := range p.Parts[kind] {
		if it.Key == key {
			return true
		}
	}
	return false
}

// withoutOwned returns def without the owned extensions (a copy when it
// had any).
func withoutOwned(def form.Definition, ext map[string]string) form.Definition {
	if len(def.Extensions) == 0 {
		return def
	}
	var exts map[string]json.RawMessage
	for k, v := range def.Extensions {
		if _, ok := ext[k]; ok {
			continue
		}
		if exts == nil {
			exts = map[string]json.RawMessage{}
		}
		exts[k] = v
	}
	def.Extensions = exts
	return def
}

// keepOwned returns def with the owned extensions of from (the form's
// published design) instead of its own.
func keepOwned(def, from form.Definition, ext map[string]string) form.Definition {
	def = withoutOwned(def, ext)
	for k := range ext {
		if v, ok := from.Extensions[k]; ok {
			if def.Extensions == nil {
				def.Extensions = map[string]json.RawMessage{}
			} else if len(def.Extensions) > 0 {
				def.Extensions = maps.Clone(def.Extensions)
			}
			def.Extensions[k] = v
		}
	}
	return def
}

// owning returns p when no form design of it carries an owned extension,
// else a copy with them moved into their parts (own).
func (s *Service) owning(p *Package) *Package {
	ext := s.owned()
	for _, f := range p.Forms {
		for name := range ext {
			if _, ok := f.Definition.Extensions[name]; ok {
				q := p.clone()
				s.own(q)
				return q
			}
		}
	}
	return p
}
