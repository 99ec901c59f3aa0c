package template

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/formloom/formloom/engine"
	"github.com/formloom/formloom/engine/form"
)

// localized returns p with the overlay of locale applied ("" means the
// workspace's language). The template's own language needs no overlay;
// an overlay for another language replaces labels, never stored values.
func (s *Service) localized(ctx context.Context, a engine.Actor, p *Package, locale string) (*Package, string, error) {
	if locale == "" {
		ws, err := s.e.Workspace(ctx, a.Workspace)
		if err != nil {
			return nil, "", err
		}
		locale = ws.Language
	}
	o := overlayFor(p, locale)
	if o == nil {
		return p, locale, nil
	}
	q := p.clone()
	q.apply(o)
	return q, locale, nil
}

// overlayFor finds the overlay of locale: the exact tag, then its language
// ("en" for "en-US").
func overlayFor(p *Package, locale string) *Overlay {
	if o := p.I18n[locale]; o != nil {
		return o
	}
	lang, _, _ := strings.Cut(strings.ReplaceAll(locale, "_", "-"), "-")
	return p.I18n[strings.ToLower(lang)]
}

// apply replaces p's labels with o's.
func (p *Package) apply(o *Overlay) {
	if o.App != nil {
		if o.App.Name != "" {
			p.Template.App.Name = o.App.Name
		}
		if o.App.Description != "" {
			p.Template.App.Description = o.App.Description
		}
	}
	for i := range p.Forms {
		f := &p.Forms[i]
		fo, ok := o.Forms[f.Key]
		if !ok {
			continue
		}
		if fo.Name != "" {
			f.Name = fo.Name
		}
		if fo.Description != "" {
			f.Description = fo.Description
		}
		relabel(f.Definition.Fields, fo)
	}
	for i := range p.Roles {
		if n := o.Roles[p.Roles[i].Key]; n != "" {
			p.Roles[i].Name = n
		}
	}
	for kind, items := range o.Parts {
		for i := range p.Parts[kind] {
			it := &p.Parts[kind][i]
			props, ok := items[it.Key]
			if !ok {
				continue
			}
			var spec map[string]any
			if json.Unmarshal(it.Spec, &spec) != nil {
				continue
			}
			overlayProps(spec, props)
			if b, err := json.Marshal(spec); err == nil {
				it.Spec = b
			}
		}
	}
}

// overlayProps applies an overlay to an item's properties: a property the
// item has is replaced, except a list of objects with ids (a dashboard's
// charts and filters, a chart's measures) or values (a pipeline's stages,
// by their option value), which an object keyed by id or value translates
// element by element the same way. Properties the item does not have are
// not added.
func overlayProps(item, props map[string]any) {
	for k, v := range props {
		cur, has := item[k]
		if !has {
			continue
		}
		list, isList := cur.([]any)
		byID, isMap := v.(map[string]any)
		if !isList || !isMap {
			item[k] = v
			continue
		}
		for _, el := range list {
			m, ok := el.(map[string]any)
			if !ok {
				continue
			}
			id := elementKey(m)
			if sub, ok := byID[id].(map[string]any); ok && id != "" {
				overlayProps(m, sub)
			}
		}
	}
}

// relabel applies a form overlay to fields (subform fields by their own key).
func relabel(fields []form.Field, fo FormOverlay) {
	for i := range fields {
		f := &fields[i]
		if l := fo.Fields[f.Key]; l != "" {
			f.Label = l
		}
		if opts := fo.Options[f.Key]; len(opts) > 0 {
			for j := range f.Options {
				if l := opts[f.Options[j].Value]; l != "" {
					f.Options[j].Label = l
				}
			}
		}
		relabel(f.Fields, fo)
	}
}

// elementKey is what names an element of a list in an overlay: its "id",
// else its "value" (a stage), else its "key".
func elementKey(m map[string]any) string {
	for _, k := range []string{"id", "value", "key"} {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}
